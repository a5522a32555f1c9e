// Up-front checks of command-line values, as CLI11 validators where they fit:
// every bad value is a usage error naming its flag before anything runs.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace daxcheck::flag_checks {

// A whole decimal number 0..2^64-1: no sign, no saturation, no wrap-around.
CLI::Validator seed();
// A finite decimal number in [lo, hi] ("0.5", "1e3"; not "0x10", "inf" or
// "-0"); above `lo` strictly when `lo_open` (swarm --seconds: a time in which
// nothing runs is no run).
CLI::Validator finite(double lo, double hi, bool lo_open = false);
// A file or directory name: not "", and not a word starting with "--" (the
// next flag, taken as the value of one whose value was left out).
CLI::Validator name();
// Adds to every integer option of `app` and its subcommands a check that its
// value is plain decimal ("010" would be read as octal, "0x10" as hex).
void decimal_integers(CLI::App& app);

// A --memory-budget in MB as bytes: 0 (none) stays 0; any positive budget is
// at least one byte (1e-9 MB truncated to 0 bytes, which meant no budget).
inline std::uint64_t budget_bytes(double mb) {
    if (mb <= 0) return 0;
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(mb * (1 << 20)));
}

// Appends `x` to `list` unless it is there already: a selection flag given
// twice (`--variant v6.0 --variant v6.0`) names its cells once.
template <class T>
void add_once(std::vector<T>& list, const T& x) {
    if (std::find(list.begin(), list.end(), x) == list.end()) list.push_back(x);
}

// "unknown subcommand 'X' (known: run, ...)" when the first argument is
// neither an option nor one of `app`'s subcommands, else "".
std::string unknown_subcommand(const CLI::App& app, int argc, char** argv);

// "run: unknown flag --walk (did you mean --walks?)" for the first argument
// of the form --name[=value] that the subcommand (or the top level) does
// not take, suggesting the subcommand's flag closest to it (within two
// edits, or one it begins); "" when every flag is known. For the parse
// error CLI11 reports in argument order reversed ("not expected: 5 --walk").
std::string unknown_flag(const CLI::App& app, int argc, char** argv);

}  // namespace daxcheck::flag_checks
