// Example out-of-tree port: how a kernel developer checks their own version
// of the fsdax ownership functions without editing the daxcheck tree.
//
//   cmake --preset default -DDAXCHECK_EXTRA_VARIANTS=$PWD/examples/my_patch.cpp
//   ./daxcheck run --port examples/my_patch.cpp --variant example-cow-entry
//
// This one follows Dan Williams' review of v10 (15 Feb 2022): a separate
// dax_associate_cow_entry() for shared extents instead of a flag argument,
// with the share count kept in page->index behind a sentinel mapping.
#include "impl/variant.h"

namespace {
using namespace kshim;

#define PAGE_MAPPING_DAX_COW 0x1UL

static bool dax_page_is_cow(struct page *page)
{
    return (unsigned long)page->mapping == PAGE_MAPPING_DAX_COW;  // a C cast: race's fields take it
}

// A shared extent: the first sharer of a normally owned page counts its owner.
static void dax_associate_cow_entry(void *entry)
{
    unsigned long pfn;

    for_each_mapped_pfn(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        if (!dax_page_is_cow(page)) {
            page->index = page->mapping ? 1 : 0;
            page->mapping = reinterpret_cast<struct address_space *>(PAGE_MAPPING_DAX_COW);
        }
        page->index++;
    }
}

static void dax_associate_entry(void *entry, struct address_space *mapping,
                                struct vm_area_struct *vma, unsigned long address)
{
    unsigned long size = dax_entry_size(entry), pfn, index;
    int i = 0;

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

    for_each_mapped_pfn(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        WARN_ON_ONCE(trunc && page_ref_count(page) > 1);
        if (dax_page_is_cow(page)) {
            if (--page->index > 0)
                continue;
        } else
            WARN_ON_ONCE(page->mapping && page->mapping != mapping);
        page->mapping = NULL;
        page->index = 0;
    }
}

// dax_insert_entry's choice between the two, as this patch would make it.
static void associate(void *entry, struct address_space *mapping, struct vm_area_struct *vma,
                      unsigned long address, bool shared)
{
    if (shared)
        dax_associate_cow_entry(entry);
    else
        dax_associate_entry(entry, mapping, vma, address);
}

// How this encoding represents the model (SPEC section 4).
daxcheck::Decoded decode(unsigned long pfn)
{
    struct page *page = pfn_to_page(pfn);

    if (!page->mapping)
        return page->index ? daxcheck::Decoded::invalid("no mapping but index set")
                           : daxcheck::Decoded::free();
    if (dax_page_is_cow(page))
        return page->index ? daxcheck::Decoded::shared(page->index)
                           : daxcheck::Decoded::invalid("CoW sentinel with count 0");
    const int file = mapping_file(page->mapping);
    if (file < 0)
        return daxcheck::Decoded::invalid("unknown mapping");
    return daxcheck::Decoded::owned(static_cast<std::uint8_t>(file), page->index);
}

}  // namespace

constexpr const char* kLostIncrement =
    "two files sharing a page bump page->index under two different locks: one increment is lost";
constexpr const char* kNrpages =
    "6.2's fault path (.base): a PTE fault of a shared extent inside a PMD entry stores its PTE "
    "entry over the PMD entry, and evicting the file hits BUG_ON(inode->i_data.nrpages)";

DAXCHECK_REGISTER_VARIANT({
    .name = "example-cow-entry",
    .upstream = "examples/my_patch.cpp (not upstream: a worked example)",
    .summary = "separate dax_associate_cow_entry(), count in index behind a sentinel",
    .checks = {{daxcheck::model::DefensiveCheck::TruncatePinned, "dax_disassociate_entry",
                "trunc && page_ref_count(page) > 1"},
               {daxcheck::model::DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry",
                "page->mapping"},
               {daxcheck::model::DefensiveCheck::MappingMismatch, "dax_disassociate_entry",
                "page->mapping && page->mapping != mapping"}},
    .associate = associate,
    .disassociate = dax_disassociate_entry,
    .decode = decode,
    // Every property is expected to pass but where the contract says
    // otherwise. `race` (SPEC 10): two files' page->index++ run under two
    // different locks, none in common. The filesystem level's reflink cells
    // (SPEC 8): this port runs 6.2's fault path, whose PTE fault inside a
    // shared PMD extent leaves mapping->nrpages counting the PMD's pages.
    .expected_failures = {{"race/reflink", kLostIncrement},
                          {"fs:race/reflink", kLostIncrement},
                          {"fs:refinement/reflink", kNrpages},
                          {"fs:no-spurious-warn/reflink", kNrpages},
                          {"fs:pin-warning/reflink", kNrpages},
                          {"fs:drain/reflink", kNrpages},
                          {"fs:order-independence/reflink", kNrpages}},
    .base = "v6.2",  // inherit 6.2's fault path (dax_insert_entry)
})
