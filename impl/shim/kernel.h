// Just enough of the kernel's vocabulary for a port to read like fs/dax.c.
//
// This header and impl/variant.h are the stable interface for out-of-tree
// ports (see README "Check your own patch"). Pages live in a simulated memmap
// owned by a kernel_world; the harness makes one world current per thread
// while it drives a port, as the kernel has one memmap.
#pragma once

#include <cstdint>
#include <boost/container/flat_map.hpp>
#include <stdexcept>
#include <string>  // and std::string_view
#include <vector>

// The concurrency build (KSHIM_RACE, only the daxcheck_race libraries of
// cmake/race.cmake) makes the page and folio fields scheduling points
// (impl/shim/shared_field.h); every other build has the plain types.
#ifdef KSHIM_RACE
#include "impl/shim/shared_field.h"
#define KSHIM_FIELD(T, name) ::kshim::shared_field<T, name>
#define KSHIM_ATOMIC(T, name) ::kshim::shared_atomic<T, name>
#else
#define KSHIM_FIELD(T, name) T
#define KSHIM_ATOMIC(T, name) T
#endif

namespace kshim {

// ---- configuration: IS_ENABLED(CONFIG_FOO) is 1 when CONFIG_FOO is defined to 1
#define KSHIM_ENABLED_MARK_1 0,
#define KSHIM_SECOND(ignored, value, ...) value
#define KSHIM_PICK(marked) KSHIM_SECOND(marked 1, 0, 0)
#define KSHIM_MARK(value) KSHIM_PICK(KSHIM_ENABLED_MARK_##value)
#define IS_ENABLED(option) KSHIM_MARK(option)

#define likely(x) (x)
#define unlikely(x) (x)

// ---- memory sizes
constexpr unsigned PAGE_SHIFT = 12;
constexpr unsigned long PAGE_SIZE = 1UL << PAGE_SHIFT;
constexpr unsigned long PAGE_MASK = ~(PAGE_SIZE - 1);
unsigned pmd_order();  // the universe's PMD order (the kernel's is 9)
#define PMD_ORDER (::kshim::pmd_order())
#define PMD_SIZE (::kshim::PAGE_SIZE << PMD_ORDER)
#define PMD_MASK (~(PMD_SIZE - 1))

// ---- mappings: one per file; identity only, so pointers stay valid when a
// world is copied. `host` is the file (0 = A).
// Aligned as the kernel's: the low bits of page->mapping are free for flags
// (PAGE_MAPPING_ANON, the old DAX sentinels), so a real mapping never has them.
struct alignas(8) address_space {
    std::uint8_t host;
};
struct address_space *file_mapping(std::uint8_t file);
// The file a mapping pointer belongs to, or -1 for NULL, a sentinel or junk.
int mapping_file(const struct address_space *mapping);

struct file {
    struct address_space *f_mapping = nullptr;
};

struct vm_area_struct {
    unsigned long vm_start = 0;
    unsigned long vm_pgoff = 0;  // page offset of vm_start in the file
    struct file *vm_file = nullptr;  // set on the fault path
    unsigned long vm_flags = 0;
};
constexpr unsigned long VM_SYNC = 1UL << 23;  // MAP_SYNC

static inline unsigned long linear_page_index(const struct vm_area_struct *vma,
                                              unsigned long address) {
    return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

// ---- ZONE_DEVICE: fsdax pages belong to their device's dev_pagemap
// (include/linux/memremap.h). One device per world.
enum memory_type {
    MEMORY_DEVICE_PRIVATE = 1,
    MEMORY_DEVICE_COHERENT,
    MEMORY_DEVICE_FS_DAX,
    MEMORY_DEVICE_GENERIC,
    MEMORY_DEVICE_PCI_P2PDMA,
};
struct dev_pagemap {
    enum memory_type type = MEMORY_DEVICE_FS_DAX;
};
struct dev_pagemap *fsdax_pgmap();  // the device's pgmap: every device page's initial pgmap

// list_head fields the shim does not model (folio->_deferred_list): an empty
// type, so INIT_LIST_HEAD reads as in the kernel and changes nothing.
struct list_head {};
static inline void INIT_LIST_HEAD(struct list_head *) {}

// ---- struct page. Fields the versions use, all zero when idle except the
// refcount and the pgmap the world sets up.
// (KSHIM_FIELD(T, "name") is T; in the concurrency build each load and
// store of it is a scheduling point, KSHIM_ATOMIC's accesses atomic steps.)
struct page {
    KSHIM_FIELD(struct address_space *, "mapping") mapping{nullptr};
    union {                         // 6.2+: share overlays index
        KSHIM_FIELD(unsigned long, "index") index{0};
        KSHIM_FIELD(unsigned long, "share") share;
    };
    KSHIM_ATOMIC(int, "_refcount") _refcount{0};
    // Compound folio state (6.15): a tail points at its head; the head knows
    // the folio's order.
    KSHIM_FIELD(struct page *, "compound_head") compound_head{nullptr};  // set on tail pages only
    KSHIM_FIELD(unsigned int, "compound_order") compound_order{0};      // set on the head only
    KSHIM_FIELD(bool, "head") head{false};
    // ZONE_DEVICE pages (6.15+ read it as folio->pgmap). In the kernel a
    // tail's pgmap word is overwritten by its compound_head: prep_compound_page
    // clears it here, and a split must restore it.
    KSHIM_FIELD(struct dev_pagemap *, "pgmap") pgmap{nullptr};
    [[no_unique_address]] struct list_head _deferred_list;  // (on the first tail in the kernel)
};
// `&folio->page`: the folio's first page, which in the shim is the folio itself.
struct folio_first_page {
    struct page *operator&();
};
// A folio is a page that heads (or is) a folio; the memmap holds folios so
// page_folio() is a plain cast.
struct folio : page {
    [[no_unique_address]] folio_first_page page;
};
inline struct page *folio_first_page::operator&() {
    // The empty member sits at offset 0 of its folio (checked in kernel.cpp).
    return reinterpret_cast<struct folio *>(this);
}

// pfn_to_page() of my_zero_pfn() is the zero page: a RAM page outside the
// device, what read faults of holes map. (Device pfns are 0..pfns-1.)
struct page *pfn_to_page(unsigned long pfn);
unsigned long my_zero_pfn();
unsigned long page_to_pfn(const struct page *page);
struct folio *page_folio(struct page *page);
struct folio *pfn_folio(unsigned long pfn);
// The device's pgmap of a page: its folio's (a tail's own word holds its head).
static inline struct dev_pagemap *page_pgmap(const struct page *page) {
    return page_folio(const_cast<struct page *>(page))->pgmap;
}
static inline int page_ref_count(const struct page *page) { return page->_refcount; }
static inline void page_ref_inc(struct page *page) { page->_refcount++; }
static inline void page_ref_dec(struct page *page) { page->_refcount--; }
static inline void get_page(struct page *page) { page_ref_inc(page); }
static inline void put_page(struct page *page) { page_ref_dec(page); }

// ---- compound folios (6.15 turns a PMD entry's pages into one folio). Ports
// before 6.15 only ever see order-0 folios, for which all of this is trivial.
// prep_compound_tail() poisons a tail's own mapping; readers go to the head.
#define TAIL_MAPPING (reinterpret_cast<::kshim::address_space *>(0x400UL))
static inline bool folio_test_large(const struct folio *folio) { return folio->head; }
static inline unsigned int folio_order(const struct folio *folio) {
    return folio_test_large(folio) ? folio->compound_order : 0;
}
static inline unsigned long folio_nr_pages(const struct folio *folio) {
    return 1UL << folio_order(folio);
}
unsigned long folio_pfn(const struct folio *folio);
struct page *folio_page(struct folio *folio, unsigned long n);  // the folio's n-th page
// A reference on any page of a folio is a reference on the folio (its head).
static inline int folio_ref_count(const struct folio *folio) { return page_ref_count(folio); }
static inline void folio_ref_inc(struct folio *folio) { page_ref_inc(folio); }
static inline bool folio_ref_dec_and_test(struct folio *folio) { return --folio->_refcount == 0; }
static inline void folio_get(struct folio *folio) { folio_ref_inc(folio); }
// Every page of the simulated memmap is ZONE_DEVICE memory; the zero page is not.
bool folio_is_zone_device(const struct folio *folio);
static inline bool is_zone_device_page(const struct page *page) {
    return folio_is_zone_device(static_cast<const struct folio *>(page));
}
// Head flag and order on `page`, tails pointing at it (mm/page_alloc.c).
void prep_compound_page(struct page *page, unsigned int order);
// Forget the order of a large folio before it is split (6.15-rc3 fix).
void folio_reset_order(struct folio *folio);
static inline void ClearPageHead(struct page *page) { page->head = false; }
static inline void clear_compound_head(struct page *page) { page->compound_head = nullptr; }

// ---- spinlock_t (include/linux/spinlock.h), for ports that serialise with
// a lock of their own. In the concurrency build a spin_lock waits (is not
// scheduled) while another operation holds the lock.
struct spinlock_t {
    KSHIM_ATOMIC(int, "lock") locked{0};
};
#ifdef KSHIM_RACE
static inline void spin_lock(spinlock_t *lock) {
    with_hook(access_kind::lock, &lock->locked, "lock", 1, [&] { return lock->locked.v = 1; });
}
static inline void spin_unlock(spinlock_t *lock) {
    with_hook(access_kind::unlock, &lock->locked, "lock", 0, [&] { return lock->locked.v = 0; });
}
#else
static inline void spin_lock(spinlock_t *lock) { lock->locked = 1; }
static inline void spin_unlock(spinlock_t *lock) { lock->locked = 0; }
#endif

// ---- DAX entries: xarray value entries holding a pfn and flags
constexpr unsigned long DAX_LOCKED = 1UL << 0;
constexpr unsigned long DAX_PMD = 1UL << 1;
constexpr unsigned long DAX_ZERO_PAGE = 1UL << 2;
constexpr unsigned long DAX_EMPTY = 1UL << 3;
constexpr unsigned DAX_SHIFT = 4;

void *dax_make_entry(unsigned long pfn, unsigned long flags);
unsigned long dax_to_pfn(void *entry);
bool dax_is_pmd_entry(void *entry);
bool dax_is_zero_entry(void *entry);
bool dax_is_empty_entry(void *entry);
unsigned int dax_entry_order(void *entry);
unsigned long dax_entry_size(void *entry);
unsigned long dax_end_pfn(void *entry);

// Every pfn an entry covers; none for zero-page and empty entries.
#define for_each_mapped_pfn(entry, pfn) \
    for (pfn = ::kshim::dax_to_pfn(entry); pfn < ::kshim::dax_end_pfn(entry); pfn++)

// ---- warnings and BUG_ON: recorded, never printed or fatal
struct warning_record {  // views of WARN_ON_ONCE's literals: recording one allocates nothing
    std::string_view function;
    int line = 0;
    std::string_view condition;
    long op_number = 0;
};
bool warn_on_once(bool fired, const char *condition, const char *function, int line);
#define WARN_ON_ONCE(condition) \
    ::kshim::warn_on_once(static_cast<bool>(condition), #condition, __func__, __LINE__)
#define WARN_ON(condition) WARN_ON_ONCE(condition)

// A kernel BUG_ON: the harness reports it as a failure of the step.
struct kernel_bug : std::runtime_error {
    using std::runtime_error::runtime_error;
};
void bug_on(bool fired, const char *condition, const char *function, int line);
#define BUG_ON(condition) \
    ::kshim::bug_on(static_cast<bool>(condition), #condition, __func__, __LINE__)

// ---- mm/debug.h: active only in a port built with CONFIG_DEBUG_VM=1 (each
// port file is compiled once per configuration, cmake/ports.cmake). Without
// it the condition is not evaluated, as in the kernel.
#define KSHIM_UNEVALUATED(condition) ((void)sizeof(static_cast<bool>(condition)))
#define VM_WARN_ON(condition) \
    (IS_ENABLED(CONFIG_DEBUG_VM) ? (void)WARN_ON(condition) : KSHIM_UNEVALUATED(condition))
#define VM_WARN_ON_ONCE(condition) \
    (IS_ENABLED(CONFIG_DEBUG_VM) ? (void)WARN_ON_ONCE(condition) : KSHIM_UNEVALUATED(condition))
#define VM_WARN_ON_FOLIO(condition, folio) ((void)(folio), VM_WARN_ON(condition))
#define VM_WARN_ON_ONCE_FOLIO(condition, folio) ((void)(folio), VM_WARN_ON_ONCE(condition))
// BUG_ON-class: a reported failure of the step (kernel_bug), never an abort.
#define VM_BUG_ON(condition) \
    (IS_ENABLED(CONFIG_DEBUG_VM) ? BUG_ON(condition) : KSHIM_UNEVALUATED(condition))
#define VM_BUG_ON_PAGE(condition, page) ((void)(page), VM_BUG_ON(condition))
#define VM_BUG_ON_FOLIO(condition, folio) ((void)(folio), VM_BUG_ON(condition))

// ---- freeing a folio (mm/swap.c, mm/memremap.c). The last reference's put
// frees the folio: for ZONE_DEVICE memory that is the version's
// free_zone_device_folio(), which a 6.15-on port provides (Variant::free_folio)
// and the world calls here. Before 6.15 an idle fsdax page keeps refcount 1 and
// no put reaches 0 on a legal sequence.
void free_zone_device_folio(struct folio *folio);
static inline void __folio_put(struct folio *folio) {
    if (folio_is_zone_device(folio)) {
        free_zone_device_folio(folio);
        return;
    }
}
static inline bool folio_put_testzero(struct folio *folio) {
    VM_BUG_ON_FOLIO(folio_ref_count(folio) == 0, folio);
    return folio_ref_dec_and_test(folio);
}
static inline void folio_put(struct folio *folio) {
    if (folio_put_testzero(folio))
        __folio_put(folio);
}
// Queue a wake-up of waiters on `var` (dax_break_layout waits for an idle page).
static inline void wake_up_var(void *) {}
static inline void mem_cgroup_uncharge(struct folio *) {}
static inline void __ClearPageAnonExclusive(struct page *) {}
static inline void folio_set_count(struct folio *folio, int v) { folio->_refcount = v; }
static inline bool folio_test_anon(const struct folio *folio) {
    return reinterpret_cast<std::uintptr_t>(static_cast<struct address_space *>(folio->mapping)) & 0x1;  // PAGE_MAPPING_ANON
}

// ---- the fault path's view of the page cache (fs/dax.c around
// dax_insert_entry; impl/fault/). An xa_state names one file's xarray and an
// index; a PMD entry is stored once, at its first index, and covers the
// 2^PMD_ORDER indices from there.
struct xa_state {
    std::uint8_t file = 0;
    unsigned long xa_index = 0;
    unsigned int xa_order = 0;  // XA_STATE_ORDER
};
// mapping->nrpages of the current world (a reference: the fault path adds
// and subtracts pages as fs/dax.c does).
long &mapping_nrpages(struct address_space *mapping);
// clear_inode's BUG_ON(inode->i_data.nrpages) for `mapping`'s file: throws
// kernel_bug when its page count is not 0 once every entry is gone.
void clear_inode_check(struct address_space *mapping);

// The entry covering xas->xa_index, or NULL.
void *xas_load(struct xa_state *xas);
// Stores `entry` (NULL erases) at xas->xa_index, replacing every entry the
// new one overlaps (a PTE store inside a PMD entry replaces the PMD entry, as
// a store into a multi-index entry does). Returns the entry it replaced.
void *xas_store(struct xa_state *xas, void *entry);
static inline void xas_set(struct xa_state *xas, unsigned long index) { xas->xa_index = index; }
void *xa_mk_value(unsigned long v);
unsigned long xa_to_value(const void *entry);

constexpr unsigned int FAULT_FLAG_WRITE = 0x01;
struct vm_fault {
    struct vm_area_struct *vma = nullptr;
    unsigned int flags = 0;   // FAULT_FLAG_WRITE
    unsigned long pgoff = 0;  // the faulting page offset in the file
    unsigned long address = 0;  // the faulting address: any page of an entry
};

// What the filesystem's iomap_begin answered for the faulting range.
constexpr unsigned int IOMAP_WRITE = 1U << 0;        // iomap_iter.flags
constexpr unsigned short IOMAP_F_DIRTY = 1U << 1;    // iomap.flags
constexpr unsigned short IOMAP_F_SHARED = 1U << 2;   // the extent is shared (reflink)
constexpr unsigned short IOMAP_HOLE = 0, IOMAP_MAPPED = 2, IOMAP_UNWRITTEN = 4;
struct iomap {
    unsigned short type = IOMAP_HOLE;
    unsigned short flags = 0;
    unsigned long pfn = 0;     // first pfn of the entry's blocks (iomap->addr >> PAGE_SHIFT)
    unsigned long length = 1;  // pages the extent covers from the entry's first page
};
struct iomap_iter {
    unsigned int flags = 0;  // IOMAP_WRITE for a write fault
    struct iomap iomap;
};

// The fault path calls dax_associate_entry / dax_disassociate_entry of the
// version under test through this gate, and reports its xarray stores, so
// the harness can step its model around each call (SPEC 8).
struct dax_call_gate {
    virtual void associate(void *entry, struct address_space *mapping,
                           struct vm_area_struct *vma, unsigned long address, bool shared) = 0;
    virtual void disassociate(void *entry, struct address_space *mapping, bool trunc) = 0;
    virtual void stored(std::uint8_t file, unsigned long index, void *old_entry, void *entry) = 0;

protected:
    ~dax_call_gate() = default;
};

// ---- the simulated machine
struct kernel_world {
    unsigned pmd_order = 1;
    std::vector<folio> memmap;
    // Each file's page cache: page offset -> entry (the xarray). A sorted
    // vector, so copying a world (the explorer does it per transition)
    // allocates nothing once its buffers have grown.
    std::vector<boost::container::flat_map<unsigned long, void *>> i_pages;
    // Each file's mapping->nrpages: the pages its DAX entries count for
    // (grab_mapping_entry adds 1 << order for a new entry; removing one
    // subtracts 1 << dax_entry_order(entry)). Here, not in address_space, so
    // a copied world carries it. Eviction requires 0 (clear_inode).
    std::vector<long> nrpages;
    std::vector<warning_record> warnings;
    long op_number = 0;  // 1-based number of the operation being run
    // While `log_reached` is set, pfn_to_page and page_folio append each pfn
    // they hand out to `reached` (duplicates included). Ports reach pages only
    // through those two, so the harness checks and resets just these pages
    // instead of the whole memmap. Not copied with the world.
    bool log_reached = false;
    std::vector<unsigned long> reached;
    // The zero page (my_zero_pfn()): never written by a correct port.
    folio zero_page;
    // Set while the fault path runs (impl/fault/); not copied with the world.
    dax_call_gate *gate = nullptr;
    // The version's free_zone_device_folio (6.15 on), run when a put drops a
    // folio's count to 0; nullptr: the version has none (no put reaches 0).
    void (*free_zone_device_folio)(struct folio *folio) = nullptr;

    kernel_world(unsigned long pfns, unsigned files, unsigned pmd_order, int idle_refcount);
    // A copy's tail pages point at heads in its own memmap.
    kernel_world(const kernel_world &other);
    kernel_world &operator=(const kernel_world &other);
    kernel_world(kernel_world &&) = default;
    kernel_world &operator=(kernel_world &&) = default;
};

kernel_world *current_world();

// Makes `world` current on this thread for the scope's lifetime.
class world_scope {
public:
    explicit world_scope(kernel_world &world);
    ~world_scope();
    world_scope(const world_scope &) = delete;
    world_scope &operator=(const world_scope &) = delete;

private:
    kernel_world *previous_;
};

}  // namespace kshim
