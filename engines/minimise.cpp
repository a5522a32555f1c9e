#include "engines/minimise.h"

#include <algorithm>
#include <map>

#include "engines/replay.h"
#include "engines/simplify.h"

namespace daxcheck {

model::Universe spanned_universe(const model::Universe& full, const std::vector<model::Op>& ops) {
    using namespace model;
    Universe u = full;
    u.files = 1;
    u.pfns = 1;
    u.offsets = 1;
    std::map<Pfn, unsigned> pins_taken;
    const auto file = [&](FileId f) { u.files = std::max<unsigned>(u.files, f + 1u); };
    const auto pfns = [&](Pfn first, Order order) {
        u.pfns = std::max(u.pfns, first + full.pages(order));
    };
    const auto offsets = [&](PageOffset first, Order order) {
        u.offsets = std::max(u.offsets, first + full.pages(order));
    };
    for (const Op& op : ops) {
        if (const auto* a = std::get_if<Associate>(&op)) {
            file(a->file);
            pfns(a->pfn, a->order);
            offsets(a->offset, a->order);
        } else if (const auto* d = std::get_if<Disassociate>(&op)) {
            file(d->file);
            offsets(d->offset, 0);
        } else if (const auto* t = std::get_if<Truncate>(&op)) {
            file(t->file);
            offsets(t->offset, 0);
        } else if (const auto* p = std::get_if<Pin>(&op)) {
            pfns(p->pfn, 0);
            pins_taken[p->pfn]++;
        } else if (const auto* q = std::get_if<Unpin>(&op)) {
            pfns(q->pfn, 0);
        } else if (const auto* s = stray_of(op)) {
            file(s->file);
            pfns(s->pfn, s->order);
        }
    }
    // One more file, pfn, offset and pin than the list uses (within `full`):
    // a shorter sequence often needs a value the shrinker renamed away (v12
    // fails in two operations only at a non-zero offset).
    unsigned most = 0;
    for (const auto& [pfn, n] : pins_taken) most = std::max(most, n);
    u.files = std::min(full.files, u.files + 1);
    u.pfns = std::min(full.pfns, u.pfns + 1);
    u.offsets = std::min(full.offsets, u.offsets + 1);
    u.max_pins = std::min(full.max_pins, most + 1);
    return u;
}

Minimisation minimise_globally(const Variant& v, const Property& p, Profile profile,
                               const model::Universe& full, const std::vector<model::Op>& ops,
                               std::uint64_t state_budget, std::uint64_t memory_budget,
                               const ClassFilter& failures) {
    Minimisation out;
    out.original_length = ops.size();
    out.universe = spanned_universe(full, ops);
    if (ops.size() <= 1) {  // nothing is shorter than one operation
        out.proven_shortest = !ops.empty();
        return out;
    }
    const model::Universe& u = out.universe;
    if (std::uint64_t{u.files} * u.pfns * u.offsets > kMinimiseUniverseLimit) {
        out.skipped = true;
        return out;
    }
    ExploreOptions opts;
    opts.universe = out.universe;
    opts.memory_budget_bytes = memory_budget;
    opts.profile = profile;
    opts.max_depth = static_cast<unsigned>(ops.size() - 1);
    opts.state_budget = state_budget;
    opts.failures = failures;
    out.search = explore(v, p, opts);
    const ExploreResult& r = out.search;
    if (r.found() && r.counterexample.size() < ops.size()) {
        // The spanned universe is a corner of `full`: its sequences are legal
        // there too. Replay there all the same before trusting it.
        auto shorter = simplify_values(v, p, full, r.counterexample, failures);
        if (fails_counted(v, p, full, shorter, failures)) out.shorter = std::move(shorter);
        out.proven_shortest = out.shorter.size() == r.counterexample.size();
        return out;
    }
    out.proven_shortest = r.stop == ExploreStop::Exhausted || r.stop == ExploreStop::DepthLimit;
    return out;
}

}  // namespace daxcheck
