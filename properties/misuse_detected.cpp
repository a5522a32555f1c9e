// misuse-detected: each misuse operation is flagged by every port that
// declares the matching check (SPEC sections 3, 5, 6). Sequences mix legal
// and misuse operations; after a misuse operation whose check
// (model::misuse_check) the port declares, one of the step's warnings must be
// that declared WARN_ON_ONCE.
//
// A misuse changes the port but not the model, so from then on the model no
// longer says what the port's fields hold at the pfns it touched: a misuse on
// a pfn an earlier misuse touched is not judged (Execution::first_misuse).
// For the same reason this property never checks the relation.
#include <fmt/format.h>

#include "harness/op_text.h"
#include "properties/catalog.h"
#include "properties/warnings.h"

namespace daxcheck {
namespace {

std::string check_name(model::DefensiveCheck c) {
    switch (c) {
        case model::DefensiveCheck::TruncatePinned: return "truncate-of-a-pinned-page";
        case model::DefensiveCheck::SecondExclusiveOwner: return "second-exclusive-owner";
        case model::DefensiveCheck::MappingMismatch: return "mapping-mismatch";
    }
    return "?";
}

const DeclaredCheck* declared(const Variant& v, model::DefensiveCheck c) {
    for (const auto& d : v.checks)
        if (d.check == c) return &d;
    return nullptr;
}

std::optional<std::string> after_step(const StepView& step) {
    if (step.outcome.legal) return std::nullopt;
    const auto check = model::misuse_check(step.before, step.op);
    const Variant& v = step.exec.variant();
    if (!check || !v.declares(*check)) return std::nullopt;
    for (model::Pfn p : model::touched_pfns(step.before, step.op))
        if (step.exec.first_misuse(p) != step.exec.steps()) return std::nullopt;
    for (const auto& w : step.outcome.warnings)
        if (is_check(v, *check, w)) return std::nullopt;
    const DeclaredCheck* d = declared(v, *check);
    return fmt::format("misuse ({}) was not flagged: the port declares the {} check "
                       "WARN_ON_ONCE({}) in {}, which did not fire",
                       step.outcome.illegal_reason, check_name(*check), d->condition, d->function);
}

}  // namespace

Property misuse_detected_property() {
    return {"misuse-detected",
            "each misuse operation is flagged by every port that declares the matching check",
            true, after_step, nullptr};
}

}  // namespace daxcheck
