// Linux 7.2, the current mainline: the 7.1 code (impl/v7_1.cpp) with the
// 2026 changes of KERNEL-HISTORY section 8:
//   - "fs/dax: Use free_zone_device_folio_prepare() helper" (Matthew Brost,
//     posted as Message-ID 20260111205820.830410-4-francois.dugast@intel.com
//     with the helper in 20260111205820.830410-3-...): dax_folio_put() hands
//     the released folio to mm/memremap.c's free_zone_device_folio_prepare(),
//     whose checks are VM_WARN_ON_FOLIO (CONFIG_DEBUG_VM only).
//   - the fix that moves the zero/empty-entry guard in front of the folio
//     lookup in dax_associate_entry / dax_disassociate_entry (Fixes
//     38607c62b34b and 98c183a4fccf; the 2026 arm64 oops from 6.18.4).
//   - the fix for the free path's large-folio warning: fsdax folios are
//     legitimately large (PMD mappings), free_zone_device_folio() no longer
//     warns for them.
// Transcription note: the merged 7.2 text of dax_folio_put() was not
// readable here (the stored tree is a 6.17-era fs/dax.c; the whole history is
// too large to fetch). This port applies the posted patch to 7.1's
// dax_folio_put(): the call to dax_folio_reset_order() and its check loop
// become one call to free_zone_device_folio_prepare(), which for an order-0
// folio clears only mapping. dax_folio_reset_order() stays for the fsdev
// driver. Confirm on a running 7.2 (SPEC 11) before reporting upstream.
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
[[maybe_unused]] int dax_folio_reset_order(struct folio *folio)
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

// mm/memremap.c (2026): undo a ZONE_DEVICE folio's compound state before it
// is freed or reused. Order 0: only mapping is cleared.
static void free_zone_device_folio_prepare(struct folio *folio)
{
    struct dev_pagemap *pgmap = page_pgmap(&folio->page);
    int order, i;

    VM_WARN_ON_FOLIO(!folio_is_zone_device(folio), folio);

    folio->mapping = NULL;
    order = folio_order(folio);
    if (!order)
        return;

    folio_reset_order(folio);

    for (i = 0; i < (1UL << order); i++) {
        struct page *page = folio_page(folio, i);
        struct folio *new_folio = (struct folio *)page;

        ClearPageHead(page);
        clear_compound_head(page);

        new_folio->mapping = NULL;
        // prep_compound_page() overwrote the tails' pgmap
        new_folio->pgmap = pgmap;
        new_folio->share = 0;  // fsdax only, unused for device private
        VM_WARN_ON_FOLIO(folio_ref_count(new_folio), new_folio);
        VM_WARN_ON_FOLIO(!folio_is_zone_device(new_folio), new_folio);
    }
}

// Drop one association; at the last one release the folio to the ZONE_DEVICE
// helper.
static inline unsigned long dax_folio_put(struct folio *folio)
{
    unsigned long ref;

    if (!dax_folio_is_shared(folio))
        ref = 0;
    else
        ref = --folio->share;

    if (ref)
        return ref;

    free_zone_device_folio_prepare(folio);

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
    struct folio *folio;

    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
        return;

    folio = dax_to_folio(entry);

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
    struct folio *folio;

    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
        return;

    folio = dax_to_folio(entry);
    dax_folio_put(folio);
}

// get_user_pages / put_page: a reference on any page counts on its folio.
void pin_page(unsigned long pfn) { folio_get(page_folio(pfn_to_page(pfn))); }
void unpin_page(unsigned long pfn) { folio_put(page_folio(pfn_to_page(pfn))); }

// mm/memremap.c (2026): the last put of a ZONE_DEVICE folio. The
// large-folio check now leaves fsdax folios alone (PMD mappings make them
// large); device-private and coherent folios are reset by
// free_zone_device_folio_prepare() before the driver frees them.
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
        VM_WARN_ON_ONCE(folio_test_large(folio) &&
                        pgmap->type != MEMORY_DEVICE_FS_DAX);
    }

    // FS DAX clears mapping itself when folio->share reaches 0.
    if (pgmap->type != MEMORY_DEVICE_FS_DAX &&
        pgmap->type != MEMORY_DEVICE_GENERIC)
        folio->mapping = NULL;

    switch (pgmap->type) {
    case MEMORY_DEVICE_PRIVATE:
    case MEMORY_DEVICE_COHERENT:
        free_zone_device_folio_prepare(folio);
        break;  // (then the driver's folio_free callback: no such memory in the shim)

    case MEMORY_DEVICE_PCI_P2PDMA:
        break;

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
    .name = "v7.2" DAXCHECK_VARIANT_SUFFIX,
    .upstream = "mainline as of 7.2: 7.1 + free_zone_device_folio_prepare(), zero-entry guard fix, free-path fix",
    .summary = "7.2: the 7.1 code with the 2026 free_zone_device_folio_prepare(), guard and free-path fixes",
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
