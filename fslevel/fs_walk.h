// Random walks at the filesystem level (SPEC 8), in the style of the function
// level's swarm (engines/swarm.h, Groce et al.'s swarm testing): each walk
// draws which operation kinds it uses and how often, a length, and then only
// legal filesystem operations; every derived call is checked. A failing walk
// is shrunk by removing operations (delta debugging) and simplifying lengths
// and PMD faults while it still fails. Deterministic: walk w of seed S is
// fixed by walk_seed(S, w) (engines/swarm.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fslevel/fs_op.h"
#include "impl/variant.h"
#include "properties/property.h"

namespace daxcheck::fslevel {

struct WalkResult {
    std::vector<Op> ops;  // up to and including the failing one
    std::uint64_t operations = 0;  // filesystem operations run
    std::uint64_t calls = 0;       // derived calls checked
    std::optional<std::string> failure;
    std::string configuration;
};

// `reflink`: the profile allows reflink (sharing); exclusive walks never share.
WalkResult run_walk(const Variant& v, const Property& p, bool reflink, const model::Universe& u,
                    std::uint64_t walk_seed);
class FsExecution;
// The same on an execution the caller reuses across walks (reset here).
WalkResult run_walk(FsExecution& ex, const Property& p, bool reflink, std::uint64_t walk_seed);

std::vector<Op> shrink(const Variant& v, const Property& p, const model::Universe& u,
                       std::vector<Op> ops);

struct WalksResult {
    std::uint64_t walks = 0, operations = 0, calls = 0;
    double seconds = 0;
    std::optional<std::uint64_t> failing_walk;
    std::uint64_t failing_walk_seed = 0;
    std::string failing_configuration;
    std::vector<Op> counterexample;  // shrunk
    std::string message;
};

// Runs `walks` walks (or walks for `seconds` when walks is 0; the clock is
// read before each walk) on `threads` threads, taking walks in order. The
// failing walk reported is the lowest-numbered one: a timed run that failed
// at walk w reports what --walks w+1 does, whatever the thread count and
// timing. Stops between walks after SIGINT/SIGTERM (engines/interrupt.h).
WalksResult run_walks(const Variant& v, const Property& p, bool reflink, const model::Universe& u,
                      std::uint64_t seed, std::uint64_t walks, double seconds, unsigned threads);

}  // namespace daxcheck::fslevel
