// Runs two operations as cooperative coroutines on one kernel_world and
// switches between them only at scheduling points: the loads and stores of
// the page and folio fields (impl/shim/shared_field.h, the concurrency build).
// One run follows one schedule; race/enumerator.h chooses the schedules.
//
// Model of execution: each operation runs from its start up to its next
// access and stops there, with that access pending; a step is one pending
// access performed (and the local code after it, up to the next access).
// At a decision point (both operations have a pending access that can run)
// the caller's `choose` picks which one goes; when one operation has
// finished the other runs to its end with no more decisions.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "impl/shim/kernel.h"

namespace daxcheck::race {

// One access performed: by operation 0 or 1, with the value read or written.
struct Step {
    int thread = 0;
    kshim::access_point access;
};

// Both operations' pending accesses at a decision point.
struct Decision {
    std::array<kshim::access_point, 2> pending;
    std::array<bool, 2> enabled{};  // false: waits for a lock the other holds
    int chosen = 0;
    std::size_t step = 0;  // the number of steps run before it
    int last = -1;         // the operation that ran the step before it (-1: none yet)
};

struct RunResult {
    std::vector<Step> steps;
    std::vector<Decision> decisions;
    // A BUG_ON (kernel_bug) that stopped operation 0 or 1.
    std::array<std::optional<std::string>, 2> bug;
    bool deadlock = false;  // both wait for a lock the other holds
};

// Whether two accesses conflict (same field, at least one writes): the only
// pairs whose order can change what either operation sees.
bool conflict(const kshim::access_point& a, const kshim::access_point& b);

// Runs `ops[0]` and `ops[1]` on the world current on this thread. `choose`
// gets each decision (with `enabled` filled in) and returns 0 or 1, an
// enabled operation. `record_steps` false keeps only the decisions (the
// enumerator's fast path).
RunResult run_interleaved(const std::array<std::function<void()>, 2>& ops,
                          const std::function<int(const Decision&)>& choose,
                          bool record_steps = true);

}  // namespace daxcheck::race
