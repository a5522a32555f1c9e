// refinement: after every legal operation every pfn satisfies the relation of
// SPEC section 4. Small universes check every pfn each step; large ones the
// pfns the operation touched, and every pfn at the end.
#include "properties/catalog.h"
#include "properties/relation.h"

namespace daxcheck {
namespace {

constexpr std::uint64_t kCheckAllPfnsUpTo = 64;

std::optional<std::string> after_step(const StepView& step) {
    if (!step.outcome.legal) return std::nullopt;
    if (step.exec.model().pfns.size() <= kCheckAllPfnsUpTo) return check_relation_all(step.exec);
    return check_relation(step.exec, model::touched_pfns(step.before, step.op));
}

std::optional<std::string> at_end(Execution& exec) { return check_relation_all(exec); }

}  // namespace

Property refinement_property() {
    return {"refinement", "after every legal operation, every pfn satisfies the relation (SPEC 4)",
            false, after_step, at_end};
}

}  // namespace daxcheck
