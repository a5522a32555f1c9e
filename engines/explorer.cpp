#include "engines/explorer.h"

#include "properties/refcount_relation.h"
#include "properties/relation.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <thread>

#include "engines/cluster.h"
#include "engines/fingerprint_set.h"
#include "engines/interrupt.h"
#include "engines/level_exchange.h"
#include "engines/orbit_fingerprint.h"
#include "harness/op_text.h"
#include "engines/state_pack.h"
#include "engines/replay.h"

namespace daxcheck {
namespace {

using namespace model;
using Bytes = std::basic_string_view<std::uint8_t>;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kNoParent = UINT32_MAX;
// The most operations a worker runs between two budget checks.
constexpr std::size_t kBatchCap = 256;

// A transition's discovery key: parents in id order, then operations in
// enumerate_ops order. Breadth-first search in key order reaches each state
// first through its smallest key.
std::uint64_t key_of(std::uint32_t parent, std::uint32_t op) {
    return std::uint64_t{parent} << 32 | op;
}
std::uint32_t parent_of(std::uint64_t key) { return static_cast<std::uint32_t>(key >> 32); }
std::uint32_t op_of(std::uint64_t key) { return static_cast<std::uint32_t>(key); }

// Packed states back to back: one level of the search (the frontier), or one
// worker's new states. Chunked, so it never reallocates (a doubling vector
// briefly holds its old and new buffers: 3x its size, past any budget).
struct PackedList {
    static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
    struct Entry {
        std::uint32_t chunk, offset, size;
    };
    std::vector<std::unique_ptr<std::uint8_t[]>> chunks;
    std::deque<Entry> entries;
    std::size_t last_used = 0, last_size = 0, chunk_bytes = 0;
    std::uint64_t payload = 0;  // the states' own bytes

    void push(Bytes s) {
        if (chunks.empty() || last_used + s.size() > last_size) {
            last_size = std::max(kChunkBytes, s.size());
            chunks.push_back(std::make_unique<std::uint8_t[]>(last_size));
            chunk_bytes += last_size;
            last_used = 0;
        }
        std::copy(s.begin(), s.end(), chunks.back().get() + last_used);
        entries.push_back({static_cast<std::uint32_t>(chunks.size() - 1),
                           static_cast<std::uint32_t>(last_used),
                           static_cast<std::uint32_t>(s.size())});
        last_used += s.size();
        payload += s.size();
    }
    void push(const PackedState& s) { push(Bytes(s.data(), s.size())); }
    Bytes operator[](std::size_t i) const {
        const Entry& e = entries[i];
        return Bytes(chunks[e.chunk].get() + e.offset, e.size);
    }
    std::size_t size() const { return entries.size(); }
    void clear() {
        chunks.clear();
        entries = {};
        last_used = last_size = chunk_bytes = 0;
        payload = 0;
    }
    std::uint64_t memory_bytes() const {
        return chunk_bytes + chunks.capacity() * sizeof(chunks[0]) +
               entries.size() * sizeof(Entry);
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
    const std::vector<Relabelling>& labels() const { return labels_; }

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

// What each new state of a level will cost when the level is done: its
// entry in the sorted references and in the next level, its parent and
// operation. Counted while the level runs, so the budget covers that step.
// (A key and an id each for the numbering, too.)
constexpr std::uint64_t kLevelEndBytesPerState =
    16 + sizeof(Bytes) + 3 * sizeof(std::uint32_t) + sizeof(std::uint64_t);

// One expansion thread's own executions and buffers.
struct Worker {
    // `outbox_cap`: the bytes the outbox's record of sent children may take.
    Worker(const Variant& v, const Universe& u, bool symmetry, std::uint64_t outbox_cap)
        : canon(u, symmetry), parent(v, u), child(v, u), scratch(v, u),
          orbit(canon.labels(), parent), outbox(outbox_cap) {}
    Canonicaliser canon;
    // `child` is `parent` with one operation run, and undone after it: only
    // the pages and the file the operation touched are copied back.
    Execution parent, child, scratch;
    OrbitFingerprint orbit;  // the parent's, updated per child
    PackedState packed;
    // One batch of a parent's operations and their children's fingerprints,
    // before they are looked up. A parent of a wide universe has millions of
    // operations; a batch holds at most a few MB of them.
    std::vector<Op> ops;
    std::vector<Fingerprint> child_fps;
    std::vector<std::uint32_t> child_ops;  // the operation of each child_fps entry
    // Operations per batch: at most batch_cap (from the packed size and the
    // memory budget), halved when a batch is slow for the time budget.
    std::size_t batch_limit = 1, batch_cap = 1;
    // When the worker's last batch ended (with a time budget): a batch is
    // timed from there, one clock read a batch.
    Clock::time_point batch_ended;
    // With OffModel::Once: which pfns of the parent are off the model, and
    // how many.
    std::vector<std::uint8_t> off_model_pfn, off_model_scratch;
    long parent_off_model = 0;
    LevelOutbox outbox;    // children other processes own (with a cluster)
    PackedList found;      // the states this worker found first in this level
    PackedList frontier;   // those of the previous level: the one being expanded
    std::deque<NewState> news;
    std::uint64_t step_failure_key = UINT64_MAX;
    // The smallest transition to a state left unexpanded whose end check
    // failed (OffModel::Once end-checks those states).
    std::uint64_t unkept_end_failure_key = UINT64_MAX;
    Fingerprint fp_of_unkept;  // the last such state's (Explorer::end_passed_before)
    std::uint64_t expanded = 0;  // parents fully expanded in this level
    std::uint64_t off_model = 0;  // children ExploreOptions::off_model leaves unexpanded
    std::atomic<std::uint64_t> bytes{0};  // found, news and the batch, for the memory budget

    std::uint64_t batch_bytes = 0;  // the batch buffers, counted once a batch
    void count_batch_bytes() {
        batch_bytes = ops.capacity() * sizeof(Op) + child_fps.capacity() * sizeof(Fingerprint) +
                      child_ops.capacity() * sizeof(std::uint32_t);
    }
    void count_bytes() {
        bytes.store(found.memory_bytes() + outbox.memory_bytes() + outbox.sent_bytes() +
                        news.size() * (sizeof(NewState) + kLevelEndBytesPerState) + batch_bytes,
                    std::memory_order_relaxed);
    }
    void keep(const NewState& n) {
        news.push_back(n);
        count_bytes();
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
        : v_(v), p_(p), o_(o), start_(Clock::now()), seen_(o.threads > 1), cluster_(o.cluster),
          rank_(o.cluster ? o.cluster->rank() : 0), ranks_(o.cluster ? o.cluster->size() : 1) {
        const std::size_t group = relabelling_count(o.universe, uses_symmetry(p, o));
        fixed_bytes_ = fixed_bytes(o.universe, std::max(1u, o.threads), group);
        if (ranks_ > 1) fixed_bytes_ += 2 * std::uint64_t{ranks_} * exchange_round_bytes();
        if (o.memory_budget_bytes && fixed_bytes_ >= o.memory_budget_bytes) return;
        for (unsigned t = 0; t < std::max(1u, o.threads); t++)
            workers_.push_back(std::make_unique<Worker>(
                v, o.universe, uses_symmetry(p, o),
                // It only saves time: a sixteenth of the budget.
                o.memory_budget_bytes / 16));
        if (o.off_model == ExploreOptions::OffModel::Once && p.at_end)
            end_passed_ = std::make_unique<FingerprintSet>(o.threads > 1);
    }

    // What the search holds whatever it stores, estimated: per worker three
    // executions, the relabellings, the packing buffer (each a few dozen
    // bytes per pfn: a 1M-pfn universe needs hundreds of MB before its first
    // state) and the orbit fingerprint's memo, plus the counterexample's
    // executions.
    static std::uint64_t fixed_bytes(const Universe& u, unsigned threads, std::size_t group) {
        const std::uint64_t execution =
            u.pfns * (sizeof(kshim::folio) + sizeof(PfnState) + 16) + u.files * 64 + 4096;
        const std::uint64_t per_worker = 4 * execution + group * u.pfns * 2 * sizeof(Pfn) +
                                         u.pfns * 96 +  // pack buffer and scratch encodings
                                         OrbitFingerprint::memo_bytes(group);
        return threads * per_worker + 3 * execution;
    }

    // drain and order-independence release the remaining entries in file
    // order, which a relabelling of files changes: their verdict on an orbit's
    // representative need not hold for the concrete sequence, so they explore
    // without symmetry reduction.
    static bool uses_symmetry(const Property& p, const ExploreOptions& o) {
        return o.symmetry && !p.end_follows_file_names;
    }

    ExploreResult run() {
        if (workers_.empty()) {  // the universe alone is over the memory budget
            peak_bytes_ = fixed_bytes_;
            return finish(ExploreStop::MemoryBudget);
        }
        Worker& w = *workers_[0];
        r_.symmetry_group = w.canon.group_size();
        const std::size_t same = w.canon.canonical(w.parent, w.packed);
        w.orbit.set_base(w.parent);
        // With a cluster only the root's owner stores and expands it.
        if (owns(w.orbit.base())) {
            seen_.insert(w.orbit.base(), 0);
            w.frontier.push(w.packed);
            level_.push_back(w.frontier[0]);
            level_ids_.push_back(0);
        }
        if (!cluster_ || cluster_->rank() == 0) r_.concrete_states += w.canon.group_size() / same;
        level_size_ = 1;
        parent_.push_back(kNoParent);
        op_.push_back(0);
        r_.states_per_depth.push_back(1);
        if (p_.at_end) {
            copy_state(w.parent, w.scratch);
            if (end_fails(w.scratch)) return finish_with_counterexample(kNoParent, 0, false);
        }
        for (unsigned depth = 0;; depth++) {
            if (depth >= o_.max_depth) return finish(ExploreStop::DepthLimit);
            const Counts before = counts();
            std::optional<ExploreResult> done;
            try {
                done = expand_level(depth);
            } catch (const std::bad_alloc&) {
                // The other processes wait for this one: the cluster reports it.
                if (cluster_) throw;
                return out_of_memory(before);
            }
            if (done) return *done;
            r_.depth_completed = depth + 1;
            r_.states_per_depth.push_back(level_size_);
            if (level_size_ == 0) {
                r_.exhausted = true;
                return finish(ExploreStop::Exhausted);
            }
        }
    }

private:
    // What a level adds to the result, as it was before the level.
    struct Counts {
        std::uint64_t transitions, off_model_transitions, concrete_states;
        std::size_t stored;  // parent_.size()
    };
    Counts counts() const {
        return {r_.transitions, r_.off_model_transitions, r_.concrete_states, parent_.size()};
    }

    // The machine's memory ran out in a level, below any budget: the result
    // of the levels before it (every sequence up to depth_completed
    // operations checked), after freeing the level's new states.
    ExploreResult out_of_memory(const Counts& before) {
        r_.transitions = before.transitions;
        r_.off_model_transitions = before.off_model_transitions;
        r_.concrete_states = before.concrete_states;
        parent_.resize(before.stored);
        op_.resize(before.stored);
        for (auto& worker : workers_) {
            worker->news = {};
            worker->found.clear();
        }
        ExploreResult out = finish(ExploreStop::Error);
        out.out_of_memory = true;
        out.error = "out of memory";
        return out;
    }

    // Runs `f` on every worker, each on its own thread but the first. An
    // exception (std::bad_alloc) is rethrown here, not left to terminate.
    template <class F>
    void on_every_worker(F f) {
        std::vector<std::thread> threads;
        std::vector<std::exception_ptr> errors(workers_.size());
        const auto guarded = [&](std::size_t t) {
            try {
                f(*workers_[t]);
            } catch (...) {
                errors[t] = std::current_exception();
                stop_flag_ = true;
            }
        };
        for (std::size_t t = 1; t < workers_.size(); t++) threads.emplace_back(guarded, t);
        guarded(0);
        for (auto& t : threads) t.join();
        for (const auto& e : errors)
            if (e) std::rethrow_exception(e);
    }

    // Runs every operation from the level's states and makes the new states
    // the next level; a result when the search stops in this level.
    std::optional<ExploreResult> expand_level(unsigned depth) {
        ops_per_parent_.assign(level_.size(), 0);
        unexpanded_per_parent_.assign(level_.size(), 0);
        first_unexpanded_ = UINT64_MAX;
        cursor_ = 0;
        on_every_worker([this, depth](Worker& w) { work(w, depth); });
        if (cluster_) receive_children(*workers_[0]);
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
            if (worker->unkept_end_failure_key < failure) {
                failure = worker->unkept_end_failure_key;
                step = false;
            }
            for (const NewState& n : worker->news) {
                if (n.end_fails && n.key < failure) {
                    failure = n.key;
                    step = false;
                }
            }
        }
        std::uint64_t unexpanded_id = first_unexpanded_.load() == UINT64_MAX
                                          ? UINT64_MAX
                                          : level_ids_[first_unexpanded_.load()];
        if (cluster_) agree(failure, step, unexpanded_id);
        // A failure past a parent a budget left unexpanded may not be the
        // shortest: a budget stop then.
        if (failure != UINT64_MAX && stop_ && parent_of(failure) >= unexpanded_id)
            failure = UINT64_MAX;
        if (failure == UINT64_MAX && stop_) {
            // A budget stopped the level part-way: count, no next level.
            for (const auto& worker : workers_) r_.expanded_in_last_level += worker->expanded;
            for (std::uint32_t n : ops_per_parent_) r_.transitions += n;
            for (std::uint32_t n : unexpanded_per_parent_) r_.off_model_transitions += n;
            for (const auto& worker : workers_) {
                unfinished_states_ += worker->news.size();
                for (const NewState& n : worker->news) r_.concrete_states += n.weight;
            }
            return finish(*stop_);
        }
        // Count only what a one-thread search would have run: the
        // transitions up to the failing one (of this level's parents, which
        // next_level replaces), and those of them left unexpanded. Other
        // threads and processes may have run past the failure before they
        // learnt of it, and a batch's children are looked up after all of
        // them ran: the failing parent's are counted again up to the failure.
        std::uint64_t up_to_failure = 0, unexpanded_up_to_failure = 0;
        if (failure != UINT64_MAX) {
            std::uint32_t i = 0;
            for (; i < level_.size() && level_ids_[i] < parent_of(failure); i++) {
                up_to_failure += ops_per_parent_[i];
                unexpanded_up_to_failure += unexpanded_per_parent_[i];
            }
            if (i < level_.size() && level_ids_[i] == parent_of(failure)) {
                up_to_failure += op_of(failure) + 1;
                unexpanded_up_to_failure += unexpanded_up_to(*workers_[0], depth, i, op_of(failure));
            }
        }
        next_level(failure, step);
        if (failure != UINT64_MAX) {
            r_.transitions += up_to_failure;
            r_.off_model_transitions += unexpanded_up_to_failure;
            return finish_with_counterexample(parent_of(failure), op_of(failure), step);
        }
        for (std::uint32_t n : ops_per_parent_) r_.transitions += n;
        for (std::uint32_t n : unexpanded_per_parent_) r_.off_model_transitions += n;
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
        // One thread finds them in key order already (keys grow as it goes).
        const auto by_key = [](const Ref& a, const Ref& b) { return a.key < b.key; };
        if (!std::is_sorted(refs.begin(), refs.end(), by_key))
            std::sort(refs.begin(), refs.end(), by_key);
        // The next level points into the workers' lists, which become their
        // frontiers: no state's bytes are copied. Ids follow the keys of
        // every process's new states (with a cluster, all of them).
        std::vector<std::uint64_t> keys;
        keys.reserve(refs.size());
        for (const Ref& ref : refs) keys.push_back(ref.key);
        if (cluster_) keys = all_keys(*cluster_, keys);
        const auto first_id = static_cast<std::uint32_t>(parent_.size());
        for (std::uint64_t key : keys) {
            parent_.push_back(parent_of(key));
            op_.push_back(op_of(key));
        }
        level_ = {};
        level_.reserve(refs.size());
        level_ids_.clear();
        std::size_t at = 0;
        for (const Ref& ref : refs) {
            level_.push_back(workers_[ref.worker]->found[ref.index]);
            while (keys[at] != ref.key) at++;
            level_ids_.push_back(first_id + static_cast<std::uint32_t>(at));
        }
        level_size_ = keys.size();
        for (auto& worker : workers_) {
            std::swap(worker->found, worker->frontier);
            worker->found.clear();
            worker->news = {};
            worker->step_failure_key = UINT64_MAX;
            worker->unkept_end_failure_key = UINT64_MAX;
            worker->expanded = 0;
            worker->count_bytes();
        }
    }

    std::uint64_t memory_bytes() const {
        std::uint64_t n = fixed_bytes_ + seen_.memory_bytes() + end_passed_bytes() +
                          level_.capacity() * sizeof(Bytes) +
                          level_ids_.capacity() * sizeof(std::uint32_t) +
                          (parent_.size() + op_.size()) * sizeof(std::uint32_t) +
                          (ops_per_parent_.capacity() + unexpanded_per_parent_.capacity()) *
                              sizeof(std::uint32_t);
        for (const auto& worker : workers_)
            n += worker->frontier.memory_bytes() + worker->bytes.load(std::memory_order_relaxed);
        return n;
    }

    // Fingerprints, parent pointers and the packed states of the last level.
    std::uint64_t store_bytes() const {
        std::uint64_t n = seen_.memory_bytes() + end_passed_bytes() +
                          (parent_.size() + op_.size()) * sizeof(std::uint32_t);
        for (const auto& worker : workers_) n += worker->outbox.sent_bytes();
        for (const Bytes& b : level_) n += b.size();
        for (const auto& worker : workers_) n += worker->found.payload;  // a level a budget stopped
        return n;
    }

    std::uint64_t end_passed_bytes() const { return end_passed_ ? end_passed_->memory_bytes() : 0; }

    // `now`: the time, when the caller has just read it.
    std::optional<ExploreStop> over_budget(std::optional<Clock::time_point> now) {
        if (o_.memory_budget_bytes) {
            // With what the table may allocate before the next check (a
            // shard near its load limit doubles, its old array still held).
            const std::uint64_t inserts = kBatchCap * workers_.size();
            std::uint64_t bytes = memory_bytes() + seen_.growth_bytes(inserts) +
                                  (end_passed_ ? end_passed_->growth_bytes(inserts) : 0);
            for (const auto& worker : workers_) bytes += worker->outbox.sent_growth_bytes(inserts);
            if (bytes >= o_.memory_budget_bytes) {
                peak_bytes_ = memory_bytes();
                return ExploreStop::MemoryBudget;
            }
        }
        if (o_.state_budget && seen_.size() >= o_.state_budget) return ExploreStop::StateBudget;
        if (interrupted()) return ExploreStop::Interrupted;
        if (o_.time_budget_s > 0 && elapsed(now.value_or(Clock::now())) >= o_.time_budget_s)
            return ExploreStop::TimeBudget;
        return std::nullopt;
    }
    double elapsed(Clock::time_point now = Clock::now()) const {
        return std::chrono::duration<double>(now - start_).count();
    }

    // Lowers the smallest failing key seen so far to `key`.
    void record_failure(std::uint64_t key) {
        std::uint64_t now = found_key_.load();
        while (key < now && !found_key_.compare_exchange_weak(now, key)) {
        }
    }

    // Sets the budget that stopped the search, if one did; checked after
    // every batch of operations, so one parent's expansion cannot overrun it.
    // `time`: the time, when the caller has just read it.
    bool budget_stops(std::uint32_t i, std::optional<Clock::time_point> time = std::nullopt) {
        std::optional<ExploreStop> stop;
        if (!stop_flag_.load(std::memory_order_relaxed)) stop = over_budget(time);
        if (!stop && !stop_flag_.load(std::memory_order_relaxed)) return false;
        std::uint64_t now = first_unexpanded_.load();
        while (i < now && !first_unexpanded_.compare_exchange_weak(now, i)) {
        }
        if (stop) {
            std::lock_guard<std::mutex> held(mutex_);
            if (!stop_) stop_ = stop;
            stop_flag_ = true;
        }
        return true;
    }

    // Expands chunks of the level until none is left. Parents after a
    // failure already found are skipped: they cannot reach a smaller key.
    void work(Worker& w, unsigned depth) {
        constexpr std::size_t kChunk = 64;
        const std::size_t n = level_.size();
        if (o_.time_budget_s > 0) w.batch_ended = Clock::now();
        for (;;) {
            if (stop_flag_.load(std::memory_order_relaxed)) return;
            const std::size_t begin = cursor_.fetch_add(kChunk);
            if (begin >= n) return;
            for (std::size_t i = begin; i < std::min(n, begin + kChunk); i++)
                if (!expand(w, depth, static_cast<std::uint32_t>(i))) break;
        }
    }

    // Runs every operation from the level's i-th state, a batch at a time;
    // false once past a failure or stopped by a budget.
    bool expand(Worker& w, unsigned depth, std::uint32_t i) {
        const std::uint32_t id = level_ids_[i];
        if (parent_of(found_key_.load(std::memory_order_relaxed)) < id) return false;
        if (stop_flag_.load(std::memory_order_relaxed) && budget_stops(i)) return false;
        load_parent(w, depth, i);
        w.orbit.set_base(w.parent);
        const std::uint64_t unexpanded_before = w.off_model;
        // A batch of at most ~1/64 of the budget (4 MB without one).
        const std::size_t room = o_.memory_budget_bytes
                                     ? std::max<std::uint64_t>(4096, o_.memory_budget_bytes / 64)
                                     : std::size_t{4} << 20;
        w.batch_cap = std::clamp<std::size_t>(
            room / (sizeof(Op) + sizeof(Fingerprint) + sizeof(std::uint32_t)), 1, kBatchCap);
        w.batch_limit = std::min(w.batch_limit, w.batch_cap);
        std::uint32_t next = 0;  // the next operation's index
        bool go_on = true;
        w.ops.clear();
        const auto run_batch = [&] {
            go_on = expand_batch(w, id, next);
            // A batch of at most ~1/100 of the time budget: a child of a wide
            // universe takes milliseconds. (Timed from the last batch's end:
            // the parent's loading counts too.)
            std::optional<Clock::time_point> now;
            bool slow = false;
            if (o_.time_budget_s > 0) {
                now = Clock::now();
                slow = std::chrono::duration<double>(*now - w.batch_ended).count() >
                       o_.time_budget_s / 100;
                w.batch_ended = *now;
            }
            w.batch_limit = slow ? std::max<std::size_t>(1, w.ops.size() / 2)
                                 : std::min(w.batch_cap, w.batch_limit * 2);
            go_on = go_on && !budget_stops(i, now);
            next += static_cast<std::uint32_t>(w.ops.size());
            w.ops.clear();
            return go_on;
        };
        for_each_op(w.parent.model(), o_.profile, p_.with_misuse, [&](const Op& op) {
            w.ops.push_back(op);
            return w.ops.size() < w.batch_limit || run_batch();
        });
        if (go_on && !w.ops.empty()) run_batch();
        ops_per_parent_[i] = next;
        unexpanded_per_parent_[i] = static_cast<std::uint32_t>(w.off_model - unexpanded_before);
        if (!go_on) return false;
        w.expanded++;
        return true;
    }

    // The level's i-th state into w.parent and w.child, with what
    // leave_unexpanded needs of it.
    void load_parent(Worker& w, unsigned depth, std::uint32_t i) const {
        unpack_state(level_[i], w.parent);
        w.parent.mutable_world().op_number = depth;
        if (o_.off_model == ExploreOptions::OffModel::Once)
            w.parent_off_model = off_model_pfns(w.parent, w.off_model_pfn);
        copy_state(w.parent, w.child);
    }

    // How many of the level's i-th state's operations 0..last, run again,
    // leave their child unexpanded as expand_batch does: those without a
    // step failure (known class or not) that leave_unexpanded cuts.
    std::uint32_t unexpanded_up_to(Worker& w, unsigned depth, std::uint32_t i,
                                   std::uint32_t last) const {
        load_parent(w, depth, i);
        std::uint32_t k = 0, n = 0;
        for_each_op(w.parent.model(), o_.profile, p_.with_misuse, [&](const Op& op) {
            const StepOutcome outcome = w.child.step(op);
            if (!step_failure(p_, w.parent.model(), op, outcome, w.child) &&
                leave_unexpanded(w, outcome))
                n++;
            undo(w, op, outcome);
            return ++k <= last;
        });
        return n;
    }

    // Runs the batch w.ops (operations first..first+n of parent `id`). The
    // children's fingerprints come first and are looked up afterwards, so
    // their table slots can be prefetched meanwhile. False once past a failure.
    bool expand_batch(Worker& w, std::uint32_t id, std::uint32_t first) {
        w.child_fps.clear();
        w.child_ops.clear();
        bool failed = false;
        for (std::uint32_t k = 0; k < w.ops.size(); k++) {
            const std::uint64_t key = key_of(id, first + k);
            if (key > found_key_.load(std::memory_order_relaxed)) {
                failed = true;
                break;
            }
            const StepOutcome outcome = w.child.step(w.ops[k]);
            if (auto f = step_failure(p_, w.parent.model(), w.ops[k], outcome, w.child)) {
                if (!counted(*f, outcome, w.child)) {  // a known class: a leaf
                    undo(w, w.ops[k], outcome);  // the child is the parent again for the next op
                    continue;
                }
                w.step_failure_key = std::min(w.step_failure_key, key);
                record_failure(key);
                undo(w, w.ops[k], outcome);
                failed = true;
                break;
            }
            // States off the model that ExploreOptions::off_model leaves
            // unexpanded (refinement fails there: this bounds the others).
            if (leave_unexpanded(w, outcome)) {
                w.off_model++;
                // Under OffModel::Once the state is not kept, but checked as
                // a kept one would be: an end check is the whole of drain and
                // order-independence.
                if (o_.off_model == ExploreOptions::OffModel::Once && p_.at_end &&
                    !end_passed_before(w, w.ops[k], outcome)) {
                    if (child_end_fails(w)) {
                        w.unkept_end_failure_key = std::min(w.unkept_end_failure_key, key);
                        record_failure(key);
                        undo(w, w.ops[k], outcome);
                        failed = true;
                        break;
                    }
                    remember_end_passed(w.fp_of_unkept);
                }
                undo(w, w.ops[k], outcome);
                continue;
            }
            // A misuse step may taint pfns beyond its step pfns: from scratch.
            w.child_fps.push_back(outcome.legal ? w.orbit.child(w.child, op_slot(w.ops[k]))
                                                : w.orbit.of(w.child));
            w.child_ops.push_back(k);
            if (owns(w.child_fps.back()))
                seen_.prefetch(w.child_fps.back());
            else
                w.outbox.prefetch(w.child_fps.back());
            undo(w, w.ops[k], outcome);
        }
        w.count_batch_bytes();
        for (std::uint32_t c = 0; c < w.child_fps.size(); c++) {
            const std::uint32_t k = w.child_ops[c];
            const std::uint64_t key = key_of(id, first + k);
            if (!owns(w.child_fps[c])) {  // another process's: sent once
                w.outbox.add(owner(w.child_fps[c]), w.child_fps[c], key, [&](PackedState& out) {
                    return pack_child(w, w.ops[k], out);
                });
                continue;
            }
            if (!seen_.insert(w.child_fps[c], key)) continue;
            // A new state (a few percent of the transitions): run its
            // operation again to store its canonical encoding and end-check it.
            bool end_failed = false;
            const std::uint32_t weight = pack_child(w, w.ops[k], w.packed, &end_failed);
            if (!add_new(w, w.child_fps[c], key, weight, Bytes(w.packed.data(), w.packed.size()),
                         end_failed))
                return false;
        }
        w.count_bytes();
        return !failed;
    }

    // Whether pfn p of `e` is off the model: it fails refinement, and no
    // misuse touched it (the model stopped describing those: misuse-detected
    // judges the other pfns).
    static bool off_model(const Execution& e, model::Pfn p) {
        return !e.misuse_tainted(p) && !pfn_refines(e, p);
    }
    // How many pfns of `e` are off the model; sets `flags` per pfn. Time: pfns.
    static long off_model_pfns(const Execution& e, std::vector<std::uint8_t>& flags) {
        const std::size_t pfns = e.model().pfns.size();
        flags.assign(pfns, 0);
        long n = 0;
        for (model::Pfn p = 0; p < pfns; p++)
            if (off_model(e, p)) {
                flags[p] = 1;
                n++;
            }
        return n;
    }
    // How many pfns of w.child are off the model: the parent's count updated
    // for the step's pfns (from scratch after a misuse, which may touch more).
    static long child_off_model(Worker& w, const StepOutcome& outcome) {
        if (!outcome.legal) return off_model_pfns(w.child, w.off_model_scratch);
        long n = w.parent_off_model;
        for (model::Pfn p : w.child.step_pfns())
            n += (off_model(w.child, p) ? 1 : 0) - w.off_model_pfn[p];
        return n;
    }

    // Whether w.child, left unexpanded, is a state whose end check already
    // passed; sets w.fp_of_unkept to its fingerprint. (The end check on an
    // orbit's member stands for the orbit's, as for kept states.)
    bool end_passed_before(Worker& w, const Op& op, const StepOutcome& outcome) const {
        w.fp_of_unkept = outcome.legal ? w.orbit.child(w.child, op_slot(op)) : w.orbit.of(w.child);
        return end_passed_->contains(w.fp_of_unkept);
    }

    // Adds an unexpanded state whose end check passed to end_passed_ while
    // that set, doubled by its next growth, stays within an eighth of the
    // memory budget: it only saves time, and the budget is for states (a
    // state not remembered is simply checked again).
    void remember_end_passed(const Fingerprint& fp) {
        if (o_.memory_budget_bytes && 2 * end_passed_->memory_bytes() > o_.memory_budget_bytes / 8)
            return;
        end_passed_->insert(fp, 0);
    }

    // Whether w.child, one operation from w.parent, is left unexpanded.
    bool leave_unexpanded(Worker& w, const StepOutcome& outcome) const {
        if (o_.off_model == ExploreOptions::OffModel::Once)
            return w.parent_off_model > 0 && child_off_model(w, outcome) > 0;
        // Counts further from the model's pins than a pfn may hold pins: a
        // drift that may grow with every pin cycle. Within that distance
        // states are expanded, so what follows a first drift (an unpin
        // below zero, a BUG) is still found.
        return refcount_drift(w.child, w.child.step_pfns()) >
               static_cast<long>(o_.universe.max_pins);
    }

    // Runs `op` from the parent again and packs the child canonically into
    // `out`; returns how many concrete states its orbit holds. With
    // `end_failed` (a state new to this process), also runs the property's
    // end check on the child (child_end_fails) and says whether it failed:
    // even a copy costs a third of unpacking the encoding again.
    std::uint32_t pack_child(Worker& w, const Op& op, PackedState& out,
                             bool* end_failed = nullptr) const {
        const StepOutcome outcome = w.child.step(op);
        const std::size_t same = w.canon.canonical(w.child, out);
        if (end_failed && p_.at_end) *end_failed = child_end_fails(w);
        undo(w, op, outcome);
        return static_cast<std::uint32_t>(w.canon.group_size() / same);
    }

    // Keeps a state new in this level; false when its end check fails.
    // `end_failed`: the verdict pack_child took on the concrete child; none
    // for a state another process sent, checked here on its encoding. (The
    // child and the encoded representative are one orbit: by symmetry the
    // end check's verdict is the same, and replay confirms a failure. That
    // also needs an end check to read nothing the encoding leaves out, such
    // as Execution::steps() or first_misuse()'s step numbers: none does, and
    // every property with one runs without misuse.)
    bool add_new(Worker& w, const Fingerprint& fp, std::uint64_t key, std::uint32_t weight,
                 Bytes packed, std::optional<bool> end_failed = std::nullopt) {
        {
            NewState n{fp, 0, static_cast<std::uint32_t>(w.found.size()), weight, false};
            w.found.push(packed);
            if (p_.at_end && end_failed) {
                n.end_fails = *end_failed;
            } else if (p_.at_end) {
                unpack_state(packed, w.scratch);
                n.end_fails = end_fails(w.scratch);
            }
            w.keep(n);
            if (n.end_fails) {
                record_failure(key);
                return false;
            }
        }
        return true;
    }

    // With a cluster: which process stores states of fingerprint fp. Asked
    // per child, so from the cluster's size and this process's rank kept
    // here (a virtual call each otherwise).
    unsigned owner(const Fingerprint& fp) const {
        return ranks_ > 1 ? static_cast<unsigned>((fp.hi & 0xffffffffu) % ranks_) : 0;
    }
    bool owns(const Fingerprint& fp) const { return ranks_ <= 1 || owner(fp) == rank_; }

    // The level's children other processes found for this one: each new
    // one is kept as a child found here would be, up to --memory-budget (the
    // others may have kept expanding after this one's budget stopped it).
    // What would go past it is dropped and the level ends as a memory-budget
    // stop, which claims nothing about the level: no failure in what was
    // dropped is hidden.
    void receive_children(Worker& w) {
        bool full = false;
        w.outbox.exchange(*cluster_, exchange_round_bytes(), [&](const std::vector<std::uint8_t>& received) {
            for_each_child(received, [&](const Fingerprint& fp, std::uint64_t key,
                                         std::uint32_t weight, Bytes packed) {
                if (full) return;
                if (o_.memory_budget_bytes && memory_bytes() + seen_.growth_bytes(1) >= o_.memory_budget_bytes) {
                    full = true;
                    peak_bytes_ = std::max<std::uint64_t>(peak_bytes_.load(), memory_bytes());
                    if (!stop_ || *stop_ < ExploreStop::MemoryBudget) stop_ = ExploreStop::MemoryBudget;
                    return;
                }
                if (seen_.insert(fp, key)) add_new(w, fp, key, weight, packed);
            });
        });
        w.count_bytes();
    }

    // What one round of the level's exchange may send to each process: the
    // round's buffers (what is sent, and as much received from each
    // process) then take at most a sixteenth of the budget; 4 MB without
    // one. Counted in fixed_bytes().
    std::size_t exchange_round_bytes() const {
        if (!o_.memory_budget_bytes) return std::size_t{4} << 20;
        return std::max<std::size_t>(4096, o_.memory_budget_bytes / (32 * ranks_));
    }

    // Makes every process agree on the level's outcome: the failure with the
    // smallest key and its kind, the budget that stopped (the worst), and
    // the first parent a budget left unexpanded.
    void agree(std::uint64_t& failure, bool& step, std::uint64_t& unexpanded_id) {
        const std::uint64_t steps = cluster_->min(step ? failure : UINT64_MAX);
        const std::uint64_t ends = cluster_->min(step ? UINT64_MAX : failure);
        failure = std::min(steps, ends);
        step = steps <= ends;
        unexpanded_id = cluster_->min(unexpanded_id);
        const std::uint64_t stop = cluster_->max(stop_ ? 1 + static_cast<std::uint64_t>(*stop_) : 0);
        if (stop) stop_ = static_cast<ExploreStop>(stop - 1);
    }

    // Back from w.child to w.parent after one operation.
    static void undo(Worker& w, const Op& op, const StepOutcome& outcome) {
        if (outcome.legal) undo_step(w.parent, w.child, op_slot(op));
        else copy_state(w.parent, w.child);  // a misuse may taint pfns beyond its step pfns
    }

    ExploreResult finish(ExploreStop stop) {
        r_.stop = stop;
        if (cluster_) {
            r_.transitions = cluster_->sum(r_.transitions);
            r_.off_model_transitions = cluster_->sum(r_.off_model_transitions);
            r_.concrete_states = cluster_->sum(r_.concrete_states);
            r_.expanded_in_last_level = cluster_->sum(r_.expanded_in_last_level);
            unfinished_states_ = cluster_->sum(unfinished_states_);
        }
        r_.states = parent_.size() + unfinished_states_;
        // The state store, which is the same for any number of threads; the
        // budget's estimate (buffers, per-thread lists) when it stopped the search.
        r_.memory_bytes = stop == ExploreStop::MemoryBudget
                              ? std::max<std::uint64_t>(peak_bytes_, memory_bytes())
                              : store_bytes();
        if (cluster_) r_.memory_bytes = cluster_->sum(r_.memory_bytes);
        r_.seconds = elapsed();
        return r_;
    }

    // The operations from the initial state to stored state `target`,
    // applied to the concrete initial state `x`. With symmetry each stored
    // state is only its orbit's representative: the stored representatives
    // are rebuilt by replaying their stored operations, and each concrete
    // step picks the operation that reaches the same orbit (by symmetry one
    // exists: the relabelled stored operation), the stored one first.
    // The first operation from `s` that `works` accepts: the index-th one
    // first, then every other in enumeration order (one at a time: a wide
    // universe's state has millions).
    std::optional<Op> first_op_that(const ModelState& s, std::uint64_t index,
                                    const std::function<bool(const Op&)>& works) {
        const auto stored = op_at(s, o_.profile, p_.with_misuse, index);
        if (stored && works(*stored)) return stored;
        std::optional<Op> out;
        std::uint64_t i = 0;
        for_each_op(s, o_.profile, p_.with_misuse, [&](const Op& op) {
            if (i++ == index || !works(op)) return true;
            out = op;
            return false;
        });
        return out;
    }

    bool concrete_path(std::uint32_t target, Execution& x, Execution& rep,
                       std::vector<Op>& path) {
        std::vector<std::uint32_t> chain;
        for (std::uint32_t id = target; id != kNoParent; id = parent_[id]) chain.push_back(id);
        std::reverse(chain.begin(), chain.end());
        Canonicaliser& canon = workers_[0]->canon;
        Execution y(v_, o_.universe);
        PackedState packed;
        canon.canonical(rep, packed);
        unpack_state(Bytes(packed.data(), packed.size()), rep);
        for (std::size_t k = 1; k < chain.size(); k++) {
            const std::uint32_t stored = op_[chain[k]];
            copy_state(rep, y);
            y.step(op_at(rep.model(), o_.profile, p_.with_misuse, stored).value());
            canon.canonical(y, packed);
            const Fingerprint want = fingerprint(packed.data(), packed.size());
            unpack_state(Bytes(packed.data(), packed.size()), rep);
            const auto op = first_op_that(x.model(), stored, [&](const Op& o) {
                copy_state(x, y);
                y.step(o);
                canon.canonical(y, packed);
                return fingerprint(packed.data(), packed.size()) == want;
            });
            if (!op) return false;
            copy_state(x, y);
            y.step(*op);
            copy_state(y, x);
            path.push_back(*op);
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
                const auto last = first_op_that(x.model(), op, [&](const Op& o) {
                    copy_state(x, y);
                    const StepOutcome outcome = y.step(o);
                    if (!step) return end_fails(y);
                    const auto f = step_failure(p_, x.model(), o, outcome, y);
                    return f && counted(*f, outcome, y);
                });
                ok = last.has_value();
                if (ok) path.push_back(*last);
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

    // Failures of a class the options' filter does not count (one already
    // reported) are no counterexample: the search goes on past them.
    bool counted(const std::string& failure, const StepOutcome& outcome, const Execution& after) const {
        return o_.failures.counts_everything() ||
               o_.failures.counts(classify(p_, after, outcome.warnings, after.step_pfns(), failure));
    }
    // end_fails of w.child: on a copy, unless the end check only reads.
    bool child_end_fails(Worker& w) const {
        if (p_.end_only_reads) return end_fails(w.child);
        copy_state(w.child, w.scratch);
        return end_fails(w.scratch);
    }
    bool end_fails(Execution& e) const {
        const std::size_t warned = e.world().warnings.size();
        const auto f = p_.at_end(e);
        return f && (o_.failures.counts_everything() ||
                     o_.failures.counts(classify_end(p_, e, warned, *f)));
    }

    const Variant& v_;
    const Property& p_;
    const ExploreOptions& o_;
    Clock::time_point start_;
    std::vector<std::unique_ptr<Worker>> workers_;
    FingerprintSet seen_;
    // Under OffModel::Once with an end check: the states left unexpanded
    // whose end check passed, so that one reached again (from another
    // parent, or a later level) is not checked again. One that failed is
    // never added: each transition to it records its own key, and the
    // smallest wins as for any failure.
    std::unique_ptr<FingerprintSet> end_passed_;
    Cluster* cluster_;  // nullptr: this process alone
    unsigned rank_ = 0, ranks_ = 1;  // cluster_'s
    // Every stored state's parent and operation index, by id; ids run level
    // by level, in discovery-key order inside a level.
    std::deque<std::uint32_t> parent_, op_;
    std::vector<Bytes> level_;  // the states being expanded (this process's, with a cluster)
    std::vector<std::uint32_t> level_ids_;  // their ids, ascending
    std::uint64_t level_size_ = 0;          // the level's states on every process
    // The level's, for transition counts: all, and those left unexpanded.
    std::vector<std::uint32_t> ops_per_parent_, unexpanded_per_parent_;
    ExploreResult r_;
    // Shared by the workers while a level is expanded.
    std::atomic<std::size_t> cursor_{0};
    std::atomic<std::uint64_t> found_key_{UINT64_MAX};
    std::atomic<bool> stop_flag_{false};
    std::mutex mutex_;
    std::optional<ExploreStop> stop_;
    std::atomic<std::uint64_t> peak_bytes_{0};
    std::uint64_t unfinished_states_ = 0;  // found in a level a budget stopped
    std::uint64_t fixed_bytes_ = 0;        // what the search holds whatever it stores
    // The level's first parent a budget left (partly) unexpanded.
    std::atomic<std::uint64_t> first_unexpanded_{UINT64_MAX};
};

}  // namespace

std::string to_string(ExploreOptions::OffModel m) {
    return m == ExploreOptions::OffModel::Once ? "once" : "pins";
}

std::string to_string(ExploreStop s) {
    switch (s) {
        case ExploreStop::Exhausted: return "exhausted";
        case ExploreStop::DepthLimit: return "depth limit";
        case ExploreStop::TimeBudget: return "time budget";
        case ExploreStop::MemoryBudget: return "memory budget";
        case ExploreStop::StateBudget: return "state budget";
        case ExploreStop::Interrupted: return "signal";
        case ExploreStop::Counterexample: return "counterexample";
        case ExploreStop::Error: return "error";
    }
    return "?";
}

ExploreResult explore(const Variant& v, const Property& p, const ExploreOptions& opts) {
    return Explorer(v, p, opts).run();
}

}  // namespace daxcheck
