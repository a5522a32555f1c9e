#include "impl/folio_encoding.h"

namespace daxcheck {

using namespace kshim;

Decoded decode_folio_encoding(unsigned long pfn)
{
    struct page *page = pfn_to_page(pfn);
    struct folio *folio = page_folio(page);
    const unsigned long position = pfn - folio_pfn(folio);

    if (page->compound_head && !folio_test_large(folio))
        return Decoded::invalid("tail of a page that heads no large folio");
    if (position >= folio_nr_pages(folio))
        return Decoded::invalid("tail beyond its head's folio order");
    if (!folio_test_large(folio) && folio->compound_order != 0)
        return Decoded::invalid("order-0 page with a stale folio order " +
                                std::to_string(folio->compound_order));
    if (!page->compound_head && page->pgmap != fsdax_pgmap())
        return Decoded::invalid("page lost its dev_pagemap (a split did not restore pgmap)");
    if (folio->mapping == NULL) {
        if (folio->share != 0)
            return Decoded::shared(folio->share);
        if (folio_test_large(folio))
            return Decoded::invalid("large folio with no owner (never split)");
        return Decoded::free();
    }
    const int file = mapping_file(folio->mapping);
    if (file < 0) return Decoded::invalid("folio mapping is not a file's address_space");
    return Decoded::owned(static_cast<std::uint8_t>(file), folio->index + position);
}

RefcountView folio_refcount(unsigned long pfn)
{
    struct folio *folio = page_folio(pfn_to_page(pfn));
    return {folio_ref_count(folio), folio_pfn(folio), folio_nr_pages(folio)};
}

}  // namespace daxcheck
