#include "fslevel/fs_walk.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <utility>

#include "engines/engine_fault.h"
#include "engines/interrupt.h"
#include "engines/swarm.h"
#include "fslevel/fs_execution.h"
#include "fslevel/fs_replay.h"
#include "fslevel/fs_text.h"
#include "fslevel/reachability.h"
#include "harness/wyrand.h"

namespace daxcheck::fslevel {
namespace {

enum Kind { kWrite, kReflink, kReadFault, kWriteFault, kTruncate, kPunch, kUnshare, kInvalidate,
            kPin, kUnpin, kKinds };
constexpr const char* kKindNames[kKinds] = {"write", "reflink", "read-fault", "write-fault",
                                            "truncate", "punch", "unshare", "invalidate", "pin",
                                            "unpin"};

struct Config {
    unsigned weights[kKinds] = {};
    unsigned total = 0;
    double pmd = 0;
    unsigned length = 0;
    // Pins on tail pages of PMD folios across their split (issue 14): PMD
    // faults always, pins at a page inside a PMD block other than its first,
    // releases and unpins after them.
    bool tail_pins = false;
    std::string text() const {
        std::string out;
        for (int k = 0; k < kKinds; k++)
            if (weights[k]) out += fmt::format("{}{}x{}", out.empty() ? "" : " ", kKindNames[k], weights[k]);
        return fmt::format("{}; pmd faults {:.0f}%; length {}{}", out, pmd * 100, length,
                           tail_pins ? "; tail pins" : "");
    }
};

Config draw_config(Rng& rng, bool reflink) {
    Config c;
    while (c.total == 0) {
        for (int k = 0; k < kKinds; k++) {
            if ((k == kReflink || k == kUnshare) && !reflink) continue;
            if (rng.below(2)) c.weights[k] = 1 + rng.below(4);
            c.total += c.weights[k];
        }
    }
    // Faults and writes make everything else possible: never leave them out.
    for (int k : {kWrite, kReadFault})
        if (!c.weights[k]) c.weights[k] = 1, c.total++;
    c.pmd = (rng.below(3)) / 2.0;
    c.length = 1 + rng.below(24);
    // One walk in four pins tail pages of PMD mappings and releases them.
    c.tail_pins = rng.below(4) == 0;
    if (c.tail_pins) {
        for (int k : {kWrite, kWriteFault, kPin, kUnpin, kInvalidate})
            if (c.weights[k] < 2) c.total += 2 - c.weights[k], c.weights[k] = 2;
        c.pmd = 1;
        c.length = std::max(c.length, 8u);
    }
    return c;
}

Op random_op(Rng& rng, const Config& c, const FsState& s) {
    const model::Universe& u = s.universe;
    unsigned pick = rng.below(c.total);
    int k = 0;
    while (pick >= c.weights[k]) pick -= c.weights[k++];
    auto file = [&] { return static_cast<FileId>(rng.below(u.files)); };
    auto offset = [&] { return static_cast<PageOffset>(rng.below(u.offsets)); };
    auto len = [&](PageOffset o) { return 1 + rng.below(std::min<std::uint64_t>(u.offsets - o, u.pages(u.pmd_order) + 1)); };
    auto in_file = [&](FileId f) {
        const std::uint64_t size = s.files[f].size;
        return static_cast<PageOffset>(size ? rng.below(size) : 0);
    };
    const bool pmd = rng.below(1000) < c.pmd * 1000;
    const std::uint64_t n = u.pages(static_cast<model::Order>(u.pmd_order));
    // Half the time aim at what exists: an entry in a page cache, a whole
    // PMD range. Deep bugs need a pin on a mapped page, an invalidation of
    // an existing entry, a 2M write (Groce et al.'s swarm does the rest).
    const model::Slot* entry = nullptr;
    FileId entry_file = 0;
    PageOffset entry_at = 0;
    if (rng.coin()) {
        const FileId f = file();
        if (!s.cache[f].empty()) {
            auto it = s.cache[f].begin() + static_cast<long>(rng.below(s.cache[f].size()));
            entry = &it->second;
            entry_file = f;
            entry_at = it->first;
        }
    }
    auto entry_page = [&] { return entry_at + rng.below(u.pages(entry->order)); };
    switch (k) {
        case kWrite: {
            if (n <= u.offsets && rng.coin()) {
                const PageOffset o = rng.below(u.offsets / n) * n;
                return Write{file(), o, n};
            }
            auto o = offset();
            return Write{file(), o, len(o)};
        }
        case kReflink: {
            const FileId src = file();
            // Sometimes a whole PMD range onto a whole PMD range: a shared
            // extent a PMD fault can map.
            if (n <= u.offsets && s.files[src].size >= n && rng.below(4) == 0) {
                const PageOffset so = rng.below(s.files[src].size / n) * n;
                return Reflink{src, so, file(), rng.below(u.offsets / n) * n, n};
            }
            const PageOffset so = in_file(src), d = offset();
            const std::uint64_t room = std::min(s.files[src].size - std::min(s.files[src].size, so), u.offsets - d);
            return Reflink{src, so, file(), d, 1 + (room ? rng.below(room) : 0)};
        }
        // A fault inside an existing entry, of either size: a PTE fault under
        // a PMD entry is where the page count drifts (contract section 8).
        case kReadFault: {
            if (entry) return ReadFault{entry_file, entry_page(), pmd};
            auto f = file();
            return ReadFault{f, in_file(f), pmd};
        }
        case kWriteFault: {
            if (entry) return WriteFault{entry_file, entry_page(), pmd};
            auto f = file();
            return WriteFault{f, in_file(f), pmd};
        }
        case kTruncate: return TruncateFile{file(), rng.below(u.offsets + 1)};
        case kPunch: {
            if (entry) return Punch{entry_file, entry_page(), 1};
            auto o = offset();
            return Punch{file(), o, len(o)};
        }
        case kUnshare: { auto o = offset(); return Unshare{file(), o, len(o)}; }
        case kInvalidate: {
            if (entry) return Invalidate{entry_file, entry_page(), 1};
            auto o = offset();
            return Invalidate{file(), o, len(o)};
        }
        case kPin: {
            auto f = file();
            const PageOffset o = in_file(f);
            const std::uint64_t pages = u.pages(u.pmd_order);
            if (c.tail_pins && pages >= 2) {
                const PageOffset tail = (o & ~(pages - 1)) + 1 + rng.below(pages - 1);
                return PinPage{f, tail < s.files[f].size ? tail : o};
            }
            if (entry) return PinPage{entry_file, entry_page()};
            return PinPage{f, o};
        }
        default: {
            if (!s.pins.empty()) {
                const PinRecord& r = s.pins[rng.below(s.pins.size())];
                return UnpinPage{r.file, r.offset};
            }
            return UnpinPage{file(), offset()};
        }
    }
}

}  // namespace

WalkResult run_walk(const Variant& v, const Property& p, bool reflink, const model::Universe& u,
                    std::uint64_t seed) {
    FsExecution ex(v, u);
    return run_walk(ex, p, reflink, seed);
}

WalkResult run_walk(FsExecution& ex, const Property& p, bool reflink, std::uint64_t seed,
                    const std::vector<std::string>& known) {
    Rng rng(seed);
    const Config c = draw_config(rng, reflink);
    WalkResult out;
    ex.reset();
    if (known.empty()) ex.pass_over({});
    else ex.pass_over([&](const std::string& failure) { return known_class(p.name, failure, known); });
    const CallCheck check = check_of(p);
    for (unsigned i = 0; i < c.length; i++) {
        Op op;
        bool found = false;
        for (int tries = 0; tries < 16 && !found; tries++) {
            op = random_op(rng, c, ex.fs());
            found = !illegal_reason(ex.fs(), op);
        }
        if (!found) continue;
        const FsStepOutcome o = ex.step(op, check, false, false, true);
        out.ops.push_back(op);
        out.operations++;
        out.calls += o.call_count;
        if (o.failure) {
            out.configuration = c.text();
            out.failure = fmt::format("after #{} ({}): {}", out.ops.size(), to_text(op), *o.failure);
            return out;
        }
        // Past a class found before the walk goes on, unless the model no
        // longer describes the port: then it ends without a finding.
        if (o.lost_past_known) return out;
    }
    if (p.at_end) {
        if (auto f = p.at_end(ex.exec()); f && !known_class(p.name, "at the end: " + *f, known)) {
            out.failure = "at the end: " + *f;
            out.configuration = c.text();
        }
    }
    return out;
}

namespace {

// Calls f(file) for every file field of `op` (by reference).
template <class F>
void for_each_file(Op& op, F&& f) {
    std::visit([&](auto& o) {
        if constexpr (requires { o.src; }) {
            f(o.src);
            f(o.dst);
        } else {
            f(o.file);
        }
    }, op);
}

// Files renamed A, B, ... in order of first use: counterexamples read alike.
std::vector<Op> files_in_order(std::vector<Op> ops) {
    std::vector<int> to(model::kMaxFiles, -1);
    int next = 0;
    for (auto& op : ops)
        for_each_file(op, [&](FileId& f) {
            if (to[f] < 0) to[f] = next++;
            f = static_cast<FileId>(to[f]);
        });
    return ops;
}

// Every page offset of `file` moved down by `by` pages (a PMD multiple, so
// PMD faults stay aligned); nullopt when one would go below 0.
std::optional<std::vector<Op>> shifted(std::vector<Op> ops, FileId file, std::uint64_t by) {
    bool ok = true;
    auto move = [&](FileId f, std::uint64_t& o) {
        if (f != file) return;
        if (o < by) ok = false;
        else o -= by;
    };
    for (auto& op : ops)
        std::visit([&](auto& o) {
            if constexpr (requires { o.src_offset; }) {
                move(o.src, o.src_offset);
                move(o.dst, o.dst_offset);
            } else if constexpr (requires { o.offset; }) {
                move(o.file, o.offset);
            } else if constexpr (requires { o.size; }) {
                move(o.file, o.size);
            }
        }, op);
    if (!ok) return std::nullopt;
    return ops;
}

}  // namespace

std::vector<Op> shrink(const Variant& v, const Property& p, const model::Universe& u,
                       std::vector<Op> ops, const std::vector<std::string>& known, const std::string& keep) {
    auto still = [&](const std::vector<Op>& c) {
        if (keep.empty()) return fails(v, p, u, c, known);
        const FsReplayResult r = replay(v, p, u, c, known);
        return !r.invalid && r.trace.failed() && failure_class(p.name, r.trace.failure()) == keep;
    };
    bool changed = true;
    while (changed) {
        changed = false;
        for (std::size_t i = ops.size(); i-- > 0;) {  // later operations first
            auto c = ops;
            c.erase(c.begin() + static_cast<long>(i));
            if (still(c)) {
                ops = std::move(c);
                changed = true;
            }
        }
        // Simpler values: PTE faults, length 1.
        for (std::size_t i = 0; i < ops.size(); i++) {
            auto c = ops;
            bool simpler = std::visit(
                [](auto& o) {
                    bool any = false;
                    if constexpr (requires { o.pmd; }) any = any || std::exchange(o.pmd, false);
                    if constexpr (requires { o.len; }) {
                        if (o.len > 1) o.len = 1, any = true;
                    }
                    return any;
                },
                c[i]);
            if (simpler && still(c)) {
                ops = std::move(c);
                changed = true;
            }
        }
    }
    if (auto renamed = files_in_order(ops); renamed != ops && still(renamed)) ops = std::move(renamed);
    const std::uint64_t n = u.pages(static_cast<model::Order>(u.pmd_order));
    for (FileId f = 0; f < u.files; f++)
        for (bool moved = true; moved;) {
            auto down = shifted(ops, f, n);
            moved = down && *down != ops && still(*down);
            if (moved) ops = std::move(*down);
        }
    return ops;
}

WalksResult run_walks(const Variant& v, const Property& p, bool reflink, const model::Universe& u,
                      std::uint64_t seed, std::uint64_t walks, double seconds, unsigned threads,
                      const std::vector<std::string>& known) {
    WalksResult out;
    std::mutex m;
    // Walks are handed out in order, as the function level's swarm does
    // (engines/swarm.h): when walk w fails, every walk below w has run or
    // runs to its end, so the lowest failing one is what --walks w+1 finds.
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> lowest_failing{UINT64_MAX};
    const auto start = std::chrono::steady_clock::now();
    auto worker = [&](unsigned) {
        std::uint64_t n = 0, ops = 0, calls = 0;
        FsExecution ex(v, u);
        for (;;) {
            if (interrupted()) break;
            // The clock is read before every walk; the first walk always runs.
            if (!walks && next.load() > 0 &&
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= seconds)
                break;
            const std::uint64_t w = next.fetch_add(1);
            if ((walks && w >= walks) || w >= lowest_failing) break;
            const std::uint64_t ws = walk_seed(seed, w);
            WalkResult r = run_walk(ex, p, reflink, ws, known);
            n++;
            ops += r.operations;
            calls += r.calls;
            if (r.failure) {
                std::lock_guard<std::mutex> lock(m);
                if (w < lowest_failing) {
                    lowest_failing = w;
                    out.failing_walk = w;
                    out.failing_walk_seed = ws;
                    out.failing_configuration = r.configuration;
                    out.counterexample = std::move(r.ops);
                    out.message = *r.failure;
                }
                break;
            }
        }
        std::lock_guard<std::mutex> lock(m);
        out.walks += n;
        out.operations += ops;
        out.calls += calls;
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; t++) pool.emplace_back(worker, t);
    worker(0);
    for (auto& th : pool) th.join();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (out.failing_walk) {
        // Walks reuse one execution (reset between them); shrinking and the
        // printed trace use fresh ones. They must agree before anything is
        // shrunk, or the counterexample would not reproduce.
        if (!fails(v, p, u, out.counterexample, known))
            throw walk_not_reproduced(*out.failing_walk + 1, out.failing_walk_seed, out.failing_configuration,
                                      v.name, p.name,
                                      out.message, out.counterexample.size());
        // Past known classes, the walk's own class is the one to keep.
        out.counterexample = shrink(v, p, u, std::move(out.counterexample), known,
                                    known.empty() ? "" : failure_class(p.name, out.message));
        out.message = replay(v, p, u, out.counterexample, known).trace.failure();
    }
    return out;
}

std::uint64_t CellClasses::walks_to_reproduce() const {
    std::uint64_t n = first.failing_walk ? *first.failing_walk + 1 : 0;
    for (const WalksResult& m : more) n = std::max(n, *m.failing_walk + 1);
    return n;
}

CellClasses run_walks_classes(const Variant& v, const Property& p, bool reflink, const model::Universe& u,
                              std::uint64_t seed, std::uint64_t walks, double seconds, unsigned threads,
                              unsigned classes) {
    CellClasses out;
    const auto start = std::chrono::steady_clock::now();
    const auto count = [&](const WalksResult& r) {
        out.walks += r.walks;
        out.operations += r.operations;
        out.calls += r.calls;
        out.seconds += r.seconds;
    };
    out.first = run_walks(v, p, reflink, u, seed, walks, seconds, threads);
    count(out.first);
    if (!out.first.failing_walk) return out;
    out.classes.push_back(failure_class(p.name, out.first.message));
    while (out.classes.size() < classes) {
        if (interrupted()) {
            out.cut_short = "signal";
            break;
        }
        // The cell's clock: the shrinking of the classes before counts too.
        const double left =
            seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (seconds > 0 && left <= 0) {
            out.cut_short = "time budget";
            break;
        }
        WalksResult next =
            run_walks(v, p, reflink, u, seed, walks, seconds > 0 ? left : 0, threads, out.classes);
        count(next);
        if (!next.failing_walk) {
            if (interrupted()) out.cut_short = "signal";
            else if (seconds > 0) out.cut_short = "time budget";
            break;
        }
        const std::string cls = failure_class(p.name, next.message);
        // Shrinking keeps the class; should a replay still tell another
        // one, the search would only find it again.
        if (std::find(out.classes.begin(), out.classes.end(), cls) != out.classes.end()) break;
        out.classes.push_back(cls);
        out.more.push_back(std::move(next));
    }
    return out;
}

}  // namespace daxcheck::fslevel
