// The one table of expected verdicts for in-tree variants. Each row is a
// failure the contract (../shared/SPEC.md) predicts for that version's logic,
// with what it means for a kernel user. Rows are derived from SPEC and
// KERNEL-HISTORY, never copied from a run.
#include "impl/expectations.h"

#include "impl/variant.h"

namespace daxcheck {

const std::vector<std::string>& in_tree_variant_order() {
    static const std::vector<std::string> order = {
        "v10", "v10-only-byvalue", "v10-only-inverted", "v10-only-postdec", "v10-fixed",
    };
    return order;
}

const std::vector<ExpectedFailure>& expected_failures() {
    static const std::vector<ExpectedFailure> rows = {
        // v10 as posted: all three bugs.
        {"v10", "refinement", "exclusive",
         "inverted: an exclusive page is never released (index wraps from 0), memory-failure "
         "and dax_lock_page follow a stale owner"},
        {"v10", "refinement", "reflink",
         "byvalue/inverted/postdec: shared pages keep a stale owner or count"},
        {"v10", "no-spurious-warn", "exclusive",
         "inverted: the next owner of a released page hits WARN_ON_ONCE(page->mapping)"},
        {"v10", "no-spurious-warn", "reflink",
         "a page left with a stale mapping warns when it is associated again"},
        // byvalue alone: the CoW flag never reaches the page.
        {"v10-only-byvalue", "refinement", "reflink",
         "a shared page keeps no mapping (or its first owner) and a count in index: the "
         "share is invisible"},
        {"v10-only-byvalue", "no-spurious-warn", "reflink",
         "the second file of a reflinked page is not its recorded owner: releasing it warns "
         "on a mapping mismatch"},
        // inverted alone: the shared branch runs for exclusive pages.
        {"v10-only-inverted", "refinement", "exclusive",
         "releasing an exclusive page decrements index from 0 (wraps) and keeps the mapping"},
        {"v10-only-inverted", "refinement", "reflink",
         "releasing an exclusive page keeps it; a shared page is cleared by its first release"},
        {"v10-only-inverted", "no-spurious-warn", "exclusive",
         "the never-released page warns WARN_ON_ONCE(page->mapping) when reused"},
        {"v10-only-inverted", "no-spurious-warn", "reflink",
         "the never-released page warns WARN_ON_ONCE(page->mapping) when reused"},
        // postdec alone: N sharers need N+1 releases.
        {"v10-only-postdec", "refinement", "reflink",
         "the last sharer's release leaves the CoW flag with count 0: the page is never freed"},
        {"v10-only-postdec", "no-spurious-warn", "reflink",
         "the page left flagged warns WARN_ON_ONCE(page->mapping) when reused (6.0/6.1 fstests "
         "failures)"},
    };
    return rows;
}

Expectation expectation_for(const Variant& v, const std::string& property,
                            const std::string& profile) {
    for (const auto& [key, why] : v.expected_failures)
        if (key == property + "/" + profile) return {false, why};
    for (const auto& row : expected_failures())
        if (row.variant == v.name && row.property == property && row.profile == profile)
            return {false, row.why};
    return {};
}

}  // namespace daxcheck
