// dax_insert_entry from Linux 6.2 on ("fsdax: introduce page->share for fsdax
// in reflink mode" and "fsdax,xfs: set the shared flag when file extent is
// shared", Dec 2022; unchanged through 6.15 and 7.x). Every fault of a shared
// extent releases the slot's entry and associates the new one with
// shared = IOMAP_F_SHARED, for reads as well as writes: the share count goes
// down and up once per fault.
#include "impl/fault/calls.h"
#include "impl/fault/fault_path.h"

namespace daxcheck::fault {
namespace {

void *dax_insert_entry(struct xa_state *xas, struct vm_fault *vmf, const struct iomap_iter *iter,
                       void *entry, unsigned long pfn, unsigned long flags)
{
    struct address_space *mapping = vmf->vma->vm_file->f_mapping;
    void *new_entry = dax_make_entry(pfn, flags);
    bool write = iter->flags & IOMAP_WRITE;
    [[maybe_unused]] bool dirty = write && !dax_fault_is_synchronous(iter, vmf->vma);
    bool shared = iter->iomap.flags & IOMAP_F_SHARED;

    // (dirty: __mark_inode_dirty; shared or a zero page replaced: the old
    // range is unmapped from page tables. Neither is modelled.)

    if (shared || dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
        void *old;

        dax_disassociate_entry(entry, mapping, false);
        dax_associate_entry(new_entry, mapping, vmf->vma, vmf->address, shared);
        // Only a zero-page or empty entry is swapped for the new one; an
        // existing PTE or PMD entry stays unless the extent is shared.
        old = dax_lock_entry(xas, new_entry);
        WARN_ON_ONCE(old != xa_mk_value(xa_to_value(entry) | DAX_LOCKED));
        entry = new_entry;
    } else {
        xas_load(xas);  // walk the xa_state
    }
    // (PAGECACHE_TAG_DIRTY / TOWRITE marks: not modelled)
    return entry;
}

}  // namespace
}  // namespace daxcheck::fault

const daxcheck::FaultPath daxcheck::kFaultPathV6_2 = {
    "6.2+: releases and re-associates on every fault of a shared extent, shared = IOMAP_F_SHARED",
    "mainline 16900426586032 and 'fsdax,xfs: set the shared flag when file extent is shared'",
    daxcheck::fault::dax_insert_entry,
};

const daxcheck::FaultPath daxcheck::kFaultPathV6_15 = {
    "6.15+: as 6.2; XFS breaks both files' DAX layouts on a remap",
    "mainline 16900426586032 (dax_insert_entry); 6.15's layout breaking in XFS remap",
    daxcheck::fault::dax_insert_entry,
    true,
};
