// Test-only ports for measuring search depth (issue 8): the v6.2 logic
// (impl/v6_2.cpp, mainline 16900426586032) with one injected bug, the share
// increment lost when a pfn gains its K-th sharer. A counterexample needs K
// associations of one pfn, so K sets how deep the bug sits. Registered only in
// the test and bench binaries (tests/CMakeLists.txt), never in `daxcheck list`.
#include "impl/variant.h"

namespace {
using namespace kshim;

#define PAGE_MAPPING_DAX_SHARED (reinterpret_cast<struct address_space *>(0x1UL))

static inline bool dax_page_is_shared(struct page *page)
{
    return page->mapping == PAGE_MAPPING_DAX_SHARED;
}

// v6.2's dax_page_share_get, except that the K-th sharer is not counted.
template <unsigned long K>
static inline void dax_page_share_get(struct page *page)
{
    if (page->mapping != PAGE_MAPPING_DAX_SHARED) {
        if (page->mapping)
            page->share = 1;
        page->mapping = PAGE_MAPPING_DAX_SHARED;
    }
    if (page->share + 1 == K)  // the injected bug
        return;
    page->share++;
}

static inline unsigned long dax_page_share_put(struct page *page)
{
    return --page->share;
}

template <unsigned long K>
static void dax_associate_entry(void *entry, struct address_space *mapping,
                                struct vm_area_struct *vma, unsigned long address, bool shared)
{
    unsigned long size = dax_entry_size(entry), pfn, index;
    int i = 0;

    index = linear_page_index(vma, address & ~(size - 1));
    for_each_mapped_pfn(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        if (shared) {
            dax_page_share_get<K>(page);
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

    for_each_mapped_pfn(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        WARN_ON_ONCE(trunc && page_ref_count(page) > 1);
        if (dax_page_is_shared(page)) {
            if (dax_page_share_put(page) > 0)
                continue;
        } else
            WARN_ON_ONCE(page->mapping && page->mapping != mapping);
        page->mapping = NULL;
        page->index = 0;
    }
}

daxcheck::Decoded decode(unsigned long pfn)
{
    struct page *page = pfn_to_page(pfn);
    if (page->mapping == NULL) {
        if (page->index != 0)
            return daxcheck::Decoded::invalid("no mapping but index=" + std::to_string(page->index));
        return daxcheck::Decoded::free();
    }
    if (dax_page_is_shared(page)) {
        if (page->share == 0)
            return daxcheck::Decoded::invalid("shared flag with a share count of 0");
        return daxcheck::Decoded::shared(page->share);
    }
    const int file = mapping_file(page->mapping);
    if (file < 0) return daxcheck::Decoded::invalid("mapping is neither a file nor the shared flag");
    return daxcheck::Decoded::owned(static_cast<std::uint8_t>(file), page->index);
}

template <unsigned long K>
daxcheck::Variant lose_share_variant()
{
    using daxcheck::model::DefensiveCheck;
    return {
        .name = "test-lose-share-k" + std::to_string(K),
        .upstream = "test only: v6.2 (mainline 16900426586032) with an injected bug",
        .summary = "v6.2 that loses the share increment of a pfn's " + std::to_string(K) +
                   "-th sharer",
        .checks = {{DefensiveCheck::TruncatePinned, "dax_disassociate_entry",
                    "trunc && page_ref_count(page) > 1"},
                   {DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry", "page->mapping"},
                   {DefensiveCheck::MappingMismatch, "dax_disassociate_entry",
                    "page->mapping && page->mapping != mapping"}},
        .associate = dax_associate_entry<K>,
        .disassociate = dax_disassociate_entry,
        .decode = decode,
        .expected_failures = {{"refinement/reflink",
                               "the K-th sharer is not counted: Shared(K-1) for K owners"}},
        .base = "v6.2",
    };
}

}  // namespace

DAXCHECK_REGISTER_VARIANT({lose_share_variant<3>()})
DAXCHECK_REGISTER_VARIANT({lose_share_variant<4>()})
DAXCHECK_REGISTER_VARIANT({lose_share_variant<5>()})
DAXCHECK_REGISTER_VARIANT({lose_share_variant<6>()})
DAXCHECK_REGISTER_VARIANT({lose_share_variant<7>()})

// A name with spaces and a quote, for the round trips of what the tool
// writes and prints (tests/cli_test.sh): the saved corpus file's `expect:`
// line and the reproduce line with --port and shell quoting.
namespace {
daxcheck::Variant quoted_name_variant()
{
    daxcheck::Variant v = lose_share_variant<2>();
    v.name = "test lose share k2 'quoted'";
    return v;
}
}  // namespace
DAXCHECK_REGISTER_VARIANT({quoted_name_variant()})
