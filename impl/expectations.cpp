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
        "v12", "v6.0", "v6.2", "v6.15", "v6.15+debug_vm",
        "v7.1", "v7.1+debug_vm", "v7.2", "v7.2+debug_vm",
    };
    return order;
}

namespace {

// SPEC 9 and the 6.15 free path, for every version from 6.15 (impl/v6_15.cpp,
// impl/v7_1.cpp, impl/v7_2.cpp) and each of their CONFIG_DEBUG_VM builds.
// A pin on a tail page of a PMD folio counts on the head (folio_get); the
// split at the last association leaves it there, and the unpin lands on the
// former tail (folio_put of an order-0 page): a legal pin / truncate / unpin
// sequence breaks SPEC 9 in every one of them. With CONFIG_DEBUG_VM that
// unpin meets VM_BUG_ON_FOLIO(folio_ref_count(folio) == 0) in
// folio_put_testzero: a BUG, which fails every property.
std::vector<ExpectedFailure> later_6_15_family_rows() {
    std::vector<ExpectedFailure> r;
    const char* profiles[] = {"exclusive", "reflink"};
    auto both = [&](const char* variant, const char* property, const char* why) {
        for (const char* profile : profiles) r.push_back({variant, property, profile, why});
    };
    const char* bug_on_unpin =
        "CONFIG_DEBUG_VM: a pin on a tail page of a PMD folio counts on its head; after the "
        "last association splits the folio, the unpin puts the former tail's own count of 0 "
        "and hits VM_BUG_ON_FOLIO(folio_ref_count(folio) == 0, folio) in folio_put_testzero";
    // 6.15 under CONFIG_DEBUG_VM: the 6.15 rows (copy_rows) and the BUG.
    both("v6.15+debug_vm", "order-independence", bug_on_unpin);

    // 7.1: dax_folio_reset_order() clears share for every order (the stale
    // index is gone); the check loop after it runs for order 0 too.
    for (const char* v : {"v7.1", "v7.1+debug_vm"}) {
        both(v, "refinement",
             "SPEC 9: a pin on a tail page of a PMD folio counts on the head; the split at the "
             "last association leaves the reference on the former head, which then holds one "
             "no pin accounts for (and the unpin drives the former tail below zero); reflink: a "
             "PTE entry sharing a page of a PMD folio counts the whole folio");
        both(v, "no-spurious-warn",
             "releasing the last association of a pinned page warns "
             "WARN_ON_ONCE(folio_ref_count(page)) in dax_folio_put's check loop, now for order-0 "
             "folios too; a head left holding a drifted pin warns in dax_folio_init");
        both(v, "pin-warning",
             "dax_folio_put's check loop warns for a pinned page on invalidate as on truncate, "
             "a check 7.1 does not declare");
        both(v, "drain",
             "invalidating the remaining entries warns for every page still pinned "
             "(WARN_ON_ONCE(folio_ref_count(page)) in dax_folio_put)");
    }
    both("v7.1+debug_vm", "order-independence", bug_on_unpin);

    // 7.2: the pinned-page checks of the release are VM_WARN (CONFIG_DEBUG_VM
    // only); free_zone_device_folio_prepare() clears only mapping for order 0.
    for (const char* v : {"v7.2", "v7.2+debug_vm"}) {
        both(v, "refinement",
             "free_zone_device_folio_prepare() clears only mapping of an order-0 folio: the last "
             "owner's index stays in folio->share and the free page reads as shared (6.15's "
             "finding again); SPEC 9: a tail pin stays on the former head after the split");
        both(v, "no-spurious-warn",
             "a head left holding a drifted tail pin warns WARN_ON_ONCE(folio_ref_count(folio)) "
             "in dax_folio_init when it is mapped as a PMD folio again; reflink: sharing across "
             "PTE and PMD entries warns on the order mismatch");
        both(v, "drain",
             "an order-0 folio released by free_zone_device_folio_prepare() keeps its index in "
             "folio->share: the free page reads as shared");
    }
    // The associate logic is 6.15's up to 7.2 (KERNEL-HISTORY section 8).
    for (const char* v : {"v7.1", "v7.1+debug_vm", "v7.2", "v7.2+debug_vm"}) {
        r.push_back({v, "misuse-detected", "exclusive",
                     "as 6.15: the second-owner check reads only the folio of the entry's first "
                     "pfn: a PMD entry over a page another file maps is not flagged"});
        r.push_back({v, "misuse-detected", "reflink",
                     "as 6.15: a shared folio has mapping NULL, a second exclusive owner is not "
                     "flagged"});
    }
    both("v7.2+debug_vm", "pin-warning",
         "CONFIG_DEBUG_VM: releasing a pinned PMD folio warns "
         "VM_WARN_ON_FOLIO(folio_ref_count(new_folio)) in free_zone_device_folio_prepare, a "
         "check 7.2 does not declare, on invalidate as on truncate");
    both("v7.2+debug_vm", "order-independence", bug_on_unpin);
    return r;
}

// The rows of `variant` copied to `to` (a configuration build keeps every
// failure of the plain build: CONFIG_DEBUG_VM only adds checks).
std::vector<ExpectedFailure> copy_rows(const std::vector<ExpectedFailure>& rows,
                                       const std::string& variant, const std::string& to) {
    std::vector<ExpectedFailure> out;
    for (auto row : rows)
        if (row.variant == variant) {
            row.variant = to;
            out.push_back(row);
        }
    return out;
}

}  // namespace

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
    static const std::vector<ExpectedFailure> all = [] {
        std::vector<ExpectedFailure> out = rows;
        for (const auto& r : copy_rows(rows, "v6.15", "v6.15+debug_vm")) out.push_back(r);
        for (const auto& r : later_6_15_family_rows()) out.push_back(r);
        return out;
    }();
    return all;
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
        for (const auto& row : std::vector<ExpectedFailure>(r))
            if (row.variant == "v6.15") r.push_back({"v6.15+debug_vm", row.property, row.profile, row.why});
        const char* bug_on_unpin =
            "CONFIG_DEBUG_VM: a pin through a 2M mapping's tail page counts on the folio head; "
            "after truncate splits the folio, the unpin hits VM_BUG_ON_FOLIO(folio_ref_count"
            "(folio) == 0) in folio_put_testzero";
        for (const char* profile : {"exclusive", "reflink"}) {
            // (property, why) for both builds of 7.1 and of 7.2.
            struct Row {
                const char* property;
                const char* why;
            };
            const Row v7_1[] = {
                {"refinement",
                 "the folio lookup before the zero/empty-entry guard is still there (fixed in "
                 "7.2): every first fault releases the empty entry through it; SPEC 9: a pin "
                 "through a 2M mapping's tail page stays on the former head after the split"},
                {"no-spurious-warn",
                 "invalidating or truncating a pinned page warns "
                 "WARN_ON_ONCE(folio_ref_count(page)) in dax_folio_put"},
                {"pin-warning", "invalidating an entry with a pinned page warns in dax_folio_put"},
                {"drain", "releasing the remaining entries warns for every page still pinned"},
            };
            const Row v7_2[] = {
                {"refinement",
                 "a released order-0 folio keeps its last index in folio->share "
                 "(free_zone_device_folio_prepare clears only mapping); SPEC 9: a pin through a "
                 "2M mapping's tail page stays on the former head after the split"},
                {"no-spurious-warn",
                 "a 2M block whose head kept a drifted pin warns "
                 "WARN_ON_ONCE(folio_ref_count(folio)) in dax_folio_init when it is faulted in "
                 "as a PMD again"},
                {"drain",
                 "a released order-0 folio keeps its last index in folio->share: the free page "
                 "reads as shared"},
            };
            for (const char* v : {"v7.1", "v7.1+debug_vm"})
                for (const Row& row : v7_1) r.push_back({v, row.property, profile, row.why});
            for (const char* v : {"v7.2", "v7.2+debug_vm"})
                for (const Row& row : v7_2) r.push_back({v, row.property, profile, row.why});
            r.push_back({"v7.2+debug_vm", "pin-warning", profile,
                         "CONFIG_DEBUG_VM: invalidating a 2M entry with a pinned page warns "
                         "VM_WARN_ON_FOLIO(folio_ref_count(new_folio)) in "
                         "free_zone_device_folio_prepare"});
            for (const char* v : {"v6.15+debug_vm", "v7.1+debug_vm", "v7.2+debug_vm"})
                r.push_back({v, "order-independence", profile, bug_on_unpin});
        }
        // Contract section 8, the page count. Needs a shared extent, so reflink only.
        for (const char* v : {"v6.2", "v6.15", "v6.15+debug_vm", "v7.1", "v7.1+debug_vm", "v7.2",
                              "v7.2+debug_vm"})
            every_property(v, "reflink",
                           "a PTE fault of a shared extent inside a PMD entry stores its PTE entry "
                           "over the PMD entry: mapping->nrpages keeps the PMD's pages, and "
                           "evicting the file hits BUG_ON(inode->i_data.nrpages) in clear_inode "
                           "(Debian's 6.12 and 7.2 BUG at unmount)");
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

// SPEC 10. No version serialises two files' updates of one page: the only
// locks on the paths are each file's xarray lock and inode MMAPLOCK. So a
// version fails wherever two files can reach one page with plain
// read-modify-writes or with plain stores of fields that must agree. Rows
// carry the profile "reflink": only shared blocks reach one page from two files.
const std::vector<ExpectedFailure>& expected_race_failures() {
    static const std::vector<ExpectedFailure> rows = [] {
        std::vector<ExpectedFailure> r;
        auto both_levels = [&](const char* v, const char* function_why, const char* fs_why) {
            r.push_back({v, "race", "reflink", function_why});
            r.push_back({v, "fs:race", "reflink", fs_why});
        };
        const char* torn_exclusive =
            "two files associate one block exclusively at once (no caller passes the shared flag "
            "for a read fault): plain stores of page->mapping and page->index interleave, leaving "
            "one file's mapping with the other's index";
        both_levels("pre-reflink",
                    "no shared path: two files' associations of one pfn store page->mapping and "
                    "page->index with no common lock; interleaved, the page holds one file's "
                    "mapping and the other's index",
                    torn_exclusive);
        for (const char* v : {"v10", "v10-only-byvalue", "v10-only-inverted", "v10-only-postdec",
                              "v10-fixed", "v12", "v6.0"})
            both_levels(v,
                        "the share count (page->index under the CoW flag) is a plain "
                        "read-modify-write under each file's own xarray lock: two files' updates "
                        "of one shared page lose one (share count drift)",
                        torn_exclusive);
        both_levels("v6.2",
                    "page->share++ / --page->share are plain read-modify-writes under each file's "
                    "own xarray lock: two files' updates of one shared page lose one (the drifting "
                    "share count of the 2-vCPU reproducer; a page left shared after both files "
                    "let go warns WARN_ON_ONCE(page->mapping) at the next owner's fault)",
                    "two files' faults of a reflinked block each release and re-associate the "
                    "shared entry (6.2 on): their share++ / --share interleave and lose an update");
        for (const char* v : {"v6.15", "v6.15+debug_vm", "v7.1", "v7.1+debug_vm", "v7.2",
                              "v7.2+debug_vm"})
            both_levels(v,
                        "folio->share++ / --folio->share are plain read-modify-writes under each "
                        "file's own xarray lock, and the last release resets the folio (mapping, "
                        "share, order) while another file may be re-associating it: a lost share "
                        "update, or a folio reset under the other file",
                        "two files' faults of a reflinked block release and re-associate the "
                        "shared folio at once: a lost share update, or one file's release resets "
                        "the folio the other is associating (the torn folio of the 7.2 reproducer)");
        return r;
    }();
    return rows;
}

Expectation race_expectation_for(const Variant& v, bool fs_level) {
    const std::string key = fs_level ? "fs:race" : "race";
    for (const auto& [k, why] : v.expected_failures)
        if (k == key + "/reflink") return {false, why};
    for (const auto& row : expected_race_failures())
        if (row.variant == v.name && row.property == key) return {false, row.why};
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
