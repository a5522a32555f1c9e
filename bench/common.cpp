#include "bench/bench.h"

namespace daxcheck::bench {

model::Universe universe(unsigned files, std::uint64_t pfns, std::uint64_t offsets) {
    model::Universe u;
    u.files = files;
    u.pfns = pfns;
    u.offsets = offsets;
    u.pmd_order = 1;
    u.max_pins = 2;
    return u;
}

model::Universe default_universe() { return universe(3, 4, 4); }

nlohmann::json target(const std::string& what, const std::string& wanted,
                      const std::string& measured, bool met) {
    return {{"what", what}, {"wanted", wanted}, {"measured", measured}, {"met", met}};
}

}  // namespace daxcheck::bench
