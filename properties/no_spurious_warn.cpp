// no-spurious-warn: a legal operation raises no warning, except the
// truncate-of-a-pinned-page check of a port that declares it, when a pfn of
// the truncated entry is pinned (SPEC section 5).
#include "properties/catalog.h"
#include "properties/warnings.h"

namespace daxcheck {
namespace {

std::optional<std::string> after_step(const StepView& step) {
    if (!step.outcome.legal) return std::nullopt;
    const bool pinned_truncate = model::truncates_pinned_page(step.before, step.op);
    for (const auto& w : step.outcome.warnings) {
        if (pinned_truncate &&
            is_check(step.exec.variant(), model::DefensiveCheck::TruncatePinned, w))
            continue;
        // A declared check of the port's own kind, where its behaviour says it fires.
        const DeclaredCheck* d = declared_check(step.exec.variant(), w);
        if (d && d->check == model::DefensiveCheck::Custom && d->expected &&
            d->expected(step.before, step.op))
            continue;
        return describe(w) + " on a legal operation";
    }
    return std::nullopt;
}

}  // namespace

Property no_spurious_warn_property() {
    return {"no-spurious-warn",
            "legal operations raise no warning except the declared truncate-of-a-pinned-page "
            "check (SPEC 5)",
            false, after_step, nullptr};
}

}  // namespace daxcheck
