// daxcheck_bench (issue 7): how fast daxcheck finds, shrinks and checks. Each
// section measures one thing, prints its table and returns its figures as
// JSON, with the targets it is judged against.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/universe.h"
#include "properties/property.h"

namespace daxcheck::bench {

struct Options {
    int seeds = 50;                  // detect: seeds per cell
    int depth_seeds = 20;            // swarm-depth: seeds per K
    double seconds = 3;              // throughput and raw: per measurement
    double explore_seconds = 60;     // explorer: the default universe's budget
    // detect: explorer budget per cell. A reference, not a figure: the
    // 4-operation +debug_vm BUGs take about 6 s on this VM.
    double explore_cell_seconds = 30;
    double depth_cap_seconds = 20;   // swarm-depth: cap per swarm search
    int depth_run_tests = 20000;     // swarm-depth: cap per RapidCheck search
};

// The universe `daxcheck run` uses by default (files 3, pfns 4, offsets 4).
model::Universe default_universe();
model::Universe universe(unsigned files, std::uint64_t pfns, std::uint64_t offsets);

// One target line: what the issue asks for next to what was measured.
nlohmann::json target(const std::string& what, const std::string& wanted,
                      const std::string& measured, bool met);

// Checked ops/s of swarm walks over v6.2 / refinement / reflink for `seconds`;
// `walk_length` (may be null) gets the mean operations per walk.
double swarm_ops_per_second(const model::Universe& u, unsigned threads, double seconds,
                            double* walk_length);

// RapidCheck's `run` path (--walks 0): checked operations per second over
// about `seconds`, and the tests that took.
std::pair<double, int> run_path_ops_per_second(const Variant& v, const Property& p,
                                               const model::Universe& u, double seconds);

// bench/reference_bfs.cpp: a plain breadth-first search without symmetry,
// for about `seconds`. With `floor`, each parent's operations also run once
// as the harness alone runs them (the step, the property's step check and
// the explorer's undo, nothing else), timed apart per parent:
// `floor_seconds` over the same `transitions`, which no explorer that steps,
// checks and undoes as this one does can beat on one core. `seconds` is then
// the search's wall time with that pass included.
struct ReferenceSearch {
    std::uint64_t states = 0, transitions = 0;
    double seconds = 0;
    bool exhausted = false;
    double floor_seconds = 0;       // with `floor`
    std::uint64_t floor_failures = 0;  // steps whose check failed in that pass
};
ReferenceSearch reference_bfs(const Variant& v, const Property& p, const model::Universe& u,
                              Profile profile, double seconds, bool floor = false);

// Two fixed workloads that run no daxcheck code (bench/calibration.cpp): ns
// per dependent integer step ("alu_ns_per_step") and per dependent load over
// 64 MiB ("load_ns"). A few seconds.
nlohmann::json machine_calibration();

nlohmann::json detect_section(const Options& o);
nlohmann::json throughput_section(const Options& o);
nlohmann::json raw_section(const Options& o);
nlohmann::json explorer_section(const Options& o);
nlohmann::json swarm_depth_section(const Options& o);
nlohmann::json fslevel_section(const Options& o);
nlohmann::json refcount_section(const Options& o);
nlohmann::json explorer_speed_section(const Options& o);
nlohmann::json race_section(const Options& o);

}  // namespace daxcheck::bench
