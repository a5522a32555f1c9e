// `daxcheck run`: every selected (variant, property, profile) cell, the
// verdict table, counterexample traces and the JSON document.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engines/base_diff.h"
#include "engines/minimise.h"
#include "engines/rc_runner.h"
#include "engines/swarm.h"
#include "impl/expectations.h"
#include "engines/replay.h"

namespace daxcheck {

class Cluster;

// Swarm walks per cell after RapidCheck: about 20 ms a cell.
inline constexpr std::uint64_t kDefaultRunWalks = 2000;
// RapidCheck tests per cell by default (--tests).
inline constexpr std::uint64_t kDefaultRunTests = 100;
inline constexpr unsigned kDefaultClasses = 5;

struct RunOptions {
    std::vector<const Variant*> variants;
    std::vector<const Property*> properties;
    std::vector<Profile> profiles;
    CellConfig cell;
    bool universe_given = false;  // a universe flag was given: repeat it in reproduce lines
    std::optional<std::string> json_path;
    bool minimise = true;  // search for a shorter counterexample after shrinking
    // Swarm walks (engines/swarm.h) per cell that RapidCheck passed: the
    // deep bugs its one operation mix misses. One thread, so the count is exact.
    std::uint64_t walks = kDefaultRunWalks;
    // The processes the swarm walks are spread over (engines/swarm.h); nullptr: this one.
    Cluster* cluster = nullptr;
    // Distinct failure classes to find per cell (--classes): after the first,
    // the search goes on with the classes found so far counted as passes.
    unsigned classes = kDefaultClasses;
    // --base: compare each cell with the same cell of a base variant
    // (engines/base_diff.h): `base`, or with base_from_ports each variant's
    // own Variant::base (a port file names it).
    const Variant* base = nullptr;
    bool base_from_ports = false;
    bool diffing() const { return base || base_from_ports; }
};

struct RunRow {
    const Variant* variant;
    const Property* property;
    Profile profile;
    CellResult result;
    Expectation expected;
    Trace trace;  // of the counterexample, when it failed
    std::string reproduce;
    const char* shrinker = "RapidCheck";  // who shrank the counterexample first
    // The swarm walks run after RapidCheck passed; when one failed, `result`
    // is the walk's shrunk failure.
    std::optional<SwarmCellResult> swarm;
    // The explorer's search for a shorter counterexample, when it ran; a
    // shorter one found has replaced result.counterexample and trace.
    std::optional<Minimisation> minimisation;
    // The universe the failure was found in when it is not the run's own: a
    // default run also walks other PMD orders (engines/order_walks.h).
    std::optional<model::Universe> universe;
    // The class of the counterexample (properties/failure_class.h), when it failed.
    std::optional<FailureClass> failure_class;
    // Further distinct classes the search found in this cell, each a row of
    // its own (same variant, property and profile), in the order found.
    std::vector<RunRow> more_classes;
    // What every search for a further class ran, the last one that found
    // none included (run's totals count it).
    struct Effort {
        std::uint64_t tests = 0, walks = 0, operations = 0;
    } further;
    // swarm: which walk found this class and its configuration, printed
    // under the class ("" for run, whose walk shows in `swarm`).
    std::string found_by;
    bool as_expected() const;
    // Every class found, with its counterexample and universe.
    std::vector<FoundClass> found_classes(const model::Universe& run_universe) const;
};

// One cell compared with its base (--base).
struct BaseDiffRow {
    const RunRow* row;
    const Variant* base;
    CellDiff diff;
    bool error = false;  // the cell or its base had an error verdict
};
// The variant `v` is compared with under `opts`; nullptr when none (with
// `why` set when the user asked for one: a variant that names no base).
const Variant* base_for(const RunOptions& opts, const Variant& v, std::string* why = nullptr);
// Runs one base cell the way the command ran the patch's (run: RapidCheck
// and walks; swarm: walks), with its classes.
using BaseCellRunner = std::function<RunRow(const Variant&, const Property&, Profile)>;
// Runs the base cells of `rows` (each once; by default as `run` does) and
// compares them.
std::vector<BaseDiffRow> diff_with_base(const RunOptions& opts, const std::vector<RunRow>& rows,
                                        const BaseCellRunner& run_base = {});
// --base as given (nullopt: not given; "": each port's own base) into
// opts; "" or a usage error naming the flag.
std::string set_base(RunOptions& opts, const std::optional<std::string>& base);
// The diff, first in the output: the declared checks each variant drops,
// changes or adds against its base (print_check_diff), one line per cell,
// then each cell's classes.
void print_base_diff(const std::vector<BaseDiffRow>& diffs);
// The checks `patch` declares against `base`'s (engines/base_diff.h
// diff_checks), a line each under a heading, or one line saying they are the
// same.
void print_check_diff(const Variant& patch, const Variant& base);
// {"dropped": [...], "changed": [...], "added": [...]}, each check as list prints it.
nlohmann::json check_diff_json(const Variant& patch, const Variant& base);
nlohmann::json base_diff_json(const std::vector<BaseDiffRow>& diffs);
// Non-zero only for new failures, changed causes and errors.
bool base_diff_regressed(const std::vector<BaseDiffRow>& diffs);

std::vector<RunRow> run_cells(const RunOptions& opts);
// Replays a failing row's counterexample into its trace (an Error when it does
// not fail again) and, with opts.minimise, runs the global minimisation.
void confirm_failure(const RunOptions& opts, RunRow& row, const ClassFilter& failures = {});
// "shrunk by RapidCheck to 2 operations, the shortest: ...": who shrank a
// failing row's counterexample, and whether the explorer made or proved it shortest.
std::string shrink_words(const RunRow& row);
// "test 4", or "swarm walk 3 (walk seed S) after 100 RapidCheck tests passed".
std::string failed_at(const RunRow& row, const char* test_word = "test");
// The first line (seed, tests, walks, universe), flushed before any cell runs.
void print_run_header(const RunOptions& opts);
// After SIGINT/SIGTERM: the signal, how many cells were done, the seed and
// the command that reruns the whole run (`command`: "run ..." or "swarm ...").
void print_interrupted(const RunOptions& opts, std::size_t cells_done, const std::string& command);
// "stopped on the signal: nothing saved, no report written" (either part
// alone) for a run that was to save (`saving`) or report (`reporting`).
void print_not_written(bool saving, bool reporting);
// The table, each failing cell's details and the totals.
void print_run(const RunOptions& opts, const std::vector<RunRow>& rows);
// How many of `rows` the contract expects to fail and that passed (errors
// not counted): what small_universe_note speaks of.
std::size_t passed_expected_fails(const std::vector<RunRow>& rows);
// The "== variant / property / profile" block of a failing or unexpected
// cell: failure, shrunk trace, why the cell is expected to fail, reproduce line. Also used by swarm
// (whose tests are walks).
void print_cell_details(const RunRow& row, const char* test_word = "test");
// Writes the JSON document; false (with `error` set) when the file cannot be written.
bool write_run_json(const RunOptions& opts, const std::vector<RunRow>& rows,
                    const std::string& path, std::string& error,
                    const std::vector<BaseDiffRow>& diffs = {});
// The document write_run_json writes ("interrupted" true after SIGINT/SIGTERM).
// With --base, "base_diff" holds `diffs` (base_diff_json).
nlohmann::json run_json(const RunOptions& opts, const std::vector<RunRow>& rows,
                        const std::vector<BaseDiffRow>& diffs = {});

std::string universe_flags(const model::Universe& u);
// The flags that select a run's cells, each family only where it narrows the
// default (every variant, property or profile), with a leading space:
// " --variant V ... --property P ... --profile X". `name_variants`: list the
// variants even when all are there (swarm requires --variant). For every
// whole-run line: run, report, swarm, explore and the filesystem level.
std::string cell_flags(const std::vector<const Variant*>& variants,
                       const std::vector<const Property*>& properties,
                       const std::vector<Profile>& profiles, bool name_variants = false);
// The daxcheck script as the user ran it: the ./daxcheck script passes its
// own path as typed in DAXCHECK_VIA_SCRIPT ("./daxcheck" from the checkout,
// "/src/daxcheck" from elsewhere), so that a printed command runs where it
// was printed; "./daxcheck" for a binary run on its own.
std::string daxcheck_script();
// How printed commands start: daxcheck_script(), with --port FILE for each
// out-of-tree port among `variants`; for those ports, in a binary of one's
// own port project (daxcheck_add_port) run directly, that binary's name as
// it was run (set_invocation), which has them built in.
std::string daxcheck_prefix(const std::vector<const Variant*>& variants);
// The same for a list of out-of-tree port files, each named once (race's
// printed commands, whose variants live in the concurrency build).
std::string daxcheck_prefix_of_ports(const std::vector<std::string>& port_files);
// Keeps argv[0] for daxcheck_prefix; called once by cli_entry.
void set_invocation(const char* argv0);
// Every flag that decides what a run does (selection, seed, tests, walks,
// universe, --no-minimise), shell-quoted: for "reproduce" and "Regenerate:".
std::string run_flags(const RunOptions& opts);
// " --base VARIANT", " --base" (each port's own) or "", as opts has it.
std::string base_flag(const RunOptions& opts);

}  // namespace daxcheck
