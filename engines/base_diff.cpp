#include "engines/base_diff.h"

#include <algorithm>

#include <fmt/format.h>

#include "engines/explorer.h"
#include "engines/minimise.h"
#include "properties/warnings.h"

namespace daxcheck {
namespace {

const FoundClass* find(const std::vector<FoundClass>& found, const FailureClass& c) {
    for (const auto& f : found)
        if (f.cls == c) return &f;
    return nullptr;
}

// A search of `v` for a failure of exactly `f`'s class, breadth-first in the
// universe f's counterexample spans, up to two operations longer: for a
// class whose own counterexample shows something else first on `v` (an
// earlier failure of another class on the same pfn).
std::optional<std::vector<model::Op>> search_for(const Variant& v, const Property& p,
                                                 Profile profile, const FoundClass& f) {
    ExploreOptions o;
    o.universe = spanned_universe(f.universe, f.counterexample);
    if (std::uint64_t{o.universe.files} * o.universe.pfns * o.universe.offsets > kMinimiseUniverseLimit)
        return std::nullopt;
    o.profile = profile;
    o.max_depth = static_cast<unsigned>(f.counterexample.size() + 2);
    o.state_budget = kMinimiseStateBudget;
    o.memory_budget_bytes = kMinimiseMemoryBudget;
    o.failures.target = f.cls;
    const ExploreResult r = explore(v, p, o);
    if (!r.found()) return std::nullopt;
    return r.counterexample;
}

// The parts of `big` that `small` lacks.
std::vector<std::string> extra_parts(const FailureClass& big, const FailureClass& small);

std::size_t common_parts(const FailureClass& a, const FailureClass& b) {
    if (a.property != b.property) return 0;
    return a.parts().size() - extra_parts(a, b).size();
}

// The parts of `big` that `small` lacks.
std::vector<std::string> extra_parts(const FailureClass& big, const FailureClass& small) {
    std::vector<std::string> out;
    const auto have = small.parts();
    for (const auto& q : big.parts())
        if (std::find(have.begin(), have.end(), q) == have.end()) out.push_back(q);
    return out;
}

// `f`'s counterexample on the other side: of the failures it shows there
// (past earlier ones), the one sharing most parts with f's class; nullopt
// when none shares any (the same sequence, the same property and a common
// part: the same failure, with parts added or lost).
std::optional<FailureClass> on_other(const Variant& other, const Property& p, const FoundClass& f) {
    std::optional<FailureClass> best;
    std::size_t best_common = 0;
    for (const auto& c : failure_classes_along(other, p, f.universe, f.counterexample)) {
        const std::size_t common = common_parts(c, f.cls);
        if (common > best_common) best = c, best_common = common;
    }
    return best;
}

// Why `f`'s class cannot show on `other` (the variant `own` found it on):
// `other` stops the port at or before the step where `own` fails f's
// counterexample with f's class; or f's class is told by its message alone
// (no warning, no broken pfn: a reference count, a missing warning) and
// `other` fails that step with another message, the one a step reports.
// (Warnings and broken pfns are classified whatever the message says: a
// step that fails without them is evidence they are gone.) nullopt when
// nothing hides it there.
std::optional<std::string> hidden_on(const Variant& other, const Variant& own, const Property& p,
                                     const FoundClass& f) {
    std::size_t at = 0;
    for (const FailureAt& x : failures_along(own, p, f.universe, f.counterexample))
        if (x.cls == f.cls) {
            at = x.step;
            break;
        }
    if (at == 0) return std::nullopt;
    const auto where = [&](std::size_t step) {
        return step > f.counterexample.size() ? std::string("at the end") : fmt::format("at #{}", step);
    };
    for (const FailureAt& x : failures_along(other, p, f.universe, f.counterexample)) {
        if (x.step > at) break;
        if (x.port_stopped)
            return fmt::format("{} stops the port {} ({}), {}: past it nothing is {}'s", other.name, where(x.step),
                               x.cls.key(), x.step == at ? "where this class fails" : fmt::format("before {}", where(at)),
                               other.name);
        const bool told_by_message = f.cls.warning_sites.empty() && f.cls.pfn_pairs.empty();
        if (x.step == at && told_by_message && !(x.cls == f.cls))
            return fmt::format("{} fails this sequence {} with {} instead, which hides this class there", other.name,
                               where(at), x.cls.key());
    }
    return std::nullopt;
}

// A base class the patch passes only because it declares fewer or other
// checks than its base (the contract holds a port to the checks it
// declares): the patch held to the base's checks still fails the base's
// sequence. What it fails with, or nullopt.
std::optional<std::string> fixed_by_dropped_check(const Variant& patch, const Variant& base, const Property& p,
                                                  const FoundClass& b) {
    const CheckDiff c = diff_checks(patch, base);
    if (c.dropped.empty() && c.changed.empty()) return std::nullopt;
    Variant held = patch;
    held.checks = base.checks;
    const auto along = failure_classes_along(held, p, b.universe, b.counterexample);
    if (along.empty()) return std::nullopt;
    return fmt::format("only by the checks it dropped or changed: held to {}'s checks, {} still fails this "
                       "sequence with {}", base.name, patch.name, along.front().key());
}

}  // namespace

bool CellDiff::fixed_by_dropped_check() const {
    return std::any_of(classes.begin(), classes.end(), [](const ClassDiff& c) { return c.by_dropped_check; });
}

std::string CellDiff::change_text() const {
    return to_string(change) + (fixed_by_dropped_check() ? ", by a dropped check" : "");
}

std::string to_string(CellChange c) {
    switch (c) {
        case CellChange::Passing: return "passing";
        case CellChange::NewFailure: return "new failure";
        case CellChange::Fixed: return "fixed";
        case CellChange::SameCause: return "still failing (same cause)";
        case CellChange::DifferentCause: return "still failing (different cause)";
    }
    return "?";
}

CellChange cell_change(bool patch_fails, bool base_fails, std::size_t fresh, std::size_t kept) {
    if (!base_fails) return patch_fails ? CellChange::NewFailure : CellChange::Passing;
    if (!patch_fails) return CellChange::Fixed;
    if (fresh == 0) return CellChange::SameCause;
    return kept ? CellChange::NewFailure : CellChange::DifferentCause;
}

bool is_regression(CellChange c) {
    return c == CellChange::NewFailure || c == CellChange::DifferentCause;
}

std::string to_string(ClassChange c) {
    switch (c) {
        case ClassChange::New: return "new";
        case ClassChange::Fixed: return "fixed";
        case ClassChange::Still: return "still failing";
        case ClassChange::StillWithNew: return "still failing, with something new";
        case ClassChange::NotSeen: return "not seen";
    }
    return "?";
}

CellDiff diff_cell(const Variant& patch, const Variant& base, const Property& p, Profile profile,
                   const std::vector<FoundClass>& patch_found, const std::vector<FoundClass>& base_found) {
    CellDiff out;
    std::size_t fresh = 0, kept = 0;
    // A side whose own searches found nothing may still fail a class's
    // sequence (a search found it there, or another class hid it).
    bool base_shows = false, patch_shows = false;
    // Base classes the patch still shows (found there, or inside a patch class).
    std::vector<const FoundClass*> base_kept;
    for (const FoundClass& f : patch_found) {
        ClassDiff d{f.cls, ClassChange::New, f.counterexample, {}, {}, ""};
        if (const FoundClass* b = find(base_found, f.cls)) {
            d.change = ClassChange::Still;
            base_kept.push_back(b);
        } else if (const auto there = on_other(base, p, f)) {
            // The same sequence fails on the base with part of this class: the
            // parts the base lacks are what the patch adds.
            d.new_parts = extra_parts(f.cls, *there);
            d.gone_parts = extra_parts(*there, f.cls);
            d.change = d.new_parts.empty() ? ClassChange::Still : ClassChange::StillWithNew;
            if (const FoundClass* b = find(base_found, *there)) base_kept.push_back(b);
        } else if (auto why = hidden_on(base, patch, p, f)) {
            // Hidden on the base there: a search may still reach it.
            if (auto again = search_for(base, p, profile, f)) {
                d.change = ClassChange::Still;
                base_shows = true;
            } else {
                d.change = ClassChange::NotSeen;
                d.note = *why;
            }
        }
        // Not seen on the base: the base may lack it (fresh), never kept.
        fresh += d.change != ClassChange::Still;
        kept += d.change != ClassChange::New && d.change != ClassChange::NotSeen;
        out.classes.push_back(std::move(d));
    }
    for (const FoundClass& b : base_found) {
        if (std::find(base_kept.begin(), base_kept.end(), &b) != base_kept.end()) continue;
        // The base's counterexample on the patch: the same class, or one that
        // has every part of it (and more, which the patch adds), is still there.
        if (const auto here = on_other(patch, p, b)) {
            const auto more = extra_parts(*here, b.cls);
            if (!find(patch_found, *here)) {
                out.classes.push_back({*here, more.empty() ? ClassChange::Still : ClassChange::StillWithNew,
                                       b.counterexample, more, extra_parts(b.cls, *here), ""});
                patch_shows = true;
                fresh += !more.empty();
                kept++;
            }
            continue;
        }
        if (auto again = search_for(patch, p, profile, b)) {
            out.classes.push_back({b.cls, ClassChange::Still, *again, {}, {}, ""});
            kept++;
            patch_shows = true;
            continue;
        }
        // Not seen on the patch: counted as kept, never as fixed (the patch
        // fails that sequence too, with another class).
        if (auto why = hidden_on(patch, base, p, b)) {
            out.classes.push_back({b.cls, ClassChange::NotSeen, b.counterexample, {}, {}, *why, true});
            kept++;
            patch_shows = true;
            continue;
        }
        ClassDiff fixed{b.cls, ClassChange::Fixed, b.counterexample, {}, {}, "", true};
        if (auto why = fixed_by_dropped_check(patch, base, p, b)) {
            fixed.note = *why;
            fixed.by_dropped_check = true;
        }
        out.classes.push_back(std::move(fixed));
    }
    const bool base_fails = !base_found.empty() || base_shows;
    const bool patch_fails = !patch_found.empty() || patch_shows;
    out.change = cell_change(patch_fails, base_fails, fresh, kept);
    return out;
}

CheckDiff diff_checks(const Variant& patch, const Variant& base) {
    std::vector<const DeclaredCheck*> ours, theirs;
    for (const auto& d : patch.checks) ours.push_back(&d);
    for (const auto& d : base.checks) theirs.push_back(&d);
    // Identical checks first, so that a kind declared twice pairs its
    // unchanged check with itself.
    auto take = [](std::vector<const DeclaredCheck*>& from, auto same) -> const DeclaredCheck* {
        for (auto it = from.begin(); it != from.end(); ++it)
            if (same(**it)) {
                const DeclaredCheck* d = *it;
                from.erase(it);
                return d;
            }
        return nullptr;
    };
    std::vector<const DeclaredCheck*> left;
    for (const DeclaredCheck* b : theirs)
        if (!take(ours, [&](const DeclaredCheck& d) { return describe(d) == describe(*b); })) left.push_back(b);
    CheckDiff out;
    for (const DeclaredCheck* b : left) {
        if (const DeclaredCheck* p = take(ours, [&](const DeclaredCheck& d) { return check_name(d) == check_name(*b); }))
            out.changed.push_back(fmt::format("{} -> WARN_ON_ONCE({}) in {}", describe(*b), p->condition, p->function));
        else
            out.dropped.push_back(describe(*b));
    }
    for (const DeclaredCheck* p : ours) out.added.push_back(describe(*p));
    return out;
}

}  // namespace daxcheck
