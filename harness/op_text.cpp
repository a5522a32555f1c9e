// Printing and parsing are derived once from each operation's fields with
// Boost.Hana; adding an operation means adapting its struct and naming it.
#include "harness/op_text.h"

#include <boost/hana.hpp>
#include <charconv>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <type_traits>

namespace hana = boost::hana;
namespace m = daxcheck::model;

BOOST_HANA_ADAPT_STRUCT(m::Associate, file, offset, pfn, order, shared);
BOOST_HANA_ADAPT_STRUCT(m::Disassociate, file, offset);
BOOST_HANA_ADAPT_STRUCT(m::Truncate, file, offset);
BOOST_HANA_ADAPT_STRUCT(m::Pin, pfn);
BOOST_HANA_ADAPT_STRUCT(m::Unpin, pfn);
BOOST_HANA_ADAPT_STRUCT(m::DisassociateStray, file, pfn, order);
BOOST_HANA_ADAPT_STRUCT(m::TruncateStray, file, pfn, order);
BOOST_HANA_ADAPT_STRUCT(m::AssociateZero, file, offset, order, shared);
BOOST_HANA_ADAPT_STRUCT(m::Grab, file, offset, order);

namespace daxcheck {
namespace {

// Per operation: its name and how many leading fields are written bare
// (the rest are written key=value).
template <class T>
struct Syntax;
template <>
struct Syntax<m::Associate> {
    static constexpr const char* name = "associate";
    static constexpr int positional = 2;
};
template <>
struct Syntax<m::Disassociate> {
    static constexpr const char* name = "disassociate";
    static constexpr int positional = 2;
};
template <>
struct Syntax<m::Truncate> {
    static constexpr const char* name = "truncate";
    static constexpr int positional = 2;
};
template <>
struct Syntax<m::Pin> {
    static constexpr const char* name = "pin";
    static constexpr int positional = 1;
};
template <>
struct Syntax<m::Unpin> {
    static constexpr const char* name = "unpin";
    static constexpr int positional = 1;
};
template <>
struct Syntax<m::DisassociateStray> {
    static constexpr const char* name = "disassociate-stray";
    static constexpr int positional = 1;
};

template <>
struct Syntax<m::TruncateStray> {
    static constexpr const char* name = "truncate-stray";
    static constexpr int positional = 1;
};

template <>
struct Syntax<m::AssociateZero> {
    static constexpr const char* name = "associate-zero";
    static constexpr int positional = 2;
};
template <>
struct Syntax<m::Grab> {
    static constexpr const char* name = "grab";
    static constexpr int positional = 2;
};

constexpr auto kOpTypes = hana::tuple_t<m::Associate, m::Disassociate, m::Truncate, m::Pin,
                                        m::Unpin, m::DisassociateStray, m::AssociateZero, m::Grab,
                                        m::TruncateStray>;

// A field's value as text: files are letters, flags 0/1, the rest decimal.
template <class V>
std::string value_text(std::string_view key, const V& v) {
    if constexpr (std::is_same_v<V, bool>) {
        return v ? "1" : "0";
    } else {
        if (key == "file") return std::string(1, m::file_letter(static_cast<m::FileId>(v)));
        return std::to_string(static_cast<unsigned long long>(v));
    }
}

template <class V>
std::optional<std::string> parse_value(std::string_view key, std::string_view text, V& out) {
    if constexpr (std::is_same_v<V, bool>) {
        if (text == "0" || text == "1") {
            out = text == "1";
            return std::nullopt;
        }
        return std::string(key) + " must be 0 or 1, not '" + std::string(text) + "'";
    } else {
        if (key == "file") {
            if (text.size() == 1 && text[0] >= 'A' && text[0] < 'A' + int(m::kMaxFiles)) {
                out = static_cast<V>(text[0] - 'A');
                return std::nullopt;
            }
            return "file must be a letter A..Z, not '" + std::string(text) + "'";
        }
        unsigned long long n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc::result_out_of_range ||
            (ec == std::errc() && n > std::numeric_limits<V>::max()))
            return std::string(key) + " " + std::string(text) + " is too large";
        if (ec != std::errc() || end != text.data() + text.size() || text.empty())
            return std::string(key) + " must be a decimal number, not '" + std::string(text) + "'";
        out = static_cast<V>(n);
        return std::nullopt;
    }
}

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) i++;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') j++;
        if (j > i) words.push_back(line.substr(i, j - i));
        i = j;
    }
    return words;
}

template <class T>
std::variant<m::Op, OpParseError> parse_fields(const std::vector<std::string_view>& words) {
    T op{};
    std::size_t next = 1;  // words[0] is the name
    std::map<std::string_view, std::string_view> keyed;
    std::optional<std::string> error;
    int index = 0;
    // Positional words first, then key=value words in any order.
    const std::size_t positional = Syntax<T>::positional;
    for (std::size_t w = 1 + positional; w < words.size(); w++) {
        auto eq = words[w].find('=');
        if (eq == std::string_view::npos) {
            return OpParseError{"unexpected word '" + std::string(words[w]) + "' in " +
                                Syntax<T>::name};
        }
        auto key = words[w].substr(0, eq);
        if (keyed.count(key)) return OpParseError{"'" + std::string(key) + "' given twice"};
        keyed[key] = words[w].substr(eq + 1);
    }
    hana::for_each(hana::accessors<T>(), [&](auto pair) {
        if (error) return;
        const std::string_view key = hana::to<const char*>(hana::first(pair));
        auto& field = hana::second(pair)(op);
        if (index++ < Syntax<T>::positional) {
            if (next >= words.size() || words[next].find('=') != std::string_view::npos) {
                error = std::string(Syntax<T>::name) + " needs its " + std::string(key);
                return;
            }
            error = parse_value(key, words[next++], field);
            return;
        }
        auto it = keyed.find(key);
        if (it == keyed.end()) {
            error = std::string(Syntax<T>::name) + " needs " + std::string(key) + "=";
            return;
        }
        error = parse_value(key, it->second, field);
        keyed.erase(it);
    });
    if (error) return OpParseError{*error};
    if (!keyed.empty())
        return OpParseError{"unknown field '" + std::string(keyed.begin()->first) + "' for " +
                            Syntax<T>::name};
    return m::Op{op};
}

}  // namespace

std::string to_text(const m::Op& op) {
    return std::visit(
        [](const auto& o) {
            using T = std::decay_t<decltype(o)>;
            std::string out = Syntax<T>::name;
            int index = 0;
            hana::for_each(hana::accessors<T>(), [&](auto pair) {
                const std::string_view key = hana::to<const char*>(hana::first(pair));
                const auto& value = hana::second(pair)(o);
                out += ' ';
                if (index++ >= Syntax<T>::positional) out += std::string(key) + "=";
                out += value_text(key, value);
            });
            return out;
        },
        op);
}

std::variant<m::Op, OpParseError> parse_op(std::string_view line) {
    const auto words = split_words(line);
    if (words.empty()) return OpParseError{"empty operation"};
    std::optional<std::variant<m::Op, OpParseError>> result;
    hana::for_each(kOpTypes, [&](auto type) {
        using T = typename decltype(type)::type;
        if (!result && words[0] == Syntax<T>::name) result = parse_fields<T>(words);
    });
    if (result) return *result;
    std::string names;
    for (const auto& n : op_names()) names += (names.empty() ? "" : ", ") + n;
    return OpParseError{"unknown operation '" + std::string(words[0]) + "' (known: " + names + ")"};
}

std::vector<std::string> op_names() {
    std::vector<std::string> names;
    hana::for_each(kOpTypes, [&](auto type) {
        names.push_back(Syntax<typename decltype(type)::type>::name);
    });
    return names;
}

}  // namespace daxcheck
