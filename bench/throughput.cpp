// Section "throughput": checked operations per second for v6.2 / refinement /
// reflink (model step, port step, relation check of the pfns the step may
// have changed) as the universe grows, through the swarm walker (one thread)
// and through RapidCheck's `run` path (generation and shrinking machinery
// included: that is what `run` costs).
#include <fmt/format.h>

#include <chrono>

#include "bench/bench.h"
#include "engines/swarm.h"

namespace daxcheck::bench {
namespace {

constexpr std::uint64_t kSizes[] = {4, 16, 256, 4096};

}  // namespace

// RapidCheck operations per second: a calibration run, then one of about
// `seconds`. Operations are the commands of the tests run.
std::pair<double, int> run_path_ops_per_second(const Variant& v, const Property& p,
                                               const model::Universe& u, double seconds) {
    CellConfig c;
    c.universe = u;
    c.tests = 20;
    auto r = run_cell(v, p, Profile::Reflink, c);
    const double per_test_ms = std::max(0.01, r.time_ms / c.tests);
    c.tests = static_cast<int>(std::clamp(seconds * 1000 / per_test_ms, 20.0, 1e6));
    r = run_cell(v, p, Profile::Reflink, c);
    return {static_cast<double>(r.generation.length_total) / (r.time_ms / 1000), c.tests};
}

double swarm_ops_per_second(const model::Universe& u, unsigned threads, double seconds,
                            double* walk_length) {
    SwarmOptions s;
    s.universe = u;
    s.threads = threads;
    s.seconds = seconds;
    const auto r = run_swarm_cell(*find_variant("v6.2"), *find_property("refinement"),
                                  Profile::Reflink, s);
    if (r.cell.verdict != CellResult::Verdict::Pass)
        throw std::runtime_error("v6.2 refinement did not pass: " + r.cell.message);
    if (walk_length) *walk_length = r.walks ? double(r.operations) / double(r.walks) : 0;
    return r.ops_per_second();
}

nlohmann::json throughput_section(const Options& o) {
    const Variant& v = *find_variant("v6.2");
    const Property& p = *find_property("refinement");
    fmt::print("== throughput: checked operations per second, v6.2 / refinement / reflink, one "
               "thread, {:g} s per measurement\n   universe: files 3, pmd-order 1, max-pins 2, "
               "pfns = offsets = N\n\n", o.seconds);
    fmt::print("{:>6} | {:>12} {:>8} {:>9} | {:>12} {:>8} {:>8}\n", "pfns", "swarm ops/s", "ns/op",
               "ops/walk", "run ops/s", "ns/op", "tests");
    nlohmann::json rows = nlohmann::json::array();
    double default_rate = 0, ns16 = 0, ns4096 = 0;
    for (std::uint64_t n : kSizes) {
        const auto u = universe(3, n, n);
        double walk_length = 0;
        const double swarm = swarm_ops_per_second(u, 1, o.seconds, &walk_length);
        const auto [run, tests] = run_path_ops_per_second(v, p, u, o.seconds);
        fmt::print("{:>6} | {:>12.0f} {:>8.0f} {:>9.1f} | {:>12.0f} {:>8.0f} {:>8}\n", n, swarm,
                   1e9 / swarm, walk_length, run, 1e9 / run, tests);
        std::fflush(stdout);
        rows.push_back({{"pfns", n}, {"offsets", n}, {"swarm_ops_per_second", swarm},
                        {"swarm_ns_per_op", 1e9 / swarm}, {"swarm_ops_per_walk", walk_length},
                        {"run_ops_per_second", run}, {"run_ns_per_op", 1e9 / run},
                        {"run_tests", tests}});
        if (n == 4) default_rate = swarm;
        if (n == 16) ns16 = 1e9 / swarm;
        if (n == 4096) ns4096 = 1e9 / swarm;
    }
    fmt::print("\n(swarm: walks of random length, the walker's reset included; run: RapidCheck "
               "stateful tests, generation included)\n\n");
    const double growth = ns16 > 0 ? ns4096 / ns16 : 0;
    return {{"rows", rows},
            {"targets",
             {target("checked ops/s, v6.2, default universe (swarm, 1 thread)", ">= 1,000,000",
                     fmt::format("{:.0f}", default_rate), default_rate >= 1e6),
              target("cost per op does not grow with pfns (ns/op at 4096 / at 16)", "<= 1.5",
                     fmt::format("{:.2f}", growth), growth > 0 && growth <= 1.5)}}};
}

}  // namespace daxcheck::bench
