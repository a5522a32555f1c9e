#include "fslevel/fs_base_diff.h"

#include <fmt/format.h>

#include "fslevel/fs_replay.h"
#include "fslevel/reachability.h"

namespace daxcheck::fslevel {
namespace {

// The 1-based step a replay failed at (the number of steps + 1 for a
// failure at the end), 0 when it passed or was invalid.
std::size_t failed_step(const FsReplayResult& r) {
    if (r.invalid) return 0;
    for (std::size_t i = 0; i < r.trace.steps.size(); i++)
        if (r.trace.steps[i].failure) return i + 1;
    return r.trace.end_failure ? r.trace.steps.size() + 1 : 0;
}

// `f`'s class (found on `own`) on `other`: Still when its counterexample
// fails there with the same class or a search there reaches it (`shown` gets
// the sequence); Hidden when the counterexample fails there with another
// class no later than it fails on `own` (a replay stops at its first
// failure, so f's class cannot be seen behind it; `hidden_by` gets that
// failure); else `absent` (New for a patch class, Fixed for a base class).
FsClassChange on_other(const Variant& own, const Variant& other, const Property& p, bool reflink,
                       const model::Universe& u, const FsFound& f, FsClassChange absent,
                       std::vector<Op>& shown, std::string& hidden_by) {
    const FsReplayResult there = replay(other, p, u, f.counterexample);
    const std::size_t step = failed_step(there);
    if (step && failure_class(p.name, there.trace.failure()) == f.cls) {
        shown = f.counterexample;
        return FsClassChange::Still;
    }
    ReachOptions o;
    o.max_depth = static_cast<unsigned>(f.counterexample.size() + 2);
    o.max_states = kCrossSearchStates;
    o.reflink = reflink;
    o.target_class = f.cls;
    if (auto found = search(other, p, u, o).sequence) {
        shown = *found;
        return FsClassChange::Still;
    }
    const std::size_t own_step = failed_step(replay(own, p, u, f.counterexample));
    if (step && (own_step == 0 || step <= own_step)) {
        hidden_by = fmt::format("{} fails on it first, {}", other.name, there.trace.failure());
        return FsClassChange::Hidden;
    }
    return absent;
}

}  // namespace

std::string to_string(FsClassChange c) {
    switch (c) {
        case FsClassChange::New: return "new";
        case FsClassChange::Fixed: return "fixed";
        case FsClassChange::Still: return "still failing";
        case FsClassChange::Hidden: return "not seen (another failure first)";
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
        FsClassDiff d{on_patch->cls, FsClassChange::Still, on_patch->counterexample, ""};
        if (!(on_base && on_base->cls == on_patch->cls)) {
            std::vector<Op> shown;
            d.change = on_other(patch, base, p, reflink, u, *on_patch, FsClassChange::New, shown, d.hidden_by);
        }
        base_fails = base_fails || d.change != FsClassChange::New;  // the base fails on it too
        fresh += d.change != FsClassChange::Still;
        kept += d.change == FsClassChange::Still;
        out.classes.push_back(std::move(d));
    }
    if (on_base && !(on_patch && on_patch->cls == on_base->cls)) {
        FsClassDiff d{on_base->cls, FsClassChange::Fixed, on_base->counterexample, ""};
        std::vector<Op> shown;
        d.change = on_other(base, patch, p, reflink, u, *on_base, FsClassChange::Fixed, shown, d.hidden_by);
        if (d.change == FsClassChange::Still) d.counterexample = shown, kept++;
        patch_fails = patch_fails || d.change != FsClassChange::Fixed;
        out.classes.push_back(std::move(d));
    }
    out.change = cell_change(patch_fails, base_fails, fresh, kept);
    return out;
}

}  // namespace daxcheck::fslevel
