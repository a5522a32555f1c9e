// Section "swarm-depth" (issue 8): how long `run` (RapidCheck) and `swarm`
// (two threads) take to find the test-only variant that loses the K-th
// sharer's share increment (tests/ports/lose_share_port.cpp), K = 3..7, and
// the swarm's throughput with two threads.
#include <fmt/format.h>

#include "bench/bench.h"
#include "bench/stats.h"
#include "engines/swarm.h"

namespace daxcheck::bench {

nlohmann::json swarm_depth_section(const Options& o) {
    const Property& refinement = *find_property("refinement");
    fmt::print("== swarm-depth: time to find test-lose-share-kK (refinement / reflink, default "
               "universe), {} seeds\n   swarm: 2 threads, at most {:g} s; run: RapidCheck, at most "
               "{} tests\n\n", o.depth_seeds, o.depth_cap_seconds, o.depth_run_tests);
    fmt::print("{:>3} | {:>7} {:>10} {:>10} {:>10} {:>4} | {:>7} {:>10} {:>10} {:>10} {:>4}\n", "K",
               "found", "find med", "find p90", "total med", "len", "found", "find med",
               "find p90", "total med", "len");
    fmt::print("{:>3} | {:^45} | {:^45}\n", "", "swarm (2 threads), ms", "run (RapidCheck), ms");
    nlohmann::json rows = nlohmann::json::array();
    double k6 = 0, k7 = 0;
    for (unsigned k = 3; k <= 7; k++) {
        const Variant* v = find_variant("test-lose-share-k" + std::to_string(k));
        if (!v) throw std::runtime_error("no test-lose-share variants linked in");
        std::vector<double> s_find, s_total, r_find, r_total;
        std::size_t s_len = 0, r_len = 0;
        for (int seed = 1; seed <= o.depth_seeds; seed++) {
            SwarmOptions s;
            s.seed = static_cast<std::uint64_t>(seed);
            s.seconds = o.depth_cap_seconds;
            s.threads = 2;
            const auto sr = run_swarm_cell(*v, refinement, Profile::Reflink, s);
            if (sr.cell.verdict == CellResult::Verdict::Fail) {
                s_find.push_back(sr.seconds * 1000);
                s_total.push_back(sr.cell.time_ms);
                s_len = std::max(s_len, sr.cell.counterexample.size());
            }
            CellConfig c;
            c.seed = static_cast<std::uint64_t>(seed);
            c.tests = o.depth_run_tests;
            const auto rr = run_cell(*v, refinement, Profile::Reflink, c);
            if (rr.verdict == CellResult::Verdict::Fail) {
                r_find.push_back(rr.detect_ms);
                r_total.push_back(rr.time_ms);
                r_len = std::max(r_len, rr.counterexample.size());
            }
        }
        // A seed that did not find the bug counts as the cap: the median is
        // then a lower bound.
        while (static_cast<int>(s_total.size()) < o.depth_seeds) s_total.push_back(o.depth_cap_seconds * 1000);
        if (k == 6) k6 = median(s_total);
        if (k == 7) k7 = median(s_total);
        fmt::print("{:>3} | {:>4}/{:<2} {:>10.1f} {:>10.1f} {:>10.1f} {:>4} | {:>4}/{:<2} {:>10.1f} "
                   "{:>10.1f} {:>10.1f} {:>4}\n",
                   k, s_find.size(), o.depth_seeds, median(s_find), p90(s_find), median(s_total),
                   s_len, r_find.size(), o.depth_seeds, median(r_find), p90(r_find),
                   median(r_total), r_len);
        std::fflush(stdout);
        rows.push_back({{"k", k},
                        {"swarm", {{"found", s_find.size()}, {"find_ms_median", median(s_find)},
                                   {"find_ms_p90", p90(s_find)}, {"total_ms_median", median(s_total)},
                                   {"shrunk_length_max", s_len}}},
                        {"run", {{"found", r_find.size()}, {"find_ms_median", median(r_find)},
                                 {"find_ms_p90", p90(r_find)}, {"total_ms_median", median(r_total)},
                                 {"shrunk_length_max", r_len}}}});
    }
    const double two_threads = swarm_ops_per_second(default_universe(), 2, o.seconds, nullptr);
    fmt::print("\n(find: to the first failing walk or test; total: with shrinking; len: longest "
               "shrunk counterexample)\nswarm throughput, v6.2 / refinement / reflink, default "
               "universe, 2 threads: {:.0f} checked ops/s\n\n", two_threads);
    return {{"rows", rows}, {"swarm_2_threads_ops_per_second", two_threads},
            {"targets",
             {target("K=6 found by swarm (2 threads), median with shrinking", "<= 1000 ms",
                     fmt::format("{:.1f} ms", k6), k6 <= 1000),
              target("K=7 found by swarm (2 threads), median with shrinking", "<= 10000 ms",
                     fmt::format("{:.1f} ms", k7), k7 <= 10000),
              target("swarm checked ops/s, v6.2, 2 threads", ">= 10,000,000",
                     fmt::format("{:.0f}", two_threads), two_threads >= 1e7)}}};
}

}  // namespace daxcheck::bench
