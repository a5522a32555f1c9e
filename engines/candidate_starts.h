// Where the generating engines (swarm walks, the RapidCheck path's choice
// decoder) place entries: the aligned starts an entry may take.
#pragma once

#include <cstdint>
#include <vector>

#include "model/universe.h"

namespace daxcheck {

// The aligned starts an entry of `order` may take in 0..limit-1, ascending.
// Small universes use every start; large ones the first, second and last page
// of each PMD block, where the boundary cases are.
std::vector<std::uint64_t> candidate_starts(const model::Universe& u, std::uint64_t limit,
                                            model::Order order);

}  // namespace daxcheck
