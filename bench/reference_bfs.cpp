// A plain single-threaded breadth-first search over (model, port) pairs,
// without symmetry reduction and without the explorer's machinery (discovery
// keys, budgets, batches, incremental fingerprints): the yardstick the issue
// measures the explorer's per-core speed against. Each transition copies the
// parent, steps, checks the property, packs the child and looks it up. With
// `floor` it also times the harness's own part of each transition apart.
#include <chrono>
#include <deque>
#include <unordered_set>

#include "bench/bench.h"
#include "engines/explorer.h"
#include "engines/fingerprint_set.h"
#include "engines/state_pack.h"

namespace daxcheck::bench {
namespace {

struct FingerprintHash {
    std::size_t operator()(const Fingerprint& fp) const { return fp.lo; }
};

// The harness's part of every transition from `parent`, as the explorer runs
// it: step, step check, undo (a misuse step restores by a copy). Returns the
// seconds it took and counts the failing steps in `failures` (so the checks
// are not optimised away); `child` equals `parent` on entry and on return.
double harness_pass(const Property& p, const Execution& parent, Execution& child,
                    const std::vector<model::Op>& ops, std::uint64_t& failures) {
    const auto start = std::chrono::steady_clock::now();
    for (const auto& op : ops) {
        const StepOutcome outcome = child.step(op);
        // The explorer's step_failure: a BUG, else the property's check.
        std::optional<std::string> failure = kernel_bug_failure(outcome);
        if (!failure) failure = p.after_step(StepView{parent.model(), op, outcome, child});
        if (outcome.legal) undo_step(parent, child, op_slot(op));
        else copy_state(parent, child);
        failures += failure.has_value();
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

ReferenceSearch reference_bfs(const Variant& v, const Property& p, const model::Universe& u,
                              Profile profile, double seconds, bool floor) {
    const auto start = std::chrono::steady_clock::now();
    const Relabelling identity = relabellings(u, false)[0];
    Execution parent(v, u), child(v, u);
    std::unordered_set<Fingerprint, FingerprintHash> seen;
    std::deque<PackedState> queue(1);
    pack_state(parent, identity, queue.front());
    seen.insert(fingerprint(queue.front().data(), queue.front().size()));
    ReferenceSearch r;
    std::vector<model::Op> ops;
    PackedState packed;
    while (!queue.empty()) {
        unpack_state({queue.front().data(), queue.front().size()}, parent);
        queue.pop_front();
        enumerate_ops(parent.model(), profile, p.with_misuse, ops);
        if (floor) {
            copy_state(parent, child);
            r.floor_seconds += harness_pass(p, parent, child, ops, r.floor_failures);
        }
        for (const auto& op : ops) {
            copy_state(parent, child);
            const StepOutcome outcome = child.step(op);
            r.transitions++;
            if (p.after_step(StepView{parent.model(), op, outcome, child})) continue;
            pack_state(child, identity, packed);
            if (seen.insert(fingerprint(packed.data(), packed.size())).second)
                queue.push_back(packed);
        }
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (r.seconds > seconds) break;
    }
    r.states = seen.size();
    r.exhausted = queue.empty();
    return r;
}

}  // namespace daxcheck::bench
