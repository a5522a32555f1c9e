#include "engines/order_walks.h"

#include <algorithm>

namespace daxcheck {

std::vector<OrderWalks> other_pmd_orders(std::uint64_t walks) {
    if (walks == 0) return {};
    return {{model::Universe::with_pmd_order(2), std::max<std::uint64_t>(1, walks / 10)},
            {model::Universe::with_pmd_order(9, 1), std::max<std::uint64_t>(1, walks / 100)}};
}

}  // namespace daxcheck
