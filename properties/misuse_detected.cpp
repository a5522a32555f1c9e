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

const DeclaredCheck* declared(const Variant& v, model::DefensiveCheck c) {
    for (const auto& d : v.checks)
        if (d.check == c) return &d;
    return nullptr;
}

// A declared check of the port's own kind fires on exactly the steps its
// declared behaviour names (legal or misuse), on pfns no earlier misuse touched.
std::optional<std::string> custom_checks(const StepView& step) {
    const Variant& v = step.exec.variant();
    for (model::Pfn p : model::touched_pfns(step.before, step.op))
        if (step.exec.first_misuse(p) != 0 && step.exec.first_misuse(p) != step.exec.steps())
            return std::nullopt;
    for (const auto& d : v.checks) {
        if (d.check != model::DefensiveCheck::Custom || !d.expected) continue;
        bool fired = false;
        for (const auto& w : step.outcome.warnings)
            fired = fired || (w.function == d.function && w.condition == d.condition);
        const bool want = d.expected(step.before, step.op);
        if (want && !fired)
            return fmt::format("{}: the port declares the {} check WARN_ON_ONCE({}) in {}, which "
                               "did not fire",
                               to_text(step.op), d.kind, d.condition, d.function);
        if (fired && !want)
            return fmt::format("{}: the declared {} check WARN_ON_ONCE({}) in {} fired where its "
                               "declared behaviour says it must not",
                               to_text(step.op), d.kind, d.condition, d.function);
    }
    return std::nullopt;
}

std::optional<std::string> after_step(const StepView& step) {
    if (auto why = custom_checks(step)) return why;
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
                       step.outcome.illegal_reason, check_name(*d), d->condition, d->function);
}

}  // namespace

Property misuse_detected_property() {
    return {"misuse-detected",
            "each misuse operation is flagged by every port that declares the matching check",
            true, after_step, nullptr};
}

}  // namespace daxcheck
