// The PMD orders the default `run` and `swarm` walk besides the universe's
// own (issue 14). With order 1, `1 << order` and `order + 1` are the same
// number, so a port's wrong loop bound passes every order-1 walk: the default
// run also walks order 2 and the kernel's order 9, with fewer walks (an
// order-9 PMD operation touches 512 pages).
#pragma once

#include <cstdint>
#include <vector>

#include "model/universe.h"

namespace daxcheck {

struct OrderWalks {
    model::Universe universe;
    std::uint64_t walks = 0;
};

// The other-order universes and how many walks each gets for `walks` walks of
// the default universe: a tenth at order 2 and a hundredth (at least one) at
// order 9; none for `walks` == 0.
std::vector<OrderWalks> other_pmd_orders(std::uint64_t walks);

}  // namespace daxcheck
