// Test-only ports for `race` (issue 15, docs/contract.md section 10): the
// v6.2 logic (impl/v6_2.cpp, mainline 16900426586032) with the share count
// update written three ways. Registered only in the race test binary
// (tests/CMakeLists.txt), never in `daxcheck list`.
//
//   test-race-split-share   the increment split into two unrelated
//                           statements: a load into a local, other work, then
//                           the store. Two files' associations of one shared
//                           page lose an update: `race` must catch it.
//   test-race-common-lock   the same, with one lock both files take around
//                           the whole of associate and disassociate: the two
//                           calls are serialised, `race` must pass it.
//   test-race-page-lock     the same, with a lock per page around each page's
//                           update (what a folio lock would do): passes.
// The plain v6.2 port is not among them: its `share++` is already a load and
// a store in the concurrency build.
#include "impl/fault/fault_path.h"
#include "impl/variant.h"

namespace {
using namespace kshim;

#define PAGE_MAPPING_DAX_SHARED (reinterpret_cast<struct address_space *>(0x1UL))

enum class Locking { None, Common, PerPage };

spinlock_t common_lock;
spinlock_t page_locks[64];

static inline bool dax_page_is_shared(struct page *page)
{
    return page->mapping == PAGE_MAPPING_DAX_SHARED;
}

// v6.2's dax_page_share_get with the increment split in two.
static inline void dax_page_share_get(struct page *page)
{
    if (page->mapping != PAGE_MAPPING_DAX_SHARED) {
        if (page->mapping)
            page->share = 1;
        page->mapping = PAGE_MAPPING_DAX_SHARED;
    }
    unsigned long share = page->share;      // the load ...
    WARN_ON_ONCE(page_ref_count(page) < 0);  // ... other work ...
    page->share = share + 1;                 // ... and the store
}

template <Locking L>
static spinlock_t *lock_of(unsigned long pfn)
{
    return L == Locking::Common ? &common_lock : &page_locks[pfn % 64];
}

template <Locking L>
static void dax_associate_entry(void *entry, struct address_space *mapping,
                                struct vm_area_struct *vma, unsigned long address, bool shared)
{
    unsigned long size = dax_entry_size(entry), pfn, index;
    int i = 0;

    if (L == Locking::Common)
        spin_lock(&common_lock);
    index = linear_page_index(vma, address & ~(size - 1));
    for_each_mapped_pfn(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        if (L == Locking::PerPage)
            spin_lock(lock_of<L>(pfn));
        if (shared) {
            dax_page_share_get(page);
        } else {
            WARN_ON_ONCE(page->mapping);
            page->mapping = mapping;
            page->index = index + i++;
        }
        if (L == Locking::PerPage)
            spin_unlock(lock_of<L>(pfn));
    }
    if (L == Locking::Common)
        spin_unlock(&common_lock);
}

template <Locking L>
static void dax_disassociate_entry(void *entry, struct address_space *mapping, bool trunc)
{
    unsigned long pfn;

    if (L == Locking::Common)
        spin_lock(&common_lock);
    for_each_mapped_pfn(entry, pfn) {
        struct page *page = pfn_to_page(pfn);

        if (L == Locking::PerPage)
            spin_lock(lock_of<L>(pfn));
        WARN_ON_ONCE(trunc && page_ref_count(page) > 1);
        if (dax_page_is_shared(page)) {
            unsigned long share = page->share;  // --share split the same way
            page->share = share - 1;
            if (share - 1 > 0) {
                if (L == Locking::PerPage)
                    spin_unlock(lock_of<L>(pfn));
                continue;
            }
        } else
            WARN_ON_ONCE(page->mapping && page->mapping != mapping);
        page->mapping = NULL;
        page->index = 0;
        if (L == Locking::PerPage)
            spin_unlock(lock_of<L>(pfn));
    }
    if (L == Locking::Common)
        spin_unlock(&common_lock);
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

template <Locking L>
daxcheck::Variant race_variant(const char *name, const char *summary)
{
    using daxcheck::model::DefensiveCheck;
    daxcheck::Variant v{
        .name = name,
        .upstream = "test only: v6.2 (mainline 16900426586032) with the share update rewritten",
        .summary = summary,
        .checks = {{DefensiveCheck::TruncatePinned, "dax_disassociate_entry",
                    "trunc && page_ref_count(page) > 1"},
                   {DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry", "page->mapping"},
                   {DefensiveCheck::MappingMismatch, "dax_disassociate_entry",
                    "page->mapping && page->mapping != mapping"}},
        .associate = dax_associate_entry<L>,
        .disassociate = dax_disassociate_entry<L>,
        .decode = decode,
        .fault_path = &daxcheck::kFaultPathV6_2,
    };
    if (L == Locking::None)
        v.expected_failures = {
            {"race/reflink", "the split share increment loses one of two files' updates"},
            {"fs:race/reflink", "two files' faults of one shared block lose a share update"}};
    return v;
}

}  // namespace

DAXCHECK_REGISTER_VARIANT({race_variant<Locking::None>(
    "test-race-split-share", "v6.2 with share++ split into a load, other work and a store")})
DAXCHECK_REGISTER_VARIANT({race_variant<Locking::Common>(
    "test-race-common-lock", "test-race-split-share with one lock around both calls")})
DAXCHECK_REGISTER_VARIANT({race_variant<Locking::PerPage>(
    "test-race-page-lock", "test-race-split-share with a lock per page around its update")})
