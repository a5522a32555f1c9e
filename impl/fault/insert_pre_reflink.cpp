// dax_insert_entry before reflink (about 4.19 to 5.18) and as the v10 posting
// left its caller. Before reflink only a zero-page or empty entry is replaced
// and associate has no shared flag. The v10 series sits on the CoW series,
// which also replaces the entry on a write fault of a shared extent, but no
// caller passes `true` (docs/versions.md 2: Dan Williams asked who would).
#include "impl/fault/calls.h"
#include "impl/fault/fault_path.h"

namespace daxcheck::fault {
namespace {

void *dax_insert_entry_pre_reflink(struct xa_state *xas, struct vm_fault *vmf,
                                   const struct iomap_iter *iter, void *entry, unsigned long pfn,
                                   unsigned long flags)
{
    struct address_space *mapping = vmf->vma->vm_file->f_mapping;
    void *new_entry = dax_make_entry(pfn, flags);
    [[maybe_unused]] bool dirty = !dax_fault_is_synchronous(iter, vmf->vma);

    if (dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
        void *old;

        dax_disassociate_entry(entry, mapping, false);
        dax_associate_entry(new_entry, mapping, vmf->vma, vmf->address, false);
        old = dax_lock_entry(xas, new_entry);
        WARN_ON_ONCE(old != xa_mk_value(xa_to_value(entry) | DAX_LOCKED));
        entry = new_entry;
    } else {
        xas_load(xas);
    }
    return entry;
}

static bool dax_fault_is_cow(const struct iomap_iter *iter)
{
    return (iter->flags & IOMAP_WRITE) && (iter->iomap.flags & IOMAP_F_SHARED);
}

void *dax_insert_entry_v10(struct xa_state *xas, struct vm_fault *vmf,
                           const struct iomap_iter *iter, void *entry, unsigned long pfn,
                           unsigned long flags)
{
    struct address_space *mapping = vmf->vma->vm_file->f_mapping;
    void *new_entry = dax_make_entry(pfn, flags);
    [[maybe_unused]] bool dirty = !dax_fault_is_synchronous(iter, vmf->vma);
    bool cow = dax_fault_is_cow(iter);

    if (cow || dax_is_zero_entry(entry) || dax_is_empty_entry(entry)) {
        void *old;

        dax_disassociate_entry(entry, mapping, false);
        dax_associate_entry(new_entry, mapping, vmf->vma, vmf->address, false);
        old = dax_lock_entry(xas, new_entry);
        WARN_ON_ONCE(old != xa_mk_value(xa_to_value(entry) | DAX_LOCKED));
        entry = new_entry;
    } else {
        xas_load(xas);
    }
    return entry;
}

}  // namespace
}  // namespace daxcheck::fault

const daxcheck::FaultPath daxcheck::kFaultPathPreReflink = {
    "before reflink: replaces only zero-page and empty entries, no shared flag",
    "fs/dax.c as of 4.19 to 5.18",
    daxcheck::fault::dax_insert_entry_pre_reflink,
};

const daxcheck::FaultPath daxcheck::kFaultPathV10 = {
    "v10 posting: CoW replace, but associate is never passed true",
    "Message-ID 20220127124058.1172422-10-ruansy.fnst@fujitsu.com",
    daxcheck::fault::dax_insert_entry_v10,
};
