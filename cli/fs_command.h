// The filesystem level on the command line (SPEC 8): `run --level fs` /
// `swarm --level fs` (random filesystem walks per cell, shrunk, printed with
// the calls each operation derived), `emit` (an xfs_io reproducer and the
// port's predictions for ./daxcheck kernel) and `reach` (is a function-level
// counterexample reachable through the filesystem?). `explore --level fs`:
// cli/fs_explore_command.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "impl/variant.h"
#include "properties/property.h"

namespace daxcheck {

// `run --level fs` walks per cell when --walks is not given.
inline constexpr std::uint64_t kDefaultFsWalks = 10000;

struct FsRunOptions {
    std::vector<const Variant*> variants;
    std::vector<const Property*> properties;
    std::vector<Profile> profiles;
    model::Universe universe;
    std::uint64_t seed = 1;
    std::uint64_t walks = kDefaultFsWalks;
    double seconds = 0;  // instead of walks, when > 0
    unsigned threads = 1;
    // --classes: distinct failure classes to find per cell (the default is
    // the function level's, kDefaultClasses in cli/run_command.h).
    unsigned classes = 5;
    std::string command = "run";  // what the reproduce line calls
    std::optional<std::string> json_path;
    std::optional<std::string> save_dir;  // --save-failures: where the corpus files go
    std::optional<std::string> reports_dir;  // --report: where REPORTS/<timestamp>/ goes
    std::vector<std::string> kernel_jsons;   // --kernel-json: ./daxcheck kernel --json results
    // --base (cli/fs_base.h): each variant's base, in the order of
    // `variants` (empty: no --base), and the flag as printed commands repeat
    // it (" --base v6.2", or " --base" for each port's own).
    std::vector<const Variant*> bases;
    std::string base_flag;
};

struct RunOptions;
// --base as set_base (cli/run_command.h) put it in `run`: each variant's base
// and the flag, into `fo`.
void set_fs_bases(FsRunOptions& fo, const RunOptions& run);

// The cells of a command line, at the filesystem level.
FsRunOptions fs_options(const std::vector<const Variant*>& variants,
                        const std::vector<const Property*>& properties,
                        const std::vector<Profile>& profiles, const model::Universe& universe);

// Prints the verdict table and each failure; 0 when every verdict is as
// expected, 1 otherwise, 2 when a variant cannot run at the filesystem level.
// With `bases`, each cell also runs on the base (the same seed and walks; a
// timed run's base takes the walks the patch took) and is compared by
// failure class; then only new failures and changed causes make it 1.
// SIGINT/SIGTERM (cli/interrupt_handler.h) stop it between walks: the cells
// done, the seed and the whole run's reproduce line, the JSON marked
// "interrupted": true, exit 128 + the signal.
int fs_run_command(const FsRunOptions& o);

// Writes the xfs_io script and the predictions JSON of a `level: fs` corpus
// file for `variant` (default: the first `expect:` line's).
// With `calls`, prints instead each operation and, as `#` comment lines under
// it, the calls the variant's fault path derives (for corpus files).
// `emit` of a `race:` corpus file (the stress reproducer, race/stress_script.h):
// set by the daxcheck binary to the concurrency build's (cli/race_command.h).
// Takes the file, the variant ("" for the first expect: line's), the script
// and predictions paths ("" for standard output / none); returns the exit code.
using RaceEmitter = int (*)(const std::string& path, const std::string& variant,
                            const std::string& script_out, const std::string& predictions_out);
void set_race_emitter(RaceEmitter emitter);

int emit_command(const std::string& path, const std::string& variant, const std::string& script_out,
                 const std::string& predictions_out, bool calls = false);

// For each function-level corpus file: searches the filesystem level (up to
// `depth` operations, at most `max_states` states) for a sequence that fails
// the same property with the same failure class on each expected-fail variant.
int reach_command(const std::vector<std::string>& paths, unsigned depth, std::uint64_t max_states);

}  // namespace daxcheck
