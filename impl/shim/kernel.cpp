#include "impl/shim/kernel.h"

#include <algorithm>
#include <array>
#include <functional>
#include <iterator>

namespace kshim {
namespace {

thread_local kernel_world *g_current = nullptr;

kernel_world &world() {
    if (!g_current) throw kernel_bug("no kernel_world is current on this thread");
    return *g_current;
}

std::array<address_space, 26> make_mappings() {
    std::array<address_space, 26> m{};
    for (std::uint8_t i = 0; i < m.size(); i++) m[i].host = i;
    return m;
}
std::array<address_space, 26> g_mappings = make_mappings();

// Xarray value entries, as xa_mk_value / xa_to_value do it.
uintptr_t entry_value(void *entry) { return reinterpret_cast<uintptr_t>(entry) >> 1; }

}  // namespace

unsigned pmd_order() { return world().pmd_order; }

struct dev_pagemap *fsdax_pgmap() {
    static dev_pagemap pgmap;  // MEMORY_DEVICE_FS_DAX
    return &pgmap;
}

bool folio_is_zone_device(const struct folio *folio) {
    const kernel_world &w = world();
    return folio != &w.zero_page;
}

void free_zone_device_folio(struct folio *folio) {
    kernel_world &w = world();
    if (!w.free_zone_device_folio)
        throw kernel_bug("free_zone_device_folio: a put dropped pfn " +
                         std::to_string(page_to_pfn(folio)) +
                         "'s count to 0 in a version that has no ZONE_DEVICE free path");
    w.free_zone_device_folio(folio);
}

// `&folio->page` relies on the empty member sitting at the folio's address.
static_assert(sizeof(folio) == sizeof(page), "struct folio must add no storage to struct page");

struct address_space *file_mapping(std::uint8_t file) {
    if (file >= g_mappings.size()) throw kernel_bug("file_mapping: no such file");
    return &g_mappings[file];
}

int mapping_file(const struct address_space *mapping) {
    // A range check, not a scan: decode calls this for every pfn it reads.
    // std::less gives a total order over unrelated pointers (a CoW sentinel).
    const std::less<const address_space *> before;
    if (before(mapping, g_mappings.data()) || !before(mapping, g_mappings.data() + g_mappings.size()))
        return -1;
    const auto i = static_cast<std::size_t>(mapping - g_mappings.data());
    return &g_mappings[i] == mapping ? g_mappings[i].host : -1;
}

long &mapping_nrpages(struct address_space *mapping) {
    kernel_world &w = world();
    const int file = mapping_file(mapping);
    if (file < 0 || static_cast<std::size_t>(file) >= w.nrpages.size())
        throw kernel_bug("mapping_nrpages: not a file's mapping");
    return w.nrpages[static_cast<std::size_t>(file)];
}

void clear_inode_check(struct address_space *mapping) {
    // fs/inode.c clear_inode(): the first of its BUG_ONs, under the i_pages lock.
    const long nrpages = mapping_nrpages(mapping);
    if (nrpages != 0)
        throw kernel_bug("BUG_ON(inode->i_data.nrpages) in clear_inode: " +
                         std::to_string(nrpages) + " pages still counted after every entry is gone");
}

unsigned long my_zero_pfn() { return world().memmap.size(); }

struct page *pfn_to_page(unsigned long pfn) {
    kernel_world &w = world();
    if (pfn == w.memmap.size()) {
        if (w.log_reached) w.reached.push_back(pfn);
        return &w.zero_page;
    }
    if (pfn >= w.memmap.size())
        throw kernel_bug("pfn_to_page: pfn " + std::to_string(pfn) + " outside the memmap");
    if (w.log_reached) w.reached.push_back(pfn);
    return &w.memmap[pfn];
}

unsigned long page_to_pfn(const struct page *page) {
    const kernel_world &w = world();
    if (page == &w.zero_page) return w.memmap.size();
    const auto *first = w.memmap.data();
    const auto *last = first + w.memmap.size();
    const auto *as_folio = static_cast<const struct folio *>(page);
    if (std::less<>()(as_folio, first) || !std::less<>()(as_folio, last))
        throw kernel_bug("page_to_pfn: page outside the memmap");
    return static_cast<unsigned long>(as_folio - first);
}

struct folio *page_folio(struct page *page) {
    struct page *head = page->compound_head ? page->compound_head : page;
    // A head reached through a tail's pointer is reached too.
    if (head != page && g_current && g_current->log_reached)
        g_current->reached.push_back(page_to_pfn(head));
    // Every page in the memmap is a folio object, so this cast is exact.
    return static_cast<struct folio *>(head);
}

struct folio *pfn_folio(unsigned long pfn) { return page_folio(pfn_to_page(pfn)); }

unsigned long folio_pfn(const struct folio *folio) { return page_to_pfn(folio); }

struct page *folio_page(struct folio *folio, unsigned long n) {
    return pfn_to_page(folio_pfn(folio) + n);
}

void prep_compound_page(struct page *page, unsigned int order) {
    page->head = true;  // __SetPageHead
    for (unsigned long i = 1; i < (1UL << order); i++) {
        struct page *p = pfn_to_page(page_to_pfn(page) + i);  // prep_compound_tail
        p->mapping = TAIL_MAPPING;
        p->compound_head = page;
        p->pgmap = nullptr;  // the kernel's compound_head word overlays the tail's pgmap
    }
    page->compound_order = order;  // prep_compound_head
}

void folio_reset_order(struct folio *folio) {
    if (WARN_ON_ONCE(!folio_test_large(folio))) return;
    folio->compound_order = 0;
}

void *dax_make_entry(unsigned long pfn, unsigned long flags) {
    const uintptr_t value = (static_cast<uintptr_t>(pfn) << DAX_SHIFT) | flags;
    return reinterpret_cast<void *>((value << 1) | 1);
}
unsigned long dax_to_pfn(void *entry) { return entry_value(entry) >> DAX_SHIFT; }
bool dax_is_pmd_entry(void *entry) { return entry_value(entry) & DAX_PMD; }
bool dax_is_zero_entry(void *entry) { return entry_value(entry) & DAX_ZERO_PAGE; }
bool dax_is_empty_entry(void *entry) { return entry_value(entry) & DAX_EMPTY; }
unsigned int dax_entry_order(void *entry) { return dax_is_pmd_entry(entry) ? PMD_ORDER : 0; }
unsigned long dax_entry_size(void *entry) {
    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) return 0;
    return dax_is_pmd_entry(entry) ? PMD_SIZE : PAGE_SIZE;
}
unsigned long dax_end_pfn(void *entry) {
    return dax_to_pfn(entry) + dax_entry_size(entry) / PAGE_SIZE;
}

void *xa_mk_value(unsigned long v) { return reinterpret_cast<void *>((v << 1) | 1); }
unsigned long xa_to_value(const void *entry) { return reinterpret_cast<uintptr_t>(entry) >> 1; }

namespace {
// How many indices an xarray value entry spans (DAX entries only).
unsigned long entry_span(void *entry) {
    return (entry_value(entry) & DAX_PMD) ? 1UL << world().pmd_order : 1;
}
}  // namespace

void *xas_load(struct xa_state *xas) {
    kernel_world &w = world();
    if (xas->file >= w.i_pages.size()) throw kernel_bug("xas_load: no such file");
    auto &x = w.i_pages[xas->file];
    auto it = x.upper_bound(xas->xa_index);
    if (it == x.begin()) return nullptr;
    --it;
    return xas->xa_index < it->first + entry_span(it->second) ? it->second : nullptr;
}

void *xas_store(struct xa_state *xas, void *entry) {
    kernel_world &w = world();
    if (xas->file >= w.i_pages.size()) throw kernel_bug("xas_store: no such file");
    auto &x = w.i_pages[xas->file];
    // A PMD entry always spans its PMD range, whatever order the xa_state has.
    const unsigned long span = std::max(1UL << xas->xa_order, entry ? entry_span(entry) : 1UL);
    const unsigned long first = xas->xa_index & ~(span - 1);
    void *old = xas_load(xas);
    // Erase every entry overlapping [first, first + span).
    auto it = x.upper_bound(first);
    if (it != x.begin() && std::prev(it)->first + entry_span(std::prev(it)->second) > first) --it;
    while (it != x.end() && it->first < first + span) it = x.erase(it);
    if (entry) x[first] = entry;
    if (w.gate) w.gate->stored(xas->file, first, old, entry);
    return old;
}

bool warn_on_once(bool fired, const char *condition, const char *function, int line) {
    if (fired) {
        kernel_world &w = world();
        w.warnings.push_back(warning_record{function, line, condition, w.op_number});
    }
    return fired;
}

void bug_on(bool fired, const char *condition, const char *function, int line) {
    if (fired)
        throw kernel_bug(std::string("BUG_ON(") + condition + ") in " + function + ":" +
                         std::to_string(line));
}

kernel_world::kernel_world(unsigned long pfns, unsigned files, unsigned order, int idle_refcount)
    : pmd_order(order), memmap(pfns), i_pages(files), nrpages(files, 0) {
    for (auto &page : memmap) {
        page._refcount = idle_refcount;
        page.pgmap = fsdax_pgmap();
    }
}

kernel_world::kernel_world(const kernel_world &other) { *this = other; }

kernel_world &kernel_world::operator=(const kernel_world &other) {
    if (this == &other) return *this;
    pmd_order = other.pmd_order;
    memmap = other.memmap;
    i_pages = other.i_pages;
    nrpages = other.nrpages;
    warnings = other.warnings;
    op_number = other.op_number;
    zero_page = other.zero_page;
    free_zone_device_folio = other.free_zone_device_folio;
    for (auto &page : memmap)
        if (page.compound_head)
            page.compound_head = &memmap[static_cast<const folio *>(static_cast<const struct page *>(page.compound_head)) -
                                         other.memmap.data()];
    return *this;
}

kernel_world *current_world() { return g_current; }

world_scope::world_scope(kernel_world &w) : previous_(g_current) { g_current = &w; }
world_scope::~world_scope() { g_current = previous_; }

}  // namespace kshim
