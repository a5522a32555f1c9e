// Linux 7.1: the 6.15 ownership code (KERNEL-HISTORY section 6) after
// "dax: Factor out dax_folio_reset_order() helper", mainline 59eb73b98ae0
// (John Groves, libnvdimm-for-7.1, April 2026; posted as famfs "[PATCH V7
// 02/19]"), and mm/memremap.c's free_zone_device_folio() as it stands since
// large ZONE_DEVICE private folios (6.18) and until the 2026 fix for fsdax.
//
// What changed against 6.15 (KERNEL-HISTORY section 8):
//   - dax_folio_put() calls dax_folio_reset_order() at the last association:
//     it clears mapping AND share for every order (the 6.15 stale-index
//     finding is gone), splits a large folio, restores pgmap, and returns the
//     old order; dax_folio_put() then checks each former page's count, for
//     order 0 as well (1 << 0 pages): releasing a pinned order-0 page warns now.
//   - free_zone_device_folio() warns VM_WARN_ON_ONCE(folio_test_large(folio))
//     for every large non-anonymous folio (CONFIG_DEBUG_VM): a large fsdax
//     folio whose last reference goes (an unpin while it is mapped) trips it.
// Unchanged from 6.15 and still present: the folio lookup before the
// zero/empty-entry guard (fixed only in 7.2), the shared path working on the
// folio of the entry's first pfn (order-mismatch warning, whole-folio share
// count), the second-owner check seeing only that folio, and the tail-pin
// drift of page references (see impl/v6_15.cpp).
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

// Reset a folio, compound or not, to order-0 pages with no owner: clears
// mapping and the index/share word, restores pgmap. Returns the old order.
int dax_folio_reset_order(struct folio *folio)
{
    struct dev_pagemap *pgmap = page_pgmap(&folio->page);
    int order = folio_order(folio);

    // mapping and the index/share union word are cleared whichever the
    // folio held: it is being released either way.
    folio->mapping = NULL;
    folio->share = 0;

    if (!order) {
        // (a no-op for dax_folio_put; the fsdev driver reuses this helper)
        folio->pgmap = pgmap;
        return 0;
    }

    folio_reset_order(folio);

    for (int i = 0; i < (1UL << order); i++) {
        struct page *page = folio_page(folio, i);
        struct folio *f = (struct folio *)page;

        ClearPageHead(page);
        clear_compound_head(page);
        f->mapping = NULL;
        f->share = 0;
        f->pgmap = pgmap;
    }

    return order;
}

// Drop one association; at the last one reset the folio to order-0 pages.
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

    order = dax_folio_reset_order(folio);

    // Debug check: verify refcounts are zero for all sub-folios
    for (i = 0; i < (1UL << order); i++) {
        struct page *page = folio_page(folio, i);

        WARN_ON_ONCE(folio_ref_count((struct folio *)page));
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

// mm/memremap.c from 6.18 (large ZONE_DEVICE private folios) to 7.1: the
// last put of a ZONE_DEVICE folio. A large folio that is not anonymous is
// only expected from device-private memory: VM_WARN_ON_ONCE for the rest,
// fsdax's PMD folios included.
static void free_zone_device_folio(struct folio *folio)
{
    struct dev_pagemap *pgmap = folio->pgmap;
    unsigned long nr = folio_nr_pages(folio);
    int i;

    if (WARN_ON_ONCE(!pgmap))
        return;

    mem_cgroup_uncharge(folio);

    if (folio_test_anon(folio)) {
        for (i = 0; i < nr; i++)
            __ClearPageAnonExclusive(folio_page(folio, i));
    } else {
        VM_WARN_ON_ONCE(folio_test_large(folio));
    }

    // FS DAX clears mapping itself when folio->share reaches 0.
    if (pgmap->type != MEMORY_DEVICE_FS_DAX &&
        pgmap->type != MEMORY_DEVICE_GENERIC)
        folio->mapping = NULL;

    switch (pgmap->type) {
    case MEMORY_DEVICE_PRIVATE:
    case MEMORY_DEVICE_COHERENT:
    case MEMORY_DEVICE_PCI_P2PDMA:
        break;  // (driver folio_free callbacks: no such memory in the shim)

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
    .name = "v7.1" DAXCHECK_VARIANT_SUFFIX,
    .upstream = "mainline 59eb73b98ae0 on the 6.15 code (Linux 7.1)",
    .summary = "7.1: dax_folio_reset_order() clears share for every order; free path warns for large folios",
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
