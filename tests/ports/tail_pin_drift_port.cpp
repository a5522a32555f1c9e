// Test-only port for SPEC 9 (issue 14): the 6.15-family ownership code with
// the other known 6.15 problems taken out, so the one thing left is how page
// references move. The association logic is impl/v7_1.cpp's (mainline
// 59eb73b98ae0: the released folio loses mapping and share for every order),
// without the refcount warnings of its release, so only `refinement` can see
// the drift: a pin taken on a tail page of a PMD folio counts on the head
// (folio_get of page_folio); the split at the last association leaves it on
// the former head, and the unpin lands on the former tail's own count.
// Registered only in the test binary (tests/CMakeLists.txt), never in
// `daxcheck list`; built under its configuration matrix like an in-tree port
// (under CONFIG_DEBUG_VM the unpin hits VM_BUG_ON_FOLIO in folio_put_testzero).
// daxcheck-configs: DEBUG_VM
#include "impl/folio_encoding.h"
#include "impl/variant.h"

namespace {
using namespace kshim;

static inline struct folio *dax_to_folio(void *entry)
{
    return page_folio(pfn_to_page(dax_to_pfn(entry)));
}

static inline bool dax_folio_is_shared(struct folio *folio)
{
    return !folio->mapping && folio->share;
}

// 7.1's reset, without the refcount checks around it.
static int dax_folio_reset_order(struct folio *folio)
{
    struct dev_pagemap *pgmap = page_pgmap(&folio->page);
    int order = folio_order(folio);

    folio->mapping = NULL;
    folio->share = 0;
    if (!order)
        return 0;
    folio_reset_order(folio);
    for (unsigned long i = 0; i < (1UL << order); i++) {
        struct folio *f = (struct folio *)folio_page(folio, i);

        ClearPageHead(f);
        clear_compound_head(f);
        f->mapping = NULL;
        f->share = 0;
        f->pgmap = pgmap;
    }
    return order;
}

static void dax_associate_entry(void *entry, struct address_space *mapping,
                                struct vm_area_struct *vma, unsigned long address, bool shared)
{
    unsigned long size = dax_entry_size(entry);
    struct folio *folio;

    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
        return;
    folio = dax_to_folio(entry);
    if (shared && (folio->mapping || dax_folio_is_shared(folio))) {
        if (folio->mapping) {
            folio->mapping = NULL;
            folio->share = 1;
        }
        folio->share++;
        return;
    }
    if (dax_entry_order(entry) > 0)
        prep_compound_page(&folio->page, dax_entry_order(entry));
    folio->mapping = mapping;
    folio->index = linear_page_index(vma, address & ~(size - 1));
}

// The folio an entry's release resets, or NULL when it keeps it (a zero or
// empty entry, or a sharer left).
static struct folio *folio_to_reset(void *entry)
{
    struct folio *folio;

    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
        return NULL;
    folio = dax_to_folio(entry);
    if (dax_folio_is_shared(folio) && --folio->share)
        return NULL;
    return folio;
}

static void dax_disassociate_entry(void *entry, struct address_space *, bool)
{
    struct folio *folio = folio_to_reset(entry);

    if (folio)
        dax_folio_reset_order(folio);
}

// For test-tail-pin-drift-stale-head: the same release, but a released PMD
// folio keeps its mapping on the former head, so the relation breaks at the
// very release whose count drifts and its message hides the count (the
// BaseDiff tests of refcount_test.cpp: "not seen", not "fixed").
static void dax_disassociate_entry_stale_head(void *entry, struct address_space *mapping, bool)
{
    struct folio *folio = folio_to_reset(entry);

    if (folio && dax_folio_reset_order(folio))
        folio->mapping = mapping;
}

void pin_page(unsigned long pfn) { folio_get(page_folio(pfn_to_page(pfn))); }
void unpin_page(unsigned long pfn) { folio_put(page_folio(pfn_to_page(pfn))); }

// The fsdax case of free_zone_device_folio: nothing to check.
void free_fsdax_folio(struct folio *folio) { wake_up_var(&folio->page); }

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "test-tail-pin-drift" DAXCHECK_VARIANT_SUFFIX,
    .upstream = "test only: 59eb73b98ae0's ownership logic without its warnings",
    .summary = "a tail pin counts on the folio head and stays there after the split",
    .associate = dax_associate_entry,
    .disassociate = dax_disassociate_entry,
    .decode = daxcheck::decode_folio_encoding,
    .pin = pin_page,
    .unpin = unpin_page,
    .idle_refcount = 0,
    .refcount = daxcheck::folio_refcount,
    .free_folio = free_fsdax_folio,
})

DAXCHECK_REGISTER_VARIANT({
    .name = "test-tail-pin-drift-stale-head" DAXCHECK_VARIANT_SUFFIX,
    .upstream = "test only: test-tail-pin-drift whose released PMD folio keeps its mapping",
    .summary = "the drift, hidden behind a stale mapping on the former head",
    .associate = dax_associate_entry,
    .disassociate = dax_disassociate_entry_stale_head,
    .decode = daxcheck::decode_folio_encoding,
    .pin = pin_page,
    .unpin = unpin_page,
    .idle_refcount = 0,
    .refcount = daxcheck::folio_refcount,
    .free_folio = free_fsdax_folio,
})
