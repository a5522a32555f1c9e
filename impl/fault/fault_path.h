// The fault path around dax_associate_entry / dax_disassociate_entry (SPEC 8,
// docs/versions.md section 7): grab_mapping_entry, dax_insert_entry,
// __dax_invalidate_entry and the PTE/PMD fault skeleton that calls them.
//
// The parts that differ between versions are dax_insert_entry's choice of
// when to release and re-associate and which `shared` flag it passes; each
// version's is in its own file here. The rest is one copy for every version.
// All of it reaches the port under test through the world's dax_call_gate,
// so a port file keeps only its two functions, and an out-of-tree port that
// sets no fault path inherits its base version's.
#pragma once

#include <string>

#include "impl/shim/kernel.h"

namespace daxcheck {

struct FaultPath {
    std::string name;  // e.g. "6.2+: shared = IOMAP_F_SHARED on every fault"
    std::string upstream;
    // fs/dax.c dax_insert_entry: returns the entry now in the slot (locked).
    void *(*dax_insert_entry)(struct kshim::xa_state *xas, struct kshim::vm_fault *vmf,
                              const struct kshim::iomap_iter *iter, void *entry,
                              unsigned long pfn, unsigned long flags);
    // What XFS of that version does to the *source* file's entries when it
    // remaps (reflink): from 6.15 it breaks the DAX layouts of both files, so
    // the source range's entries are deleted too (seen on Debian's 7.2 under
    // ./daxcheck kernel: a reflink after a fault never reached the shared
    // path); before, only the destination's are.
    bool remap_drops_source_entries = false;
};

// Before reflink (4.19 to 5.18): replace only zero-page and empty entries; no
// shared flag. Used by `pre-reflink`.
extern const FaultPath kFaultPathPreReflink;
// The v10 posting: the CoW replace of v9, but no caller passes `true`
// (docs/versions.md section 2). Used by the v10 family.
extern const FaultPath kFaultPathV10;
// 6.0 and 6.1 (mainline 6061b69b9a55): cow = write fault && IOMAP_F_SHARED.
// Used by `v6.0` and by `v12`, whose caller docs/versions.md does not
// distinguish from the merged v13.
extern const FaultPath kFaultPathV6_0;
// 6.2 on ("fsdax,xfs: set the shared flag when file extent is shared", Dec
// 2022): shared = IOMAP_F_SHARED for read and write faults. `v6.2`.
extern const FaultPath kFaultPathV6_2;
// 6.15 on: 6.2's dax_insert_entry; a remap drops the source's entries too.
extern const FaultPath kFaultPathV6_15;

// What a fault did, for the filesystem level's checks and traces.
enum class FaultResult { Pte, Pmd, PmdFallback };

// dax_iomap_pte_fault / dax_iomap_pmd_fault as far as they touch entries:
// grab_mapping_entry, then dax_load_hole / dax_pmd_load_hole for a read of a
// hole (a zero-page entry) or dax_insert_entry of the block, then
// dax_unlock_entry. A PMD fault that finds PTE entries in its range falls
// back to a PTE fault (`PmdFallback`, and the caller runs the PTE fault).
// Page tables and their references are not modelled (SPEC 8).
FaultResult dax_fault(const FaultPath &path, struct kshim::vm_fault *vmf,
                      const struct kshim::iomap_iter *iter, bool pmd);

// fs/dax.c dax_delete_mapping_entry (truncate, punch hole: trunc=true) and
// dax_invalidate_mapping_entry_sync (trunc=false): release the entry covering
// `index` of `file`, if there is one. Returns 1 when an entry was released.
int dax_delete_mapping_entry(std::uint8_t file, unsigned long index);
int dax_invalidate_mapping_entry_sync(std::uint8_t file, unsigned long index);

}  // namespace daxcheck
