// refinement: after every legal operation every pfn satisfies the relation of
// SPEC section 4 and its reference count is the one SPEC 9 requires. Each step checks the pfns it may have changed
// (Execution::step_pfns: the operation's entry, every page the port reached
// and the tails of reached heads): every other pfn kept its model state and
// its decode, so checking it again would cost O(pfns) per step for nothing.
// The end check covers every pfn the sequence changed (all of them when the
// execution cannot say which), and every pfn of a small universe: a port
// writing a page outside what it reached through the shim (pointer arithmetic
// past an entry) is still caught where that costs a few decodes per sequence.
#include "properties/catalog.h"
#include "properties/refcount_relation.h"
#include "properties/relation.h"

namespace daxcheck {
namespace {

std::optional<std::string> after_step(const StepView& step) {
    if (!step.outcome.legal) return std::nullopt;
    if (step.outcome.no_pfn_entry_touched) return *step.outcome.no_pfn_entry_touched;
    if (auto m = check_relation(step.exec, step.exec.step_pfns())) return m;
    return check_refcounts(step.exec, step.exec.step_pfns());
}

constexpr std::uint64_t kCheckAllPfnsAtEndUpTo = 64;

std::optional<std::string> at_end(Execution& exec) {
    if (!exec.tracks_changes() || exec.model().pfns.size() <= kCheckAllPfnsAtEndUpTo) {
        if (auto m = check_relation_all(exec)) return m;
        return check_refcounts_all(exec);
    }
    if (auto m = check_relation(exec, exec.changed_pfns())) return m;
    return check_refcounts(exec, exec.changed_pfns());
}

}  // namespace

Property refinement_property() {
    return {"refinement", "after every legal operation, every pfn satisfies the relation (SPEC 4)",
            false, after_step, at_end, false, /*end_only_reads=*/true};
}

}  // namespace daxcheck
