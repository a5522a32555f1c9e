#include "engines/op_enumeration.h"

#include <algorithm>
#include <span>

namespace daxcheck {

using namespace model;

bool for_each_op(const ModelState& s, Profile profile, bool with_misuse,
                 const std::function<bool(const Op&)>& emit) {
    const Universe& u = s.universe;
    // PTE, and PMD where a PMD fits (no vector: this runs for every parent
    // the explorer expands).
    const auto pmd = static_cast<Order>(u.pmd_order);
    const Order both[] = {0, pmd};
    const std::span<const Order> orders(both, u.pages(pmd) <= std::min(u.pfns, u.offsets) ? 2 : 1);
    for (FileId f = 0; f < u.files; f++)
        for (Order order : orders) {
            const std::uint64_t n = u.pages(order);
            for (PageOffset o = 0; o + n <= u.offsets; o += n) {
                if (!offsets_free(s.files[f], o, n, u)) continue;
                for (Pfn p = 0; p + n <= u.pfns; p += n) {
                    const Associate exclusive{f, o, p, order, false};
                    if ((pfns_free(s, p, n) || (with_misuse && misuse_check(s, Op{exclusive}))) &&
                        !emit(exclusive))
                        return false;
                    if (profile == Profile::Reflink && !emit(Associate{f, o, p, order, true}))
                        return false;
                }
            }
        }
    for (FileId f = 0; f < u.files; f++)
        for (const auto& kv : s.files[f].slots)
            if (!emit(Disassociate{f, kv.first})) return false;
    for (FileId f = 0; f < u.files; f++)
        for (const auto& kv : s.files[f].slots)
            if (!emit(Truncate{f, kv.first})) return false;
    for (Pfn p = 0; p < u.pfns; p++)
        if (!s.pfns[p].owners.empty() && s.pfns[p].pins < u.max_pins && !emit(Pin{p}))
            return false;
    for (Pfn p = 0; p < u.pfns; p++)
        if (s.pfns[p].pins > 0 && !emit(Unpin{p})) return false;
    if (with_misuse)
        for (FileId f = 0; f < u.files; f++)
            for (Order order : orders)
                for (Pfn p = 0; p + u.pages(order) <= u.pfns; p += u.pages(order)) {
                    const DisassociateStray d{f, p, order};
                    if (misuse_check(s, Op{d}) && (!emit(d) || !emit(TruncateStray{d})))
                        return false;
                }
    return true;
}

void enumerate_ops(const ModelState& s, Profile profile, bool with_misuse, std::vector<Op>& out) {
    out.clear();
    for_each_op(s, profile, with_misuse, [&out](const Op& op) {
        out.push_back(op);
        return true;
    });
}

std::optional<Op> op_at(const ModelState& s, Profile profile, bool with_misuse, std::uint64_t index) {
    std::optional<Op> out;
    for_each_op(s, profile, with_misuse, [&](const Op& op) {
        if (index-- > 0) return true;
        out = op;
        return false;
    });
    return out;
}

}  // namespace daxcheck
