// drain: after any legal sequence, removing every remaining entry leaves
// every pfn Free (SPEC section 6). At the end of each sequence the entries
// still in some file's xarray are invalidated (disassociate, trunc=false) in
// one fixed order, file by file and offset by offset; no step of the drain may
// warn (an invalidate is never a pinned truncate) or stop the port.
#include <fmt/format.h>

#include "harness/op_text.h"
#include "properties/catalog.h"
#include "properties/relation.h"
#include "properties/warnings.h"

namespace daxcheck {
namespace {

std::optional<std::string> after_step(const StepView&) { return std::nullopt; }

std::optional<std::string> at_end(Execution& exec) {
    const auto entries = model::remaining_entries(exec.model());
    std::string drained;
    for (const auto& d : entries) {
        const model::Op op{d};
        drained += (drained.empty() ? "" : ", ") + to_text(op);
        const StepOutcome outcome = exec.step(op);
        if (auto bug = kernel_bug_failure(outcome))
            return fmt::format("draining ({}): {}", drained, *bug);
        if (!outcome.warnings.empty())
            return fmt::format("draining ({}): {}", drained, describe(outcome.warnings.front()));
    }
    for (model::Pfn p = 0; p < exec.model().pfns.size(); p++) {
        const Decoded d = exec.decode(p);
        if (d.kind != Decoded::Kind::Free)
            return fmt::format("after draining ({}) pfn {} is {}, not Free ({})",
                               drained.empty() ? "nothing to drain" : drained, p, to_string(d),
                               exec.raw_fields(p));
    }
    return std::nullopt;
}

}  // namespace

Property drain_property() {
    return {"drain", "after any legal sequence, removing every remaining entry leaves every pfn Free",
            false, after_step, at_end, true};
}

}  // namespace daxcheck
