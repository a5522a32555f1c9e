#include "harness/model_before.h"

#include <algorithm>

namespace daxcheck {

using namespace model;

ModelBefore::ModelBefore(const ModelState& initial) : state_(initial) {}

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
