// The one table of expected verdicts for in-tree variants. Each row is a
// failure the contract (docs/contract.md) predicts for that version's logic,
// with what it means for a kernel user. Rows are derived from SPEC and
// docs/versions.md, never copied from a run.
#include "impl/expectations.h"

#include "impl/variant.h"

namespace daxcheck {

const std::vector<std::string>& in_tree_variant_order() {
    static const std::vector<std::string> order = {
        "pre-reflink",
        "v10", "v10-only-byvalue", "v10-only-inverted", "v10-only-postdec", "v10-fixed",
        "v12", "v6.0", "v6.2", "v6.15",
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
        // pre-reflink: one owner per page, no shared path (SPEC 6: fails reflink only).
        {"pre-reflink", "refinement", "reflink",
         "a second file mapping a reflinked block overwrites the page's owner: the first file's "
         "release frees a page the other still maps"},
        {"pre-reflink", "no-spurious-warn", "reflink",
         "a second file mapping a reflinked block warns WARN_ON_ONCE(page->mapping): why XFS "
         "refused DAX with reflink before 6.0"},
        // v12: byvalue fixed, inverted and postdec remain.
        {"v12", "refinement", "exclusive",
         "inverted: releasing an exclusive page at a non-zero offset only decrements index and "
         "keeps the mapping: memory-failure and dax_lock_page follow a stale owner"},
        {"v12", "refinement", "reflink",
         "inverted/postdec: exclusive pages are kept after release, shared pages are cleared by "
         "their first release"},
        {"v12", "no-spurious-warn", "exclusive",
         "inverted: a page kept after its release warns WARN_ON_ONCE(page->mapping) when the "
         "next file maps it"},
        {"v12", "no-spurious-warn", "reflink",
         "inverted: releasing a shared page warns on a mapping mismatch (the CoW flag is not the "
         "caller's mapping); kept pages warn when reused"},
        // v6.0 (and 6.1): postdec remains.
        {"v6.0", "refinement", "reflink",
         "postdec: the last sharer's release leaves the CoW flag with count 0: the page is never "
         "freed and reads as shared by nobody"},
        {"v6.0", "no-spurious-warn", "reflink",
         "postdec: the page left flagged warns WARN_ON_ONCE(page->mapping) when a file maps it "
         "again (fsx, generic/164 failures on 6.0/6.1)"},
        // v6.15 findings: a released kernel failing the contract.
        {"v6.15", "refinement", "exclusive",
         "an order-0 folio's final put clears only mapping: the owner's index stays behind as "
         "folio->share, so a free page reads as shared (dax_folio_is_shared)"},
        {"v6.15", "refinement", "reflink",
         "a stale index counts as a phantom sharer on the next shared association; a PTE entry "
         "sharing a page of a PMD folio counts the whole folio, not its own page"},
        {"v6.15", "no-spurious-warn", "exclusive",
         "a pin that outlives a PMD mapping makes the split in dax_folio_put warn "
         "WARN_ON_ONCE(folio_ref_count(new_folio)); dax_folio_init warns when it is mapped again"},
        {"v6.15", "no-spurious-warn", "reflink",
         "pins as in exclusive; sharing across PTE and PMD entries (or a stale share) warns "
         "WARN_ON_ONCE(dax_entry_order(entry) != folio_order(folio))"},
        // pin-warning: every port before 6.15 has the trunc/refcount check and
        // it reads only the refcount, whatever its ownership bugs.
        {"v6.15", "pin-warning", "exclusive",
         "a pin that outlives a PMD mapping makes the final put's split warn "
         "WARN_ON_ONCE(folio_ref_count(new_folio)), a check 6.15 does not declare, on "
         "invalidate as on truncate (6.15 relies on the filesystem waiting for pins first)"},
        {"v6.15", "pin-warning", "reflink",
         "as in exclusive: releasing a pinned PMD folio's last mapping warns from the split"},
        // drain: unmapping every file must free every page, without a warning.
        {"pre-reflink", "drain", "reflink",
         "unmapping two files that share a block warns on a mapping mismatch when the file "
         "that is not the page's last recorded owner goes first"},
        {"v10", "drain", "exclusive",
         "inverted: after every file is unmapped exclusive pages keep their mapping with a "
         "decremented (or wrapped) index: never freed"},
        {"v10", "drain", "reflink",
         "exclusive pages are never freed; unmapping a reflinked page's files warns on a "
         "mapping mismatch"},
        {"v10-only-byvalue", "drain", "reflink",
         "unmapping a reflinked page's files warns on a mapping mismatch when a file other "
         "than the page's recorded exclusive owner goes first"},
        {"v10-only-inverted", "drain", "exclusive",
         "after every file is unmapped exclusive pages keep their mapping with a decremented "
         "(or wrapped) index: never freed"},
        {"v10-only-inverted", "drain", "reflink",
         "as in exclusive; unmapping a CoW-flagged page warns on a mapping mismatch"},
        {"v10-only-postdec", "drain", "reflink",
         "after every sharer unmaps a reflinked page it keeps the CoW flag with count 0: "
         "never freed"},
        {"v12", "drain", "exclusive",
         "inverted: after every file is unmapped an exclusive page at a non-zero offset keeps "
         "its mapping: never freed"},
        {"v12", "drain", "reflink",
         "as in exclusive; unmapping a CoW-flagged page warns on a mapping mismatch"},
        {"v6.0", "drain", "reflink",
         "postdec: after every sharer unmaps a reflinked page it keeps the CoW flag with count "
         "0: never freed, on 6.0 and 6.1"},
        {"v6.15", "drain", "exclusive",
         "unmapping an order-0 page mapped at a non-zero offset leaves the offset in "
         "folio->share: the free page reads as shared; a pinned PMD page warns on the split"},
        {"v6.15", "drain", "reflink",
         "as in exclusive: a stale index makes a free page read as shared"},
        // order-independence: no row. In every port the release of a page does
        // not depend on which file releases it, except for the mismatch warning.
        // misuse-detected: a declared check must see the misuse it is for.
        {"pre-reflink", "misuse-detected", "reflink",
         "once one of two files sharing a block unmaps it the page records no owner: a third "
         "file mapping it exclusively is not flagged"},
        {"v10", "misuse-detected", "exclusive",
         "inverted: a file releasing another file's exclusive page is not flagged: the "
         "mismatch check sits on the branch only CoW-flagged pages take"},
        {"v10", "misuse-detected", "reflink",
         "as in exclusive; byvalue: a page mapped only through the shared path has no mapping, "
         "so a second exclusive owner is not flagged"},
        {"v10-only-byvalue", "misuse-detected", "reflink",
         "a page whose owners all came through the shared path keeps mapping NULL: a second "
         "exclusive owner is not flagged"},
        {"v10-only-inverted", "misuse-detected", "exclusive",
         "a file releasing another file's exclusive page is not flagged: the mismatch check "
         "sits on the branch only CoW-flagged pages take"},
        {"v10-only-inverted", "misuse-detected", "reflink",
         "as in exclusive: a stray release of an exclusive page is not flagged"},
        {"v12", "misuse-detected", "exclusive",
         "inverted: a file releasing another file's exclusive page is not flagged"},
        {"v12", "misuse-detected", "reflink",
         "inverted: a file releasing another file's exclusive page is not flagged"},
        {"v6.15", "misuse-detected", "exclusive",
         "the second-owner check reads only the folio of the entry's first pfn: a PMD entry "
         "over a page another file maps with a PTE entry is not flagged (and takes it over)"},
        {"v6.15", "misuse-detected", "reflink",
         "as in exclusive (the shortest counterexample): the second-owner check reads only the "
         "folio of the entry's first pfn, so a PMD entry over a page another file maps with a "
         "PTE entry is not flagged; and a shared folio has mapping NULL: a second exclusive "
         "owner of a shared page is not flagged by WARN_ON_ONCE(folio->mapping)"},
    };
    return rows;
}

// The filesystem level (SPEC 8). A legal filesystem sequence must derive
// legal calls; a fault path that derives an illegal one fails every property,
// since from then on the model no longer describes the port.
const std::vector<ExpectedFailure>& expected_fs_failures() {
    static const std::vector<ExpectedFailure> rows = [] {
        std::vector<ExpectedFailure> r;
        const char* all[] = {"refinement", "no-spurious-warn", "pin-warning", "drain",
                             "order-independence"};
        auto every_property = [&](const char* variant, const char* profile, const char* why) {
            for (const char* p : all) r.push_back({variant, p, profile, why});
        };
        // No caller that passes shared for a read fault of a reflinked block.
        every_property("pre-reflink", "reflink",
                       "no shared path: the second file's fault of a reflinked block associates "
                       "it exclusively over its owner (XFS refused DAX with reflink)");
        for (const char* v : {"v10", "v10-only-byvalue", "v10-only-inverted", "v10-only-postdec",
                              "v10-fixed"})
            every_property(v, "reflink",
                           "no caller passes the CoW flag in v10: the second file's fault of a "
                           "reflinked block associates it exclusively over its owner");
        for (const char* v : {"v12", "v6.0"})
            every_property(v, "reflink",
                           "6.0/6.1 pass shared only for a write fault of a shared extent: a read "
                           "fault of a reflinked block associates it exclusively over its owner and "
                           "warns WARN_ON_ONCE(page->mapping)");
        // The function-level exclusive failures, reached through faults and truncate.
        for (const char* v : {"v10", "v10-only-inverted", "v12"}) {
            r.push_back({v, "refinement", "exclusive",
                         "inverted: a truncated exclusive page is kept with a wrapped index"});
            r.push_back({v, "no-spurious-warn", "exclusive",
                         "inverted: the next fault of the kept page warns WARN_ON_ONCE(page->mapping)"});
            r.push_back({v, "drain", "exclusive",
                         "inverted: releasing every entry leaves an exclusive page owned"});
        }
        for (const char* profile : {"exclusive", "reflink"}) {
            r.push_back({"v6.15", "refinement", profile,
                         "dax_associate_entry/dax_disassociate_entry look up the folio of an "
                         "empty or zero-page entry before the guard (every first fault releases "
                         "the empty entry): the 2026 arm64 oops; and the stale index of a "
                         "released order-0 folio reads as a share count"});
            r.push_back({"v6.15", "no-spurious-warn", profile,
                         "a pin that outlives a 2M mapping makes the split on invalidate warn "
                         "WARN_ON_ONCE(folio_ref_count(new_folio))"});
            r.push_back({"v6.15", "pin-warning", profile,
                         "invalidating a PMD entry with a pinned page warns in the folio split"});
            r.push_back({"v6.15", "drain", profile,
                         "a released order-0 folio keeps its last index in folio->share: the "
                         "free page reads as shared"});
        }
        return r;
    }();
    return rows;
}

Expectation fs_expectation_for(const Variant& v, const std::string& property,
                               const std::string& profile) {
    for (const auto& [key, why] : v.expected_failures)
        if (key == "fs:" + property + "/" + profile) return {false, why};
    for (const auto& row : expected_fs_failures())
        if (row.variant == v.name && row.property == property && row.profile == profile)
            return {false, row.why};
    return {};
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
