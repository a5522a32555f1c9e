// v12 of "fsdax: set a CoW flag when associate reflink mappings" as posted.
// Upstream: Message-ID 20220410160904.3758789-8-ruansy.fnst@fujitsu.com
// (docs/versions.md section 3).
//
// The setter now takes a pointer to page->mapping (v10's `byvalue` fixed).
// Known bugs kept as posted:
//   inverted  dax_disassociate_entry takes the share-count path for pages
//             that are NOT flagged, and the mismatch check for flagged ones
//   postdec   `page->index-- > 0` keeps a page whose count was 1: N
//             associations need N+1 releases
//
// Encoding: page->mapping is NULL (free), a file's mapping (one owner at
// page->index), or the sentinel PAGE_MAPPING_DAX_COW (shared, page->index is
// the number of owners).
#include "impl/fault/fault_path.h"
#include "impl/variant.h"

namespace {
using namespace kshim;

#define PAGE_MAPPING_DAX_COW 0x1UL

static inline void dax_mapping_set_cow_flag(struct address_space **mapping)
{
    *mapping = reinterpret_cast<struct address_space *>(PAGE_MAPPING_DAX_COW);
}

static inline bool dax_mapping_is_cow(struct address_space *mapping)
{
    return reinterpret_cast<unsigned long>(mapping) == PAGE_MAPPING_DAX_COW;
}

// Set the CoW flag in page->mapping, or update it; true if it is an update of
// a page that had a normal owner.
static inline bool dax_mapping_set_cow(struct page *page)
{
    if (page->mapping) {
        // already flagged
        if (dax_mapping_is_cow(page->mapping))
            return false;
        // mapped normally before it became shared: just set the flag
        dax_mapping_set_cow_flag(&page->mapping);
        return true;
    }
    // a new CoW association
    dax_mapping_set_cow_flag(&page->mapping);
    return false;
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
            if (dax_mapping_set_cow(page)) {
                // the earlier normal owner plus this one
                page->index = 2;
            } else
                page->index++;
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
        if (!dax_mapping_is_cow(page->mapping)) {  // bug `inverted`, as posted
            // keep the CoW flag while the page is still shared
            if (page->index-- > 0)  // bug `postdec`, as posted
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
    .name = "v12",
    .upstream = "Message-ID 20220410160904.3758789-8-ruansy.fnst@fujitsu.com",
    .summary = "v12 as posted: byvalue fixed; bugs inverted, postdec",
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
