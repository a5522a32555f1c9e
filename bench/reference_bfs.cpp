// A plain single-threaded breadth-first search over (model, port) pairs,
// without symmetry reduction and without the explorer's machinery (discovery
// keys, budgets, batches, incremental fingerprints): the yardstick the issue
// measures the explorer's per-core speed against. Each transition copies the
// parent, steps, checks the property, packs the child and looks it up.
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

}  // namespace

ReferenceSearch reference_bfs(const Variant& v, const Property& p, const model::Universe& u,
                              Profile profile, double seconds) {
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
