// Linux 6.0 and 6.1: v13 of "fsdax: set a CoW flag when associate reflink
// mappings" as merged.
// Upstream: mainline 6061b69b9a55 (docs/versions.md section 4).
//
// `byvalue` and `inverted` are fixed. Known bug kept as merged:
//   postdec  `page->index-- > 0` keeps a page whose count was 1: N
//            associations need N+1 releases (confirmed Nov 2022, fixed in 6.2)
// Not modelled here: the 6.0 caller passed cow only for write faults, so a
// read fault of a reflinked block took the normal path; the harness passes
// the operation's flag as the caller of the contract would.
//
// Encoding: page->mapping is NULL (free), a file's mapping (one owner at
// page->index), or the sentinel PAGE_MAPPING_DAX_COW (shared, page->index is
// the number of owners).
#include "impl/fault/fault_path.h"
#include "impl/variant.h"

namespace {
using namespace kshim;

#define PAGE_MAPPING_DAX_COW 0x1UL

static inline bool dax_mapping_is_cow(struct address_space *mapping)
{
    return reinterpret_cast<unsigned long>(mapping) == PAGE_MAPPING_DAX_COW;
}

// Set or update the CoW flag and count this association in page->index.
static inline void dax_mapping_set_cow(struct page *page)
{
    if ((uintptr_t)page->mapping != PAGE_MAPPING_DAX_COW) {
        // mapped normally before: count that owner
        if (page->mapping)
            page->index = 1;
        page->mapping = reinterpret_cast<struct address_space *>(PAGE_MAPPING_DAX_COW);
    }
    page->index++;
}

static void dax_associate_entry(void *entry, struct address_space *mapping,
                                struct vm_area_struct *vma, unsigned long address, bool cow)
{
    unsigned long size = dax_entry_size(entry), pfn, index;
    int i = 0;

    if (IS_ENABLED(CONFIG_FS_DAX_LIMITED))
        return;

    index = linear_page_index(vma, address & ~(size - 1));
    for_each_mapped_pfn(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        if (cow) {
            dax_mapping_set_cow(page);
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
        if (dax_mapping_is_cow(page->mapping)) {
            // keep the CoW flag if this page is still shared
            if (page->index-- > 0)  // bug `postdec`, as merged
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
    const struct page *page = pfn_to_page(pfn);
    if (page->mapping == NULL) {
        if (page->index != 0)
            return daxcheck::Decoded::invalid("no mapping but index=" + std::to_string(page->index));
        return daxcheck::Decoded::free();
    }
    if (dax_mapping_is_cow(page->mapping)) {
        if (page->index == 0)
            return daxcheck::Decoded::invalid("CoW flag with a share count of 0");
        return daxcheck::Decoded::shared(page->index);
    }
    const int file = mapping_file(page->mapping);
    if (file < 0) return daxcheck::Decoded::invalid("mapping is neither a file nor the CoW flag");
    return daxcheck::Decoded::owned(static_cast<std::uint8_t>(file), page->index);
}

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "v6.0",
    .upstream = "mainline 6061b69b9a55 (Linux 6.0, 6.1)",
    .summary = "v13 as merged in 6.0/6.1: bug postdec",
    .checks = {{daxcheck::model::DefensiveCheck::TruncatePinned, "dax_disassociate_entry",
                "trunc && page_ref_count(page) > 1"},
               {daxcheck::model::DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry",
                "page->mapping"},
               {daxcheck::model::DefensiveCheck::MappingMismatch, "dax_disassociate_entry",
                "page->mapping && page->mapping != mapping"}},
    .associate = dax_associate_entry,
    .disassociate = dax_disassociate_entry,
    .decode = decode,
    .fault_path = &daxcheck::kFaultPathV6_0,
})
