// Section "explorer-speed" (issue 18): the explorer's transitions per second
// on the small universe (v6.2 / refinement / reflink, files 2, pfns
// 3, offsets 3, PMD order 1, depth 30: exhausted at depth 17) with one and
// two threads, next to a plain breadth-first search without symmetry and
// the harness's own part of each of that search's transitions (the floor
// under any explorer that steps, checks and undoes as this one does); the
// scaling over 1, 2 and 4 MPI ranks (daxcheck-mpi under mpirun, when built);
// and RapidCheck's `run` path per checked operation against fast-check's
// 0.44 M/s on the same model.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "bench/bench.h"
#include "engines/explorer.h"

namespace daxcheck::bench {
namespace {

ExploreResult explore_small(unsigned threads, double budget) {
    ExploreOptions e;
    e.universe = universe(2, 3, 3);
    e.max_depth = 30;
    e.time_budget_s = budget;
    e.threads = threads;
    return explore(*find_variant("v6.2"), *find_property("refinement"), e);
}

double rate(double transitions, double seconds) { return seconds > 0 ? transitions / seconds : 0; }

// One run of daxcheck-mpi on `ranks` ranks over the same cell: its JSON
// result, or null when mpirun failed.
nlohmann::json mpi_run(const char* binary, unsigned ranks, double budget) {
    char dir[] = "/tmp/daxcheck-bench-XXXXXX";
    if (!mkdtemp(dir)) return nullptr;
    const std::string json = std::string(dir) + "/out.json";
    const std::string command = fmt::format(
        "mpirun -np {} --oversubscribe --bind-to none --mca btl self,vader "
        "--mca btl_vader_single_copy_mechanism none{} {} explore --variant v6.2 --property "
        "refinement --profile reflink --files 2 --pfns 3 --offsets 3 --pmd-order 1 --depth 30 "
        "--time-budget {} --json {} >/dev/null 2>&1",
        ranks, geteuid() == 0 ? " --allow-run-as-root" : "", binary, budget, json);
    nlohmann::json out = nullptr;
    if (std::system(command.c_str()) == 0) {
        std::ifstream in(json);
        out = nlohmann::json::parse(in, nullptr, false)["results"][0];
    }
    std::remove(json.c_str());
    rmdir(dir);
    return out;
}

}  // namespace

nlohmann::json explorer_speed_section(const Options& o) {
    const double budget = o.explore_seconds;
    fmt::print("== explorer-speed: v6.2 / refinement / reflink, files 2, pfns 3, offsets 3, PMD "
               "order 1, depth 30\n\n");
    fmt::print("{:<44} {:>12} {:>13} {:>9} {:>14}\n", "search", "states", "transitions",
               "seconds", "transitions/s");
    const auto row = [](const std::string& what, std::uint64_t states, std::uint64_t transitions,
                        double seconds) {
        fmt::print("{:<44} {:>12} {:>13} {:>9.2f} {:>12.2f} M\n", what, states, transitions,
                   seconds, rate(transitions, seconds) / 1e6);
        std::fflush(stdout);
    };
    const auto one = explore_small(1, budget);
    row("explorer, 1 thread (symmetry: orbits)", one.states, one.transitions, one.seconds);
    const auto two = explore_small(2, budget);
    row("explorer, 2 threads", two.states, two.transitions, two.seconds);
    const auto ref = reference_bfs(*find_variant("v6.2"), *find_property("refinement"),
                                   universe(2, 3, 3), Profile::Reflink, budget);
    row("plain BFS, 1 thread, no symmetry (states)", ref.states, ref.transitions, ref.seconds);
    // The same search again, timing apart what the harness alone does per
    // transition: the explorer's own work comes on top of it. Twice the
    // budget, for the search plus that pass; a floor over shallow levels
    // only would look faster, so the row says when it was cut short.
    const auto floor = reference_bfs(*find_variant("v6.2"), *find_property("refinement"),
                                     universe(2, 3, 3), Profile::Reflink, 2 * budget, true);
    row(floor.exhausted ? "harness alone: step, step check, undo"
                        : "harness alone (budget hit: shallow levels)",
        floor.states, floor.transitions, floor.floor_seconds);

    nlohmann::json ranks = nlohmann::json::array();
#ifdef DAXCHECK_MPI_BINARY
    fmt::print("\n{:<8} {:>12} {:>13} {:>9} {:>14} {:>16}\n", "ranks", "states", "transitions",
               "seconds", "transitions/s", "bytes per state");
    for (unsigned n : {1u, 2u, 4u}) {
        const auto r = mpi_run(DAXCHECK_MPI_BINARY, n, budget);
        if (r.is_null()) {
            fmt::print("{:<8} mpirun failed\n", n);
            continue;
        }
        const double seconds = r["time_ms"].get<double>() / 1000;
        const auto states = r["states"].get<std::uint64_t>();
        const auto transitions = r["transitions"].get<std::uint64_t>();
        const double per_state = states ? r["memory_bytes"].get<double>() / states : 0;
        fmt::print("{:<8} {:>12} {:>13} {:>9.2f} {:>12.2f} M {:>16.1f}\n", n, states, transitions,
                   seconds, rate(transitions, seconds) / 1e6, per_state);
        std::fflush(stdout);
        ranks.push_back({{"ranks", n}, {"states", states}, {"transitions", transitions},
                         {"seconds", seconds}, {"bytes_per_state", per_state}});
    }
#else
    fmt::print("\n(no daxcheck-mpi in this build: no rank scaling)\n");
#endif
    const auto [rc_rate, tests] =
        run_path_ops_per_second(*find_variant("v6.2"), *find_property("refinement"),
                                universe(2, 3, 3), o.seconds);
    fmt::print("\nRapidCheck `run` path (--walks 0), same cell: {:.2f} M checked operations/s "
               "({} tests)\n\n", rc_rate / 1e6, tests);
    const double one_rate = rate(one.transitions, one.seconds);
    const double two_rate = rate(two.transitions, two.seconds);
    return {{"one_thread", {{"states", one.states}, {"transitions", one.transitions},
                            {"seconds", one.seconds}}},
            {"two_threads", {{"states", two.states}, {"transitions", two.transitions},
                             {"seconds", two.seconds}}},
            {"reference_bfs", {{"states", ref.states}, {"transitions", ref.transitions},
                               {"seconds", ref.seconds}}},
            {"harness_floor", {{"states", floor.states}, {"transitions", floor.transitions},
                               {"seconds", floor.floor_seconds},
                               {"exhausted", floor.exhausted},
                               {"failing_steps", floor.floor_failures}}},
            {"ranks", ranks},
            {"run_path_ops_per_second", rc_rate},
            {"targets",
             {target("explorer, one core", ">= 6 M transitions/s",
                     fmt::format("{:.2f} M/s", one_rate / 1e6), one_rate >= 6e6),
              target("explorer, both cores", ">= 10 M transitions/s",
                     fmt::format("{:.2f} M/s", two_rate / 1e6), two_rate >= 10e6),
              target("RapidCheck run path", ">= 0.44 M checked operations/s (fast-check)",
                     fmt::format("{:.2f} M/s", rc_rate / 1e6), rc_rate >= 0.44e6)}}};
}

}  // namespace daxcheck::bench
