// Swarm mode (issue 8): random walks without RapidCheck per operation. Each
// walk draws a swarm configuration (Groce et al., ISSTA 2012: a random subset
// of the operation kinds, files, pfns, offsets and orders, and a length),
// generates only legal operations (plus misuse ones for a with_misuse
// property) from the model state, steps model and port through Execution,
// checks the property after each step and at the end, and restarts. A failing
// walk's operations are shrunk here (delta debugging, then an exhaustive
// search of short subsequences, then simplify_values): RapidCheck cannot
// shrink a list it did not generate.
//
// Deterministic: walk number w of seed S has its own seed walk_seed(S, w),
// and that seed alone fixes the walk (its configuration and its operations).
// The threads take walks in order (the next number not taken yet), and a
// thread that finds a failing walk w stops while the walks below w others
// hold finish: the result is the failing walk with the lowest number among
// walks 0..w, all of which ran, whatever the thread count and timing; a
// timed run (--seconds) that failed at walk w is reproduced by --walks w+1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engines/rc_runner.h"

namespace daxcheck {

class Cluster;

struct SwarmOptions {
    model::Universe universe;
    std::uint64_t seed = 1;
    unsigned threads = 2;
    double seconds = 1;       // per cell, when `walks` is 0
    std::uint64_t walks = 0;  // an exact number of walks per cell (0: run for `seconds`)
    std::optional<std::uint64_t> walk_seed;  // run only this one walk
    // The processes the walks are spread over (engines/cluster.h; mpi/):
    // rank r takes walks r, r+ranks, r+2*ranks, ... (its threads in order). Every rank returns the same cell: summed counts, the lowest failing
    // walk (each rank replays it) and its shrunk counterexample. nullptr:
    // this process alone.
    Cluster* cluster = nullptr;
    // Which failures count (properties/failure_class.h): a walk failing with
    // a class it does not count is a passing walk. A counted failing walk is
    // shrunk keeping its own class.
    ClassFilter failures;
};

std::uint64_t walk_seed(std::uint64_t seed, std::uint64_t walk);

// What one walk did.
struct WalkResult {
    std::uint64_t operations = 0;     // operations stepped and checked
    std::vector<model::Op> ops;       // the walk's operations (up to the failing one)
    std::optional<std::string> failure;
    std::string configuration;        // the swarm configuration, readable
};

// One walk of `walk_seed`: deterministic.
WalkResult run_walk(const Variant& v, const Property& p, Profile profile, const model::Universe& u,
                    std::uint64_t walk_seed);

// True when `ops` is a list the property's generator could produce (legal
// operations, plus misuse operations for a with_misuse property) and it fails.
bool ops_fail(const Variant& v, const Property& p, const model::Universe& u,
              const std::vector<model::Op>& ops);

// Shrinks a failing list: fewer operations while it still fails and stays
// legal, then the smallest values (engines/simplify.h).
std::vector<model::Op> shrink_ops(const Variant& v, const Property& p, const model::Universe& u,
                                  std::vector<model::Op> ops, const ClassFilter& failures = {});

struct SwarmCellResult {
    CellResult cell;  // tests_run is the number of walks run
    std::uint64_t walks = 0;
    std::uint64_t operations = 0;  // checked operations over all walks
    double seconds = 0;            // walking only, without the shrinking
    // The failing walk with the lowest number, when one failed.
    std::optional<std::uint64_t> failing_walk;
    std::uint64_t failing_walk_seed = 0;
    std::string failing_configuration;
    std::size_t failing_length = 0;  // before shrinking
    double ops_per_second() const { return seconds > 0 ? operations / seconds : 0; }
};

SwarmCellResult run_swarm_cell(const Variant& v, const Property& p, Profile profile,
                               const SwarmOptions& opts);

}  // namespace daxcheck
