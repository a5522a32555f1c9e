// For impl/fault/ only: the two calls into the port under test, and the
// entry locking helpers of fs/dax.c, so the fault path reads like the kernel.
#pragma once

#include "impl/shim/kernel.h"

namespace daxcheck::fault {
using namespace kshim;

inline dax_call_gate &gate() {
    kernel_world *w = current_world();
    if (!w || !w->gate) throw kernel_bug("the fault path ran without a dax_call_gate");
    return *w->gate;
}

inline void dax_associate_entry(void *entry, struct address_space *mapping,
                                struct vm_area_struct *vma, unsigned long address, bool shared) {
    gate().associate(entry, mapping, vma, address, shared);
}

inline void dax_disassociate_entry(void *entry, struct address_space *mapping, bool trunc) {
    gate().disassociate(entry, mapping, trunc);
}

inline bool dax_is_locked(void *entry) { return xa_to_value(entry) & DAX_LOCKED; }

// Returns the entry stored before it was locked.
inline void *dax_lock_entry(struct xa_state *xas, void *entry) {
    return xas_store(xas, xa_mk_value(xa_to_value(entry) | DAX_LOCKED));
}

inline void dax_unlock_entry(struct xa_state *xas, void *entry) {
    BUG_ON(dax_is_locked(entry));
    void *old = xas_store(xas, entry);
    BUG_ON(!dax_is_locked(old));
}

// MAP_SYNC write faults on metadata-dirty extents (never in daxcheck: no
// mapping is MAP_SYNC), kept so dax_insert_entry reads like the kernel.
inline bool dax_fault_is_synchronous(const struct iomap_iter *iter, struct vm_area_struct *vma) {
    return (iter->flags & IOMAP_WRITE) && (vma->vm_flags & VM_SYNC) &&
           (iter->iomap.flags & IOMAP_F_DIRTY);
}

}  // namespace daxcheck::fault
