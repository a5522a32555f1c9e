#include "engines/model_before.h"

#include <algorithm>

namespace daxcheck {

using namespace model;

ModelBefore::ModelBefore(const ModelState& initial) : state_(initial) {}

ModelBefore::Change ModelBefore::change_of(const Op& op) const {
    Change c;
    std::visit(
        [&](const auto& o) {
            if constexpr (requires { o.file; }) {
                c.file = o.file;
                c.has_file = true;
            }
        },
        op);
    if (const auto e = entry_of(state_, op)) {
        c.first = e->pfn;
        c.count = state_.universe.pages(e->order);
    } else if (const auto* p = std::get_if<Pin>(&op)) {
        c.first = p->pfn;
        c.count = 1;
    } else if (const auto* q = std::get_if<Unpin>(&op)) {
        c.first = q->pfn;
        c.count = 1;
    }
    return c;
}

void ModelBefore::note(std::vector<Pfn>& sorted, Pfn p, bool was, bool is) {
    if (was == is) return;
    const auto at = std::lower_bound(sorted.begin(), sorted.end(), p);
    if (is) sorted.insert(at, p);
    else sorted.erase(at);
}

void ModelBefore::catch_up(const ModelState& now, const Change& c) {
    if (c.has_file) state_.files[c.file] = now.files[c.file];
    for (std::uint64_t i = 0; i < c.count; i++) {
        const Pfn p = c.first + i;
        PfnState& before = state_.pfns[p];
        const PfnState& after = now.pfns[p];
        note(pinned_, p, before.pins > 0, after.pins > 0);
        note(owned_, p, !before.owners.empty(), !after.owners.empty());
        before = after;
    }
}

void ModelBefore::reset(const std::vector<Pfn>& changed_pfns) {
    for (Pfn p : changed_pfns) {
        PfnState& m = state_.pfns[p];
        m.owners.clear();
        m.shared = false;
        m.pins = 0;
    }
    for (auto& f : state_.files) f.slots.clear();
    pinned_.clear();
    owned_.clear();
}

bool ModelBefore::caught_up(const ModelState& now, const std::vector<Pfn>& changed_pfns) const {
    for (Pfn p : changed_pfns)
        if (state_.pfns[p] != now.pfns[p]) return false;
    return state_.files == now.files;
}

}  // namespace daxcheck
