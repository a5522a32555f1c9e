#include "fslevel/fs_base_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "fslevel/fs_execution.h"
#include "fslevel/fs_model.h"
#include "fslevel/fs_replay.h"
#include "fslevel/reachability.h"
#include "model/overloaded.h"

namespace daxcheck::fslevel {
namespace {

// Whether `ops` run on `v` past failures of other classes, as the search
// runs them, without an illegal derived call (past which the model no longer
// describes the port, and the search does not go) or a BUG_ON (the port
// stopped: what follows is not the version's): then a search that completed
// their length went along them, and its silence there means something.
bool runs_through(const Variant& v, const Property& p, const model::Universe& u, const std::vector<Op>& ops) {
    FsExecution ex(v, u);
    const CallCheck check = check_of(p);
    for (const Op& op : ops) {
        if (illegal_reason(ex.fs(), op)) return false;
        // An illegal derived call, a port's BUG_ON or the fault path's.
        if (ex.step(op, check, true).model_lost) return false;
    }
    return true;
}

// One class only one side found, on the other side: the replays first; the
// search, shared with the cell's other classes in the same universe, after.
struct Pending {
    const FsFound* found = nullptr;
    FsClassDiff* diff = nullptr;
    const Variant* other = nullptr;
    FsClassChange absent = FsClassChange::New;  // New for a patch class, Fixed for a base class
    FsReplayResult there;  // the counterexample replayed on `other`, past its `before`
    std::size_t step = 0;  // where it failed there (another class), 0: it did not
    // Going on past `other`'s own failures of other classes, how that replay
    // ended (it did not show the class).
    PastOwnFailures past_own;
    model::Universe spanned;
    unsigned max_depth = 0;  // the longest sequence the search tries for it
};

// `f`'s class on `other` by replaying its counterexample: Still when it
// fails there with the same class, past `other`'s own earlier failures of
// other classes too (`note` says so); else nullopt, and `pending` holds
// what the search for it needs.
std::optional<FsClassChange> by_replay(const Variant& other, const Property& p, const model::Universe& u,
                                       const FsFound& f, std::string& note, Pending& pending) {
    pending.there = replay(other, p, u, f.counterexample, f.before);
    pending.step = pending.there.invalid ? 0 : pending.there.trace.failed_step();
    if (pending.step && failure_class(p.name, pending.there.trace.failure()) == f.cls) return FsClassChange::Still;
    // The same sequence, going on past the other side's own earlier failures
    // (as its walks and searches would): the class may come after them.
    if (pending.step && replay_until_class(other, p, u, f.counterexample, f.before, f.cls, &pending.past_own)) {
        note = fmt::format("{} fails this sequence with it too, past an earlier failure of another class, {}",
                           other.name, pending.there.trace.failure());
        return FsClassChange::Still;
    }
    pending.spanned = spanned_universe(u, f.counterexample);
    pending.max_depth = static_cast<unsigned>(f.counterexample.size() + 2);
    return std::nullopt;
}

// The class of `c` from the search of its universe on `other` (which
// looked for it up to c.max_depth operations, past failures of other
// classes): Still when it found a sequence (`shown`); `absent` when the
// other side runs the counterexample to its end without a failure or, past
// its own failures without losing the model, without the class, or the
// search went at least the counterexample's length along a sequence the
// model follows; else NotSeen. `note` says what was seen.
FsClassChange by_search(const Property& p, const model::Universe& u, const Pending& c, const ReachResult& searched,
                        std::vector<Op>& shown, std::string& note) {
    const Variant& other = *c.other;
    const FsFound& f = *c.found;
    if (const auto it = searched.found.find(f.cls); it != searched.found.end()) {
        shown = it->second;
        // The failures of other classes the search went past on it.
        const FsReplayResult first = replay(other, p, u, shown);
        PastOwnFailures how;
        replay_until_class(other, p, u, shown, {}, f.cls, &how);
        const std::vector<std::string>& passed = how.passed;
        note = passed.empty() ? fmt::format("found on {} by a search", other.name)
               : passed.size() == 1
                   ? fmt::format("found on {} by a search, past an earlier failure of another class, {}", other.name,
                                 first.trace.failure())
                   : fmt::format("found on {} by a search, past earlier failures of {} other classes, the first {}",
                                 other.name, passed.size(), first.trace.failure());
        return FsClassChange::Still;
    }
    // What a search for this class alone would have covered: the shared one
    // may have gone deeper for another class.
    const unsigned depth = searched.exhausted ? c.max_depth : std::min(searched.depth_completed, c.max_depth);
    const bool cut = (searched.budget_hit || searched.time_hit || searched.memory_hit) &&
                     searched.depth_completed < c.max_depth;
    const FsReplayResult& there = c.there;
    // Going on past its own failures (none losing the model) it ran the
    // counterexample to its end without the class: the same evidence as a
    // plain pass of it.
    const bool ran_past_own = c.step && c.past_own.ran_to_the_end;
    const std::string on_it =
        ran_past_own ? fmt::format("{} fails its counterexample with another class, {}; going on past its own "
                                   "failures it runs it to its end without the class",
                                   other.name, there.trace.failure())
        : c.step && c.past_own.lost_at
            ? fmt::format("{} fails its counterexample with another class, {}; going on past its own failures it "
                          "loses the model at #{} (an illegal derived call or a BUG_ON)",
                          other.name, there.trace.failure(), c.past_own.lost_at)
        : c.step                ? fmt::format("{} fails its counterexample with another class, {}", other.name,
                                              there.trace.failure())
        : there.lost_past_known ? fmt::format("{} loses the model on its counterexample at #{}, past a failure "
                                              "of a class found before (an illegal call or a BUG_ON)",
                                              other.name, there.trace.steps.size())
                                : fmt::format("{} passes its counterexample", other.name);
    const std::string searched_what =
        fmt::format("no sequence of up to {} operations (--files {} --offsets {}) reaches it there, past failures "
                    "of other classes too{}",
                    depth, c.spanned.files, c.spanned.offsets,
                    cut ? fmt::format(" (the search stopped at its {}-state budget)", kCrossSearchStates) : "");
    const bool through = !there.lost_past_known && runs_through(other, p, u, f.counterexample);
    // The same sequence, run to its end on the other side without the class
    // (past its own failures of other classes too): the differential
    // evidence, whatever the search's depth.
    if ((!c.step || ran_past_own) && through) {
        note = fmt::format("{}, and {}", on_it, searched_what);
        return c.absent;
    }
    if (depth < f.counterexample.size()) {
        note = fmt::format("{}; {}: short of the counterexample's {} operations", on_it, searched_what,
                           f.counterexample.size());
        return FsClassChange::NotSeen;
    }
    if (!through) {
        note = fmt::format("{}; {}, but on the counterexample {} derives an illegal call or stops at a BUG_ON, "
                           "past which no search goes",
                           on_it, searched_what, other.name);
        return FsClassChange::NotSeen;
    }
    note = fmt::format("{}, and {}", on_it, searched_what);
    return c.absent;
}

// Runs the searches `pending` needs, one per side and universe (each for
// every class it holds, as deep as the deepest of them wants), and settles
// each class.
void settle_by_search(const Property& p, bool reflink, const model::Universe& u, std::vector<Pending>& pending) {
    std::vector<bool> done(pending.size(), false);
    for (std::size_t i = 0; i < pending.size(); i++) {
        if (done[i]) continue;
        const auto same_search = [&](const Pending& a, const Pending& b) {
            return a.other == b.other && a.spanned.files == b.spanned.files && a.spanned.offsets == b.spanned.offsets;
        };
        ReachOptions o;
        o.max_states = kCrossSearchStates;
        o.reflink = reflink;
        o.hits_at_illegal_steps = false;
        o.max_depth = 0;
        for (std::size_t k = i; k < pending.size(); k++)
            if (!done[k] && same_search(pending[i], pending[k])) {
                o.target_classes.emplace_back(pending[k].found->cls, pending[k].max_depth);
                o.max_depth = std::max(o.max_depth, pending[k].max_depth);
            }
        const ReachResult searched = search(*pending[i].other, p, pending[i].spanned, o);
        for (std::size_t k = i; k < pending.size(); k++)
            if (!done[k] && same_search(pending[i], pending[k])) {
                done[k] = true;
                FsClassDiff& d = *pending[k].diff;
                d.change = by_search(p, u, pending[k], searched, d.on_other, d.note);
            }
    }
}

}  // namespace

model::Universe spanned_universe(const model::Universe& full, const std::vector<Op>& ops) {
    model::Universe u = full;
    u.files = 1;
    std::uint64_t end = 1;
    const std::uint64_t block = full.pages(static_cast<model::Order>(full.pmd_order));
    const auto file = [&](FileId f) { u.files = std::max<unsigned>(u.files, f + 1u); };
    const auto reach = [&](PageOffset first, std::uint64_t len) { end = std::max(end, first + len); };
    // A PMD fault covers the aligned block around its offset.
    const auto fault = [&](PageOffset at, bool pmd) { pmd ? reach(at / block * block, block) : reach(at, 1); };
    for (const Op& op : ops)
        std::visit(overloaded{
                       [&](const Write& w) { file(w.file), reach(w.offset, w.len); },
                       [&](const Reflink& r) {
                           file(r.src), file(r.dst), reach(r.src_offset, r.len), reach(r.dst_offset, r.len);
                       },
                       [&](const ReadFault& f) { file(f.file), fault(f.offset, f.pmd); },
                       [&](const WriteFault& f) { file(f.file), fault(f.offset, f.pmd); },
                       [&](const TruncateFile& t) { file(t.file), reach(0, t.size); },
                       [&](const Punch& x) { file(x.file), reach(x.offset, x.len); },
                       [&](const Unshare& x) { file(x.file), reach(x.offset, x.len); },
                       [&](const Invalidate& x) { file(x.file), reach(x.offset, x.len); },
                       [&](const PinPage& x) { file(x.file), reach(x.offset, 1); },
                       [&](const UnpinPage& x) { file(x.file), reach(x.offset, 1); },
                   },
                   op);
    // Whole PMD blocks: a PMD fault inside them stays possible.
    u.offsets = std::min(full.offsets, (end + block - 1) / block * block);
    u.files = std::min(u.files, full.files);
    return u;
}

std::string to_string(FsClassChange c) {
    switch (c) {
        case FsClassChange::New: return "new";
        case FsClassChange::Fixed: return "fixed";
        case FsClassChange::Still: return "still failing";
        case FsClassChange::NotSeen: return "not seen";
    }
    return "?";
}

FsCellDiff diff_fs_cell(const Variant& patch, const Variant& base, const Property& p, bool reflink,
                        const model::Universe& u, const std::vector<FsFound>& on_patch,
                        const std::vector<FsFound>& on_base) {
    FsCellDiff out;
    const auto has = [](const std::vector<FsFound>& side, const std::string& cls) {
        return std::any_of(side.begin(), side.end(), [&](const FsFound& f) { return f.cls == cls; });
    };
    // Every class first (the replays), so that the searches in one universe
    // run once for all the classes that need them.
    out.classes.reserve(on_patch.size() + on_base.size());
    std::vector<Pending> pending;
    const auto other_side = [&](const FsFound& f, const Variant& other, FsClassChange absent) {
        FsClassDiff& d = out.classes.back();
        Pending c;
        c.found = &f;
        c.other = &other;
        c.absent = absent;
        if (auto settled = by_replay(other, p, u, f, d.note, c)) {
            d.change = *settled;
            return;
        }
        c.diff = &d;
        pending.push_back(std::move(c));
    };
    for (const FsFound& f : on_patch) {
        out.classes.push_back({f.cls, FsClassChange::Still, f.counterexample, false, {}, ""});
        if (!has(on_base, f.cls)) other_side(f, base, FsClassChange::New);
    }
    for (const FsFound& f : on_base) {
        if (has(on_patch, f.cls)) continue;
        out.classes.push_back({f.cls, FsClassChange::Fixed, f.counterexample, true, {}, ""});
        other_side(f, patch, FsClassChange::Fixed);
    }
    settle_by_search(p, reflink, u, pending);
    bool patch_fails = !on_patch.empty(), base_fails = !on_base.empty();
    // fresh: the patch's classes the base may lack (new, or not seen there);
    // kept: those both sides show, and the base's not seen on the patch
    // (counted as kept, never as fixed).
    std::size_t fresh = 0, kept = 0;
    for (const FsClassDiff& d : out.classes) {
        if (!d.from_base) {
            base_fails = base_fails || d.change == FsClassChange::Still;
            fresh += d.change != FsClassChange::Still;
            kept += d.change == FsClassChange::Still;
        } else {
            kept += d.change == FsClassChange::Still || d.change == FsClassChange::NotSeen;
            patch_fails = patch_fails || d.change != FsClassChange::Fixed;
        }
    }
    out.change = cell_change(patch_fails, base_fails, fresh, kept);
    return out;
}

}  // namespace daxcheck::fslevel
