// pin-warning: truncating an entry with a pinned pfn warns exactly in ports
// that declare the truncate-of-a-pinned-page check (SPEC sections 5 and 6),
// and an invalidate (disassociate, trunc=false) never warns for pins.
//
// Which warning is "for pins": in a port that declares the check, the
// declared WARN_ON_ONCE (is_check). A port may also warn about a pinned page
// from code it declares nothing for (6.15 warns from the folio split), so on
// the release of an entry with a pinned pfn any warning that is none of the
// port's declared checks counts as a warning for pins too.
#include <fmt/format.h>

#include "harness/op_text.h"
#include "properties/catalog.h"
#include "properties/warnings.h"

namespace daxcheck {
namespace {

using model::DefensiveCheck;

bool is_declared(const Variant& v, const kshim::warning_record& w) {
    for (const auto& d : v.checks)
        if (is_check(v, d.check, w)) return true;
    return false;
}

std::optional<model::Pfn> first_pinned(const StepView& step) {
    for (model::Pfn p : model::touched_pfns(step.before, step.op))
        if (step.before.pfns[p].pins > 0) return p;
    return std::nullopt;
}

std::optional<std::string> after_step(const StepView& step) {
    if (!step.outcome.legal) return std::nullopt;
    const Variant& v = step.exec.variant();
    const bool truncate = std::holds_alternative<model::Truncate>(step.op);
    const bool invalidate = std::holds_alternative<model::Disassociate>(step.op);
    const auto pinned = (truncate || invalidate) ? first_pinned(step) : std::nullopt;
    const std::string what = truncate     ? "truncate"
                             : invalidate ? "invalidate (trunc=false)"
                                          : to_text(step.op);

    const kshim::warning_record* declared = nullptr;
    for (const auto& w : step.outcome.warnings)
        if (is_check(v, DefensiveCheck::TruncatePinned, w)) {
            declared = &w;
            break;
        }
    if (truncate && pinned && v.declares(DefensiveCheck::TruncatePinned) && !declared)
        return fmt::format("truncating an entry with pinned pfn {} (pins={}) raised no warning, "
                           "though the port declares the truncate-of-a-pinned-page check",
                           *pinned, step.before.pfns[*pinned].pins);
    if (declared && !(truncate && pinned))
        return fmt::format("{} on {}{}", describe(*declared), what,
                           truncate ? " of an entry with no pinned pfn" : "");
    if (pinned)
        for (const auto& w : step.outcome.warnings)
            if (!is_declared(v, w))
                return fmt::format("{} on {} of an entry with pinned pfn {}: a warning for "
                                   "pins the port does not declare",
                                   describe(w), what, *pinned);
    return std::nullopt;
}

}  // namespace

Property pin_warning_property() {
    return {"pin-warning",
            "truncating an entry with a pinned pfn warns exactly in ports that declare the "
            "check; invalidate never warns for pins",
            false, after_step, nullptr};
}

}  // namespace daxcheck
