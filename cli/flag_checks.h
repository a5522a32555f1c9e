// Up-front checks of command-line values, as CLI11 validators where they fit:
// every bad value is a usage error naming its flag before anything runs.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace daxcheck::flag_checks {

// A whole decimal number 0..2^64-1: no sign, no saturation, no wrap-around.
CLI::Validator seed();
// A finite number (not nan or inf) in [lo, hi]; above `lo` strictly when
// `lo_open` (swarm --seconds: a time in which nothing runs is no run).
CLI::Validator finite(double lo, double hi, bool lo_open = false);
// A file or directory name: not "", and not a word starting with "--" (the
// next flag, taken as the value of one whose value was left out).
CLI::Validator name();
// Adds to every integer option of `app` and its subcommands a check that its
// value is plain decimal ("010" would be read as octal, "0x10" as hex).
void decimal_integers(CLI::App& app);

// "unknown subcommand 'X' (known: run, ...)" when the first argument is
// neither an option nor one of `app`'s subcommands, else "".
std::string unknown_subcommand(const CLI::App& app, int argc, char** argv);

}  // namespace daxcheck::flag_checks
