// Section "detect": for every expected failure of an in-tree variant, how
// many tests and how long `run` (RapidCheck) and `swarm` (one thread) take to
// hit the first failure, how long shrinking takes, and whether the shrunk
// counterexample is as short as the explorer's provably shortest one.
#include <fmt/format.h>

#include <chrono>

#include "bench/bench.h"
#include "bench/stats.h"
#include "engines/explorer.h"
#include "engines/minimise.h"
#include "impl/expectations.h"
#include "engines/swarm.h"

namespace daxcheck::bench {
namespace {

constexpr int kRunTests = 1000;           // per seed: RapidCheck's cap
constexpr double kSwarmCapSeconds = 2;    // per seed: swarm's cap

// The shortest failing length in the universe `run` used, or 0 when the
// explorer found none within its budget.
std::size_t shortest(const Variant& v, const Property& p, Profile profile, double budget) {
    ExploreOptions e;
    e.universe = default_universe();
    e.profile = profile;
    e.time_budget_s = budget;
    const auto r = explore(v, p, e);
    return r.found() ? r.counterexample.size() : 0;
}

// What `run` and `swarm` print: the shrinker's list, then the explorer's
// breadth-first search for a shorter one (engines/minimise.h). Adds its time
// to `shrink_ms`.
std::size_t minimised_length(const Variant& v, const Property& p, Profile profile,
                             const std::vector<model::Op>& ops, double& shrink_ms) {
    const auto start = std::chrono::steady_clock::now();
    const Minimisation m = minimise_globally(v, p, profile, default_universe(), ops);
    shrink_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count();
    return m.shorter.empty() ? ops.size() : m.shorter.size();
}

}  // namespace

nlohmann::json detect_section(const Options& o) {
    fmt::print("== detect: time to the first failure and to a shrunk counterexample, per expected "
               "failure\n   run: RapidCheck, default universe, at most {} tests per seed; swarm: 1 "
               "thread, at most {:g} s; {} seeds; explorer: the same universe, {:g} s budget\n\n",
               kRunTests, kSwarmCapSeconds, o.seeds, o.explore_cell_seconds);
    fmt::print("{:<18} {:<17} {:<9} | {:>5} {:>5} {:>7} {:>7} {:>7} {:>5} | {:>7} {:>7} {:>7} "
               "{:>5} | {:>4}\n",
               "variant", "property", "profile", "found", "tests", "det ms", "det p90", "shrink",
               "len", "det ms", "det p90", "shrink", "len", "min");
    fmt::print("{:<46} | {:^45} | {:^29} |\n", "", "run (RapidCheck)", "swarm");
    nlohmann::json rows = nlohmann::json::array();
    double worst_median = 0;
    int not_minimal = 0, not_found = 0;
    for (const ExpectedFailure& row : expected_failures()) {
        const Variant* v = find_variant(row.variant);
        const Property* p = find_property(row.property);
        const auto profile = parse_profile(row.profile);
        if (!v || !p || !profile) continue;
        std::vector<double> tests, detect, shrink, s_detect, s_shrink;
        std::size_t run_len = 0, swarm_len = 0, run_min_len = SIZE_MAX, swarm_min_len = SIZE_MAX;
        std::size_t rc_len = 0, dd_len = 0;  // before the explorer's minimisation
        int found = 0, swarm_found = 0;
        for (int seed = 1; seed <= o.seeds; seed++) {
            CellConfig c;
            c.universe = default_universe();
            c.tests = kRunTests;
            c.seed = static_cast<std::uint64_t>(seed);
            const CellResult r = run_cell(*v, *p, *profile, c);
            if (r.verdict == CellResult::Verdict::Fail) {
                found++;
                tests.push_back(r.tests_run);
                detect.push_back(r.detect_ms);
                double ms = r.shrink_ms;
                const std::size_t len = minimised_length(*v, *p, *profile, r.counterexample, ms);
                shrink.push_back(ms);
                rc_len = std::max(rc_len, r.counterexample.size());
                run_len = std::max(run_len, len);
                run_min_len = std::min(run_min_len, len);
            }
            SwarmOptions s;
            s.universe = default_universe();
            s.seed = static_cast<std::uint64_t>(seed);
            s.threads = 1;
            s.seconds = kSwarmCapSeconds;
            const SwarmCellResult w = run_swarm_cell(*v, *p, *profile, s);
            if (w.cell.verdict == CellResult::Verdict::Fail) {
                swarm_found++;
                s_detect.push_back(w.seconds * 1000);
                double ms = w.cell.time_ms - w.seconds * 1000;
                const std::size_t len =
                    minimised_length(*v, *p, *profile, w.cell.counterexample, ms);
                s_shrink.push_back(ms);
                dd_len = std::max(dd_len, w.cell.counterexample.size());
                swarm_len = std::max(swarm_len, len);
                swarm_min_len = std::min(swarm_min_len, len);
            }
        }
        const std::size_t min_len = shortest(*v, *p, *profile, o.explore_cell_seconds);
        const bool minimal = min_len && found == o.seeds && swarm_found == o.seeds &&
                             run_len == min_len && swarm_len == min_len;
        worst_median = std::max({worst_median, median(detect), median(s_detect)});
        if (found < o.seeds || swarm_found < o.seeds) not_found++;
        if (!minimal) not_minimal++;
        fmt::print("{:<18} {:<17} {:<9} | {:>2}/{:<2} {:>5.0f} {:>7.2f} {:>7.2f} {:>7.2f} {:>5} | "
                   "{:>7.2f} {:>7.2f} {:>7.2f} {:>5} | {:>4}\n",
                   row.variant, row.property, row.profile, found, o.seeds, median(tests),
                   median(detect), p90(detect), median(shrink), run_len, median(s_detect),
                   p90(s_detect), median(s_shrink), swarm_len,
                   min_len ? std::to_string(min_len) : "-");
        std::fflush(stdout);
        rows.push_back({{"variant", row.variant}, {"property", row.property},
                        {"profile", row.profile}, {"seeds", o.seeds},
                        {"run", {{"found", found}, {"tests_median", median(tests)},
                                 {"tests_p90", p90(tests)}, {"detect_ms_median", median(detect)},
                                 {"detect_ms_p90", p90(detect)}, {"shrink_ms_median", median(shrink)},
                                 {"shrink_ms_p90", p90(shrink)}, {"shrunk_length_max", run_len},
                                 {"rapidcheck_length_max", rc_len},
                                 {"shrunk_length_min", found ? run_min_len : 0}}},
                        {"swarm", {{"found", swarm_found}, {"detect_ms_median", median(s_detect)},
                                   {"detect_ms_p90", p90(s_detect)},
                                   {"shrink_ms_median", median(s_shrink)},
                                   {"shrink_ms_p90", p90(s_shrink)},
                                   {"shrunk_length_max", swarm_len},
                                   {"delta_debugging_length_max", dd_len},
                                   {"shrunk_length_min", swarm_found ? swarm_min_len : 0}}},
                        {"explorer_min_length", min_len},
                        {"minimal", minimal}});
    }
    fmt::print("\n(det: wall time to the first failing test, median/p90; shrink: median, "
               "RapidCheck or delta debugging then the explorer's minimisation; len: longest "
               "shrunk counterexample over the seeds; min: the explorer's shortest)\n\n");
    return {{"rows", rows},
            {"targets",
             {target("every known bug detected (run and swarm), median", "<= 10 ms",
                     fmt::format("worst cell {:.2f} ms", worst_median), worst_median <= 10),
              target("every seed of every cell finds the bug", "all",
                     fmt::format("{} cells miss a seed", not_found), not_found == 0),
              target("shrunk to the explorer's minimal length", "every seed",
                     fmt::format("{} of {} cells longer or unknown", not_minimal, rows.size()),
                     not_minimal == 0)}}};
}

}  // namespace daxcheck::bench
