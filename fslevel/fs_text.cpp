#include "fslevel/fs_text.h"

#include "model/overloaded.h"

#include <charconv>
#include <optional>
#include <fmt/format.h>

namespace daxcheck::fslevel {
namespace {

char letter(FileId f) { return model::file_letter(f); }

std::vector<std::string_view> words_of(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) i++;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') j++;
        if (j > i) out.push_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

// Reads the words of one operation in order, remembering the first error.
class Reader {
public:
    Reader(const std::vector<std::string_view>& w) : w_(w) {}

    FileId file(const char* what) {
        auto t = next(what);
        if (error_) return 0;
        if (t.size() == 1 && t[0] >= 'A' && t[0] < 'A' + int(model::kMaxFiles)) return FileId(t[0] - 'A');
        fail(fmt::format("{} must be a file letter A..Z, not '{}'", what, t));
        return 0;
    }
    std::uint64_t number(const char* what) {
        auto t = next(what);
        if (error_) return 0;
        std::uint64_t n = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
        if (ec == std::errc::result_out_of_range) fail(fmt::format("{} {} is too large", what, t));
        else if (ec != std::errc() || end != t.data() + t.size())
            fail(fmt::format("{} must be a decimal number, not '{}'", what, t));
        return n;
    }
    std::uint64_t optional_number(const char* what, std::uint64_t otherwise) {
        return at_ < w_.size() ? number(what) : otherwise;
    }
    bool optional_word(std::string_view word) {
        if (at_ < w_.size() && w_[at_] == word) {
            at_++;
            return true;
        }
        return false;
    }
    std::variant<Op, ParseError> finish(Op op) {
        if (!error_ && at_ < w_.size())
            fail(fmt::format("unexpected word '{}' after {}", w_[at_], w_[0]));
        if (error_) return ParseError{*error_};
        return op;
    }

private:
    std::string_view next(const char* what) {
        if (error_) return {};
        if (at_ >= w_.size()) {
            fail(fmt::format("{} needs its {}", w_[0], what));
            return {};
        }
        return w_[at_++];
    }
    void fail(std::string m) {
        if (!error_) error_ = std::move(m);
    }
    const std::vector<std::string_view>& w_;
    std::size_t at_ = 1;
    std::optional<std::string> error_;
};

}  // namespace

std::string to_text(const Op& op) {
    return std::visit(
        overloaded{
            [](const Write& o) { return fmt::format("write {} {} {}", letter(o.file), o.offset, o.len); },
            [](const Reflink& o) {
                return fmt::format("reflink {} {} {} {} {}", letter(o.src), o.src_offset,
                                   letter(o.dst), o.dst_offset, o.len);
            },
            [](const ReadFault& o) {
                return fmt::format("read-fault {} {}{}", letter(o.file), o.offset, o.pmd ? " pmd" : "");
            },
            [](const WriteFault& o) {
                return fmt::format("write-fault {} {}{}", letter(o.file), o.offset, o.pmd ? " pmd" : "");
            },
            [](const TruncateFile& o) { return fmt::format("truncate {} {}", letter(o.file), o.size); },
            [](const Punch& o) { return fmt::format("punch {} {} {}", letter(o.file), o.offset, o.len); },
            [](const Unshare& o) { return fmt::format("unshare {} {} {}", letter(o.file), o.offset, o.len); },
            [](const Invalidate& o) {
                return fmt::format("invalidate {} {} {}", letter(o.file), o.offset, o.len);
            },
            [](const PinPage& o) { return fmt::format("pin {} {}", letter(o.file), o.offset); },
            [](const UnpinPage& o) { return fmt::format("unpin {} {}", letter(o.file), o.offset); },
        },
        op);
}

std::variant<Op, ParseError> parse_op(std::string_view line) {
    const auto w = words_of(line);
    if (w.empty()) return ParseError{"empty operation"};
    Reader r(w);
    const std::string_view name = w[0];
    if (name == "write") {
        Write o;
        o.file = r.file("file");
        o.offset = r.number("offset");
        o.len = r.optional_number("length", 1);
        return r.finish(o);
    }
    if (name == "reflink") {
        Reflink o;
        o.src = r.file("source file");
        o.src_offset = r.number("source offset");
        o.dst = r.file("destination file");
        o.dst_offset = r.number("destination offset");
        o.len = r.number("length");
        return r.finish(o);
    }
    if (name == "read-fault" || name == "write-fault") {
        const FileId f = r.file("file");
        const PageOffset o = r.number("offset");
        const bool pmd = r.optional_word("pmd");
        if (name == "read-fault") return r.finish(ReadFault{f, o, pmd});
        return r.finish(WriteFault{f, o, pmd});
    }
    if (name == "truncate") {
        TruncateFile o;
        o.file = r.file("file");
        o.size = r.number("size");
        return r.finish(o);
    }
    if (name == "punch" || name == "unshare" || name == "invalidate") {
        const FileId f = r.file("file");
        const PageOffset o = r.number("offset");
        const std::uint64_t len = r.number("length");
        if (name == "punch") return r.finish(Punch{f, o, len});
        if (name == "unshare") return r.finish(Unshare{f, o, len});
        return r.finish(Invalidate{f, o, len});
    }
    if (name == "pin" || name == "unpin") {
        const FileId f = r.file("file");
        const PageOffset o = r.number("offset");
        if (name == "pin") return r.finish(PinPage{f, o});
        return r.finish(UnpinPage{f, o});
    }
    std::string names;
    for (const auto& n : op_names()) names += (names.empty() ? "" : ", ") + n;
    return ParseError{fmt::format("unknown filesystem operation '{}' (known: {})", name, names)};
}

std::vector<std::string> op_names() {
    return {"write", "reflink", "read-fault", "write-fault", "truncate", "punch",
            "unshare", "invalidate", "pin", "unpin"};
}

}  // namespace daxcheck::fslevel
