// Test-only port for the PMD-order walks (engines/order_walks.h): the v6.2
// logic (impl/v6_2.cpp, mainline 16900426586032) whose loop over an entry's
// pfns runs `dax_entry_order(entry) + 1` pages instead of `1 << order`. At
// PMD order 1 the two are the same number, so every walk of the default
// universe passes; at order 2 the last page of a PMD entry is never
// associated nor released. Only the walks at other PMD orders (or a
// --pmd-order flag) find it. Registered only in the test binaries
// (tests/CMakeLists.txt), never in `daxcheck list`.
#include "impl/variant.h"

namespace {
using namespace kshim;

#define PAGE_MAPPING_DAX_SHARED (reinterpret_cast<struct address_space *>(0x1UL))

// The injected bug: order + 1 pages where the entry covers 1 << order (a
// zero-page or empty entry still covers none, as dax_end_pfn says).
static inline unsigned long dax_end_pfn_order_bug(void *entry)
{
    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
        return dax_to_pfn(entry);
    return dax_to_pfn(entry) + dax_entry_order(entry) + 1;
}
#define for_each_mapped_pfn_order_bug(entry, pfn) \
    for (pfn = dax_to_pfn(entry); pfn < dax_end_pfn_order_bug(entry); pfn++)

static inline bool dax_page_is_shared(struct page *page)
{
    return page->mapping == PAGE_MAPPING_DAX_SHARED;
}

static inline void dax_page_share_get(struct page *page)
{
    if (page->mapping != PAGE_MAPPING_DAX_SHARED) {
        if (page->mapping)
            page->share = 1;
        page->mapping = PAGE_MAPPING_DAX_SHARED;
    }
    page->share++;
}

static inline unsigned long dax_page_share_put(struct page *page)
{
    return --page->share;
}

static void dax_associate_entry(void *entry, struct address_space *mapping,
                                struct vm_area_struct *vma, unsigned long address, bool shared)
{
    unsigned long size = dax_entry_size(entry), pfn, index;
    int i = 0;

    index = linear_page_index(vma, address & ~(size - 1));
    for_each_mapped_pfn_order_bug(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        if (shared) {
            dax_page_share_get(page);
        } else {
            WARN_ON_ONCE(page->mapping);
            page->mapping = mapping;
            page->index = index + i++;
        }
    }
}

static void dax_disassociate_entry(void *entry, struct address_space *mapping, bool trunc)
{
    unsigned long pfn;

    for_each_mapped_pfn_order_bug(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        WARN_ON_ONCE(trunc && page_ref_count(page) > 1);
        if (dax_page_is_shared(page)) {
            if (dax_page_share_put(page) > 0)
                continue;
        } else
            WARN_ON_ONCE(page->mapping && page->mapping != mapping);
        page->mapping = NULL;
        page->index = 0;
    }
}

// The encoding is v6.2's, so is the decoding (looked up when called: the
// registry is not complete while variants register).
daxcheck::Decoded decode(unsigned long pfn)
{
    return daxcheck::find_variant("v6.2")->decode(pfn);
}

const char kMissedPage[] =
    "the loop over an entry's pfns runs order + 1 pages: at PMD order 2 the last page of a PMD "
    "entry is never associated (the default run's PMD-order-2 walks find it)";

const char kNrpages[] =
    "6.2's fault path (.base): a PTE fault of a shared extent inside a PMD entry leaves mapping->nrpages "
    "counting the PMD, and evicting the file hits BUG_ON(inode->i_data.nrpages)";

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "test-order-plus-one",
    .upstream = "test only: v6.2 (mainline 16900426586032) with an injected loop bound",
    .summary = "v6.2 whose loop over an entry's pfns stops after order + 1 pages",
    .checks = {{daxcheck::model::DefensiveCheck::TruncatePinned, "dax_disassociate_entry",
                "trunc && page_ref_count(page) > 1"},
               {daxcheck::model::DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry", "page->mapping"},
               {daxcheck::model::DefensiveCheck::MappingMismatch, "dax_disassociate_entry",
                "page->mapping && page->mapping != mapping"}},
    .associate = dax_associate_entry,
    .disassociate = dax_disassociate_entry,
    .decode = decode,
    // The missed page is in no entry as far as the port knows: the checks
    // of a pinned or doubly owned page never see it either.
    .expected_failures = {{"refinement/exclusive", kMissedPage}, {"refinement/reflink", kMissedPage},
                          {"pin-warning/exclusive", kMissedPage}, {"pin-warning/reflink", kMissedPage},
                          {"misuse-detected/exclusive", kMissedPage}, {"misuse-detected/reflink", kMissedPage},
                          // 6.2's fault path (.base), as examples/my_patch.cpp declares it.
                          {"fs:refinement/reflink", kNrpages}, {"fs:no-spurious-warn/reflink", kNrpages},
                          {"fs:pin-warning/reflink", kNrpages}, {"fs:drain/reflink", kNrpages},
                          {"fs:order-independence/reflink", kNrpages}},
    .base = "v6.2",
})
