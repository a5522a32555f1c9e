// The version-independent parts of the fault path (fs/dax.c, 6.15 text read
// for the order of calls; the logic is the same from 5.x on): the entry lookup
// and locking of grab_mapping_entry, the PMD downgrade, __dax_invalidate_entry,
// and the PTE/PMD fault skeleton down to dax_insert_entry.
#include "impl/fault/calls.h"
#include "impl/fault/fault_path.h"

namespace daxcheck::fault {
namespace {

// grab_mapping_entry's answer when a PMD fault meets smaller entries.
void *const kFallback = reinterpret_cast<void *>(0x2);  // not a value entry

unsigned long pg_pmd_nr() { return 1UL << PMD_ORDER; }

// get_next_unlocked_entry: the entry overlapping the xa_state's range (for a
// PMD-order state, any entry in the PMD range; the first by index).
void *get_next_unlocked_entry(struct xa_state *xas, unsigned int order) {
    if (order == 0) return xas_load(xas);
    const unsigned long first = xas->xa_index & ~(pg_pmd_nr() - 1);
    for (unsigned long i = first; i < first + pg_pmd_nr(); i++) {
        struct xa_state at = {xas->file, i, 0};
        if (void *entry = xas_load(&at)) return entry;
    }
    return nullptr;
}

// Finds or makes the locked entry a fault works on: an existing entry, or a
// new empty one. A PTE fault downgrades a zero-page or empty PMD entry.
void *grab_mapping_entry(struct xa_state *xas, struct address_space *mapping, unsigned int order) {
    unsigned long index = xas->xa_index;
    bool pmd_downgrade = false;  // splitting a PMD entry into PTE entries?
    void *entry = get_next_unlocked_entry(xas, order);

    if (entry) {
        if (dax_entry_order(entry) < order)  // dax_is_conflict(): PTEs in a PMD range
            return kFallback;
        if (order == 0) {
            if (dax_is_pmd_entry(entry) && (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)))
                pmd_downgrade = true;
        }
    }

    if (pmd_downgrade) {
        dax_lock_entry(xas, entry);
        // (a zero-page PMD is unmapped from page tables here: not modelled)
        dax_disassociate_entry(entry, mapping, false);
        xas_store(xas, NULL);  // undo the PMD join
        mapping_nrpages(mapping) -= static_cast<long>(pg_pmd_nr());  // mapping->nrpages -= PG_PMD_NR
        entry = NULL;
        xas_set(xas, index);
    }

    if (entry) {
        dax_lock_entry(xas, entry);
    } else {
        unsigned long flags = DAX_EMPTY;

        if (order > 0)
            flags |= DAX_PMD;
        entry = dax_make_entry(0, flags);
        dax_lock_entry(xas, entry);
        mapping_nrpages(mapping) += 1L << order;  // mapping->nrpages += 1UL << order
    }
    return entry;
}

// Releases the entry covering `index`, if any (trunc: truncate/punch hole).
int __dax_invalidate_entry(std::uint8_t file, unsigned long index, bool trunc) {
    struct address_space *mapping = file_mapping(file);
    struct xa_state xas = {file, index, 0};
    void *entry = get_next_unlocked_entry(&xas, 0);

    if (!entry)
        return 0;
    // (an invalidate skips dirty entries: every daxcheck write fault is
    // followed by msync, so entries are clean between operations)
    dax_disassociate_entry(entry, mapping, trunc);
    xas_store(&xas, NULL);
    mapping_nrpages(mapping) -= 1L << dax_entry_order(entry);
    return 1;
}

}  // namespace
}  // namespace daxcheck::fault

namespace daxcheck {
using namespace fault;

FaultResult dax_fault(const FaultPath &path, struct vm_fault *vmf, const struct iomap_iter *iter,
                      bool pmd) {
    struct address_space *mapping = vmf->vma->vm_file->f_mapping;
    const std::uint8_t file = static_cast<std::uint8_t>(mapping_file(mapping));
    const bool write = vmf->flags & FAULT_FLAG_WRITE;
    const bool hole = iter->iomap.type == IOMAP_HOLE || iter->iomap.type == IOMAP_UNWRITTEN;

    if (pmd) {  // dax_iomap_pmd_fault
        struct xa_state xas = {file, vmf->pgoff, PMD_ORDER};
        void *entry = grab_mapping_entry(&xas, mapping, PMD_ORDER);
        if (entry == kFallback)
            return FaultResult::PmdFallback;
        if (iter->iomap.length < pg_pmd_nr()) {  // the extent is smaller than a PMD
            dax_unlock_entry(&xas, entry);     // (an empty PMD entry stays behind)
            return FaultResult::PmdFallback;
        }
        if (!write && hole)  // dax_pmd_load_hole: the huge zero folio
            entry = path.dax_insert_entry(&xas, vmf, iter, entry, my_zero_pfn(),
                                          DAX_PMD | DAX_ZERO_PAGE);
        else
            entry = path.dax_insert_entry(&xas, vmf, iter, entry, iter->iomap.pfn, DAX_PMD);
        dax_unlock_entry(&xas, entry);
        return FaultResult::Pmd;
    }

    // dax_iomap_pte_fault
    struct xa_state xas = {file, vmf->pgoff, 0};
    void *entry = grab_mapping_entry(&xas, mapping, 0);
    if (!write && hole)  // dax_load_hole
        entry = path.dax_insert_entry(&xas, vmf, iter, entry, my_zero_pfn(), DAX_ZERO_PAGE);
    else
        entry = path.dax_insert_entry(&xas, vmf, iter, entry, iter->iomap.pfn, 0);
    dax_unlock_entry(&xas, entry);
    return FaultResult::Pte;
}

int dax_delete_mapping_entry(std::uint8_t file, unsigned long index) {
    int ret = __dax_invalidate_entry(file, index, true);

    // The caller saw an entry at this index under its locks.
    WARN_ON_ONCE(!ret);
    return ret;
}

int dax_invalidate_mapping_entry_sync(std::uint8_t file, unsigned long index) {
    return __dax_invalidate_entry(file, index, false);
}

}  // namespace daxcheck
