// order-independence: the owners of a shared pfn can leave in any order with
// the same end state (SPEC section 6).
//
// Design. At the end of each legal sequence the final state is the start
// point; nothing is checked per step. From it, on copies of the Execution
// (a copy carries its own memmap and xarrays; mappings are static), a set of
// entries is released (disassociate, trunc=false) in up to three orders: as
// listed (file by file, offset by offset), reversed, and rotated by one, so
// every entry of a set of two or more is once first and once last. Each order
// must leave every pfn the set covers with the same decode and the same raw
// page fields. The sets are:
//   - every remaining entry (a full release, as unmapping every file);
//   - for each pfn with two or more owners, just the entries that cover it
//     (the sharers leave while the other pfns' owners stay), up to
//     kMaxSharedSets distinct sets.
// The orders are fixed functions of the model state, so a replay of the same
// operations compares the same orders: no randomness outside RapidCheck.
// Only page state is compared, not warnings (no-spurious-warn and drain judge
// those) and not the relation (refinement does).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "harness/op_text.h"
#include "properties/catalog.h"

namespace daxcheck {
namespace {

constexpr std::size_t kMaxSharedSets = 8;

using Release = std::vector<model::Disassociate>;

struct PfnEnd {
    Decoded decoded;
    std::string raw;
};

std::string show(const Release& order) {
    std::string out;
    for (const auto& d : order) out += (out.empty() ? "" : ", ") + to_text(model::Op{d});
    return out;
}

// The pfns the entries of `set` cover, in `s`.
std::vector<model::Pfn> covered(const model::ModelState& s, const Release& set) {
    std::set<model::Pfn> out;
    for (const auto& d : set)
        for (model::Pfn p : model::touched_pfns(s, model::Op{d})) out.insert(p);
    return {out.begin(), out.end()};
}

// Releases `order` on a copy of `start`; the end state of `pfns`, or why the
// port stopped.
std::variant<std::vector<PfnEnd>, std::string> release(const Execution& start, const Release& order,
                                                       const std::vector<model::Pfn>& pfns) {
    Execution copy = start;
    for (const auto& d : order) {
        const StepOutcome outcome = copy.step(model::Op{d});
        if (auto bug = kernel_bug_failure(outcome))
            return fmt::format("releasing ({}): {}", show(order), *bug);
    }
    std::vector<PfnEnd> out;
    for (model::Pfn p : pfns) out.push_back({copy.decode(p), copy.raw_fields(p)});
    return out;
}

std::vector<Release> orders_of(const Release& set) {
    std::vector<Release> out = {set};
    Release reversed(set.rbegin(), set.rend());
    Release rotated = set;
    std::rotate(rotated.begin(), rotated.begin() + 1, rotated.end());
    for (const auto& o : {reversed, rotated})
        if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
    return out;
}

std::optional<std::string> compare_orders(const Execution& exec, const Release& set) {
    if (set.size() < 2) return std::nullopt;
    const auto pfns = covered(exec.model(), set);
    const auto orders = orders_of(set);
    auto first = release(exec, orders[0], pfns);
    if (auto* why = std::get_if<std::string>(&first)) return *why;
    const auto& want = std::get<std::vector<PfnEnd>>(first);
    for (std::size_t i = 1; i < orders.size(); i++) {
        auto other = release(exec, orders[i], pfns);
        if (auto* why = std::get_if<std::string>(&other)) return *why;
        const auto& got = std::get<std::vector<PfnEnd>>(other);
        for (std::size_t k = 0; k < pfns.size(); k++) {
            if (want[k].decoded == got[k].decoded && want[k].raw == got[k].raw) continue;
            return fmt::format(
                "releasing ({}) leaves pfn {} {} ({}), but releasing ({}) leaves it {} ({})",
                show(orders[0]), pfns[k], to_string(want[k].decoded), want[k].raw,
                show(orders[i]), to_string(got[k].decoded), got[k].raw);
        }
    }
    return std::nullopt;
}

// The entries covering each pfn that has two or more owners, distinct sets only.
std::vector<Release> sharer_sets(const model::ModelState& s) {
    std::vector<Release> out;
    for (model::Pfn p = 0; p < s.pfns.size() && out.size() < kMaxSharedSets; p++) {
        if (s.pfns[p].owners.size() < 2) continue;
        Release set;
        for (model::FileId f = 0; f < s.files.size(); f++)
            for (const auto& [offset, slot] : s.files[f].slots)
                if (slot.pfn <= p && p < slot.pfn + s.universe.pages(slot.order))
                    set.push_back({f, offset});
        if (std::find(out.begin(), out.end(), set) == out.end()) out.push_back(std::move(set));
    }
    return out;
}

std::optional<std::string> after_step(const StepView&) { return std::nullopt; }

std::optional<std::string> at_end(Execution& exec) {
    for (const auto& set : sharer_sets(exec.model()))
        if (auto why = compare_orders(exec, set)) return why;
    return compare_orders(exec, model::remaining_entries(exec.model()));
}

}  // namespace

Property order_independence_property() {
    return {"order-independence",
            "the owners of a shared pfn can leave in any order with the same end state", false,
            after_step, at_end, true};
}

}  // namespace daxcheck
