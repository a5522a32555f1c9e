// Where `race` starts from (race/race.h PrefixSource): every state reachable
// in at most `depth` legal operations of the universe, breadth-first (so the
// first failure has a shortest prefix), each distinct state once; `seed`
// orders the states of one length.
#pragma once

#include <cstdint>

#include "model/universe.h"
#include "race/race.h"

namespace daxcheck::race {

// Function level: the explorer's operations (engines/op_enumeration.h,
// reflink profile). The pairs: an associate, disassociate or truncate of one
// file with one of another file, legal in the model in both orders.
PrefixSource function_prefixes(const Variant& v, const model::Universe& u, unsigned depth,
                               std::uint64_t seed);

// Filesystem level (SPEC 8): filesystem operations through the version's
// fault path. The pairs: a read fault, write fault, truncate, punch, unshare
// or invalidation of one file with one of another file, both orders legal,
// each deriving the same calls whichever goes first (their race is in the
// page fields, not in the filesystem's planning). Throws std::invalid_argument
// when `v` has no fault path.
PrefixSource fs_prefixes(const Variant& v, const model::Universe& u, unsigned depth,
                         std::uint64_t seed);

}  // namespace daxcheck::race
