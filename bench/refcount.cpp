// Section "refcount" (issue 14): what the SPEC 9 reference-count check adds
// to refinement. Swarm throughput on v6.2 / refinement / reflink (the
// throughput section's cell), one thread, with the check and without it
// (set_refcount_check_for_bench), alternating so that load from elsewhere on
// the machine falls on both; the best of each is compared.
#include <fmt/format.h>

#include <algorithm>

#include "bench/bench.h"
#include "properties/refcount_relation.h"

namespace daxcheck::bench {

nlohmann::json refcount_section(const Options& o) {
    fmt::print("== refcount: cost of the SPEC 9 check, v6.2 / refinement / reflink, swarm, one "
               "thread, default universe, {:g} s per measurement\n\n", o.seconds);
    double with = 0, without = 0;
    for (int round = 0; round < 3; round++) {
        set_refcount_check_for_bench(true);
        with = std::max(with, swarm_ops_per_second(default_universe(), 1, o.seconds, nullptr));
        set_refcount_check_for_bench(false);
        without = std::max(without, swarm_ops_per_second(default_universe(), 1, o.seconds, nullptr));
    }
    set_refcount_check_for_bench(true);
    const double cost = without > 0 ? (without - with) / without : 0;
    fmt::print("with the check {:.0f} ops/s, without {:.0f} ops/s: the check costs {:.1f} % of "
               "swarm throughput\n\n", with, without, cost * 100);
    return {{"with_check_ops_per_second", with},
            {"without_check_ops_per_second", without},
            {"cost_fraction", cost},
            {"targets",
             {target("refcount check cost, share of swarm throughput", "<= 10 %",
                     fmt::format("{:.1f} %", cost * 100), cost <= 0.10)}}};
}

}  // namespace daxcheck::bench
