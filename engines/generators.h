// RapidCheck generators of operations from a model state: only legal
// operations (plus misuse operations for the misuse property). File, pfn and
// offset choices are drawn uniformly with gen::elementOf, never size-scaled,
// so sharing and a second file appear from the first test on.
#pragma once

#include <rapidcheck.h>

#include "model/state.h"
#include "properties/property.h"

namespace daxcheck {

rc::Gen<model::Op> gen_legal_op(const model::ModelState& s, Profile profile);

// A legal operation or, one time in four, a misuse one (SPEC section 3): a
// second exclusive owner or a stray disassociate, of PTE or PMD order.
rc::Gen<model::Op> gen_op_with_misuse(const model::ModelState& s, Profile profile);

// The aligned starts an entry of `order` may take in 0..limit-1. Small
// universes use every start; large ones the first, second and last page of
// each PMD block, where the boundary cases are.
std::vector<std::uint64_t> candidate_starts(const model::Universe& u, std::uint64_t limit,
                                            model::Order order);

}  // namespace daxcheck
