#include "engines/explorer.h"

#include "properties/refcount_relation.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "engines/fingerprint_set.h"
#include "harness/op_text.h"
#include "engines/state_pack.h"
#include "engines/replay.h"

namespace daxcheck {
namespace {

using namespace model;
using Bytes = std::basic_string_view<std::uint8_t>;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kNoParent = UINT32_MAX;

// A transition's discovery key: parents in id order, then operations in
// enumerate_ops order. Breadth-first search in key order reaches each state
// first through its smallest key.
std::uint64_t key_of(std::uint32_t parent, std::uint32_t op) {
    return std::uint64_t{parent} << 32 | op;
}
std::uint32_t parent_of(std::uint64_t key) { return static_cast<std::uint32_t>(key >> 32); }
std::uint32_t op_of(std::uint64_t key) { return static_cast<std::uint32_t>(key); }

// Packed states back to back: one level of the search (the frontier), or one
// worker's new states.
struct PackedList {
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint64_t> ends;

    void push(Bytes s) {
        bytes.insert(bytes.end(), s.begin(), s.end());
        ends.push_back(bytes.size());
    }
    void push(const PackedState& s) { push(Bytes(s.data(), s.size())); }
    Bytes operator[](std::size_t i) const {
        const std::uint64_t begin = i ? ends[i - 1] : 0;
        return Bytes(bytes.data() + begin, ends[i] - begin);
    }
    std::size_t size() const { return ends.size(); }
    void clear() {
        bytes.clear();
        ends.clear();
    }
    std::uint64_t memory_bytes() const {
        return bytes.capacity() + ends.capacity() * sizeof(std::uint64_t);
    }
};

// The smallest encoding of a state over every relabelling, and how many
// relabellings give it (the size of the state's stabiliser).
class Canonicaliser {
public:
    Canonicaliser(const Universe& u, bool symmetry) : labels_(relabellings(u, symmetry)) {}

    std::size_t canonical(const Execution& e, PackedState& out) {
        return pack_canonical(e, labels_, out, other_);
    }
    std::size_t group_size() const { return labels_.size(); }

private:
    std::vector<Relabelling> labels_;
    CanonicalScratch other_;
};

std::optional<std::string> step_failure(const Property& p, const ModelState& before,
                                        const Op& op, const StepOutcome& outcome,
                                        const Execution& after) {
    if (auto bug = kernel_bug_failure(outcome)) return bug;
    return p.after_step(StepView{before, op, outcome, after});
}

// A state a worker found first in this level: where its bytes are, its
// fingerprint (to look up its final key), how many concrete states its orbit
// holds and whether its end check failed.
struct NewState {
    Fingerprint fp;
    std::uint64_t key = 0;  // its smallest discovery key, once the level is done
    std::uint32_t index = 0;  // in the worker's `found` list
    std::uint32_t weight = 1;
    bool end_fails = false;
};

// One expansion thread's own executions and buffers.
struct Worker {
    Worker(const Variant& v, const Universe& u, bool symmetry)
        : canon(u, symmetry), parent(v, u), child(v, u), scratch(v, u) {}
    Canonicaliser canon;
    Execution parent, child, scratch;
    PackedState packed;
    std::vector<Op> ops;
    // One parent's children, packed, before they are looked up: buffers kept
    // from parent to parent, filled by swapping, never by copying.
    std::vector<PackedState> children;
    std::vector<Fingerprint> child_fps;
    std::vector<std::uint32_t> child_ops;  // the operation of each child_fps entry
    std::vector<std::uint32_t> child_weights;
    PackedList found;      // the states this worker found first in this level
    PackedList frontier;   // those of the previous level: the one being expanded
    std::vector<NewState> news;
    std::uint64_t step_failure_key = UINT64_MAX;
    std::uint64_t expanded = 0;  // parents fully expanded in this level
    std::uint64_t off_model = 0;  // children left unexpanded: their counts left the model
    std::atomic<std::uint64_t> bytes{0};  // found and news, for the memory budget

    void keep(const NewState& n) {
        news.push_back(n);
        bytes.store(found.memory_bytes() + news.capacity() * sizeof(NewState),
                    std::memory_order_relaxed);
    }
};

// Level-synchronous breadth-first search. Workers take chunks of the level's
// states, check each child against the fingerprint set and keep the new ones
// in their own lists; at the end of the level the new states are ordered by
// their smallest discovery key, which makes ids, counts and counterexamples
// the same for any number of threads.
class Explorer {
public:
    Explorer(const Variant& v, const Property& p, const ExploreOptions& o)
        : v_(v), p_(p), o_(o), seen_(o.threads > 1) {
        for (unsigned t = 0; t < std::max(1u, o.threads); t++)
            workers_.push_back(std::make_unique<Worker>(v, o.universe, uses_symmetry(p, o)));
    }

    // drain and order-independence release the remaining entries in file
    // order, which a relabelling of files changes: their verdict on an orbit's
    // representative need not hold for the concrete sequence, so they explore
    // without symmetry reduction.
    static bool uses_symmetry(const Property& p, const ExploreOptions& o) {
        return o.symmetry && !p.end_follows_file_names;
    }

    ExploreResult run() {
        start_ = Clock::now();
        Worker& w = *workers_[0];
        r_.symmetry_group = w.canon.group_size();
        const std::size_t same = w.canon.canonical(w.parent, w.packed);
        seen_.insert(fingerprint(w.packed.data(), w.packed.size()), 0);
        w.frontier.push(w.packed);
        level_.push_back(w.frontier[0]);
        parent_.push_back(kNoParent);
        op_.push_back(0);
        r_.concrete_states += w.canon.group_size() / same;
        r_.states_per_depth.push_back(1);
        if (p_.at_end) {
            copy_state(w.parent, w.scratch);
            if (p_.at_end(w.scratch)) return finish_with_counterexample(kNoParent, 0, false);
        }
        for (unsigned depth = 0;; depth++) {
            if (depth >= o_.max_depth) return finish(ExploreStop::DepthLimit);
            if (auto done = expand_level(depth)) return *done;
            r_.depth_completed = depth + 1;
            r_.states_per_depth.push_back(level_.size());
            if (level_.size() == 0) {
                r_.exhausted = true;
                return finish(ExploreStop::Exhausted);
            }
        }
    }

private:
    // Runs `f` on every worker, each on its own thread but the first.
    template <class F>
    void on_every_worker(F f) {
        std::vector<std::thread> threads;
        for (std::size_t t = 1; t < workers_.size(); t++)
            threads.emplace_back([&f, this, t] { f(*workers_[t]); });
        f(*workers_[0]);
        for (auto& t : threads) t.join();
    }

    // Runs every operation from the level's states and makes the new states
    // the next level; a result when the search stops in this level.
    std::optional<ExploreResult> expand_level(unsigned depth) {
        level_first_ = static_cast<std::uint32_t>(parent_.size() - level_.size());
        ops_per_parent_.assign(level_.size(), 0);
        cursor_ = 0;
        on_every_worker([this, depth](Worker& w) { work(w, depth); });
        // Each new state's smallest key is final once every worker is done.
        on_every_worker([this](Worker& w) {
            for (NewState& n : w.news) n.key = seen_.key(n.fp);
        });
        // The failure with the smallest key: a step's own key, an end check's
        // state's smallest key.
        std::uint64_t failure = UINT64_MAX;
        bool step = true;
        for (auto& worker : workers_) {
            failure = std::min(failure, worker->step_failure_key);
            for (const NewState& n : worker->news) {
                if (n.end_fails && n.key < failure) {
                    failure = n.key;
                    step = false;
                }
            }
        }
        if (failure == UINT64_MAX && stop_) {
            // A budget stopped the level part-way: count, no next level.
            for (const auto& worker : workers_) r_.expanded_in_last_level += worker->expanded;
            for (std::uint32_t n : ops_per_parent_) r_.transitions += n;
            for (const auto& worker : workers_) {
                unfinished_states_ += worker->news.size();
                for (const NewState& n : worker->news) r_.concrete_states += n.weight;
            }
            return finish(*stop_);
        }
        next_level(failure, step);
        if (failure != UINT64_MAX) {
            // Count only what a one-thread search would have run: the
            // transitions up to the failing one.
            for (std::uint32_t i = 0; i < parent_of(failure) - level_first_; i++)
                r_.transitions += ops_per_parent_[i];
            r_.transitions += op_of(failure) + 1;
            return finish_with_counterexample(parent_of(failure), op_of(failure), step);
        }
        for (std::uint32_t n : ops_per_parent_) r_.transitions += n;
        return std::nullopt;
    }

    // Orders the level's new states by their smallest discovery key (those
    // before `failure` only) and makes them the next level.
    void next_level(std::uint64_t failure, bool step) {
        struct Ref {
            std::uint64_t key;
            std::uint32_t worker, index;
        };
        std::vector<Ref> refs;
        std::size_t news = 0;
        for (const auto& worker : workers_) news += worker->news.size();
        refs.reserve(news);
        for (std::uint32_t t = 0; t < workers_.size(); t++) {
            const Worker& worker = *workers_[t];
            for (const NewState& n : worker.news) {
                if (n.key < failure || (!step && n.key == failure)) {
                    refs.push_back({n.key, t, n.index});
                    r_.concrete_states += n.weight;
                }
            }
        }
        std::sort(refs.begin(), refs.end(),
                  [](const Ref& a, const Ref& b) { return a.key < b.key; });
        // The next level points into the workers' lists, which become their
        // frontiers: no state's bytes are copied.
        level_.clear();
        level_.reserve(refs.size());
        for (const Ref& ref : refs) {
            level_.push_back(workers_[ref.worker]->found[ref.index]);
            parent_.push_back(parent_of(ref.key));
            op_.push_back(op_of(ref.key));
        }
        for (auto& worker : workers_) {
            std::swap(worker->found, worker->frontier);
            worker->found.clear();
            worker->news.clear();
            worker->step_failure_key = UINT64_MAX;
            worker->expanded = 0;
            worker->bytes = worker->found.memory_bytes();
        }
    }

    std::uint64_t memory_bytes() const {
        std::uint64_t n = seen_.memory_bytes() + level_.capacity() * sizeof(Bytes) +
                          (parent_.capacity() + op_.capacity()) * sizeof(std::uint32_t);
        for (const auto& worker : workers_)
            n += worker->frontier.memory_bytes() + worker->bytes.load(std::memory_order_relaxed);
        return n;
    }

    std::optional<ExploreStop> over_budget() {
        if (o_.memory_budget_bytes) {
            const std::uint64_t bytes = memory_bytes();
            if (bytes >= o_.memory_budget_bytes) {
                peak_bytes_ = bytes;
                return ExploreStop::MemoryBudget;
            }
        }
        if (o_.state_budget && seen_.size() >= o_.state_budget) return ExploreStop::StateBudget;
        if (o_.time_budget_s > 0 && elapsed() >= o_.time_budget_s) return ExploreStop::TimeBudget;
        return std::nullopt;
    }
    double elapsed() const {
        return std::chrono::duration<double>(Clock::now() - start_).count();
    }

    // Lowers the smallest failing key seen so far to `key`.
    void record_failure(std::uint64_t key) {
        std::uint64_t now = found_key_.load();
        while (key < now && !found_key_.compare_exchange_weak(now, key)) {
        }
    }

    // Expands chunks of the level until none is left. Parents after a
    // failure already found are skipped: they cannot reach a smaller key.
    void work(Worker& w, unsigned depth) {
        constexpr std::size_t kChunk = 64;
        const std::size_t n = level_.size();
        for (;;) {
            if (stop_flag_.load(std::memory_order_relaxed)) return;
            const std::size_t begin = cursor_.fetch_add(kChunk);
            if (begin >= n) return;
            if (auto stop = over_budget()) {
                std::lock_guard<std::mutex> held(mutex_);
                if (!stop_) stop_ = stop;
                stop_flag_ = true;
                return;
            }
            for (std::size_t i = begin; i < std::min(n, begin + kChunk); i++)
                if (!expand(w, depth, static_cast<std::uint32_t>(i))) break;
        }
    }

    // Runs every operation from the level's i-th state; false once past a
    // failure. The children are packed first and looked up afterwards, so
    // their table slots can be prefetched meanwhile.
    bool expand(Worker& w, unsigned depth, std::uint32_t i) {
        const std::uint32_t id = level_first_ + i;
        if (parent_of(found_key_.load(std::memory_order_relaxed)) < id) return false;
        unpack_state(level_[i], w.parent);
        w.parent.mutable_world().op_number = depth;
        enumerate_ops(w.parent.model(), o_.profile, p_.with_misuse, w.ops);
        ops_per_parent_[i] = static_cast<std::uint32_t>(w.ops.size());
        if (w.children.size() < w.ops.size()) w.children.resize(w.ops.size());
        w.child_fps.clear();
        w.child_ops.clear();
        w.child_weights.clear();
        bool failed = false;
        for (std::uint32_t op = 0; op < w.ops.size(); op++) {
            const std::uint64_t key = key_of(id, op);
            if (key > found_key_.load(std::memory_order_relaxed)) break;
            copy_state(w.parent, w.child);
            const StepOutcome outcome = w.child.step(w.ops[op]);
            if (step_failure(p_, w.parent.model(), w.ops[op], outcome, w.child)) {
                w.step_failure_key = std::min(w.step_failure_key, key);
                record_failure(key);
                failed = true;
                break;
            }
            // A state whose reference counts drifted from the model's pins
            // (SPEC 9; refinement fails there) by more than a pfn's pin limit
            // is not expanded for the other properties: counts that drift
            // with every pin cycle make the state space unbounded. States
            // within the limit are, so what follows a first drift (an unpin
            // below zero, a BUG) is still found.
            if (refcount_drift(w.child, w.child.step_pfns()) >
                static_cast<long>(o_.universe.max_pins)) {
                w.off_model++;
                continue;
            }
            const std::size_t same = w.canon.canonical(w.child, w.packed);
            w.child_fps.push_back(fingerprint(w.packed.data(), w.packed.size()));
            w.child_ops.push_back(op);
            w.packed.swap(w.children[op]);
            w.child_weights.push_back(static_cast<std::uint32_t>(w.canon.group_size() / same));
            seen_.prefetch(w.child_fps.back());
        }
        for (std::uint32_t c = 0; c < w.child_fps.size(); c++) {
            const std::uint32_t op = w.child_ops[c];
            const std::uint64_t key = key_of(id, op);
            if (!seen_.insert(w.child_fps[c], key)) continue;
            NewState n{w.child_fps[c], 0, static_cast<std::uint32_t>(w.found.size()),
                       w.child_weights[c], false};
            const PackedState& child = w.children[op];
            w.found.push(child);
            // The end check runs on the orbit's representative: by symmetry
            // its verdict is the concrete state's (replay confirms it).
            if (p_.at_end) {
                unpack_state(Bytes(child.data(), child.size()), w.scratch);
                n.end_fails = p_.at_end(w.scratch).has_value();
            }
            w.keep(n);
            if (n.end_fails) {
                record_failure(key);
                return false;
            }
        }
        if (failed) return false;
        w.expanded++;
        return true;
    }

    ExploreResult finish(ExploreStop stop) {
        r_.stop = stop;
        for (const auto& worker : workers_) r_.off_model_transitions += worker->off_model;
        r_.states = parent_.size() + unfinished_states_;
        r_.memory_bytes = std::max<std::uint64_t>(peak_bytes_, memory_bytes());
        r_.seconds = elapsed();
        return r_;
    }

    // The operations from the initial state to stored state `target`,
    // applied to the concrete initial state `x`. With symmetry each stored
    // state is only its orbit's representative: the stored representatives
    // are rebuilt by replaying their stored operations, and each concrete
    // step picks the operation that reaches the same orbit (by symmetry one
    // exists: the relabelled stored operation), the stored one first.
    bool concrete_path(std::uint32_t target, Execution& x, Execution& rep,
                       std::vector<Op>& path) {
        std::vector<std::uint32_t> chain;
        for (std::uint32_t id = target; id != kNoParent; id = parent_[id]) chain.push_back(id);
        std::reverse(chain.begin(), chain.end());
        Canonicaliser& canon = workers_[0]->canon;
        Execution y(v_, o_.universe);
        std::vector<Op> ops, rep_ops;
        PackedState packed;
        canon.canonical(rep, packed);
        unpack_state(Bytes(packed.data(), packed.size()), rep);
        for (std::size_t k = 1; k < chain.size(); k++) {
            enumerate_ops(rep.model(), o_.profile, p_.with_misuse, rep_ops);
            const std::uint32_t stored = op_[chain[k]];
            copy_state(rep, y);
            y.step(rep_ops.at(stored));
            canon.canonical(y, packed);
            const Fingerprint want = fingerprint(packed.data(), packed.size());
            unpack_state(Bytes(packed.data(), packed.size()), rep);
            enumerate_ops(x.model(), o_.profile, p_.with_misuse, ops);
            bool found = false;
            for (std::size_t j = 0; j <= ops.size() && !found; j++) {
                const std::size_t i = j == 0 ? stored : j - 1;
                if (i >= ops.size() || (j > 0 && i == stored)) continue;
                copy_state(x, y);
                y.step(ops[i]);
                canon.canonical(y, packed);
                if (fingerprint(packed.data(), packed.size()) == want) {
                    copy_state(y, x);
                    path.push_back(ops[i]);
                    found = true;
                }
            }
            if (!found) return false;
        }
        return true;
    }

    // The counterexample ending with operation `op` from stored state
    // `parent` (none: the initial state fails its end check): a step failure
    // or a new state whose end check fails.
    ExploreResult finish_with_counterexample(std::uint32_t parent, std::uint32_t op,
                                             bool step) {
        ExploreResult out = finish(ExploreStop::Counterexample);
        Execution x(v_, o_.universe), rep(v_, o_.universe), y(v_, o_.universe);
        std::vector<Op> path;
        bool ok = true;
        if (parent != kNoParent) {
            ok = concrete_path(parent, x, rep, path);
            if (ok) {
                std::vector<Op> ops;
                enumerate_ops(x.model(), o_.profile, p_.with_misuse, ops);
                ok = false;
                for (std::size_t j = 0; j <= ops.size() && !ok; j++) {
                    const std::size_t i = j == 0 ? op : j - 1;
                    if (i >= ops.size() || (j > 0 && i == op)) continue;
                    copy_state(x, y);
                    const StepOutcome outcome = y.step(ops[i]);
                    ok = step ? step_failure(p_, x.model(), ops[i], outcome, y).has_value()
                              : p_.at_end(y).has_value();
                    if (ok) path.push_back(ops[i]);
                }
            }
        }
        out.depth_completed = static_cast<unsigned>(path.size()) - (path.empty() ? 0 : 1);
        if (!ok) {
            out.stop = ExploreStop::Error;
            out.error =
                "no concrete operation sequence reproduces the failing orbit: the port does not "
                "treat files or pfn blocks alike; rerun without symmetry reduction";
            return out;
        }
        const ReplayResult again = replay(v_, p_, o_.universe, path);
        if (again.invalid || !again.trace.failed()) {
            out.stop = ExploreStop::Error;
            out.error = "the counterexample did not fail on replay: " +
                        again.invalid.value_or("it passed");
        } else {
            out.failure = again.trace.failure();
        }
        out.counterexample = std::move(path);
        return out;
    }

    const Variant& v_;
    const Property& p_;
    const ExploreOptions& o_;
    std::vector<std::unique_ptr<Worker>> workers_;
    FingerprintSet seen_;
    // Every stored state's parent and operation index, by id; ids run level
    // by level, in discovery-key order inside a level.
    std::vector<std::uint32_t> parent_, op_;
    std::vector<Bytes> level_;  // the states being expanded, by id from level_first_
    std::uint32_t level_first_ = 0;
    std::vector<std::uint32_t> ops_per_parent_;  // the level's, for transition counts
    ExploreResult r_;
    Clock::time_point start_;
    // Shared by the workers while a level is expanded.
    std::atomic<std::size_t> cursor_{0};
    std::atomic<std::uint64_t> found_key_{UINT64_MAX};
    std::atomic<bool> stop_flag_{false};
    std::mutex mutex_;
    std::optional<ExploreStop> stop_;
    std::atomic<std::uint64_t> peak_bytes_{0};
    std::uint64_t unfinished_states_ = 0;  // found in a level a budget stopped  // when the memory budget stopped the search
};

}  // namespace

std::string to_string(ExploreStop s) {
    switch (s) {
        case ExploreStop::Exhausted: return "exhausted";
        case ExploreStop::DepthLimit: return "depth limit";
        case ExploreStop::TimeBudget: return "time budget";
        case ExploreStop::MemoryBudget: return "memory budget";
        case ExploreStop::StateBudget: return "state budget";
        case ExploreStop::Counterexample: return "counterexample";
        case ExploreStop::Error: return "error";
    }
    return "?";
}

void enumerate_ops(const ModelState& s, Profile profile, bool with_misuse, std::vector<Op>& out) {
    out.clear();
    const Universe& u = s.universe;
    std::vector<Order> orders = {0};
    const auto pmd = static_cast<Order>(u.pmd_order);
    if (u.pages(pmd) <= std::min(u.pfns, u.offsets)) orders.push_back(pmd);
    for (FileId f = 0; f < u.files; f++)
        for (Order order : orders) {
            const std::uint64_t n = u.pages(order);
            for (PageOffset o = 0; o + n <= u.offsets; o += n) {
                if (!offsets_free(s.files[f], o, n, u)) continue;
                for (Pfn p = 0; p + n <= u.pfns; p += n) {
                    const Associate exclusive{f, o, p, order, false};
                    if (pfns_free(s, p, n) || (with_misuse && misuse_check(s, Op{exclusive})))
                        out.push_back(exclusive);
                    if (profile == Profile::Reflink) out.push_back(Associate{f, o, p, order, true});
                }
            }
        }
    for (FileId f = 0; f < u.files; f++)
        for (const auto& kv : s.files[f].slots) out.push_back(Disassociate{f, kv.first});
    for (FileId f = 0; f < u.files; f++)
        for (const auto& kv : s.files[f].slots) out.push_back(Truncate{f, kv.first});
    for (Pfn p = 0; p < u.pfns; p++)
        if (!s.pfns[p].owners.empty() && s.pfns[p].pins < u.max_pins) out.push_back(Pin{p});
    for (Pfn p = 0; p < u.pfns; p++)
        if (s.pfns[p].pins > 0) out.push_back(Unpin{p});
    if (with_misuse)
        for (FileId f = 0; f < u.files; f++)
            for (Order order : orders)
                for (Pfn p = 0; p + u.pages(order) <= u.pfns; p += u.pages(order)) {
                    const DisassociateStray d{f, p, order};
                    if (misuse_check(s, Op{d})) {
                        out.push_back(d);
                        out.push_back(TruncateStray{d});
                    }
                }
}

ExploreResult explore(const Variant& v, const Property& p, const ExploreOptions& opts) {
    return Explorer(v, p, opts).run();
}

}  // namespace daxcheck
