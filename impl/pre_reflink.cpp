// fs/dax.c page ownership before reflink support (about v4.19 to v5.19):
// dax_associate_entry / dax_disassociate_entry with no shared path at all.
// Upstream: mainline fs/dax.c before 6061b69b9a55 ("fsdax: set a CoW flag
// when associate reflink mappings"), docs/versions.md section 1.
//
// Known limits (not bugs of the time: reflink and DAX were mutually
// exclusive): a page has at most one owner. The associate call has no shared
// flag, so a second file mapping the same block overwrites the first owner
// and warns; releasing the first owner then warns on a mapping mismatch.
//
// Encoding: page->mapping is NULL (free) or a file's mapping (one owner at
// page->index). Nothing else.
#include "impl/fault/fault_path.h"
#include "impl/variant.h"

namespace {
using namespace kshim;

// The kernel function has no shared flag; the harness's `shared` argument is
// dropped by the registration below.
static void dax_associate_entry(void *entry, struct address_space *mapping,
                                struct vm_area_struct *vma, unsigned long address)
{
    unsigned long size = dax_entry_size(entry), pfn, index;
    int i = 0;

    if (IS_ENABLED(CONFIG_FS_DAX_LIMITED))
        return;

    index = linear_page_index(vma, address & ~(size - 1));
    for_each_mapped_pfn(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        WARN_ON_ONCE(page->mapping);
        page->mapping = mapping;
        page->index = index + i++;
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
        WARN_ON_ONCE(page->mapping && page->mapping != mapping);
        page->mapping = NULL;
        page->index = 0;
    }
}

// The caller of this era (dax_insert_entry) knows nothing of sharing.
void associate_ignoring_shared(void *entry, struct address_space *mapping,
                               struct vm_area_struct *vma, unsigned long address, bool)
{
    dax_associate_entry(entry, mapping, vma, address);
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
    const int file = mapping_file(page->mapping);
    if (file < 0) return daxcheck::Decoded::invalid("mapping is not a file's address_space");
    return daxcheck::Decoded::owned(static_cast<std::uint8_t>(file), page->index);
}

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "pre-reflink",
    .upstream = "mainline fs/dax.c v4.19..v5.19 (before 6061b69b9a55)",
    .summary = "before reflink support: one owner per page, no shared path (ignores the flag)",
    .checks = {{daxcheck::model::DefensiveCheck::TruncatePinned, "dax_disassociate_entry",
                "trunc && page_ref_count(page) > 1"},
               {daxcheck::model::DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry",
                "page->mapping"},
               {daxcheck::model::DefensiveCheck::MappingMismatch, "dax_disassociate_entry",
                "page->mapping && page->mapping != mapping"}},
    .associate = associate_ignoring_shared,
    .disassociate = dax_disassociate_entry,
    .decode = decode,
    .fault_path = &daxcheck::kFaultPathPreReflink,
})
