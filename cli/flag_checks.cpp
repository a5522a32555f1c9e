#include "cli/flag_checks.h"

#include <fmt/format.h>

#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "harness/printable.h"

namespace daxcheck::flag_checks {

CLI::Validator seed() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            std::uint64_t n = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return "";
            return fmt::format("'{}' is not a seed: a whole number 0..{}", printable(text),
                               UINT64_MAX);
        },
        "UINT64");
}

namespace {

// Digits with at most one point and an optional exponent ("2", "0.5", ".5",
// "1e3"): strtod also takes hex ("0x10" is 16), "inf", "nan" and leading
// blanks, none of which a time or a size should be typed as.
bool plain_decimal(const std::string& text) {
    std::size_t i = 0, digits = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); i++) digits++;
    if (i < text.size() && text[i] == '.')
        for (i++; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); i++) digits++;
    if (digits == 0) return false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) i++;
        const std::size_t exponent = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) i++;
        if (i == exponent) return false;
    }
    return i == text.size();
}

}  // namespace

CLI::Validator finite(double lo, double hi, bool lo_open) {
    return CLI::Validator(
        [lo, hi, lo_open](std::string& text) -> std::string {
            char* end = nullptr;
            const double x = std::strtod(text.c_str(), &end);
            const bool number = plain_decimal(text) && end == text.c_str() + text.size();
            if (number && std::isfinite(x) && (lo_open ? x > lo : x >= lo) && x <= hi) return "";
            return fmt::format("'{}' is not a decimal number {} {:g} and at most {:g}", printable(text),
                               lo_open ? "above" : "at least", lo, hi);
        },
        fmt::format("NUMBER in {}{:g}..{:g}]", lo_open ? "(" : "[", lo, hi));
}

CLI::Validator name() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (text.empty()) return "needs a name, not \"\"";
            // CLI11 gives a value flag the next word whatever it is: `--json
            // --report` wrote a file named --report and dropped --report.
            if (text.starts_with("--"))
                return fmt::format("'{}' looks like a flag, not a name (a file of that name: ./{})",
                                   printable(text), printable(text));
            return "";
        },
        "");
}

void decimal_integers(CLI::App& app) {
    // CLI11 reads "010" as octal 8 and "0x10" as 16: a seed or a size typed
    // with a leading zero would silently run another one.
    const CLI::Validator decimal(
        [](std::string& text) -> std::string {
            const std::size_t digits = text.starts_with('-') ? 1 : 0;
            const bool plain = text.size() > digits &&
                               text.find_first_not_of("0123456789", digits) == std::string::npos;
            if (plain && (text.size() == digits + 1 || text[digits] != '0')) return "";
            return fmt::format("'{}' is not a whole decimal number (no leading zero, sign or base prefix)",
                               printable(text));
        },
        "");
    for (CLI::Option* o : app.get_options())
        if (o->get_expected_min() > 0 && o->get_type_name().find("INT") != std::string::npos)
            o->check(decimal);
    for (CLI::App* sub : app.get_subcommands({})) decimal_integers(*sub);
}

std::string unknown_subcommand(const CLI::App& app, int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') return "";
    std::string known;
    for (const CLI::App* sub : app.get_subcommands({})) {
        if (sub->get_name() == argv[1]) return "";
        known += (known.empty() ? "" : ", ") + sub->get_name();
    }
    // ./daxcheck runs these itself, before the binary.
    return fmt::format("unknown subcommand '{}' (known: {}; and through ./daxcheck: test, bench, fuzz, coverage, "
                       "kernel, build)",
                       printable(argv[1]), known);
}

namespace {

// Levenshtein distance, for flag suggestions (names of a few dozen letters).
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); j++) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); i++) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); j++) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string unknown_flag(const CLI::App& app, int argc, char** argv) {
    if (argc < 2) return "";
    const CLI::App* sub = nullptr;
    for (const CLI::App* s : app.get_subcommands({}))
        if (s->get_name() == argv[1]) sub = s;
    const auto takes = [&](const std::string& flag) {
        return (sub && sub->get_option_no_throw(flag)) || app.get_option_no_throw(flag);
    };
    for (int i = sub ? 2 : 1; i < argc; i++) {
        const std::string arg = argv[i];
        if (arg == "--") break;
        if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) continue;
        const std::string flag = arg.substr(0, arg.find('='));
        if (takes(flag)) continue;
        // The closest flags (a flag it begins counts as one edit); several
        // as close are all named, more than four none.
        std::vector<std::string> best;
        std::size_t best_distance = 3;
        const auto consider = [&](const std::string& candidate) {
            const std::size_t d = candidate.rfind(flag, 0) == 0 ? 1 : edit_distance(flag, candidate);
            if (d < best_distance) best.clear(), best_distance = d;
            if (d == best_distance && std::find(best.begin(), best.end(), candidate) == best.end())
                best.push_back(candidate);
        };
        for (const CLI::App* from : {sub, &app})
            if (from)
                for (const CLI::Option* o : from->get_options())
                    for (const std::string& name : o->get_lnames()) consider("--" + name);
        // ./daxcheck's own flags, which it takes before the subcommand.
        if (!sub)
            for (const char* own : {"--port", "--preset"}) consider(own);
        std::string suggestion;
        if (best.size() == 1) suggestion = fmt::format(" (did you mean {}?)", best[0]);
        if (best.size() > 1 && best.size() <= 4) {
            suggestion = " (did you mean ";
            for (std::size_t i = 0; i < best.size(); i++)
                suggestion += (i == 0 ? "" : i + 1 == best.size() ? " or " : ", ") + best[i];
            suggestion += "?)";
        }
        return fmt::format("{}unknown flag {}{} (./daxcheck {}--help lists them)", sub ? sub->get_name() + ": " : "",
                           printable(flag), suggestion, sub ? sub->get_name() + " " : "");
    }
    return "";
}

}  // namespace daxcheck::flag_checks
