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
//   - page references (SPEC 9): a pin taken on a tail page counts on the
//     folio's head; when the last association splits the folio the count
//     stays on the former head and the unpin lands on the former tail's own
//     count (below zero; with CONFIG_DEBUG_VM, VM_BUG_ON_FOLIO in
//     folio_put_testzero).
//
// The free path is mm/memremap.c's free_zone_device_folio() of 6.15, run
// when a put drops a folio's count to 0.
//
// Encoding: impl/folio_encoding.h (per folio; a tail reads its head).
// daxcheck-configs: DEBUG_VM
#include "impl/fault/fault_path.h"
#include "impl/folio_encoding.h"
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

    for (i = 0; i < (1UL << order); i++) {
        struct dev_pagemap *pgmap = page_pgmap(&folio->page);
        struct page *page = folio_page(folio, i);
        struct folio *new_folio = (struct folio *)page;

        ClearPageHead(page);
        clear_compound_head(page);

        new_folio->mapping = NULL;
        // prep_compound_page() overwrote the tails' pgmap
        new_folio->pgmap = pgmap;
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
        prep_compound_page(&folio->page, order);
        if (order > 1)
            INIT_LIST_HEAD(&folio->_deferred_list);
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

// mm/memremap.c as of 6.15: the last put of a ZONE_DEVICE folio. For fsdax it
// leaves mapping alone (dax_folio_put clears it when the share count reaches 0)
// and wakes dax_break_layout() waiters.
static void free_zone_device_folio(struct folio *folio)
{
    struct dev_pagemap *pgmap = folio->pgmap;

    if (WARN_ON_ONCE(!pgmap))
        return;

    mem_cgroup_uncharge(folio);

    // (anonymous compound ZONE_DEVICE pages are not expected yet)
    if (folio_test_anon(folio)) {
        VM_BUG_ON_FOLIO(folio_test_large(folio), folio);
        __ClearPageAnonExclusive(folio_page(folio, 0));
    }

    // FS DAX clears mapping itself when folio->share reaches 0.
    if (pgmap->type != MEMORY_DEVICE_FS_DAX &&
        pgmap->type != MEMORY_DEVICE_GENERIC)
        folio->mapping = NULL;

    switch (pgmap->type) {
    case MEMORY_DEVICE_PRIVATE:
    case MEMORY_DEVICE_COHERENT:
    case MEMORY_DEVICE_PCI_P2PDMA:
        break;  // (driver page_free callbacks: no such memory in the shim)

    case MEMORY_DEVICE_GENERIC:
        folio_set_count(folio, 1);
        break;

    case MEMORY_DEVICE_FS_DAX:
        wake_up_var(&folio->page);
        break;
    }
}

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "v6.15" DAXCHECK_VARIANT_SUFFIX,
    .upstream = "mainline 38607c62b34b, 98c183a4fccf (Linux 6.15)",
    .summary = "6.15: per-folio ownership, share when mapping is NULL, idle refcount 0",
    .checks = {{daxcheck::model::DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry",
                "folio->mapping"}},
    .associate = dax_associate_entry,
    .disassociate = dax_disassociate_entry,
    .decode = daxcheck::decode_folio_encoding,
    .pin = pin_page,
    .unpin = unpin_page,
    .idle_refcount = 0,
    .refcount = daxcheck::folio_refcount,
    .free_folio = free_zone_device_folio,
    .fault_path = &daxcheck::kFaultPathV6_15,
})
