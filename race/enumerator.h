// Every interleaving of two operations' steps, one run each (stateless model
// checking: each run starts again from the same state, which the caller
// restores). Depth-first over the decision points of race/scheduler.h.
//
// Reductions (each optional, both on by default in `race`):
// - sleep sets (Godefroid 1996): after the runs that start with operation t
//   at a decision point, a sibling run does not start t's pending access again
//   until it has met a conflicting access (race/scheduler.h conflict()); runs
//   that differ only in the order of independent accesses are run once;
// - a preemption bound K (Musuvathi and Qadeer, CHESS, PLDI 2007): at most K
//   switches away from an operation that could have gone on.
// Without either, two operations of m and n steps give C(m+n, m) runs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "race/scheduler.h"

namespace daxcheck::race {

struct EnumerateOptions {
    bool sleep_sets = true;
    std::optional<unsigned> preemption_bound;  // none: unbounded
    std::uint64_t max_runs = 0;                // 0: no budget
};

struct EnumerateStats {
    std::uint64_t runs = 0;       // interleavings run and handed to `visit`
    std::uint64_t redundant = 0;  // runs a sleep set blocked: equivalent to one already visited
    bool budget_hit = false;      // max_runs stopped it
    bool stopped = false;         // `visit` asked to stop
};

// Which operation ran each step: the run's interleaving (its schedule).
std::vector<int> schedule_of(const RunResult& r);

// A `choose` for run_interleaved that follows `schedule` (by step number; a
// step past its end keeps the operation that ran last).
std::function<int(const Decision&)> follow(const std::vector<int>& schedule);

// Where a run left the schedule it was to follow: at `step` (0-based) it ran
// the other operation than the one named, because that one had finished or
// waited for a lock; or the schedule names more steps than the run has, or
// fewer.
struct ScheduleMismatch {
    enum class Kind { Finished, Waits, TooLong, TooShort };
    Kind kind = Kind::Finished;
    std::size_t step = 0;       // the first step that differs (TooLong, TooShort: the shorter length)
    std::size_t run_steps = 0;  // the steps the run has
    int named = 0;              // the operation the schedule names at `step` (Finished, Waits)
};

// nullopt when `r` ran exactly `schedule` (as follow() chose it), else where
// it left it.
std::optional<ScheduleMismatch> schedule_mismatch(const std::vector<int>& schedule, const RunResult& r);

// Number of preemptions in a run: decisions that switched away from an
// operation which could have gone on.
unsigned preemptions(const RunResult& r);

// Runs every interleaving: `execute(choose)` must restore the starting state
// and return run_interleaved(ops, choose). `visit` gets each non-redundant
// run; returning false stops the enumeration.
EnumerateStats enumerate(
    const std::function<RunResult(const std::function<int(const Decision&)>&)>& execute,
    const EnumerateOptions& options, const std::function<bool(const RunResult&)>& visit);

}  // namespace daxcheck::race
