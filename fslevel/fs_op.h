// The filesystem-level operations (SPEC 8): what a process does to files on
// an XFS-like reflink filesystem mounted -o dax=always. Each is one line of
// the corpus language (fslevel/fs_text.h) and one step of an xfs_io script
// (fslevel/xfs_io.h). Offsets and lengths are in pages.
#pragma once

#include <variant>

#include "model/universe.h"

namespace daxcheck::fslevel {

using model::FileId;
using model::PageOffset;

// pwrite of [offset, offset+len): allocates holes, copies shared blocks
// (copy on write), overwrites the file's own blocks in place.
struct Write {
    FileId file = 0;
    PageOffset offset = 0;
    std::uint64_t len = 1;
    friend bool operator==(const Write&, const Write&) = default;
};

// FICLONERANGE: `dst`'s [dst_offset, +len) shares `src`'s blocks.
struct Reflink {
    FileId src = 0;
    PageOffset src_offset = 0;
    FileId dst = 0;
    PageOffset dst_offset = 0;
    std::uint64_t len = 1;
    friend bool operator==(const Reflink&, const Reflink&) = default;
};

// A page fault of a shared mmap at page `offset` (any page of an entry), a
// PMD fault when `pmd` (falling back to a PTE fault where the kernel would).
struct ReadFault {
    FileId file = 0;
    PageOffset offset = 0;
    bool pmd = false;
    friend bool operator==(const ReadFault&, const ReadFault&) = default;
};
struct WriteFault {
    FileId file = 0;
    PageOffset offset = 0;
    bool pmd = false;
    friend bool operator==(const WriteFault&, const WriteFault&) = default;
};

// truncate(2) to `size` pages.
struct TruncateFile {
    FileId file = 0;
    std::uint64_t size = 0;
    friend bool operator==(const TruncateFile&, const TruncateFile&) = default;
};

// fallocate(PUNCH_HOLE), fallocate(UNSHARE_RANGE).
struct Punch {
    FileId file = 0;
    PageOffset offset = 0;
    std::uint64_t len = 1;
    friend bool operator==(const Punch&, const Punch&) = default;
};
struct Unshare {
    FileId file = 0;
    PageOffset offset = 0;
    std::uint64_t len = 1;
    friend bool operator==(const Unshare&, const Unshare&) = default;
};

// The page-cache invalidation a direct write or a remap does
// (dax_invalidate_mapping_entry_sync over the range).
struct Invalidate {
    FileId file = 0;
    PageOffset offset = 0;
    std::uint64_t len = 1;
    friend bool operator==(const Invalidate&, const Invalidate&) = default;
};

// get_user_pages on the mapped page at `offset` (O_DIRECT into an mmap'd
// buffer), and the put_page that ends it. A pin may outlive the mapping.
struct PinPage {
    FileId file = 0;
    PageOffset offset = 0;
    friend bool operator==(const PinPage&, const PinPage&) = default;
};
struct UnpinPage {
    FileId file = 0;
    PageOffset offset = 0;
    friend bool operator==(const UnpinPage&, const UnpinPage&) = default;
};

using Op = std::variant<Write, Reflink, ReadFault, WriteFault, TruncateFile, Punch, Unshare,
                        Invalidate, PinPage, UnpinPage>;

}  // namespace daxcheck::fslevel
