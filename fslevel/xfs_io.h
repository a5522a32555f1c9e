// A filesystem-level sequence as a shell script of xfs_io commands (SPEC 8,
// 11): mkfs.xfs with reflink, mount -o dax=always (checked in /proc/mounts),
// then one step per operation with a marker line on stdout and /dev/kmsg, so
// ./daxcheck kernel can attribute each kernel WARNING to the step that ran.
//
// Page offsets of the model are laid out so PMD alignment and extents hold on
// the real filesystem: model page o is the chunk [o * C, (o + 1) * C) with
// C = 2 MiB >> pmd_order (1 MiB at the default order 1, 4 KiB at order 9), so
// a model PMD block is one 2 MiB-aligned 2 MiB range written, reflinked and
// punched as a whole. A PTE fault maps the first 4 KiB page of its chunk; a
// PMD fault the 2 MiB range around it; a write fault is followed by msync.
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

// A model PMD entry is 2 MiB on the kernel, so a model page is 2 MiB >>
// pmd-order: a kernel page (4 KiB) or more only up to this order. Callers
// refuse a universe past it (the offsets would not be page-aligned).
inline constexpr unsigned kMaxScriptPmdOrder = 9;

// `title` and `source` go into the header comment (control characters
// escaped, so neither can end the comment).
Script xfs_io_script(const std::vector<Op>& ops, const model::Universe& u, const std::string& title,
                     const std::string& source);

}  // namespace daxcheck::fslevel
