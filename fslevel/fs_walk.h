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
// `known`: failure classes found before (--classes); a step failing with
// one of them is passed over and the walk goes on.
WalkResult run_walk(FsExecution& ex, const Property& p, bool reflink, std::uint64_t walk_seed,
                    const std::vector<std::string>& known = {});

// Fewer and simpler operations while the sequence still fails (replayed
// past the `known` classes). `keep`: the failure class (failure_class(),
// reachability.h) every smaller candidate must fail with; empty: any
// failure will do.
std::vector<Op> shrink(const Variant& v, const Property& p, const model::Universe& u,
                       std::vector<Op> ops, const std::vector<std::string>& known = {},
                       const std::string& keep = "");

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
// `known`: failure classes found already (--classes): each walk goes on
// past a step failing with one of them, and a walk failing with another
// class is shrunk keeping that class (replayed past the known ones).
// Throws EngineFault (engines/engine_fault.h) when the failing walk's
// operations pass on a fresh execution.
WalksResult run_walks(const Variant& v, const Property& p, bool reflink, const model::Universe& u,
                      std::uint64_t seed, std::uint64_t walks, double seconds, unsigned threads,
                      const std::vector<std::string>& known = {});

// Up to `classes` distinct failure classes of one cell (--classes N): the
// walks run_walks runs, then the same walks again going on past the classes
// found so far, until a search finds no new class, `classes` are found, the
// time is up (`seconds` > 0: for the whole cell) or a signal comes. A later class can be a consequence of an earlier one the
// walk went past: its trace shows the steps passed over.
struct CellClasses {
    WalksResult first;               // run_walks' own result: the cell's verdict
    std::vector<WalksResult> more;   // each later class, in the order found
    std::vector<std::string> classes;  // failure_class() of `first` (when it failed) and of each of `more`
    // Over every search, the last one that found nothing new too.
    std::uint64_t walks = 0, operations = 0, calls = 0;
    double seconds = 0;
    // The walks a run needs to find them all again: the highest failing
    // walk + 1 (0 when none failed).
    std::uint64_t walks_to_reproduce() const;
    // Why the search for more classes stopped before `classes` were found
    // and before a search ran its walks without a new one: "time budget" (a
    // timed run's seconds are the whole cell's: a later search gets what is
    // left, and one that ends by the clock proves nothing), "signal", or
    // empty.
    std::string cut_short;
};
CellClasses run_walks_classes(const Variant& v, const Property& p, bool reflink, const model::Universe& u,
                              std::uint64_t seed, std::uint64_t walks, double seconds, unsigned threads,
                              unsigned classes);

}  // namespace daxcheck::fslevel
