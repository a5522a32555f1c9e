// The operations the explorer tries from a model state (engines/explorer.h),
// on their own so that engines which only enumerate (race/prefixes.h) need
// not link the explorer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "model/state.h"
#include "properties/property.h"

namespace daxcheck {

// Every operation the explorer tries in `s`: every legal one of the profile
// (each file, order 0 and the PMD order, every aligned offset and pfn start,
// every slot, pins and unpins) and, with `with_misuse`, every misuse one that
// model::misuse_check recognises. Appends to `out` after clearing it.
void enumerate_ops(const model::ModelState& s, Profile profile, bool with_misuse,
                   std::vector<model::Op>& out);
// The same one at a time, without the list (a wide universe's state has
// millions): calls `emit` with each until it returns false; false then.
bool for_each_op(const model::ModelState& s, Profile profile, bool with_misuse,
                 const std::function<bool(const model::Op&)>& emit);
// The index-th operation enumerate_ops would list, if there are that many.
std::optional<model::Op> op_at(const model::ModelState& s, Profile profile, bool with_misuse,
                               std::uint64_t index);

}  // namespace daxcheck
