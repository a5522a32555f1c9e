// A filesystem-level sequence as a shell script of xfs_io commands (SPEC 8,
// 11): mkfs.xfs with reflink, mount -o dax=always (checked in /proc/mounts),
// then one step per operation with a marker line on stdout and /dev/kmsg, so
// ./daxcheck kernel can attribute each kernel WARNING to the step that ran.
//
// Page offsets of the model are laid out so PMD alignment holds on the real
// filesystem: model page o sits in 2 MiB block o >> pmd_order, at 4 KiB page
// o & (2^pmd_order - 1) of it; a whole-PMD range becomes 2 MiB. Faults map
// just the faulting 4 KiB page (a PTE fault) or the 2 MiB-aligned range
// around it (a PMD fault); a write fault is followed by msync.
#pragma once

#include <string>
#include <vector>

#include "fslevel/fs_op.h"

namespace daxcheck::fslevel {

struct Script {
    std::string text;
    bool complete = true;  // false: some operation has no xfs_io form (pin, invalidate)
    std::vector<std::string> skipped;
};

// `title` and `source` go into the header comment.
Script xfs_io_script(const std::vector<Op>& ops, const model::Universe& u, const std::string& title,
                     const std::string& source);

}  // namespace daxcheck::fslevel
