// Global minimisation (issues 5 and 8): a shrinker stops at a local minimum
// (RapidCheck cannot turn `shared=0` into `shared=1`; delta debugging only
// drops operations). After it, search breadth-first for a strictly shorter
// failing sequence in the universe the counterexample spans (its files, pfns,
// offsets and pins, plus one of each), so a printed counterexample is either replaced by a
// shorter one or shown to be the shortest there is in that universe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engines/explorer.h"

namespace daxcheck {

// States the search may store before it gives up: a count, not a time, so the
// same run gives the same counterexample on every machine.
inline constexpr std::uint64_t kMinimiseStateBudget = 200'000;
// Every state tries about files x offsets x pfns associations: above this the
// search is skipped (a PMD entry of order 9 spans 512 pfns and offsets).
inline constexpr std::uint64_t kMinimiseUniverseLimit = 4096;
// A safety net besides the state budget: states of a wide universe are large.
inline constexpr std::uint64_t kMinimiseMemoryBudget = std::uint64_t{512} << 20;

struct Minimisation {
    std::size_t original_length = 0;
    std::vector<model::Op> shorter;  // empty when the search found none
    // Every sequence shorter than the original was checked in `universe`.
    bool proven_shortest = false;
    model::Universe universe;  // where the search ran
    bool skipped = false;      // `universe` was too large to search (kMinimiseUniverseLimit)
    ExploreResult search;
};

// The universe `ops` spans, with a margin: the files, pfns and offsets they
// name (each counted up to the largest one) and the most pins they take on
// one pfn, each plus one, capped by `full`; `full`'s PMD order.
model::Universe spanned_universe(const model::Universe& full, const std::vector<model::Op>& ops);

// Searches for a failing sequence shorter than `ops` (which fails in `full`).
// A shorter one found is replayed in `full` before it is returned.
Minimisation minimise_globally(const Variant& v, const Property& p, Profile profile,
                               const model::Universe& full, const std::vector<model::Op>& ops,
                               std::uint64_t state_budget = kMinimiseStateBudget,
                               std::uint64_t memory_budget = kMinimiseMemoryBudget,
                               const ClassFilter& failures = {});  // e.g. only `ops`' own class

}  // namespace daxcheck
