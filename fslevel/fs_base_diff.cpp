#include "fslevel/fs_base_diff.h"

#include <fmt/format.h>

#include <algorithm>

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

// `f`'s class (found on `own`) on `other`: Still when its counterexample
// fails there with the same class or a search there reaches it, past
// failures of other classes too (`shown` gets the search's sequence);
// `absent` (New for a patch class, Fixed for a base class) when the other
// side runs the counterexample to its end without a failure, or the search
// followed it past the other side's failure; else NotSeen. `note` says what
// was seen.
FsClassChange on_other(const Variant& other, const Property& p, bool reflink, const model::Universe& u,
                       const FsFound& f, FsClassChange absent, std::vector<Op>& shown, std::string& note) {
    const FsReplayResult there = replay(other, p, u, f.counterexample, f.before);
    const std::size_t step = there.invalid ? 0 : there.trace.failed_step();
    if (step && failure_class(p.name, there.trace.failure()) == f.cls) return FsClassChange::Still;
    // The same sequence, going on past the other side's own earlier failures
    // (as its walks and searches would): the class may come after them.
    if (step && replay_until_class(other, p, u, f.counterexample, f.before, f.cls)) {
        note = fmt::format("{} fails this sequence with it too, past an earlier failure of another class, {}",
                           other.name, there.trace.failure());
        return FsClassChange::Still;
    }
    ReachOptions o;
    o.max_depth = static_cast<unsigned>(f.counterexample.size() + 2);
    o.max_states = kCrossSearchStates;
    o.reflink = reflink;
    o.target_class = f.cls;
    o.hits_at_illegal_steps = false;
    const model::Universe spanned = spanned_universe(u, f.counterexample);
    const ReachResult searched = search(other, p, spanned, o);
    if (searched.sequence) {
        shown = *searched.sequence;
        const FsReplayResult again = replay(other, p, u, shown);
        note = failure_class(p.name, again.trace.failure()) == f.cls
                   ? fmt::format("found on {} by a search", other.name)
                   : fmt::format("found on {} by a search, past an earlier failure of another class, {}",
                                 other.name, again.trace.failure());
        return FsClassChange::Still;
    }
    const unsigned depth = searched.exhausted ? o.max_depth : searched.depth_completed;
    const bool cut = searched.budget_hit || searched.time_hit || searched.memory_hit;
    const std::string on_it =
        step                     ? fmt::format("{} fails its counterexample with another class, {}", other.name,
                                               there.trace.failure())
        : there.lost_past_known ? fmt::format("{} loses the model on its counterexample at #{}, past a failure "
                                              "of a class found before (an illegal call or a BUG_ON)",
                                              other.name, there.trace.steps.size())
                                : fmt::format("{} passes its counterexample", other.name);
    const std::string searched_what =
        fmt::format("no sequence of up to {} operations (--files {} --offsets {}) reaches it there, past failures "
                    "of other classes too{}",
                    depth, spanned.files, spanned.offsets,
                    cut ? fmt::format(" (the search stopped at its {}-state budget)", kCrossSearchStates) : "");
    const bool through = !there.lost_past_known && runs_through(other, p, u, f.counterexample);
    // The same sequence, run to its end on the other side without the class:
    // the differential evidence, whatever the search's depth.
    if (!step && through) {
        note = fmt::format("{}, and {}", on_it, searched_what);
        return absent;
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
    return absent;
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
    bool patch_fails = !on_patch.empty(), base_fails = !on_base.empty();
    const auto has = [](const std::vector<FsFound>& side, const std::string& cls) {
        return std::any_of(side.begin(), side.end(), [&](const FsFound& f) { return f.cls == cls; });
    };
    // fresh: the patch's classes the base may lack (new, or not seen there);
    // kept: those both sides show.
    std::size_t fresh = 0, kept = 0;
    for (const FsFound& f : on_patch) {
        FsClassDiff d{f.cls, FsClassChange::Still, f.counterexample, false, {}, ""};
        if (!has(on_base, f.cls))
            d.change = on_other(base, p, reflink, u, f, FsClassChange::New, d.on_other, d.note);
        base_fails = base_fails || d.change == FsClassChange::Still;
        fresh += d.change != FsClassChange::Still;
        kept += d.change == FsClassChange::Still;
        out.classes.push_back(std::move(d));
    }
    for (const FsFound& f : on_base) {
        if (has(on_patch, f.cls)) continue;
        FsClassDiff d{f.cls, FsClassChange::Fixed, f.counterexample, true, {}, ""};
        d.change = on_other(patch, p, reflink, u, f, FsClassChange::Fixed, d.on_other, d.note);
        kept += d.change == FsClassChange::Still;
        // Not seen on the patch: counted as kept, never as fixed.
        kept += d.change == FsClassChange::NotSeen;
        patch_fails = patch_fails || d.change != FsClassChange::Fixed;
        out.classes.push_back(std::move(d));
    }
    out.change = cell_change(patch_fails, base_fails, fresh, kept);
    return out;
}

}  // namespace daxcheck::fslevel
