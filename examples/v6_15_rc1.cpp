// Example out-of-tree port of a patch against its base (issue 16): the
// 6.15-rc1 state of Alistair Popple's refcount series, that is v6.15 before
// David Hildenbrand's 6.15-rc3 fix "fs/dax: fix folio splitting issue by
// resetting old folio order + _nr_pages" (docs/versions.md section 6,
// KERNEL-HISTORY section 6).
// Upstream: mainline 38607c62b34b "fs/dax: properly refcount fs dax pages"
// as merged for 6.15-rc1 (its dax_folio_put() splits a large folio without
// folio_reset_order()).
//
// Only what differs from the base is written here: dax_folio_put() and its
// caller. Every other function is the base's (v6.15), looked up when called.
//
//   ./daxcheck --port examples/v6_15_rc1.cpp run --variant v6.15-rc1 --base
//
// reports, by failure class, what rc1 has that 6.15 has not: the head page
// of a split folio keeps its old order (compound_order) and reads as an
// order-0 page with a stale folio order.
#include "impl/variant.h"

namespace {
using namespace kshim;

const daxcheck::Variant& base()
{
    static const daxcheck::Variant* v = daxcheck::find_variant("v6.15" DAXCHECK_VARIANT_SUFFIX);
    return *v;
}

static inline bool dax_folio_is_shared(struct folio *folio)
{
    return !folio->mapping && folio->share;
}

// As 6.15's, without the folio_reset_order() the rc3 fix added before the
// split loop: the former head keeps its order.
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

    for (i = 0; i < (1UL << order); i++) {
        struct dev_pagemap *pgmap = page_pgmap(&folio->page);
        struct page *page = folio_page(folio, i);
        struct folio *new_folio = (struct folio *)page;

        ClearPageHead(page);
        clear_compound_head(page);

        new_folio->mapping = NULL;
        new_folio->pgmap = pgmap;  // prep_compound_page() overwrote the tails'
        new_folio->share = 0;
        WARN_ON_ONCE(folio_ref_count(new_folio));
    }

    return ref;
}

static void dax_disassociate_entry(void *entry, [[maybe_unused]] struct address_space *mapping,
                                   [[maybe_unused]] bool trunc)
{
    struct folio *folio = page_folio(pfn_to_page(dax_to_pfn(entry)));

    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry))
        return;

    dax_folio_put(folio);
}

// The base's own functions.
void associate(void *entry, struct address_space *mapping, struct vm_area_struct *vma,
               unsigned long address, bool shared)
{
    base().associate(entry, mapping, vma, address, shared);
}
daxcheck::Decoded decode(unsigned long pfn) { return base().decode(pfn); }
void pin(unsigned long pfn) { base().pin(pfn); }
void unpin(unsigned long pfn) { base().unpin(pfn); }
daxcheck::RefcountView refcount(unsigned long pfn) { return base().refcount(pfn); }
void free_folio(struct folio *folio) { base().free_folio(folio); }

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "v6.15-rc1" DAXCHECK_VARIANT_SUFFIX,
    .upstream = "mainline 38607c62b34b as merged for 6.15-rc1 (before the rc3 folio-order fix)",
    .summary = "6.15-rc1: 6.15 without folio_reset_order() in dax_folio_put's split",
    .checks = {{daxcheck::model::DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry",
                "folio->mapping"}},
    .associate = associate,
    .disassociate = dax_disassociate_entry,
    .decode = decode,
    .pin = pin,
    .unpin = unpin,
    .idle_refcount = 0,
    .refcount = refcount,
    .free_folio = free_folio,
    .base = "v6.15",
})
