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
// describes the port and the search does not go) or a BUG_ON (the port
// stopped): then a search that completed their length went along them.
bool runs_through(const Variant& v, const Property& p, const model::Universe& u, const std::vector<Op>& ops) {
    FsExecution ex(v, u);
    const CallCheck check = check_of(p);
    for (const Op& op : ops) {
        if (illegal_reason(ex.fs(), op)) return false;
        const FsStepOutcome r = ex.step(op, check, true);
        for (const auto& c : r.calls)
            if (!c.outcome.legal) return false;
        if (r.failure && r.failure->rfind("the fault path stopped", 0) == 0) return false;
    }
    return true;
}

// `f`'s class (found on `own`) on `other`: Still when its counterexample
// fails there with the same class or a search there reaches it, past
// failures of other classes too (`shown` gets the sequence); Hidden when the
// counterexample fails there with another class no later than on `own` and
// the search could not follow it past that failure; else `absent` (New for
// a patch class, Fixed for a base class). `note` says what was seen.
FsClassChange on_other(const Variant& own, const Variant& other, const Property& p, bool reflink,
                       const model::Universe& u, const FsFound& f, FsClassChange absent,
                       std::vector<Op>& shown, std::string& note) {
    const FsReplayResult there = replay(other, p, u, f.counterexample);
    const std::size_t step = there.invalid ? 0 : there.trace.failed_step();
    if (step && failure_class(p.name, there.trace.failure()) == f.cls) {
        shown = f.counterexample;
        return FsClassChange::Still;
    }
    ReachOptions o;
    o.max_depth = static_cast<unsigned>(f.counterexample.size() + 2);
    o.max_states = kCrossSearchStates;
    o.reflink = reflink;
    o.target_class = f.cls;
    const model::Universe spanned = spanned_universe(u, f.counterexample);
    const ReachResult searched = search(other, p, spanned, o);
    if (searched.sequence) {
        shown = *searched.sequence;
        const FsReplayResult again = replay(other, p, u, shown);
        if (failure_class(p.name, again.trace.failure()) != f.cls)
            note = fmt::format("{} shows it past an earlier failure of another class, {}", other.name,
                               again.trace.failure());
        return FsClassChange::Still;
    }
    const unsigned depth = searched.exhausted ? o.max_depth : searched.depth_completed;
    const bool covered = depth >= f.counterexample.size() && runs_through(other, p, u, f.counterexample);
    const std::size_t own_step = replay(own, p, u, f.counterexample).trace.failed_step();
    if (!covered && step && (own_step == 0 || step <= own_step)) {
        note = fmt::format("{} fails {}, {}", other.name,
                           step == own_step ? "at the same step with another class" : "on it first",
                           there.trace.failure());
        return FsClassChange::Hidden;
    }
    note = fmt::format("on {} its counterexample {}, and no sequence of up to {} operations (--files {} --offsets "
                       "{}) reaches it, past failures of other classes too{}",
                       other.name, step ? "fails with another class" : "passes", depth, spanned.files,
                       spanned.offsets,
                       searched.budget_hit || searched.time_hit || searched.memory_hit
                           ? fmt::format(" (the search stopped at its {}-state budget)", kCrossSearchStates)
                           : "");
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
        case FsClassChange::Hidden: return "not seen (another failure)";
    }
    return "?";
}

FsCellDiff diff_fs_cell(const Variant& patch, const Variant& base, const Property& p, bool reflink,
                        const model::Universe& u, const std::optional<FsFound>& on_patch,
                        const std::optional<FsFound>& on_base) {
    FsCellDiff out;
    bool patch_fails = on_patch.has_value(), base_fails = on_base.has_value();
    // fresh: the patch's classes the base may lack (new, or not seen there);
    // kept: those both sides show.
    std::size_t fresh = 0, kept = 0;
    if (on_patch) {
        FsClassDiff d{on_patch->cls, FsClassChange::Still, on_patch->counterexample, false, ""};
        if (!(on_base && on_base->cls == on_patch->cls)) {
            std::vector<Op> shown;
            d.change = on_other(patch, base, p, reflink, u, *on_patch, FsClassChange::New, shown, d.note);
        }
        base_fails = base_fails || d.change != FsClassChange::New;  // the base fails on it too
        fresh += d.change != FsClassChange::Still;
        kept += d.change == FsClassChange::Still;
        out.classes.push_back(std::move(d));
    }
    if (on_base && !(on_patch && on_patch->cls == on_base->cls)) {
        FsClassDiff d{on_base->cls, FsClassChange::Fixed, on_base->counterexample, true, ""};
        std::vector<Op> shown;
        d.change = on_other(base, patch, p, reflink, u, *on_base, FsClassChange::Fixed, shown, d.note);
        if (d.change == FsClassChange::Still) d.counterexample = shown, kept++;
        patch_fails = patch_fails || d.change != FsClassChange::Fixed;
        out.classes.push_back(std::move(d));
    }
    out.change = cell_change(patch_fails, base_fails, fresh, kept);
    return out;
}

}  // namespace daxcheck::fslevel
