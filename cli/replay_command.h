// `daxcheck replay [FILE|DIR]...`: replays corpus files (engines/corpus_file.h)
// against every variant they name and checks the expected verdicts; and
// `run --save-failures`: turns new counterexamples into corpus files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/run_command.h"

namespace daxcheck {

// The source tree's corpus/ (compiled in), or ./corpus when that is gone.
std::string default_corpus_dir();

struct ReplayOptions {
    // --variant NAME: replay every file against this variant only, with its
    // own expect: line or else its base's (Variant::base, or --base).
    std::string variant;
    // --base [VARIANT]: compare the variant with its base file by file, by
    // failure class (cli/run_command.h); exit 1 only for new failures and
    // changed causes.
    std::optional<std::string> base;
};

// Prints one line per (file, variant), every bad file as FILE:LINE: message,
// each skipped check with why ("skip" lines: a variant of an out-of-tree
// port this binary lacks, a file with no expectation for --variant) and
// every out-of-tree variant no file names, then "N passed, M failed, K
// skipped". Returns the exit code: 0 when none failed, else 1 (2: a bad flag).
int replay_command(const std::vector<std::string>& paths, const ReplayOptions& opts = {});

// Writes each failing row's counterexample to `dir` as
// <variant>--<property>--<profile>--<hash>.dax unless the same sequence is
// already there for that variant and property. Prints what it did.
// `command` (run, swarm, explore) names what found them in the file's comment.
// Returns false when a file could not be written.
bool save_failures(const RunOptions& opts, const std::vector<RunRow>& rows, const std::string& dir,
                   const std::string& command);

// The name --save-failures gives a failing row's counterexample:
// <variant>--<property>--<profile>--<hash>.dax (the report shows it too).
std::string corpus_file_name(const RunRow& row);

}  // namespace daxcheck
