// Linux 6.2 to 6.14: "fsdax: introduce page->share for fsdax in reflink mode".
// Upstream: mainline 16900426586032 (Dec 2022; docs/versions.md section 5).
//
// The share count gets its own name (page->share overlays page->index) and
// is pre-decremented: no known bug in this logic. From 6.2 the caller passes
// shared = IOMAP_F_SHARED for read faults too.
//
// Encoding: page->mapping is NULL (free), a file's mapping (one owner at
// page->index), or the sentinel PAGE_MAPPING_DAX_SHARED (shared,
// page->share is the number of owners).
#include "impl/fault/fault_path.h"
#include "impl/variant.h"

namespace {
using namespace kshim;

#define PAGE_MAPPING_DAX_SHARED (reinterpret_cast<struct address_space *>(0x1UL))

static inline bool dax_page_is_shared(struct page *page)
{
    return page->mapping == PAGE_MAPPING_DAX_SHARED;
}

// Set the shared flag, or count one more sharer of an already shared page.
static inline void dax_page_share_get(struct page *page)
{
    if (page->mapping != PAGE_MAPPING_DAX_SHARED) {
        // mapped normally before: count that owner
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

    if (IS_ENABLED(CONFIG_FS_DAX_LIMITED))
        return;

    index = linear_page_index(vma, address & ~(size - 1));
    for_each_mapped_pfn(entry, pfn) {
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

    if (IS_ENABLED(CONFIG_FS_DAX_LIMITED))
        return;

    for_each_mapped_pfn(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        WARN_ON_ONCE(trunc && page_ref_count(page) > 1);
        if (dax_page_is_shared(page)) {
            // keep the shared flag while the page is still shared
            if (dax_page_share_put(page) > 0)
                continue;
        } else
            WARN_ON_ONCE(page->mapping && page->mapping != mapping);
        page->mapping = NULL;
        page->index = 0;
    }
}

// ---- representation relation (SPEC section 4)
daxcheck::Decoded decode(unsigned long pfn)
{
    struct page *page = pfn_to_page(pfn);
    if (page->mapping == NULL) {
        if (page->index != 0)
            return daxcheck::Decoded::invalid("no mapping but index=" + std::to_string(page->index));
        return daxcheck::Decoded::free();
    }
    if (dax_page_is_shared(page)) {
        if (page->share == 0)
            return daxcheck::Decoded::invalid("shared flag with a share count of 0");
        return daxcheck::Decoded::shared(page->share);
    }
    const int file = mapping_file(page->mapping);
    if (file < 0) return daxcheck::Decoded::invalid("mapping is neither a file nor the shared flag");
    return daxcheck::Decoded::owned(static_cast<std::uint8_t>(file), page->index);
}

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "v6.2",
    .upstream = "mainline 16900426586032 (Linux 6.2 to 6.14)",
    .summary = "6.2-6.14: page->share, pre-decrement; no known bug",
    .checks = {{daxcheck::model::DefensiveCheck::TruncatePinned, "dax_disassociate_entry",
                "trunc && page_ref_count(page) > 1"},
               {daxcheck::model::DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry",
                "page->mapping"},
               {daxcheck::model::DefensiveCheck::MappingMismatch, "dax_disassociate_entry",
                "page->mapping && page->mapping != mapping"}},
    .associate = dax_associate_entry,
    .disassociate = dax_disassociate_entry,
    .decode = decode,
    .fault_path = &daxcheck::kFaultPathV6_2,
})
