#include "engines/swarm.h"

#include "engines/cluster.h"
#include "harness/wyrand.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "engines/candidate_starts.h"
#include "engines/interrupt.h"
#include "harness/model_before.h"
#include "engines/engine_fault.h"
#include "engines/replay.h"
#include "engines/simplify.h"

namespace daxcheck {
namespace {

using namespace model;

// The operation kinds a configuration switches on or off.
enum Kind : unsigned {
    kAssociate,        // shared=0 on free pfns
    kAssociateShared,  // shared=1 (reflink profile)
    kDisassociate,
    kTruncate,
    kPin,
    kUnpin,
    kMisuseAssociate,  // shared=0 over an owned pfn (misuse properties)
    kMisuseStray,      // disassociate-stray a check can see (misuse properties)
    kKinds
};
constexpr const char* kKindNames[kKinds] = {"associate", "associate-shared", "disassociate",
                                            "truncate",  "pin",              "unpin",
                                            "misuse-associate", "misuse-stray"};
constexpr std::uint64_t kLengthCaps[] = {8, 32, 128, 512};
constexpr int kTries = 4;

// One walk's swarm configuration.
struct Config {
    std::array<unsigned, kKinds> weight{};  // 0: switched off
    unsigned total_weight = 0;
    std::vector<FileId> files;
    std::vector<Order> orders;
    std::array<std::vector<Pfn>, 2> pfns;            // entry starts, per order: [0] PTE, [1] PMD
    std::array<std::vector<PageOffset>, 2> offsets;  // the same for page offsets
    std::uint64_t length = 0;
};

constexpr std::size_t kSubsetScanUpTo = 64;

// A random non-empty subset of `all` (each element with probability 1/2), into
// `out`. Past kSubsetScanUpTo candidates, up to that many random picks (a
// repeat weighs its value more): a walk uses at most a few hundred values, and
// scanning every pfn of a large universe per walk would cost O(pfns).
template <class T>
void draw_subset(Rng& rng, const std::vector<T>& all, std::vector<T>& out) {
    out.clear();
    if (all.empty()) return;
    if (all.size() > kSubsetScanUpTo) {
        for (auto n = 1 + rng.below(kSubsetScanUpTo); n > 0; n--) out.push_back(rng.pick(all));
        return;
    }
    for (const T& x : all)
        if (rng.coin()) out.push_back(x);
    if (out.empty()) out.push_back(rng.pick(all));
}

std::string join_values(const std::vector<std::uint64_t>& v) {
    std::string out;
    for (auto x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
    return out;
}

std::string describe(const Config& c, const Universe& u) {
    std::string kinds;
    for (unsigned k = 0; k < kKinds; k++)
        if (c.weight[k]) kinds += fmt::format("{}{}:{}", kinds.empty() ? "" : " ", kKindNames[k], c.weight[k]);
    std::string files;
    for (FileId f : c.files) files += file_letter(f);
    std::string orders;
    for (Order o : c.orders) orders += (orders.empty() ? "" : ",") + std::to_string(o);
    std::string out = fmt::format("kinds {}; files {}; orders {}; pfns {}; offsets {}", kinds,
                                  files, orders, join_values(c.pfns[0]), join_values(c.offsets[0]));
    if (c.orders.size() > 1 || c.orders.front() != 0)
        out += fmt::format("; pmd pfns {}; pmd offsets {}", join_values(c.pfns[1]),
                           join_values(c.offsets[1]));
    (void)u;
    return out + fmt::format("; length {}", c.length);
}

// Walks of one cell on one thread; keeps its buffers from walk to walk.
class Walker {
public:
    Walker(const Variant& v, const Property& p, Profile profile, const Universe& u)
        : v_(v), p_(p), profile_(profile), u_(u), exec_(v, u), before_(exec_.model()) {
        orders_.push_back(0);
        const auto pmd = static_cast<Order>(u.pmd_order);
        if (u.pages(pmd) <= std::min(u.pfns, u.offsets)) orders_.push_back(pmd);
        for (std::size_t i = 0; i < orders_.size(); i++) {
            all_pfns_[i] = candidate_starts(u, u.pfns, orders_[i]);
            all_offsets_[i] = candidate_starts(u, u.offsets, orders_[i]);
        }
        for (FileId f = 0; f < u.files; f++) all_files_.push_back(f);
        allowed_[kAssociate] = allowed_[kDisassociate] = allowed_[kTruncate] = true;
        allowed_[kAssociateShared] = profile == Profile::Reflink;
        allowed_[kPin] = allowed_[kUnpin] = u.max_pins > 0;
        allowed_[kMisuseAssociate] = allowed_[kMisuseStray] = p.with_misuse;
    }

    // Runs walk `seed`; `keep` records its operations and configuration.
    WalkResult walk(std::uint64_t seed, bool keep) {
        WalkResult out;
        Rng rng{seed};
        draw_config(rng);
        if (keep) out.configuration = describe(config_, u_);
        ops_.clear();
        reset();
        Execution& exec = exec_;
        Op op;
        for (std::uint64_t i = 0; i < config_.length; i++) {
            if (!next_op(rng, before_.state(), op)) break;
            ops_.push_back(op);
            const ModelBefore::Change change = before_.change_of(op);
            const StepOutcome outcome = exec.step(op);
            out.operations++;
            if (!outcome.legal && !is_misuse_kind_)
                throw std::logic_error("swarm generated an illegal operation: " +
                                       outcome.illegal_reason);
            std::optional<std::string> why = kernel_bug_failure(outcome);
            if (!why) why = p_.after_step(StepView{before_.state(), op, outcome, exec});
            if (why) {
                out.failure = fmt::format("after #{}: {}", ops_.size(), *why);
                break;
            }
            before_.catch_up(exec.model(), change);
        }
        // catch_up relies on an operation changing only its file and its
        // entry's pfns: check that once per walk (the model can differ from
        // its initial state only at the changed pfns).
        if (!out.failure && !before_.caught_up(exec_.model(), exec_.changed_pfns()))
            throw std::logic_error("swarm: the model changed outside the operation's file and pfns");
        if (!out.failure && p_.at_end)
            if (auto why = p_.at_end(exec)) out.failure = "at the end: " + *why;
        if (keep || out.failure) out.ops = ops_;
        if (out.failure && !keep) out.configuration = describe(config_, u_);
        return out;
    }

private:
    // Back to the initial state in time proportional to what the last walk
    // changed: exec_ and before_ differ from it only at exec_'s changed pfns.
    void reset() {
        before_.reset(exec_.changed_pfns());
        exec_.reset();
    }

    void draw_config(Rng& rng) {
        Config& c = config_;
        c.total_weight = 0;
        for (unsigned k = 0; k < kKinds; k++)
            c.weight[k] = allowed_[k] && rng.coin() ? 1 + static_cast<unsigned>(rng.below(4)) : 0;
        if (!c.weight[kAssociate] && !c.weight[kAssociateShared]) {
            const bool shared = allowed_[kAssociateShared] && rng.coin();
            c.weight[shared ? kAssociateShared : kAssociate] = 1 + static_cast<unsigned>(rng.below(4));
        }
        for (unsigned k = 0; k < kKinds; k++) c.total_weight += c.weight[k];
        draw_subset(rng, all_files_, c.files);
        draw_subset(rng, orders_, c.orders);
        for (std::size_t i = 0; i < orders_.size(); i++) {
            draw_subset(rng, all_pfns_[i], c.pfns[i]);
            draw_subset(rng, all_offsets_[i], c.offsets[i]);
        }
        c.length = 1 + rng.below(kLengthCaps[rng.below(std::size(kLengthCaps))]);
    }

    Kind draw_kind(Rng& rng) const {
        auto r = rng.below(config_.total_weight);
        unsigned k = 0;
        while (r >= config_.weight[k]) r -= config_.weight[k++];
        return static_cast<Kind>(k);
    }

    // An operation of a kind the configuration allows; false when none was
    // found in a few tries (the walk ends there).
    bool next_op(Rng& rng, const ModelState& s, Op& op) {
        for (int attempt = 0; attempt < 2 * kTries; attempt++) {
            const Kind k = draw_kind(rng);
            is_misuse_kind_ = k == kMisuseAssociate || k == kMisuseStray;
            if (generate(k, rng, s, op)) return true;
        }
        return false;
    }

    bool generate(Kind k, Rng& rng, const ModelState& s, Op& op) {
        const Config& c = config_;
        switch (k) {
            case kAssociate:
            case kAssociateShared:
            case kMisuseAssociate:
                for (int t = 0; t < kTries; t++) {
                    const std::size_t oi = rng.below(c.orders.size());
                    const Order order = c.orders[oi];
                    const std::size_t list = order == 0 ? 0 : 1;
                    const FileId f = rng.pick(c.files);
                    const PageOffset o = rng.pick(c.offsets[list]);
                    const Pfn p = rng.pick(c.pfns[list]);
                    const std::uint64_t pages = u_.pages(order);
                    if (!offsets_free(s.files[f], o, pages, u_)) continue;
                    const bool free = pfns_free(s, p, pages);
                    if ((k == kAssociate && !free) || (k == kMisuseAssociate && free)) continue;
                    op = Associate{f, o, p, order, k == kAssociateShared};
                    return true;
                }
                return false;
            case kDisassociate:
            case kTruncate:
                for (int t = 0; t < kTries; t++) {
                    const FileId f = rng.pick(c.files);
                    const auto& slots = s.files[f].slots;
                    if (slots.empty()) continue;
                    auto it = slots.begin();
                    std::advance(it, rng.below(slots.size()));
                    if (k == kDisassociate) op = Disassociate{f, it->first};
                    else op = Truncate{f, it->first};
                    return true;
                }
                return false;
            case kPin:
                // A page of some entry of the configuration's files: PMD tails included.
                for (int t = 0; t < kTries; t++) {
                    const FileId f = rng.pick(c.files);
                    const auto& slots = s.files[f].slots;
                    if (slots.empty()) continue;
                    auto it = slots.begin();
                    std::advance(it, rng.below(slots.size()));
                    const Pfn p = it->second.pfn + rng.below(u_.pages(it->second.order));
                    if (s.pfns[p].pins >= u_.max_pins) continue;
                    op = Pin{p};
                    return true;
                }
                return false;
            case kUnpin: {
                // Pins may outlive the mapping: the first pinned pfn from a
                // random one on, wrapping around.
                const Pfn start = rng.below(s.pfns.size());
                const auto& pinned = before_.pinned();
                if (pinned.empty()) return false;
                const auto it = std::lower_bound(pinned.begin(), pinned.end(), start);
                op = Unpin{it != pinned.end() ? *it : pinned.front()};
                return true;
            }
            case kMisuseStray:
                for (int t = 0; t < kTries; t++) {
                    const std::size_t oi = rng.below(c.orders.size());
                    const Order order = c.orders[oi];
                    const DisassociateStray d{rng.pick(c.files), rng.pick(c.pfns[order == 0 ? 0 : 1]),
                                              order};
                    if (!misuse_check(s, Op{d})) continue;
                    // a stray invalidate or a stray truncate, alike otherwise
                    if (rng.below(2)) op = TruncateStray{d};
                    else op = d;
                    return true;
                }
                return false;
            case kKinds: break;
        }
        return false;
    }

    const Variant& v_;
    const Property& p_;
    Profile profile_;
    Universe u_;
    std::vector<Order> orders_;
    std::array<std::vector<Pfn>, 2> all_pfns_;
    std::array<std::vector<PageOffset>, 2> all_offsets_;
    std::vector<FileId> all_files_;
    std::array<bool, kKinds> allowed_{};
    Execution exec_;
    Config config_;
    std::vector<Op> ops_;
    ModelBefore before_;  // the model before the step being run
    bool is_misuse_kind_ = false;
};

bool allowed(const Property& p, const ModelState& s, const Op& op) {
    return is_legal(s, op) || (p.with_misuse && misuse_check(s, op));
}

// The operations of `ops` that are still allowed once earlier ones are gone
// (removing an associate removes the releases of its entry too).
std::vector<Op> allowed_part(const Property& p, const Universe& u, const std::vector<Op>& ops) {
    std::vector<Op> out;
    ModelState s = initial_state(u);
    for (const Op& op : ops) {
        if (!allowed(p, s, op)) continue;
        out.push_back(op);
        s = apply(std::move(s), op);
    }
    return out;
}

constexpr int kShrinkBudget = 20000;      // replays
constexpr std::size_t kExhaustiveUpTo = 10;  // search every shorter subsequence

}  // namespace

std::uint64_t walk_seed(std::uint64_t seed, std::uint64_t walk) {
    Rng a{seed};
    Rng b{a.next() ^ walk};
    return b.next();
}

WalkResult run_walk(const Variant& v, const Property& p, Profile profile, const Universe& u,
                    std::uint64_t seed) {
    Walker walker(v, p, profile, u);
    return walker.walk(seed, true);
}

bool ops_fail(const Variant& v, const Property& p, const Universe& u, const std::vector<Op>& ops) {
    Execution exec(v, u);
    ModelState before;
    for (const Op& op : ops) {
        if (!allowed(p, exec.model(), op)) return false;
        before = exec.model();
        const StepOutcome outcome = exec.step(op);
        if (outcome.kernel_bug) return true;
        if (p.after_step(StepView{before, op, outcome, exec})) return true;
    }
    return p.at_end && p.at_end(exec).has_value();
}

std::vector<Op> shrink_ops(const Variant& v, const Property& p, const Universe& u,
                           std::vector<Op> ops, const ClassFilter& failures) {
    int budget = kShrinkBudget;
    auto keep_if_fails = [&](std::vector<Op> candidate, bool cascade) {
        if (cascade) candidate = allowed_part(p, u, candidate);
        if (candidate.size() >= ops.size() || budget <= 0) return false;
        budget--;
        if (failures.counts_everything() ? !ops_fail(v, p, u, candidate)
                                         : !fails_counted(v, p, u, candidate, failures))
            return false;
        ops = std::move(candidate);
        return true;
    };
    // Delta debugging: remove chunks of halving size.
    std::size_t n = 2;
    while (ops.size() >= 2 && budget > 0) {
        const std::size_t chunk = (ops.size() + n - 1) / n;
        bool reduced = false;
        for (std::size_t start = 0; start < ops.size() && !reduced; start += chunk) {
            std::vector<Op> candidate(ops.begin(), ops.begin() + static_cast<long>(start));
            candidate.insert(candidate.end(),
                             ops.begin() + static_cast<long>(std::min(ops.size(), start + chunk)),
                             ops.end());
            reduced = keep_if_fails(std::move(candidate), true);
        }
        if (reduced) {
            n = std::max<std::size_t>(n - 1, 2);
        } else if (chunk == 1) {
            break;
        } else {
            n = std::min(n * 2, ops.size());
        }
    }
    // A short list: the shortest failing subsequence, by trying them all.
    if (ops.size() <= kExhaustiveUpTo) {
        const std::size_t len = ops.size();
        bool found = false;
        for (std::size_t k = 1; k < len && !found; k++) {
            std::vector<bool> pick(len, false);
            std::fill(pick.begin(), pick.begin() + static_cast<long>(k), true);
            do {
                std::vector<Op> candidate;
                for (std::size_t i = 0; i < len; i++)
                    if (pick[i]) candidate.push_back(ops[i]);
                found = keep_if_fails(std::move(candidate), false);
            } while (!found && std::prev_permutation(pick.begin(), pick.end()));
        }
    }
    return simplify_values(v, p, u, std::move(ops), failures);
}

namespace {

// After every rank walked its share: the counts summed, the lowest failing
// walk everywhere (replayed where another rank found it), an error anywhere
// an error everywhere. Collective.
void join_ranks(Cluster& cluster, const Variant& v, const Property& p, Profile profile,
                const SwarmOptions& opts, SwarmCellResult& out, std::uint64_t& failing_walk,
                std::optional<WalkResult>& failure, std::string& error) {
    if (cluster.max(error.empty() ? 0 : 1) && error.empty())
        error = "a walk on another process stopped with an error";
    out.walks = cluster.sum(out.walks);
    out.operations = cluster.sum(out.operations);
    const std::uint64_t lowest = cluster.min(failing_walk);
    if (lowest != UINT64_MAX && lowest != failing_walk && error.empty()) {
        Walker walker(v, p, profile, opts.universe);
        failure = walker.walk(walk_seed(opts.seed, lowest), false);
    }
    failing_walk = lowest;
}

}  // namespace

SwarmCellResult run_swarm_cell(const Variant& v, const Property& p, Profile profile,
                               const SwarmOptions& opts) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    SwarmCellResult out;
    std::optional<WalkResult> failure;
    std::string error;
    // A failing walk counts when the filter counts its class.
    const auto counted = [&](const WalkResult& r) {
        if (opts.failures.counts_everything()) return true;
        const auto c = failure_class_of(v, p, opts.universe, r.ops);
        return c && opts.failures.counts(*c);
    };

    if (opts.walk_seed) {
        try {
            Walker walker(v, p, profile, opts.universe);
            auto r = walker.walk(*opts.walk_seed, false);
            out.walks = 1;
            out.operations = r.operations;
            if (r.failure && counted(r)) {
                out.failing_walk = 0;
                out.failing_walk_seed = *opts.walk_seed;
                failure = std::move(r);
            }
        } catch (const std::exception& e) {
            error = e.what();
        }
    } else {
        const unsigned threads = std::max(1u, opts.threads);
        const unsigned rank = opts.cluster ? opts.cluster->rank() : 0;
        const unsigned ranks = opts.cluster ? opts.cluster->size() : 1;
        const auto deadline =
            start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(opts.seconds));
        // This rank's walks are handed out in order (rank, rank + ranks, ...):
        // every walk numbered below the last one handed out has run, whatever
        // the threads' speeds, so the lowest failing walk w is the one a run
        // of --walks w+1 finds too.
        std::atomic<std::uint64_t> next{0};
        std::atomic<std::uint64_t> lowest_failing{UINT64_MAX};
        std::atomic<std::uint64_t> walks{0}, operations{0};
        std::mutex mutex;
        std::uint64_t failing_walk = UINT64_MAX;
        auto work = [&](unsigned) {
            std::uint64_t my_walks = 0, my_ops = 0;
            try {
                Walker walker(v, p, profile, opts.universe);
                for (;;) {
                    if (interrupted()) break;
                    // The clock is read before every walk: a walk in a wide
                    // universe takes long. The first walk always runs: a cell
                    // that walked nothing checked nothing.
                    if (!opts.walks && next.load(std::memory_order_relaxed) > 0 && clock::now() >= deadline)
                        break;
                    const std::uint64_t w = next.fetch_add(1) * ranks + rank;
                    if (opts.walks && w >= opts.walks) break;
                    if (w >= lowest_failing.load(std::memory_order_relaxed)) break;
                    auto r = walker.walk(walk_seed(opts.seed, w), false);
                    my_walks++;
                    my_ops += r.operations;
                    if (!r.failure) continue;
                    if (!counted(r)) continue;
                    std::lock_guard lock(mutex);
                    if (w < failing_walk) {
                        failing_walk = w;
                        failure = std::move(r);
                        lowest_failing.store(w);
                    }
                    // The walks below w other threads hold still finish.
                    break;
                }
            } catch (const std::exception& e) {
                std::lock_guard lock(mutex);
                if (error.empty()) error = e.what();
                lowest_failing.store(0);  // every thread stops at its next walk
            }
            walks += my_walks;
            operations += my_ops;
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < threads; t++) pool.emplace_back(work, t);
        work(0);
        for (auto& th : pool) th.join();
        out.walks = walks;
        out.operations = operations;
        if (opts.cluster) join_ranks(*opts.cluster, v, p, profile, opts, out, failing_walk, failure, error);
        if (failure) {
            out.failing_walk = failing_walk;
            out.failing_walk_seed = walk_seed(opts.seed, failing_walk);
        }
    }
    out.seconds = std::chrono::duration<double>(clock::now() - start).count();
    out.cell.tests_run = static_cast<int>(std::min<std::uint64_t>(out.walks, INT32_MAX));

    if (error.empty() && !failure && out.walks == 0) error = "no walk ran: nothing was checked";
    if (!error.empty()) {
        out.cell.verdict = CellResult::Verdict::Error;
        out.cell.message = error;
    } else if (failure) {
        out.cell.verdict = CellResult::Verdict::Fail;
        out.failing_configuration = failure->configuration;
        out.failing_length = failure->ops.size();
        if (out.failing_walk) out.cell.tests_run = static_cast<int>(*out.failing_walk + 1);
        // Walks reuse one execution (reset between them); shrinking uses
        // fresh ones. They must agree, or the counterexample would not
        // reproduce.
        if (!ops_fail(v, p, opts.universe, failure->ops))
            throw walk_not_reproduced(out.failing_walk ? *out.failing_walk + 1 : 0, out.failing_walk_seed,
                                      failure->configuration, v.name, p.name, failure->failure.value_or(""), failure->ops.size());
        // Shrunk keeping the walk's own class when classes are being told apart.
        ClassFilter own;
        if (!opts.failures.counts_everything())
            own.target = failure_class_of(v, p, opts.universe, failure->ops);
        out.cell.counterexample = shrink_ops(v, p, opts.universe, failure->ops, own);
        const auto again = replay(v, p, opts.universe, out.cell.counterexample);
        out.cell.message = again.trace.failed() ? again.trace.failure() : *failure->failure;
    }
    out.cell.time_ms = std::chrono::duration<double, std::milli>(clock::now() - start).count();
    return out;
}

}  // namespace daxcheck
