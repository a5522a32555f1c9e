// Bench hook (issue 8), not a test: how long `run` (RapidCheck) and `swarm`
// take to find the test variant that loses the K-th sharer's share increment
// (tests/ports/lose_share_port.cpp), for K = 3..7, median over seeds.
//   daxcheck_swarm_depth [SEEDS=5] [SWARM_SECONDS_CAP=20] [RUN_TESTS_CAP=20000]
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "properties/swarm.h"

using namespace daxcheck;

namespace {

struct Found {
    double median_ms = 0;
    int found = 0;
};

Found median(std::vector<double> ms, int found) {
    std::sort(ms.begin(), ms.end());
    return {ms.empty() ? 0 : ms[ms.size() / 2], found};
}

}  // namespace

int main(int argc, char** argv) {
    const int seeds = argc > 1 ? std::atoi(argv[1]) : 5;
    const double swarm_cap = argc > 2 ? std::atof(argv[2]) : 20;
    const int run_cap = argc > 3 ? std::atoi(argv[3]) : 20000;
    const Property& refinement = *find_property("refinement");
    fmt::print("K-th sharer loses its share increment: time to find it (refinement / reflink, "
               "default universe), median over {} seeds\n", seeds);
    fmt::print("swarm: 2 threads, at most {:g} s; run: RapidCheck, at most {} tests\n\n", swarm_cap,
               run_cap);
    fmt::print("{:>3} {:>14} {:>8} {:>12} {:>14} {:>8} {:>12}\n", "K", "swarm median", "found",
               "shrunk to", "run median", "found", "shrunk to");
    for (unsigned k = 3; k <= 7; k++) {
        const Variant* v = find_variant("test-lose-share-k" + std::to_string(k));
        if (!v) return 2;
        std::vector<double> swarm_ms, run_ms;
        int swarm_found = 0, run_found = 0;
        std::size_t swarm_len = 0, run_len = 0;
        for (int seed = 1; seed <= seeds; seed++) {
            SwarmOptions o;
            o.seed = static_cast<std::uint64_t>(seed);
            o.seconds = swarm_cap;
            const auto s = run_swarm_cell(*v, refinement, Profile::Reflink, o);
            swarm_ms.push_back(s.cell.time_ms);
            if (s.cell.verdict == CellResult::Verdict::Fail) {
                swarm_found++;
                swarm_len = std::max(swarm_len, s.cell.counterexample.size());
            }
            CellConfig c;
            c.seed = static_cast<std::uint64_t>(seed);
            c.tests = run_cap;
            const auto r = run_cell(*v, refinement, Profile::Reflink, c);
            run_ms.push_back(r.time_ms);
            if (r.verdict == CellResult::Verdict::Fail) {
                run_found++;
                run_len = std::max(run_len, r.counterexample.size());
            }
        }
        const auto sm = median(swarm_ms, swarm_found), rm = median(run_ms, run_found);
        fmt::print("{:>3} {:>11.0f} ms {:>5}/{:<2} {:>12} {:>11.0f} ms {:>5}/{:<2} {:>12}\n", k,
                   sm.median_ms, sm.found, seeds, swarm_len, rm.median_ms, rm.found, seeds, run_len);
        std::fflush(stdout);
    }
    return 0;
}
