// dax_insert_entry of Linux 6.0 and 6.1 (mainline 6061b69b9a55, "fsdax: set a
// CoW flag when associate reflink mappings", on the CoW series' "fsdax:
// Replace mmap entry in case of CoW"). The flag is `cow`: a *write* fault of
// a shared extent. A read fault of a reflinked block passes false and takes
// the exclusive path, which warns on the second owner (docs/versions.md 7).
#include "impl/fault/calls.h"
#include "impl/fault/fault_path.h"

namespace daxcheck::fault {
namespace {

static bool dax_fault_is_cow(const struct iomap_iter *iter)
{
    return (iter->flags & IOMAP_WRITE) && (iter->iomap.flags & IOMAP_F_SHARED);
}

void *dax_insert_entry(struct xa_state *xas, struct vm_fault *vmf, const struct iomap_iter *iter,
                       void *entry, unsigned long pfn, unsigned long flags)
{
    struct address_space *mapping = vmf->vma->vm_file->f_mapping;
    void *new_entry = dax_make_entry(pfn, flags);
    [[maybe_unused]] bool dirty = !dax_fault_is_synchronous(iter, vmf->vma);
    bool cow = dax_fault_is_cow(iter);

    if (cow || dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
        void *old;

        dax_disassociate_entry(entry, mapping, false);
        dax_associate_entry(new_entry, mapping, vmf->vma, vmf->address, cow);
        old = dax_lock_entry(xas, new_entry);
        WARN_ON_ONCE(old != xa_mk_value(xa_to_value(entry) | DAX_LOCKED));
        entry = new_entry;
    } else {
        xas_load(xas);  // walk the xa_state
    }
    return entry;
}

}  // namespace
}  // namespace daxcheck::fault

const daxcheck::FaultPath daxcheck::kFaultPathV6_0 = {
    "6.0/6.1: shared (cow) only for a write fault of a shared extent",
    "mainline 6061b69b9a55",
    daxcheck::fault::dax_insert_entry,
};
