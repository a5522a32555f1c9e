#include "harness/explorer.h"

#include <algorithm>
#include <chrono>
#include <compare>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "harness/op_text.h"
#include "harness/state_pack.h"
#include "properties/replay.h"

namespace daxcheck {
namespace {

using namespace model;
using Bytes = std::basic_string_view<std::uint8_t>;
using Clock = std::chrono::steady_clock;

std::uint64_t hash_bytes(const std::uint8_t* p, std::size_t n) {
    std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
}

// Every state reached, packed back to back, with its parent and the index of
// the operation (in enumerate_ops order, from the parent's stored
// representative) that first reached it; an open-addressing table of ids
// finds a state by its bytes.
class StateStore {
public:
    static constexpr std::uint32_t kNone = UINT32_MAX;

    // {id, true} when the state is new.
    std::pair<std::uint32_t, bool> insert(const PackedState& s, std::uint32_t parent,
                                          std::uint32_t op) {
        if ((size() + 1) * 2 > table_.size()) grow();
        const std::uint64_t h = hash_bytes(s.data(), s.size());
        const std::uint64_t tag = h >> 32 << 32;
        const std::size_t mask = table_.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            const std::uint64_t e = table_[i];
            if (e == 0) {
                const auto id = static_cast<std::uint32_t>(size());
                table_[i] = tag | (std::uint64_t{id} + 1);
                arena_.insert(arena_.end(), s.begin(), s.end());
                ends_.push_back(arena_.size());
                parent_.push_back(parent);
                op_.push_back(op);
                return {id, true};
            }
            if ((e >> 32 << 32) == tag) {
                const auto id = static_cast<std::uint32_t>((e & 0xffffffffULL) - 1);
                const Bytes b = bytes(id);
                if (b.size() == s.size() && std::memcmp(b.data(), s.data(), s.size()) == 0)
                    return {id, false};
            }
        }
    }
    Bytes bytes(std::uint32_t id) const {
        const std::uint64_t begin = id ? ends_[id - 1] : 0;
        return Bytes(arena_.data() + begin, ends_[id] - begin);
    }
    std::uint32_t parent(std::uint32_t id) const { return parent_[id]; }
    std::uint32_t op(std::uint32_t id) const { return op_[id]; }
    std::size_t size() const { return ends_.size(); }
    std::uint64_t memory_bytes() const {
        return arena_.capacity() + ends_.capacity() * sizeof(std::uint64_t) +
               (parent_.capacity() + op_.capacity()) * sizeof(std::uint32_t) +
               table_.capacity() * sizeof(std::uint64_t);
    }

private:
    void grow() {
        std::vector<std::uint64_t> table(std::max<std::size_t>(1024, table_.size() * 2), 0);
        const std::size_t mask = table.size() - 1;
        for (std::uint32_t id = 0; id < size(); id++) {
            const Bytes b = bytes(id);
            const std::uint64_t h = hash_bytes(b.data(), b.size());
            std::size_t i = h & mask;
            while (table[i]) i = (i + 1) & mask;
            table[i] = (h >> 32 << 32) | (std::uint64_t{id} + 1);
        }
        table_.swap(table);
    }

    std::vector<std::uint8_t> arena_;
    std::vector<std::uint64_t> ends_;
    std::vector<std::uint32_t> parent_, op_;
    std::vector<std::uint64_t> table_;
};

// The smallest encoding of a state over every relabelling, and how many
// relabellings give it (the size of the state's stabiliser).
class Canonicaliser {
public:
    Canonicaliser(const Universe& u, bool symmetry) : labels_(relabellings(u, symmetry)) {}

    std::size_t canonical(const Execution& e, PackedState& out) {
        pack_state(e.model(), e.world(), labels_[0], out);
        std::size_t same = 1;
        for (std::size_t i = 1; i < labels_.size(); i++) {
            pack_state(e.model(), e.world(), labels_[i], other_);
            const auto c = std::lexicographical_compare_three_way(other_.begin(), other_.end(),
                                                                  out.begin(), out.end());
            if (c < 0) {
                out.swap(other_);
                same = 1;
            } else if (c == 0) {
                same++;
            }
        }
        return same;
    }
    std::size_t group_size() const { return labels_.size(); }

private:
    std::vector<Relabelling> labels_;
    PackedState other_;
};

std::optional<std::string> step_failure(const Property& p, const ModelState& before,
                                        const Op& op, const StepOutcome& outcome,
                                        const Execution& after) {
    if (auto bug = kernel_bug_failure(outcome)) return bug;
    return p.after_step(StepView{before, op, outcome, after});
}

// One expansion thread's own executions and buffers.
struct Worker {
    Worker(const Variant& v, const Universe& u, bool symmetry)
        : canon(u, symmetry), parent(v, u), child(v, u), scratch(v, u) {}
    Canonicaliser canon;
    Execution parent, child, scratch;
    PackedState packed, parent_bytes;
    std::vector<Op> ops;
    std::uint64_t transitions = 0, concrete_states = 0;
};

// Where the search found its failure: a failing step (the stored parent and
// the index of its operation) or a new state whose end check fails.
struct Found {
    bool step = true;
    std::uint32_t id = 0;
    std::uint32_t op = 0;
};

class Explorer {
public:
    Explorer(const Variant& v, const Property& p, const ExploreOptions& o)
        : v_(v), p_(p), o_(o), parallel_(o.threads > 1) {
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
        store_.insert(w.packed, StateStore::kNone, 0);
        r_.concrete_states += w.canon.group_size() / same;
        r_.states_per_depth.push_back(1);
        if (p_.at_end) {
            copy_state(w.parent, w.scratch);
            if (p_.at_end(w.scratch)) return finish_with_end_failure(0);
        }
        std::size_t level_begin = 0, level_end = 1;
        for (unsigned depth = 0;; depth++) {
            if (depth >= o_.max_depth) return finish(ExploreStop::DepthLimit);
            level_begin_ = cursor_ = level_begin;
            level_end_ = level_end;
            expanded_ = 0;
            if (!parallel_) {
                work(w, depth);
            } else {
                std::vector<std::thread> threads;
                for (std::size_t t = 1; t < workers_.size(); t++)
                    threads.emplace_back([this, t, depth] { work(*workers_[t], depth); });
                work(w, depth);
                for (auto& t : threads) t.join();
            }
            for (auto& worker : workers_) {
                r_.transitions += worker->transitions;
                r_.concrete_states += worker->concrete_states;
                worker->transitions = worker->concrete_states = 0;
            }
            if (found_) {
                return found_->step ? finish_with_step_failure(found_->id, found_->op)
                                    : finish_with_end_failure(found_->id);
            }
            if (stop_) {
                r_.expanded_in_last_level = expanded_;
                return finish(*stop_);
            }
            r_.depth_completed = depth + 1;
            r_.states_per_depth.push_back(store_.size() - level_end);
            if (store_.size() == level_end) {
                r_.exhausted = true;
                return finish(ExploreStop::Exhausted);
            }
            level_begin = level_end;
            level_end = store_.size();
        }
    }

private:
    std::optional<ExploreStop> over_budget() const {
        if (o_.memory_budget_bytes && store_.memory_bytes() >= o_.memory_budget_bytes)
            return ExploreStop::MemoryBudget;
        if (o_.state_budget && store_.size() >= o_.state_budget) return ExploreStop::StateBudget;
        if (o_.time_budget_s > 0 && elapsed() >= o_.time_budget_s) return ExploreStop::TimeBudget;
        return std::nullopt;
    }
    double elapsed() const {
        return std::chrono::duration<double>(Clock::now() - start_).count();
    }

    // The store is shared: with several threads every access takes the lock.
    std::unique_lock<std::mutex> lock() {
        return parallel_ ? std::unique_lock<std::mutex>(mutex_) : std::unique_lock<std::mutex>();
    }

    // Takes the next stored state of the level; false when the level is done
    // or the search must stop.
    bool next_parent(Worker& w, std::uint32_t& id) {
        const auto held = lock();
        if (found_ || stop_ || cursor_ >= level_end_) return false;
        if ((cursor_ - level_begin_) % 64 == 0) {
            if ((stop_ = over_budget())) return false;
        }
        id = static_cast<std::uint32_t>(cursor_++);
        const Bytes b = store_.bytes(id);
        w.parent_bytes.assign(b.begin(), b.end());
        return true;
    }

    void record(Found f) {
        const auto held = lock();
        if (!found_ || std::pair(f.id, f.op) < std::pair(found_->id, found_->op)) found_ = f;
    }

    // Runs every operation from the level's states until none is left.
    void work(Worker& w, unsigned depth) {
        std::uint32_t id = 0;
        while (next_parent(w, id)) {
            unpack_state(Bytes(w.parent_bytes.data(), w.parent_bytes.size()),
                         w.parent.mutable_model(), w.parent.mutable_world());
            w.parent.mutable_world().op_number = depth;
            enumerate_ops(w.parent.model(), o_.profile, p_.with_misuse, w.ops);
            for (std::size_t i = 0; i < w.ops.size(); i++) {
                const auto op_index = static_cast<std::uint32_t>(i);
                copy_state(w.parent, w.child);
                const StepOutcome outcome = w.child.step(w.ops[i]);
                w.transitions++;
                if (step_failure(p_, w.parent.model(), w.ops[i], outcome, w.child))
                    return record({true, id, op_index});
                const std::size_t same = w.canon.canonical(w.child, w.packed);
                std::pair<std::uint32_t, bool> inserted;
                {
                    const auto held = lock();
                    inserted = store_.insert(w.packed, id, op_index);
                }
                if (!inserted.second) continue;
                w.concrete_states += w.canon.group_size() / same;
                if (p_.at_end) {
                    copy_state(w.child, w.scratch);
                    if (p_.at_end(w.scratch)) return record({false, inserted.first, 0});
                }
            }
            const auto held = lock();
            expanded_++;
        }
    }

    ExploreResult finish(ExploreStop stop) {
        r_.stop = stop;
        r_.states = store_.size();
        r_.memory_bytes = store_.memory_bytes();
        r_.seconds = elapsed();
        return r_;
    }

    // Walks the stored path to `target` from the concrete initial state. With
    // symmetry each stored state is only its orbit's representative, so each
    // step picks the operation from the concrete state that reaches the same
    // orbit (by symmetry one exists: the relabelled stored operation).
    bool concrete_path(std::uint32_t target, Execution& x, std::vector<Op>& path) {
        std::vector<std::uint32_t> chain;
        for (std::uint32_t id = target; id != StateStore::kNone; id = store_.parent(id))
            chain.push_back(id);
        std::reverse(chain.begin(), chain.end());
        Execution y(v_, o_.universe);
        std::vector<Op> ops;
        PackedState packed;
        for (std::size_t k = 1; k < chain.size(); k++) {
            enumerate_ops(x.model(), o_.profile, p_.with_misuse, ops);
            const Bytes want = store_.bytes(chain[k]);
            bool found = false;
            for (std::size_t j = 0; j <= ops.size() && !found; j++) {
                // The stored operation first: without symmetry it is the one.
                const std::size_t i = j == 0 ? store_.op(chain[k]) : j - 1;
                if (i >= ops.size() || (j > 0 && i == store_.op(chain[k]))) continue;
                copy_state(x, y);
                y.step(ops[i]);
                workers_[0]->canon.canonical(y, packed);
                if (Bytes(packed.data(), packed.size()) == want) {
                    copy_state(y, x);
                    path.push_back(ops[i]);
                    found = true;
                }
            }
            if (!found) return false;
        }
        return true;
    }

    ExploreResult finish_with_step_failure(std::uint32_t parent, std::uint32_t op) {
        Execution x(v_, o_.universe), y(v_, o_.universe);
        std::vector<Op> path;
        bool ok = concrete_path(parent, x, path);
        if (ok) {
            std::vector<Op> ops;
            enumerate_ops(x.model(), o_.profile, p_.with_misuse, ops);
            ok = false;
            for (std::size_t j = 0; j <= ops.size() && !ok; j++) {
                const std::size_t i = j == 0 ? op : j - 1;
                if (i >= ops.size() || (j > 0 && i == op)) continue;
                copy_state(x, y);
                const StepOutcome outcome = y.step(ops[i]);
                if (step_failure(p_, x.model(), ops[i], outcome, y)) {
                    path.push_back(ops[i]);
                    ok = true;
                }
            }
        }
        return finish_with_counterexample(ok, std::move(path));
    }

    ExploreResult finish_with_end_failure(std::uint32_t id) {
        Execution x(v_, o_.universe);
        std::vector<Op> path;
        const bool ok = concrete_path(id, x, path);
        return finish_with_counterexample(ok, std::move(path));
    }

    ExploreResult finish_with_counterexample(bool ok, std::vector<Op> path) {
        ExploreResult out = finish(ExploreStop::Counterexample);
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
    const bool parallel_;
    std::vector<std::unique_ptr<Worker>> workers_;
    StateStore store_;
    ExploreResult r_;
    Clock::time_point start_;
    // The level being expanded, shared by the workers under mutex_.
    std::mutex mutex_;
    std::size_t level_begin_ = 0, level_end_ = 0, cursor_ = 0;
    std::uint64_t expanded_ = 0;
    std::optional<Found> found_;
    std::optional<ExploreStop> stop_;
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
                    if (misuse_check(s, Op{d})) out.push_back(d);
                }
}

ExploreResult explore(const Variant& v, const Property& p, const ExploreOptions& opts) {
    return Explorer(v, p, opts).run();
}

}  // namespace daxcheck
