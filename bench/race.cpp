// Section "race" (issue 15): how fast the interleaving explorer runs. Every
// two-operation race over every state of the small universe (files 2, pfns 3,
// offsets 3, PMD order 1, max pins 2) reachable in up to 4 operations, each
// pair in every interleaving (sleep sets, no preemption bound), on the
// test-only port that serialises the share update with a per-page lock, so
// that no failure stops the search early: the time to exhaust it and the
// interleavings run per second. The engine runs in the concurrency build
// (cmake/race.cmake), reached through cli/race_command.h.
#include <fmt/format.h>

#include "bench/bench.h"
#include "cli/race_command.h"

namespace daxcheck::bench {

nlohmann::json race_section(const Options& o) {
    const unsigned depth = o.seeds < 10 ? 2 : 4;  // --quick: a smoke run
    fmt::print("== race: every two-operation race of test-race-page-lock, small universe (files 2, "
               "pfns 3, offsets 3, pmd-order 1, max-pins 2), prefixes up to depth {}\n\n", depth);
    fmt::print("{:<9} {:>9} {:>11} {:>9} {:>14} {:>10} {:>9} {:>14}\n", "level", "prefixes", "pairs",
               "racing", "interleavings", "cut", "seconds", "interleavings/s");
    nlohmann::json out;
    nlohmann::json targets = nlohmann::json::array();
    for (bool fs : {false, true}) {
        const unsigned d = fs ? std::min(depth, 2u) : depth;  // the fs level plans each pair four times
        const race_cli::RaceFigures f = race_cli::race_figures("test-race-page-lock", fs, 2, 3, 3, 1, 2, d);
        const double rate = f.seconds > 0 ? f.interleavings / f.seconds : 0;
        fmt::print("{:<9} {:>9} {:>11} {:>9} {:>14} {:>10} {:>9.2f} {:>14.0f}\n",
                   fs ? fmt::format("fs d{}", d) : fmt::format("fn d{}", d), f.prefixes, f.pairs,
                   f.racing_pairs, f.interleavings, f.redundant, f.seconds, rate);
        out[fs ? "fs" : "function"] = {{"depth", d},           {"prefixes", f.prefixes},
                                        {"pairs", f.pairs},     {"racing_pairs", f.racing_pairs},
                                        {"interleavings", f.interleavings}, {"redundant", f.redundant},
                                        {"seconds", f.seconds}, {"interleavings_per_second", rate},
                                        {"failure_found", f.found}};
        if (!fs)
            targets.push_back(target(fmt::format("exhaust every two-operation race, small universe, depth {}", d),
                                     "finishes, no failure", fmt::format("{:.1f} s", f.seconds), !f.found));
    }
    fmt::print("\n(pairs: of two different files' operations; racing: with a conflicting field "
               "access, the rest need one run; cut: runs a sleep set showed redundant)\n\n");
    out["targets"] = targets;
    return out;
}

}  // namespace daxcheck::bench
