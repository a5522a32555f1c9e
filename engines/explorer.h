// Exhaustive bounded exploration (issue 5): breadth-first over every
// operation sequence a property's generator could produce in a universe,
// deduplicating on the pair (model state, port state), so the first failure
// found is a shortest counterexample. TLC's breadth-first mode is the model.
// States are deduplicated by 128-bit fingerprints (engines/fingerprint_set.h):
// "shortest" and "no failure" hold unless two of the n states collide, which
// has probability about n^2 / 2^129.
//
// Why the small universe (--files 2 --pfns 3 --offsets 3 --pmd-order 1
// --max-pins 2, reflink) has 2,508,030 states and not the issue's
// calibration figure of 414,666: it is the model's own count. Distinct
// model-only states (slots + per-pfn pins and shared; owners follow from the
// slots), counted by a plain BFS over model::apply: 2,508,030, exactly the
// explorer's concrete count, so port fields add no states for v10-fixed.
// Other readings measured the same way, none of them 414,666: a total (not
// per-pfn) cap of 2 pins 928,900; shared associations only onto owned pfns
// 2,508,030; no second owner from the same file 655,344 (with a total pin cap
// 242,720); shared flags ignored 124,848; orbits under file and any pfn
// permutation 262,792; exclusive profile 6,453; per-pfn cap 1 743,120 (our
// symmetry reduction: 371,832 orbits); total cap 1 371,560. The calibration's
// figure evidently counts a different universe; the SPEC reading stands.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engines/op_enumeration.h"
#include "properties/failure_class.h"
#include "properties/property.h"

namespace daxcheck {

class Cluster;

struct ExploreOptions {
    model::Universe universe;
    Profile profile = Profile::Reflink;
    unsigned max_depth = 1000;             // sequences of at most this many operations
    double time_budget_s = 0;              // 0: none
    std::uint64_t memory_budget_bytes = 0;  // 0: none (state store only)
    std::uint64_t state_budget = 0;         // 0: none; unlike time, the same on every machine
    bool symmetry = true;                  // store one state per orbit of files / pfn blocks
    // Which states off the model (a pfn fails refinement, SPEC 4 or 9, and
    // no misuse touched it) are expanded, for properties other than
    // refinement (which fails there):
    //   WithinPins: all but those whose reference counts drifted from the
    //     model's pins by more than max_pins (counts that drift with every
    //     pin cycle have no bound). Every other sequence is checked.
    //   Once: an off-model state is expanded; its off-model children are
    //     checked (step and end checks) but not kept or expanded: every
    //     sequence in which no two consecutive states are off the model,
    //     plus one operation. Bounds the fields 6.15-on ports leave behind,
    //     which multiply the states (README, "Exhaustive exploration").
    enum class OffModel { WithinPins, Once };
    OffModel off_model = OffModel::WithinPins;
    unsigned threads = 1;                  // expansion threads (level-synchronous)
    // The processes the search is spread over (engines/cluster.h; mpi/):
    // each stores and expands the states whose fingerprint it owns, and the
    // result is the same on every process and for any number of them
    // (memory_bytes aside: then the sum over the processes). nullptr: this
    // process alone. With a cluster, threads must be 1.
    Cluster* cluster = nullptr;
    // Which failures are counterexamples (properties/failure_class.h): one of
    // a class it does not count is a leaf (not expanded) and the search goes
    // on, so the result is the shortest failure among sequences that avoid
    // the known classes.
    ClassFilter failures;
};

enum class ExploreStop {
    Exhausted,
    DepthLimit,
    TimeBudget,
    MemoryBudget,
    StateBudget,
    Interrupted,  // SIGINT/SIGTERM (engines/interrupt.h), checked with the budgets
    Counterexample,
    Error
};
std::string to_string(ExploreStop s);
std::string to_string(ExploreOptions::OffModel m);  // "pins", "once"

struct ExploreResult {
    ExploreStop stop = ExploreStop::Exhausted;
    std::uint64_t states = 0;           // distinct states stored (one per orbit with symmetry)
    std::uint64_t concrete_states = 0;  // distinct states they stand for (as without symmetry)
    std::uint64_t transitions = 0;      // (state, operation) pairs run
    // Transitions to states ExploreOptions::off_model does not expand:
    // checked for the step's own failures, but not kept.
    std::uint64_t off_model_transitions = 0;
    unsigned depth_completed = 0;       // every sequence of up to this many operations checked
    bool exhausted = false;             // the last level reached no new state
    double seconds = 0;
    std::uint64_t memory_bytes = 0;     // approximate size of the state store
    std::size_t symmetry_group = 1;     // relabellings tried per state
    std::vector<std::uint64_t> states_per_depth;  // new states at depth 0, 1, ...
    std::uint64_t expanded_in_last_level = 0;     // when a budget stopped a level part-way

    // A counterexample: a shortest operation list that fails, replayed with
    // engines/replay.h; `failure` is what replay reports.
    std::vector<model::Op> counterexample;
    std::optional<std::string> failure;
    std::string error;  // ExploreStop::Error
    // ExploreStop::Error because the machine's memory ran out below the
    // memory budget; the counts are those of the levels completed before.
    bool out_of_memory = false;

    bool found() const { return stop == ExploreStop::Counterexample; }
};

ExploreResult explore(const Variant& v, const Property& p, const ExploreOptions& opts);

}  // namespace daxcheck
