#include "engines/corpus_file.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <cstring>
#include <map>

#include "fslevel/fs_model.h"
#include "fslevel/fs_text.h"
#include "harness/op_text.h"
#include "harness/printable.h"
#include "impl/variant.h"
#include "model/state.h"

namespace daxcheck {
namespace {

namespace m = model;

const char* const kHeaderKeys[] = {"universe", "level", "property", "profile", "shows", "past", "expect",
                                   "kernel", "race", "schedule", "port"};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string_view strip_comment(std::string_view s) {
    auto hash = s.find('#');
    return hash == std::string_view::npos ? s : s.substr(0, hash);
}

std::vector<std::string_view> words_of(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) i++;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t') j++;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

// Length of the valid UTF-8 sequence starting at s[i], 0 if invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) n = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) n = 3;
    else if (c == 0xED) n = 3, hi = 0x9F;  // no surrogates
    else if (c >= 0xEE && c <= 0xEF) n = 3;
    else if (c == 0xF0) n = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) n = 4, hi = 0x8F;
    else return 0;
    if (i + n > s.size()) return 0;
    if (b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; k++)
        if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
    return n;
}

// What makes this line not text, if anything (NUL, control bytes, bad UTF-8).
std::optional<std::string> binary_problem(std::string_view line) {
    for (std::size_t i = 0; i < line.size();) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c == 0) return fmt::format("NUL byte at column {}: a binary file, not a corpus file", i + 1);
        if (c < 0x20 && c != '\t')
            return fmt::format("control byte 0x{:02x} at column {}: not a text file", c, i + 1);
        if (c == 0x7f) return fmt::format("control byte 0x7f at column {}: not a text file", i + 1);
        const std::size_t n = utf8_length(line, i);
        if (n == 0) return fmt::format("invalid UTF-8 byte 0x{:02x} at column {}", c, i + 1);
        i += n;
    }
    return std::nullopt;
}

std::optional<std::string> parse_number(std::string_view key, std::string_view text,
                                        std::uint64_t lo, std::uint64_t hi, std::uint64_t& out) {
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && end == text.data() + text.size() &&
                                                 (n < lo || n > hi)))
        return fmt::format("{} {} is out of range ({}..{})", key, text, lo, hi);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return fmt::format("{} must be a decimal number, not '{}'", key, text);
    out = n;
    return std::nullopt;
}

std::string known_variants() {
    std::string out;
    for (const auto& v : variants()) out += (out.empty() ? "" : ", ") + v.name;
    return out;
}
// Whether the variant came from the out-of-tree port a `port:` line names:
// the same file, or one of the same name (a file saved on another machine
// names that machine's path).
bool from_port(const Variant& v, const std::string& port) {
    namespace stdfs = std::filesystem;
    if (v.port_file.empty()) return false;
    std::error_code ec;
    return v.port_file == port || stdfs::equivalent(v.port_file, port, ec) ||
           stdfs::path(v.port_file).filename() == stdfs::path(port).filename();
}
// Whether that port is compiled into this binary.
bool port_loaded(const std::string& port) {
    return std::any_of(variants().begin(), variants().end(),
                       [&](const Variant& v) { return from_port(v, port); });
}
// The variants of `ports` in this binary.
std::string variants_of(const std::vector<std::string>& ports) {
    std::string out;
    for (const auto& v : variants())
        if (std::any_of(ports.begin(), ports.end(), [&](const std::string& p) { return from_port(v, p); }))
            out += (out.empty() ? "" : ", ") + v.name;
    return out;
}
std::string known_properties() {
    std::string out;
    for (const auto& p : all_properties()) out += (out.empty() ? "" : ", ") + p.name;
    return out;
}

class Parser {
public:
    Parser(std::string_view path, CorpusFile& file) : path_(path), file_(file) {}

    std::vector<CorpusError> errors;

    bool full() const { return errors.size() >= kCorpusMaxErrors; }
    void error(int line, std::string message) {
        if (full()) return;
        errors.push_back({std::string(path_), line, std::move(message)});
        if (full())
            errors.push_back({std::string(path_), line, "too many errors, stopping"});
    }

    void header(int line, std::string_view key, std::string_view value) {
        if (ops_started_line_) {
            error(line, fmt::format("header '{}:' after the first operation (line {}): the header "
                                    "comes first",
                                    key, ops_started_line_));
            return;
        }
        if (key != "expect" && key != "kernel" && key != "port" && key != "past" && seen_.count(std::string(key))) {
            error(line, fmt::format("duplicate '{}:' header (first on line {})", key,
                                    seen_[std::string(key)]));
            return;
        }
        seen_.emplace(std::string(key), line);
        if (key == "universe") return universe(line, value);
        if (key == "past") {  // a class's text may hold '#' and ':'
            if (trim(value).empty()) return error(line, "'past:' takes a failure class, as run --level fs prints it");
            file_.past.emplace_back(trim(value));
            past_lines_.push_back(line);
            return;
        }
        if (key == "shows") {
            file_.shows = std::string(trim(value));
            if (file_.shows.empty()) error(line, "'shows:' needs a sentence saying what the file shows");
            return;
        }
        value = trim(strip_comment(value));
        if (key == "property") {
            const auto w = words_of(value);
            if (w.size() != 1) return error(line, "'property:' takes one property name");
            if (w[0] == "race") {  // a `race:` file (CorpusRace)
                file_.property = "race";
                return;
            }
            if (!find_property(std::string(w[0])))
                return error(line, fmt::format("unknown property '{}' (known: {})", w[0],
                                               known_properties()));
            file_.property = std::string(w[0]);
        } else if (key == "profile") {
            const auto w = words_of(value);
            auto p = w.size() == 1 ? parse_profile(std::string(w[0])) : std::nullopt;
            if (!p)
                return error(line, fmt::format("unknown profile '{}' (known: exclusive, reflink)", value));
            file_.profile = p;
        } else if (key == "expect") {
            expect(line, value);
        } else if (key == "level") {
            if (value == "fs") file_.fs_level = true;
            else if (value != "function")
                return error(line, fmt::format("unknown level '{}' (known: function, fs)", value));
        } else if (key == "kernel") {
            kernel(line, value);
        } else if (key == "port") {
            if (value.empty()) return error(line, "'port:' takes the path of an out-of-tree port file");
            file_.ports.emplace_back(value);
        }
    }

    void kernel(int line, std::string_view value) {
        const auto w = words_of(value);
        CorpusKernelExpect k;
        k.line = line;
        if (w.size() == 2 && w[1] == "clean") {
            k.kernel = std::string(w[0]);
            k.clean = true;
        } else if (w.size() >= 3 && (w[1] == "warns" || w[1] == "bugs")) {
            k.kernel = std::string(w[0]);
            k.bugs = w[1] == "bugs";
            for (std::size_t i = 2; i < w.size(); i++) k.warns.emplace_back(w[i]);
        } else {
            return error(line, fmt::format("'kernel:' takes KERNEL clean, KERNEL warns FUNCTION... or "
                                           "KERNEL bugs FUNCTION..., not '{}'", value));
        }
        // One observation per kernel, as one expectation per variant.
        for (const auto& other : file_.kernel)
            if (other.kernel == k.kernel)
                return error(line, fmt::format("kernel {} observed twice (also on line {}): keep one "
                                               "'kernel:' line per kernel", printable(k.kernel), other.line));
        file_.kernel.push_back(std::move(k));
    }

    // `race: OP || OP` and `schedule: ...`, after the operations.
    void race(int line, std::string_view key, std::string_view value) {
        value = trim(strip_comment(value));
        if (key == "schedule") {
            // After a bad 'race:' line (its error said) a schedule has nothing to name.
            if (!file_.race) return race_line_ ? void() : error(line, "'schedule:' before its 'race:' line");
            if (schedule_line_) return error(line, "a second 'schedule:' line");
            schedule_line_ = line;
            file_.race->schedule_line = line;
            for (auto w : words_of(value)) {
                int side = -1;
                for (int s = 0; s < 2; s++)
                    if (w.size() == 1 && w[0] == m::file_letter(file_.race->files[s])) side = s;
                if (side < 0)
                    return error(line, fmt::format("'schedule:' names the file of each step ({} or {}), "
                                                   "not '{}'",
                                                   m::file_letter(file_.race->files[0]),
                                                   m::file_letter(file_.race->files[1]), printable(w)));
                file_.race->schedule.push_back(side);
            }
            if (file_.race->schedule.empty()) return error(line, "'schedule:' names no step");
            return;
        }
        if (file_.race) return error(line, fmt::format("a second 'race:' line (first on line {})", file_.race->line));
        if (!race_line_) race_line_ = line;
        const auto bar = value.find("||");
        if (bar == std::string_view::npos)
            return error(line, "'race:' takes two operations separated by '||'");
        CorpusRace r;
        r.line = line;
        for (int s = 0; s < 2; s++) {
            const std::string_view text = trim(s == 0 ? value.substr(0, bar) : value.substr(bar + 2));
            if (file_.fs_level) {
                auto parsed = fslevel::parse_op(text);
                if (auto* e = std::get_if<fslevel::ParseError>(&parsed)) return error(line, e->message);
                r.files[s] = std::visit([](const auto& o) -> m::FileId {
                    if constexpr (requires { o.file; }) return o.file;
                    else return o.dst;
                }, std::get<fslevel::Op>(parsed));
                r.sides[s] = fslevel::to_text(std::get<fslevel::Op>(parsed));
                const fslevel::Op& fs_op = std::get<fslevel::Op>(parsed);
                if (file_.profile == Profile::Exclusive &&
                    (std::holds_alternative<fslevel::Reflink>(fs_op) || std::holds_alternative<fslevel::Unshare>(fs_op)))
                    return error(line, "reflink and unshare share blocks: not in a file whose profile is exclusive");
                // At its line (not at the schedule's, nor per variant at replay).
                if (auto range = fslevel::range_problem(file_.universe, std::get<fslevel::Op>(parsed)))
                    return error(line, fmt::format("'{}': {}", printable(text), *range));
            } else {
                auto parsed = parse_op(text);
                if (auto* e = std::get_if<OpParseError>(&parsed)) return error(line, e->message);
                const m::Op& op = std::get<m::Op>(parsed);
                const auto* a = std::get_if<m::Associate>(&op);
                const auto* d = std::get_if<m::Disassociate>(&op);
                const auto* t = std::get_if<m::Truncate>(&op);
                if (!a && !d && !t)
                    return error(line, "a 'race:' operation is an associate, disassociate or truncate");
                if (a && a->shared && file_.profile == Profile::Exclusive)
                    return error(line, "shared=1 in a file whose profile is exclusive");
                if (auto range = out_of_range(file_.universe, op))
                    return error(line, fmt::format("'{}': {}", printable(text), *range));
                r.files[s] = a ? a->file : d ? d->file : t->file;
                r.sides[s] = to_text(op);
            }
        }
        if (r.files[0] == r.files[1])
            return error(line, "the two 'race:' operations are of one file, which the kernel "
                               "serialises: name two different files");
        file_.race = std::move(r);
    }

    void operation(int line, std::string_view text) {
        if (file_.race) return error(line, "an operation after the 'race:' line");
        if (!ops_started_line_) ops_started_line_ = line;
        if (++op_lines_ > kCorpusMaxOperations) {
            if (!too_many_ops_)
                error(line, fmt::format("more than {} operations (the cap)", kCorpusMaxOperations));
            too_many_ops_ = true;
            return;
        }
        if (file_.fs_level) {
            auto parsed = fslevel::parse_op(strip_comment(text));
            if (auto* e = std::get_if<fslevel::ParseError>(&parsed)) return error(line, e->message);
            file_.fs_ops.push_back({std::get<fslevel::Op>(parsed), line});
            return;
        }
        auto parsed = parse_op(strip_comment(text));
        if (auto* e = std::get_if<OpParseError>(&parsed)) return error(line, e->message);
        file_.ops.push_back({std::get<m::Op>(parsed), line});
    }

    // After all lines: required header keys, then legality of the operations.
    void finish(int last_line) {
        // Each error once: none of these follows from a line already reported
        // (a bad operation or 'race:' line still counts as there).
        if (seen_.empty() && op_lines_ == 0 && !race_line_ && errors.empty())
            return error(1, "empty file: no header and no operations");
        if (seen_.empty()) {
            error(1, "no header: a corpus file starts with 'universe:', 'property:', 'shows:' and "
                     "'expect:' lines");
        } else {
            for (const char* key : {"universe", "property", "shows"})
                if (!seen_.count(key)) error(1, fmt::format("missing header '{}:'", key));
            if (!seen_.count("expect"))
                error(1, "missing header 'expect:' (one 'expect: VARIANT pass|fail' per variant)");
        }
        if (op_lines_ == 0 && !race_line_) error(last_line, "no operations");
        if (!file_.past.empty() && !file_.fs_level)
            error(seen_["past"], "'past:' goes with 'level: fs' (failure classes a filesystem-level replay passes over)");
        // A class names its property first ("refinement: ..."): one of
        // another property would never match, and the replay pass nothing over.
        else if (seen_.count("property"))
            for (std::size_t i = 0; i < file_.past.size(); i++)
                if (file_.past[i].rfind(file_.property + ": ", 0) != 0)
                    error(past_lines_[i], fmt::format("'past:' names a class of another property: a class of "
                                                      "this file's reads '{}: ...', as run --level fs prints it",
                                                      file_.property));
        if (file_.property == "race" && !race_line_)
            error(last_line, "'property: race' needs a 'race: OP || OP' line after the operations");
        if (file_.race && file_.property != "race")
            error(file_.race->line, "a 'race:' line needs 'property: race'");
        if (file_.race && !schedule_line_)
            error(file_.race->line, "a 'race:' line needs a 'schedule:' line after it");
        // A variant this binary lacks is an out-of-tree port's only when the
        // file names the port (`port: FILE`) and that port is not loaded
        // here (replay skips it); else it is a typo.
        if (file_.ports.empty()) {
            for (const auto& [name, line] : unregistered_)
                error(line, fmt::format("unknown variant '{}' (known: {}; a variant of an "
                                        "out-of-tree port needs a 'port: FILE' header)",
                                        name, known_variants()));
        } else if (std::all_of(file_.ports.begin(), file_.ports.end(), port_loaded)) {
            for (const auto& [name, line] : unregistered_)
                error(line, fmt::format("unknown variant '{}': the port{} this file names {} loaded "
                                        "and no variant of {} has that name (the ports' variants: {})",
                                        name, file_.ports.size() == 1 ? "" : "s",
                                        file_.ports.size() == 1 ? "is" : "are",
                                        file_.ports.size() == 1 ? "it" : "them", variants_of(file_.ports)));
        }
        if (!errors.empty()) return;
        check_legality();
    }

private:

    void universe(int line, std::string_view value) {
        std::map<std::string, std::uint64_t> got;
        struct Key {
            const char* name;
            std::uint64_t lo, hi;
        };
        static const Key keys[] = {{"files", 1, m::kMaxFiles},
                                   {"pfns", 1, kCorpusMaxPfns},
                                   {"offsets", 1, kCorpusMaxPfns},
                                   {"pmd-order", 1, m::kMaxPmdOrder},
                                   {"max-pins", 0, 1000}};
        for (auto word : words_of(strip_comment(value))) {
            auto eq = word.find('=');
            if (eq == std::string_view::npos)
                return error(line, fmt::format("universe wants key=value words, not '{}'", word));
            const std::string key(word.substr(0, eq));
            const Key* k = nullptr;
            for (const auto& candidate : keys)
                if (key == candidate.name) k = &candidate;
            if (!k)
                return error(line, fmt::format("unknown universe key '{}' (known: files, pfns, offsets, "
                                               "pmd-order, max-pins)",
                                               key));
            if (got.count(key)) return error(line, fmt::format("universe key '{}' given twice", key));
            std::uint64_t n = 0;
            if (auto e = parse_number(key, word.substr(eq + 1), k->lo, k->hi, n)) return error(line, *e);
            got[key] = n;
        }
        // As on the command line: the PMD order sets the defaults of the rest.
        m::Universe u = m::Universe::with_pmd_order(
            got.count("pmd-order") ? static_cast<unsigned>(got["pmd-order"]) : 1u);
        if (got.count("files")) u.files = static_cast<unsigned>(got["files"]);
        if (got.count("pfns")) u.pfns = got["pfns"];
        if (got.count("offsets")) u.offsets = got["offsets"];
        if (got.count("max-pins")) u.max_pins = static_cast<unsigned>(got["max-pins"]);
        if (u.pfns > kCorpusMaxPfns || u.offsets > kCorpusMaxPfns)
            return error(line, fmt::format("pmd-order {} needs more than {} pfns or offsets; give "
                                           "pfns= and offsets=",
                                           u.pmd_order, kCorpusMaxPfns));
        if (auto problem = m::universe_problem(u); !problem.empty())
            return error(line, "bad universe: " + problem);
        file_.universe = u;
    }

    // `expect: VARIANT pass|fail`; the verdict is the last word, so a variant
    // name with spaces (an out-of-tree port's) reads back as it was written.
    void expect(int line, std::string_view value) {
        const auto w = words_of(value);
        if (w.size() < 2 || (w.back() != "pass" && w.back() != "fail"))
            return error(line, fmt::format("'expect:' takes a variant and pass or fail, not '{}'",
                                           printable(value)));
        const std::string variant(trim(value.substr(0, value.size() - w.back().size())));
        const bool pass = w.back() == "pass";
        const bool registered = find_variant(variant) != nullptr;
        if (!registered) unregistered_.push_back({variant, line});
        for (const auto& e : file_.expect) {
            if (e.variant != variant) continue;
            if (e.pass != pass)
                return error(line, fmt::format("contradictory: {} expected {} here but {} on line {}",
                                               variant, w.back(), e.pass ? "pass" : "fail", e.line));
            return error(line, fmt::format("{} expected twice (also on line {})", variant, e.line));
        }
        file_.expect.push_back({variant, pass, line, registered});
    }

    // Range first (clearer than the model's wording), then the model's
    // precondition, walking the model state as replay will.
    void check_legality() {
        if (!file_.fs_level && !file_.kernel.empty())
            return error(file_.kernel.front().line,
                         "'kernel:' goes with 'level: fs' (a running kernel runs filesystem operations)");
        if (file_.fs_level) return check_fs_legality();
        const Property* property = find_property(file_.property);
        const m::Universe& u = file_.universe;
        m::ModelState state = m::initial_state(u);
        for (const auto& [op, line] : file_.ops) {
            if (auto range = out_of_range(u, op)) {
                error(line, *range);
                return;
            }
            if (file_.profile == Profile::Exclusive)
                if (auto* a = std::get_if<m::Associate>(&op); a && a->shared) {
                    error(line, "shared=1 in a file whose profile is exclusive");
                    return;
                }
            if (!m::is_legal(state, op)) {
                const bool misuse = property && property->with_misuse;
                if (!misuse) {
                    error(line, "operation is illegal in the model: " + *m::illegal_reason(state, op));
                    return;
                }
                if (auto why = m::unchecked_misuse_reason(state, op)) {
                    error(line, fmt::format("not a misuse property {} checks: {}", file_.property, *why));
                    return;
                }
            }
            state = m::apply(std::move(state), op);
        }
    }

    // Each filesystem operation must be one a correct filesystem performs.
    void check_fs_legality() {
        const Property* property = find_property(file_.property);
        if (property && property->with_misuse) {
            error(seen_["property"], fmt::format("property {} has no filesystem level (its misuse "
                                                 "operations are function-level calls)",
                                                 file_.property));
            return;
        }
        fslevel::FsState state = fslevel::initial_state(file_.universe);
        std::vector<fslevel::Action> actions;  // apply's plan, not needed here
        for (const auto& [op, line] : file_.fs_ops) {
            if (file_.profile == Profile::Exclusive &&
                (std::holds_alternative<fslevel::Reflink>(op) || std::holds_alternative<fslevel::Unshare>(op))) {
                error(line, "reflink and unshare share blocks: not in a file whose profile is exclusive");
                return;
            }
            if (auto why = fslevel::illegal_reason(state, op)) {
                error(line, "not a legal filesystem operation: " + *why);
                return;
            }
            fslevel::apply(state, op, actions);  // in place: plan() copies the whole state
        }
    }

    static std::optional<std::string> out_of_range(const m::Universe& u, const m::Op& op) {
        auto file = [&](m::FileId f) -> std::optional<std::string> {
            if (f < u.files) return std::nullopt;
            return fmt::format("file {} is out of range (universe files={}: A..{})", m::file_letter(f),
                               u.files, m::file_letter(static_cast<m::FileId>(u.files - 1)));
        };
        auto number = [&](const char* what, std::uint64_t n, std::uint64_t limit,
                          const char* key) -> std::optional<std::string> {
            if (n < limit) return std::nullopt;
            return fmt::format("{} {} is out of range (universe {}={})", what, n, key, limit);
        };
        auto order = [&](m::Order o) -> std::optional<std::string> {
            if (u.valid_order(o)) return std::nullopt;
            return fmt::format("order {} is out of range (0 or the universe's pmd-order {})", o,
                               u.pmd_order);
        };
        auto first = [](std::initializer_list<std::optional<std::string>> l) {
            for (const auto& x : l)
                if (x) return x;
            return std::optional<std::string>{};
        };
        return std::visit(
            [&](const auto& o) -> std::optional<std::string> {
                using T = std::decay_t<decltype(o)>;
                if constexpr (std::is_same_v<T, m::Associate>)
                    return first({file(o.file), number("offset", o.offset, u.offsets, "offsets"),
                                  number("pfn", o.pfn, u.pfns, "pfns"), order(o.order)});
                else if constexpr (std::is_same_v<T, m::Disassociate> || std::is_same_v<T, m::Truncate>)
                    return first({file(o.file), number("offset", o.offset, u.offsets, "offsets")});
                else if constexpr (std::is_same_v<T, m::Pin> || std::is_same_v<T, m::Unpin>)
                    return number("pfn", o.pfn, u.pfns, "pfns");
                else if constexpr (std::is_same_v<T, m::AssociateZero> || std::is_same_v<T, m::Grab>)
                    return first({file(o.file), number("offset", o.offset, u.offsets, "offsets"),
                                  order(o.order)});
                else
                    return first({file(o.file), number("pfn", o.pfn, u.pfns, "pfns"), order(o.order)});
            },
            op);
    }

    std::string_view path_;
    CorpusFile& file_;
    std::map<std::string, int> seen_;  // header key -> first line
    std::vector<std::pair<std::string, int>> unregistered_;  // expect: names this binary lacks
    int ops_started_line_ = 0;
    int race_line_ = 0;      // the first 'race:' line, well formed or not
    std::vector<int> past_lines_;  // the line of each 'past:' class
    int schedule_line_ = 0;  // the first 'schedule:' line, well formed or not
    bool too_many_ops_ = false;
    std::size_t op_lines_ = 0;
};

}  // namespace

std::vector<fslevel::Op> CorpusFile::fs_operations() const {
    std::vector<fslevel::Op> out;
    for (const auto& o : fs_ops) out.push_back(o.op);
    return out;
}

std::vector<model::Op> CorpusFile::operations() const {
    std::vector<model::Op> out;
    out.reserve(ops.size());
    for (const auto& o : ops) out.push_back(o.op);
    return out;
}

std::string CorpusError::text() const {
    if (line == 0) return fmt::format("{}: {}", printable(path), message);  // the file itself
    return fmt::format("{}:{}: {}", printable(path), line, message);
}

CorpusParse parse_corpus(std::string_view path, std::string_view content) {
    CorpusParse out;
    CorpusFile file;
    file.path = std::string(path);
    Parser parser(path, file);
    auto fatal = [&](int line, std::string message) {
        out.errors = std::move(parser.errors);
        out.errors.push_back({std::string(path), line, std::move(message)});
        return out;
    };
    if (content.empty()) return fatal(1, "empty file: no header and no operations");
    if (content.substr(0, 3) == "\xEF\xBB\xBF")
        return fatal(1, "the file starts with a UTF-8 byte-order mark (bytes EF BB BF): save it "
                        "without one");
    if (content.size() > kCorpusMaxFileBytes) {
        int line = 1;
        for (std::size_t i = 0; i < kCorpusMaxFileBytes; i++) line += content[i] == '\n';
        return fatal(line, fmt::format("file is larger than {} bytes (the cap)", kCorpusMaxFileBytes));
    }
    int line = 0;
    std::size_t pos = 0;
    while (pos < content.size() && !parser.full()) {
        line++;
        std::size_t end = content.find('\n', pos);
        if (end == std::string_view::npos) end = content.size();
        std::string_view text = content.substr(pos, end - pos);
        pos = end + 1;
        // A CRLF file's CR is the line ending, not the line: the cap is the same.
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        if (text.size() > kCorpusMaxLineBytes)
            return fatal(line, fmt::format("line is {} bytes, longer than the cap of {}", text.size(),
                                           kCorpusMaxLineBytes));
        if (auto problem = binary_problem(text)) return fatal(line, *problem);
        text = trim(text);
        if (text.empty() || text.front() == '#') continue;
        // A header line is `key: value`; no operation contains a colon.
        const auto colon = strip_comment(text).find(':');
        if (colon != std::string_view::npos) {
            const std::string_view key = trim(text.substr(0, colon));
            bool known = false;
            for (const char* k : kHeaderKeys) known = known || key == k;
            if (!known) {
                parser.error(line, fmt::format("unknown header '{}:' (known: universe, level, "
                                               "property, profile, shows, past, expect, kernel, race, "
                                               "schedule, port)",
                                               key));
                continue;
            }
            if (key == "race" || key == "schedule") parser.race(line, key, text.substr(colon + 1));
            else parser.header(line, key, text.substr(colon + 1));
            continue;
        }
        parser.operation(line, text);
    }
    if (!parser.full()) parser.finish(line);
    out.errors = std::move(parser.errors);
    if (out.errors.empty()) out.file = std::move(file);
    return out;
}

CorpusParse load_corpus(const std::string& path) {
    CorpusParse out;
    // O_NONBLOCK: a FIFO named *.dax must not block the open; anything but
    // a regular file is refused before a byte is read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        out.errors.push_back({path, 0, fmt::format("cannot open the file: {}", std::strerror(errno))});
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        out.errors.push_back({path, 0, fmt::format("not a regular file ({})", file_kind(st.st_mode))});
        return out;
    }
    std::string content(kCorpusMaxFileBytes + 1, '\0');
    std::size_t got = 0;
    while (got < content.size()) {
        const ssize_t n = ::read(fd, content.data() + got, content.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            out.errors.push_back({path, 0, fmt::format("read error: {}", std::strerror(err))});
            return out;
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    content.resize(got);
    return parse_corpus(path, content);
}

std::string file_kind(unsigned mode) {
    switch (mode & S_IFMT) {
        case S_IFREG: return "a regular file";
        case S_IFDIR: return "a directory";
        case S_IFIFO: return "a FIFO";
        case S_IFSOCK: return "a socket";
        case S_IFCHR: return "a character device";
        case S_IFBLK: return "a block device";
        case S_IFLNK: return "a symbolic link";
    }
    return "an unknown kind of file";
}

void CorpusFile::expect_failure(const std::string& name, const std::string& port_file) {
    expect.push_back({name, false, 0});
    if (!port_file.empty()) ports.push_back(port_file);
}

std::string universe_text(const model::Universe& u) {
    return fmt::format("files={} pfns={} offsets={} pmd-order={} max-pins={}", u.files, u.pfns,
                       u.offsets, u.pmd_order, u.max_pins);
}

std::string corpus_text(const CorpusFile& f, const std::vector<std::string>& comment) {
    std::string out;
    for (const auto& c : comment) out += "# " + c + "\n";
    out += "universe: " + universe_text(f.universe) + "\n";
    if (f.fs_level) out += "level: fs\n";
    out += "property: " + f.property + "\n";
    if (f.profile) out += "profile: " + to_string(*f.profile) + "\n";
    out += "shows: " + f.shows + "\n";
    for (const auto& c : f.past) out += "past: " + c + "\n";
    for (const auto& p : f.ports) out += "port: " + p + "\n";
    for (const auto& e : f.expect) out += fmt::format("expect: {} {}\n", e.variant, e.pass ? "pass" : "fail");
    for (const auto& k : f.kernel) {
        out += "kernel: " + k.kernel + (k.clean ? " clean" : k.bugs ? " bugs" : " warns");
        for (const auto& w : k.warns) out += " " + w;
        out += "\n";
    }
    out += "\n";
    for (const auto& o : f.ops) out += to_text(o.op) + "\n";
    for (const auto& o : f.fs_ops) out += fslevel::to_text(o.op) + "\n";
    if (f.race) {
        out += "race: " + f.race->sides[0] + " || " + f.race->sides[1] + "\nschedule:";
        for (int s : f.race->schedule) out += std::string(" ") + model::file_letter(f.race->files[s]);
        out += "\n";
    }
    return out;
}

std::string operations_hash(const std::vector<model::Op>& ops) {
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64
    for (const auto& op : ops) {
        for (unsigned char c : to_text(op) + "\n") {
            h ^= c;
            h *= 0x100000001b3ull;
        }
    }
    return fmt::format("{:08x}", static_cast<std::uint32_t>(h ^ (h >> 32)));
}

}  // namespace daxcheck
