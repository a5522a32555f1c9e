#include "race/race.h"

#include <unistd.h>

#include <cstdio>

#include <algorithm>
#include <chrono>
#include <map>

#include "engines/interrupt.h"
#include "harness/execution.h"

#include <fmt/format.h>

namespace daxcheck::race {

namespace {

using Clock = std::chrono::steady_clock;

// Records a side's accesses when it runs alone.
struct Recorder final : kshim::access_hook {
    std::vector<kshim::access_point> accesses;
    void before(const kshim::access_point&) override {}
    void after(const kshim::access_point& a) override { accesses.push_back(a); }
};

void run_side(const Variant& v, kshim::kernel_world& w, const Side& s) {
    for (const model::Op& call : s.calls) run_port_call(v, w, call);
}

// The accesses `s` makes alone from `start`.
std::vector<kshim::access_point> solo_accesses(const Variant& v, const kshim::kernel_world& start,
                                               kshim::kernel_world& work, const Side& s) {
    work = start;
    kshim::world_scope scope(work);
    Recorder r;
    kshim::current_access_hook = &r;
    try {
        run_side(v, work, s);
    } catch (const kshim::kernel_bug&) {
    }
    kshim::current_access_hook = nullptr;
    return std::move(r.accesses);
}

bool any_conflict(const std::vector<kshim::access_point>& a,
                  const std::vector<kshim::access_point>& b) {
    for (const auto& x : a)
        for (const auto& y : b)
            if (conflict(x, y)) return true;
    return false;
}

// One serial order: `first` to its end, then `second` (a BUG stops only its
// own operation, as it kills only its own process).
Outcome serial(const Variant& v, const kshim::kernel_world& start, kshim::kernel_world& work,
               const Side& first, const Side& second) {
    work = start;
    kshim::world_scope scope(work);
    std::vector<std::string> bugs;
    for (const Side* s : {&first, &second}) {
        try {
            run_side(v, work, *s);
        } catch (const kshim::kernel_bug& bug) {
            bugs.push_back(bug.what());
        }
    }
    return outcome_of(v, work, start.warnings.size(), bugs);
}

RunResult run_pair(const Variant& v, const kshim::kernel_world& start, kshim::kernel_world& work,
                   const Pair& pair, const std::function<int(const Decision&)>& choose) {
    work = start;
    kshim::world_scope scope(work);
    const std::array<std::function<void()>, 2> ops = {[&] { run_side(v, work, pair.a); },
                                                      [&] { run_side(v, work, pair.b); }};
    return run_interleaved(ops, choose);
}

Outcome outcome_of_run(const Variant& v, const kshim::kernel_world& start,
                       const kshim::kernel_world& work, const RunResult& r) {
    std::vector<std::string> bugs;
    for (const auto& b : r.bug)
        if (b) bugs.push_back(*b);
    return outcome_of(v, work, start.warnings.size(), bugs, r.deadlock);
}

// "pfn 0 share: load 2" for an access to a page of `w`, "lock: lock" for a
// port's own lock; values read as the kernel would print them.
std::string step_text(const kshim::access_point& a, const kshim::kernel_world& w) {
    const auto* at = static_cast<const char*>(a.address);
    const auto* first = reinterpret_cast<const char*>(w.memmap.data());
    const auto* end = reinterpret_cast<const char*>(w.memmap.data() + w.memmap.size());
    std::string where = a.field;
    if (!std::less<>()(at, first) && std::less<>()(at, end))
        where = "pfn " + std::to_string(static_cast<std::size_t>(at - first) / sizeof(kshim::folio)) +
                " " + a.field;
    const std::string field = a.field;
    std::string value = std::to_string(a.value);
    if (field == "mapping") {
        const auto* m = reinterpret_cast<const kshim::address_space*>(a.value);
        const int file = kshim::mapping_file(m);
        value = !m ? "NULL" : file >= 0 ? std::string(1, model::file_letter(static_cast<model::FileId>(file)))
                : m == TAIL_MAPPING ? "TAIL_MAPPING" : fmt::format("{:#x}", a.value);
    } else if (field == "compound_head" || field == "pgmap") {
        const auto* f = reinterpret_cast<const char*>(a.value);
        if (!a.value) value = "NULL";
        else if (field == "pgmap") value = "the device";
        else if (!std::less<>()(f, first) && std::less<>()(f, end))
            value = "pfn " + std::to_string(static_cast<std::size_t>(f - first) / sizeof(kshim::folio));
    }
    const char* kind = "";
    switch (a.kind) {
        case kshim::access_kind::load: kind = "load"; break;
        case kshim::access_kind::store: kind = "store"; break;
        case kshim::access_kind::atomic: kind = "atomic"; break;
        case kshim::access_kind::lock: return where + ": spin_lock";
        case kshim::access_kind::unlock: return where + ": spin_unlock";
    }
    return fmt::format("{}: {} {}", where, kind, value);
}

RaceFailure make_failure(const Pair& pair, const RunResult& r, const kshim::kernel_world& work,
                         Outcome o, const Outcome& ab, const Outcome& ba, const std::string& why) {
    RaceFailure f;
    f.pair = pair;
    f.schedule = schedule_of(r);
    f.run = r;
    for (const Step& s : r.steps) f.step_text.push_back(step_text(s.access, work));
    f.outcome = std::move(o);
    f.serial_ab = ab;
    f.serial_ba = ba;
    f.why = why;
    f.preemptions = preemptions(r);
    return f;
}

struct PairCheck {
    std::optional<RaceFailure> failure;
    EnumerateStats stats;
};

// Every interleaving of `pair` under `eo`, up to the first one that fails.
PairCheck check_pair(const Variant& v, const kshim::kernel_world& start, kshim::kernel_world& work,
                     const Pair& pair, const EnumerateOptions& eo, const Outcome& ab,
                     const Outcome& ba) {
    PairCheck out;
    out.stats = enumerate(
        [&](const std::function<int(const Decision&)>& choose) {
            return run_pair(v, start, work, pair, choose);
        },
        eo,
        [&](const RunResult& r) {
            Outcome o = outcome_of_run(v, start, work, r);
            auto why = not_linearizable(o, ab, ba);
            if (!why) return true;
            out.failure = make_failure(pair, r, work, std::move(o), ab, ba, *why);
            return false;
        });
    return out;
}

}  // namespace

model::Universe default_race_universe() {
    model::Universe u = model::Universe::with_pmd_order(1);
    u.files = 2;
    u.pfns = 2;
    u.offsets = 2;
    u.max_pins = 1;
    return u;
}

namespace {

// The process's resident memory in bytes, from /proc/self/statm (0 when it
// cannot be read: the estimate alone then bounds the search).
std::uint64_t resident_bytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "re");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    const bool read = std::fscanf(f, "%lu %lu", &size, &resident) == 2;
    std::fclose(f);
    return read ? static_cast<std::uint64_t>(resident) * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

}  // namespace

RaceResult race(const Variant& v, const PrefixSource& prefixes, const RaceOptions& options) {
    RaceResult result;
    RaceStats& stats = result.stats;
    const auto start_time = Clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start_time).count(); };
    std::size_t best_steps = 0;
    std::uint64_t searched_after_failure = 0;
    std::optional<kshim::kernel_world> work;
    // The memory budget: the estimate of what the states and pairs hold, and
    // every 1024 calls the process's resident memory, which the estimate of
    // an execution's containers can miss by a third on deep prefixes.
    std::uint64_t calls = 0;
    const auto go_on = [&](std::uint64_t bytes) {
        const std::uint64_t budget = options.memory_budget_bytes;
        if (interrupted()) stats.interrupted = true;
        else if (options.time_budget_s > 0 && elapsed() >= options.time_budget_s) stats.time_hit = true;
        else if (budget && (bytes > budget || (++calls % 1024 == 0 && resident_bytes() > budget)))
            stats.memory_hit = true;
        return !stats.time_hit && !stats.memory_hit && !stats.interrupted;
    };
    prefixes([&](const Prefix& p) {
        auto& best = result.failure;
        if (best && (p.ops.size() > best->prefix.size() || ++searched_after_failure > options.shrink_prefixes))
            return false;
        if (interrupted()) {
            stats.interrupted = true;
            return false;
        }
        if (options.time_budget_s > 0 && elapsed() >= options.time_budget_s) {
            stats.time_hit = true;
            return false;
        }
        stats.prefixes++;
        if (!work) work.emplace(p.world);
        // Each side's accesses alone: a pair whose accesses never conflict has
        // one outcome whatever the interleaving (each side sees what it sees alone).
        std::map<std::string, std::vector<kshim::access_point>> solo;
        for (const Pair& pair : p.pairs)
            for (const Side* s : {&pair.a, &pair.b})
                if (!solo.count(s->text)) solo[s->text] = solo_accesses(v, p.world, *work, *s);
        std::vector<std::pair<std::size_t, const Pair*>> racing;  // (steps, pair)
        for (const Pair& pair : p.pairs) {
            stats.pairs++;
            const auto& a = solo[pair.a.text];
            const auto& b = solo[pair.b.text];
            if (!any_conflict(a, b)) {
                stats.independent_pairs++;
                continue;
            }
            racing.push_back({a.size() + b.size(), &pair});
        }
        std::stable_sort(racing.begin(), racing.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
        for (const auto& [steps, pair] : racing) {
            if (best && steps >= best_steps) break;
            const Outcome ab = serial(v, p.world, *work, pair->a, pair->b);
            const Outcome ba = serial(v, p.world, *work, pair->b, pair->a);
            EnumerateOptions eo = options.enumerate;
            eo.max_runs = options.max_runs_per_pair;
            PairCheck c = check_pair(v, p.world, *work, *pair, eo, ab, ba);
            stats.interleavings += c.stats.runs;
            stats.redundant += c.stats.redundant;
            stats.budget_hits += c.stats.budget_hit;
            if (!c.failure) continue;
            // Shrink: the fewest preemptions (iterative context bounding).
            for (unsigned k = 0; k < c.failure->preemptions; k++) {
                EnumerateOptions bounded = eo;
                bounded.preemption_bound = k;
                PairCheck fewer = check_pair(v, p.world, *work, *pair, bounded, ab, ba);
                if (fewer.failure) {
                    c.failure = std::move(fewer.failure);
                    break;
                }
            }
            c.failure->prefix = p.ops;
            best = std::move(c.failure);
            best_steps = steps;
            break;  // sorted by steps: nothing later in this prefix is shorter
        }
        return true;
    }, go_on);
    stats.seconds = elapsed();
    return result;
}

std::optional<ScheduleMismatch> schedule_mismatch(const Variant& v, const kshim::kernel_world& world,
                                                  const Pair& pair, const std::vector<int>& schedule) {
    kshim::kernel_world work = world;
    return schedule_mismatch(schedule, run_pair(v, world, work, pair, follow(schedule)));
}

std::optional<RaceFailure> check_interleaving(const Variant& v, const kshim::kernel_world& world,
                                              const Pair& pair, const std::vector<int>& schedule) {
    kshim::kernel_world work = world;
    const Outcome ab = serial(v, world, work, pair.a, pair.b);
    const Outcome ba = serial(v, world, work, pair.b, pair.a);
    const RunResult r = run_pair(v, world, work, pair, follow(schedule));
    Outcome o = outcome_of_run(v, world, work, r);
    auto why = not_linearizable(o, ab, ba);
    if (!why) return std::nullopt;
    return make_failure(pair, r, work, std::move(o), ab, ba, *why);
}

}  // namespace daxcheck::race
