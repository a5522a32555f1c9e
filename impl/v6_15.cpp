// Linux 6.15: Alistair Popple's "fs/dax: Fix ZONE_DEVICE page reference
// counts" series (docs/versions.md section 6).
// Upstream: mainline 38607c62b34b "fs/dax: properly refcount fs dax pages",
// 98c183a4fccf "fs/dax: don't disassociate zero page entries", and the
// 6.15-rc3 fix that resets the old folio order when splitting.
//
// Ownership is per folio and per entry; the PAGE_MAPPING_DAX_SHARED sentinel
// is gone; idle pages have refcount 0. Known problems against SPEC (findings,
// kept as released; see impl/expectations.cpp):
//   - dax_folio_put() resets nothing but mapping for an order-0 folio, so the
//     last owner's page->index stays behind in the overlaid folio->share: a
//     free page reads as shared, and the next shared association counts it.
//   - the split on the final put warns for any page still referenced (a pin
//     that outlives the mapping), and dax_folio_init() warns for a referenced
//     head; the old trunc/refcount and mismatch checks are gone.
//   - the shared path works on the folio of the entry's first pfn: a PTE
//     entry sharing a page of a PMD folio (or the reverse) warns on the order
//     mismatch and counts/initialises the whole folio, not the entry's pages.
//
// Encoding (per folio; a tail page reads its head, offset + its position):
// folio->mapping is a file's mapping (one owner at folio->index), or NULL
// with folio->share != 0 (shared by that many), or NULL with share 0 and an
// order-0, non-compound page (free).
#include "impl/fault/fault_path.h"
#include "impl/variant.h"

namespace {
using namespace kshim;

static inline struct folio *dax_to_folio(void *entry)
{
    return page_folio(pfn_to_page(dax_to_pfn(entry)));
}

// Shared: no mapping but a share count. A page shared by several files but
// mapped by only one of them so far is not (yet) shared.
static inline bool dax_folio_is_shared(struct folio *folio)
{
    return !folio->mapping && folio->share;
}

// The folio had one owner in folio->mapping: make it shared, counting that
// owner. Reverse-map users must now ask the filesystem for the owners.
static void dax_folio_make_shared(struct folio *folio)
{
    folio->mapping = NULL;
    folio->share = 1;
}

// Drop one association; at the last one release the folio and split a large
// folio back into order-0 pages.
static inline unsigned long dax_folio_put(struct folio *folio)
{
    unsigned long ref;
    int order, i;

    if (!dax_folio_is_shared(folio))
        ref = 0;
    else
        ref = --folio->share;

    if (ref)
        return ref;

    folio->mapping = NULL;
    order = folio_order(folio);
    if (!order)
        return 0;
    folio_reset_order(folio);

    for (i = 0; i < (1 << order); i++) {
        struct page *page = folio_page(folio, i);
        struct folio *new_folio = (struct folio *)page;

        ClearPageHead(page);
        clear_compound_head(page);

        new_folio->mapping = NULL;
        // (the kernel restores new_folio->pgmap here; the shim has no pgmap)
        new_folio->share = 0;
        WARN_ON_ONCE(folio_ref_count(new_folio));
    }

    return ref;
}

static void dax_folio_init(void *entry)
{
    struct folio *folio = dax_to_folio(entry);
    int order = dax_entry_order(entry);

    // dax_folio_put() split the folio back to order-0 pages when it left its
    // last mapping.
    WARN_ON_ONCE(folio_order(folio));

    if (order > 0) {
        prep_compound_page(folio_page(folio, 0), order);
        // (the kernel initialises folio->_deferred_list for order > 1)
        WARN_ON_ONCE(folio_ref_count(folio));
    }
}

static void dax_associate_entry(void *entry, struct address_space *mapping,
                                struct vm_area_struct *vma, unsigned long address, bool shared)
{
    unsigned long size = dax_entry_size(entry), index;
    struct folio *folio = dax_to_folio(entry);

    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
        return;

    index = linear_page_index(vma, address & ~(size - 1));
    if (shared && (folio->mapping || dax_folio_is_shared(folio))) {
        if (folio->mapping)
            dax_folio_make_shared(folio);

        WARN_ON_ONCE(!folio->share);
        WARN_ON_ONCE(dax_entry_order(entry) != folio_order(folio));
        folio->share++;
    } else {
        WARN_ON_ONCE(folio->mapping);
        dax_folio_init(entry);
        folio = dax_to_folio(entry);
        folio->mapping = mapping;
        folio->index = index;
    }
}

// `mapping` and `trunc` are no longer used from 6.15.
static void dax_disassociate_entry(void *entry, [[maybe_unused]] struct address_space *mapping,
                                   [[maybe_unused]] bool trunc)
{
    struct folio *folio = dax_to_folio(entry);

    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
        return;

    dax_folio_put(folio);
}

// get_user_pages / put_page: a reference on any page counts on its folio.
void pin_page(unsigned long pfn) { folio_get(page_folio(pfn_to_page(pfn))); }
void unpin_page(unsigned long pfn) { folio_put(page_folio(pfn_to_page(pfn))); }

// ---- representation relation (SPEC section 4)
daxcheck::Decoded decode(unsigned long pfn)
{
    struct page *page = pfn_to_page(pfn);
    struct folio *folio = page_folio(page);
    const unsigned long position = pfn - folio_pfn(folio);

    if (page->compound_head && !folio_test_large(folio))
        return daxcheck::Decoded::invalid("tail of a page that heads no large folio");
    if (position >= folio_nr_pages(folio))
        return daxcheck::Decoded::invalid("tail beyond its head's folio order");
    if (!folio_test_large(folio) && folio->compound_order != 0)
        return daxcheck::Decoded::invalid("order-0 page with a stale folio order " +
                                          std::to_string(folio->compound_order));
    if (folio->mapping == NULL) {
        if (folio->share != 0)
            return daxcheck::Decoded::shared(folio->share);
        if (folio_test_large(folio))
            return daxcheck::Decoded::invalid("large folio with no owner (never split)");
        return daxcheck::Decoded::free();
    }
    const int file = mapping_file(folio->mapping);
    if (file < 0) return daxcheck::Decoded::invalid("folio mapping is not a file's address_space");
    return daxcheck::Decoded::owned(static_cast<std::uint8_t>(file), folio->index + position);
}

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "v6.15",
    .upstream = "mainline 38607c62b34b, 98c183a4fccf (Linux 6.15)",
    .summary = "6.15: per-folio ownership, share when mapping is NULL, idle refcount 0",
    .checks = {{daxcheck::model::DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry",
                "folio->mapping"}},
    .associate = dax_associate_entry,
    .disassociate = dax_disassociate_entry,
    .decode = decode,
    .pin = pin_page,
    .unpin = unpin_page,
    .idle_refcount = 0,
    .fault_path = &daxcheck::kFaultPathV6_15,
})
