// `daxcheck replay [FILE|DIR]...`: replays corpus files (engines/corpus_file.h)
// against every variant they name and checks the expected verdicts; and
// `run --save-failures`: turns new counterexamples into corpus files.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "cli/checkout_dir.h"
#include "cli/run_command.h"

namespace daxcheck {

// The *.dax regular files in `dir`, sorted; anything else named *.dax is
// skipped with a printed line naming it. `ec` is set when `dir` cannot be listed.
// `skipped`, when given, counts the lines printed.
std::vector<std::string> corpus_files_in(const std::string& dir, std::error_code& ec,
                                         std::size_t* skipped = nullptr);

// Whether `path` names a file `seen` does not hold yet, by its canonical
// path ("f", "./f" and a listed directory's f are one file); adds it. For
// replay and reach, which check a file named twice once.
bool first_naming(std::set<std::string>& seen, const std::string& path);

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

// Replays a `race:` corpus file (property race) by its path, printing as
// replay does; returns (passed, failed) expectations. With `variant` ("" for
// every expect: line) only that variant's line is replayed or, when it has
// none, the line of `base` (its base variant, "" for none) on it, as replay
// --variant does for other files: (0, 0) when neither has one. The file's
// schedule: line is checked whatever they pick. The daxcheck binary sets it
// to the concurrency build's (cli/race_command.h); without one a race file
// fails with a message that says so.
using RaceReplayer = std::pair<int, int> (*)(const std::string& path, const std::string& variant,
                                             const std::string& base);
// `in_race`: whether the concurrency build has a variant (an out-of-tree
// port whose file says // daxcheck-no-race is not in it): its lines of
// race: files are skipped with a line saying so.
using RaceVariantQuery = bool (*)(const std::string& variant);
void set_race_replayer(RaceReplayer replayer, RaceVariantQuery in_race);

// Writes the counterexample of each failing row and of each of its
// more_classes to `dir` as <variant>--<property>--<profile>--<hash>.dax (in
// the universe it fails in) unless the same sequence is already there for
// that variant and property. Prints what it did.
// `command` (run, swarm, explore) names what found them in the file's comment.
// Returns false when a file could not be written.
bool save_failures(const RunOptions& opts, const std::vector<RunRow>& rows, const std::string& dir,
                   const std::string& command);


// The end of a --save-failures: how many counterexamples the directory held
// already (`already`) and how many this run found in more than one cell
// (`again`, saved once); nothing for zeros.
void print_not_saved(int already, int again, const std::string& dir);

// The name --save-failures gives a failing row's counterexample:
// <variant>--<property>--<profile>--<hash>.dax (the report shows it too).
std::string corpus_file_name(const RunRow& row);

}  // namespace daxcheck
