// Section "explorer": distinct states per second and the depth completed in a
// time budget for the default universe, and how long the small universe takes
// to exhaust with one and two threads (v6.2 / refinement / reflink).
#include <fmt/format.h>

#include "bench/bench.h"
#include "engines/explorer.h"

namespace daxcheck::bench {
namespace {

nlohmann::json to_json(const ExploreResult& r) {
    return {{"stop", to_string(r.stop)}, {"states", r.states},
            {"concrete_states", r.concrete_states}, {"transitions", r.transitions},
            {"depth_completed", r.depth_completed}, {"exhausted", r.exhausted},
            {"seconds", r.seconds}, {"states_per_second", r.seconds > 0 ? r.states / r.seconds : 0},
            {"memory_bytes", r.memory_bytes}};
}

ExploreResult run(const model::Universe& u, unsigned threads, double budget) {
    ExploreOptions e;
    e.universe = u;
    e.profile = Profile::Reflink;
    e.threads = threads;
    e.time_budget_s = budget;
    return explore(*find_variant("v6.2"), *find_property("refinement"), e);
}

void print(const std::string& what, unsigned threads, const ExploreResult& r) {
    fmt::print("{:<34} {:>7} {:>12} {:>13} {:>12} {:>6} {:>10} {:>9.2f}\n", what, threads,
               r.states, r.transitions, fmt::format("{:.0f}", r.seconds > 0 ? r.states / r.seconds : 0),
               r.depth_completed, r.exhausted ? "exhausted" : to_string(r.stop), r.seconds);
}

}  // namespace

nlohmann::json explorer_section(const Options& o) {
    fmt::print("== explorer: v6.2 / refinement / reflink, breadth-first with symmetry reduction\n\n");
    fmt::print("{:<34} {:>7} {:>12} {:>13} {:>12} {:>6} {:>10} {:>9}\n", "universe", "threads",
               "states", "transitions", "states/s", "depth", "stop", "seconds");
    const auto big = run(default_universe(), 1, o.explore_seconds);
    print("default (files 3, pfns 4, offs 4)", 1, big);
    std::fflush(stdout);
    const auto small_u = universe(2, 3, 3);
    const auto one = run(small_u, 1, o.explore_seconds);
    print("small (files 2, pfns 3, offs 3)", 1, one);
    std::fflush(stdout);
    const auto two = run(small_u, 2, o.explore_seconds);
    print("small (files 2, pfns 3, offs 3)", 2, two);
    fmt::print("\n");
    return {{"default_universe", to_json(big)},
            {"small_universe_1_thread", to_json(one)},
            {"small_universe_2_threads", to_json(two)},
            {"targets", nlohmann::json::array()}};
}

}  // namespace daxcheck::bench
