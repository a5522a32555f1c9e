// The filesystem level's cost (issue 12): checked calls per second at the
// filesystem level next to checked operations per second at the function
// level (same variant, property and universe, one thread), and filesystem
// operations per second of `swarm --level fs` on both cores. The filesystem
// level runs v6.2's exclusive profile: from 6.2 every version fails reflink there.
#include <fmt/format.h>

#include "bench/bench.h"
#include "fslevel/fs_walk.h"
#include "properties/catalog.h"

namespace daxcheck::bench {

nlohmann::json fslevel_section(const Options& o) {
    const Variant& v = *find_variant("v6.2");
    const Property& p = *find_property("refinement");
    const model::Universe u = default_universe();
    // Exclusive: every version from 6.2 fails reflink at this level (the page
    // count, contract section 8), and a failing walk stops early.
    fmt::print("== fslevel: v6.2 / refinement / exclusive at the filesystem level (function level: "
               "swarm, reflink), default universe, {:g} s per measurement\n\n",
               o.seconds);
    const double function_ops = swarm_ops_per_second(u, 1, o.seconds, nullptr);
    nlohmann::json rows = nlohmann::json::array();
    double fs_calls_1 = 0, fs_ops_2 = 0;
    fmt::print("{:>8} | {:>14} {:>14} {:>10}\n", "threads", "fs ops/s", "checked calls/s", "calls/op");
    for (unsigned threads : {1u, 2u}) {
        const auto r = fslevel::run_walks(v, p, false, u, 1, 0, o.seconds, threads);
        if (r.failing_walk) throw std::runtime_error("v6.2 failed at the filesystem level: " + r.message);
        const double ops = r.operations / r.seconds, calls = r.calls / r.seconds;
        fmt::print("{:>8} | {:>14.0f} {:>14.0f} {:>10.2f}\n", threads, ops, calls,
                   r.operations ? double(r.calls) / double(r.operations) : 0);
        rows.push_back({{"threads", threads}, {"fs_ops_per_second", ops}, {"calls_per_second", calls}});
        if (threads == 1) fs_calls_1 = calls;
        if (threads == 2) fs_ops_2 = ops;
    }
    const double ratio = fs_calls_1 > 0 ? function_ops / fs_calls_1 : 0;
    fmt::print("\nfunction level (swarm, 1 thread): {:.0f} checked ops/s; filesystem level: {:.0f} "
               "checked calls/s: {:.2f} x the cost per checked call\n\n",
               function_ops, fs_calls_1, ratio);
    nlohmann::json out = {{"rows", rows}, {"function_ops_per_second", function_ops},
                          {"cost_ratio_per_checked_call", ratio}};
    out["targets"] = nlohmann::json::array(
        {target("filesystem level cost per checked call / function level", "<= 3",
                fmt::format("{:.2f}", ratio), ratio > 0 && ratio <= 3),
         target("swarm --level fs, filesystem ops/s, 2 threads", ">= 2,000,000",
                fmt::format("{:.0f}", fs_ops_2), fs_ops_2 >= 2e6)});
    return out;
}

}  // namespace daxcheck::bench
