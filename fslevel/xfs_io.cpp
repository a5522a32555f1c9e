#include "fslevel/xfs_io.h"

#include "harness/printable.h"
#include "model/overloaded.h"

#include <fmt/format.h>

#include <algorithm>

namespace daxcheck::fslevel {
namespace {

constexpr std::uint64_t kPage = 4096, kPmd = 2 << 20;

// A model page is a chunk of 2 MiB >> pmd_order bytes (1 MiB at the default
// order 1, 4 KiB at the kernel's 9): a model PMD block is then exactly one
// 2 MiB-aligned 2 MiB range, written, shared and punched as a whole, and a
// model PTE entry is the first 4 KiB page of its chunk.
struct Layout {
    unsigned order;
    std::uint64_t chunk() const { return kPmd >> order; }
    std::uint64_t at(std::uint64_t page) const { return page * chunk(); }
    std::uint64_t length(std::uint64_t, std::uint64_t len) const { return len * chunk(); }
};

std::string path(FileId f) { return fmt::format("\"$MNT/{}\"", model::file_letter(f)); }

}  // namespace

Script xfs_io_script(const std::vector<Op>& ops, const model::Universe& u, const std::string& title,
                     const std::string& source) {
    Script s;
    const Layout L{u.pmd_order};
    auto range = [&](PageOffset o, std::uint64_t len) {
        return fmt::format("{} {}", L.at(o), L.length(o, len));
    };
    std::string body;
    for (std::size_t i = 0; i < ops.size(); i++) {
        const std::size_t n = i + 1;
        std::string step_text;
        const std::string cmd = std::visit(
            overloaded{
                [&](const Write& w) {
                    step_text = fmt::format("write {} {} {}", model::file_letter(w.file), w.offset, w.len);
                    // One buffer per 2 MiB, so a whole-PMD write is one extent.
                    return fmt::format("xfs_io -f -c \"pwrite -b {} -q -S 0x61 {}\" -c fsync {}",
                                       std::min(L.length(w.offset, w.len), kPmd),
                                       range(w.offset, w.len), path(w.file));
                },
                [&](const Reflink& r) {
                    step_text = fmt::format("reflink {} {} {} {} {}", model::file_letter(r.src),
                                            r.src_offset, model::file_letter(r.dst), r.dst_offset, r.len);
                    return fmt::format("xfs_io -f -c \"reflink $MNT/{} {} {} {}\" {}",
                                       model::file_letter(r.src), L.at(r.src_offset),
                                       L.at(r.dst_offset), L.length(r.src_offset, r.len), path(r.dst));
                },
                [&](const ReadFault& f) {
                    step_text = fmt::format("read-fault {} {}{}", model::file_letter(f.file), f.offset,
                                            f.pmd ? " pmd" : "");
                    if (f.pmd) {
                        const std::uint64_t first = L.at(f.offset) / kPmd * kPmd;
                        return fmt::format("xfs_io -c \"mmap -r {} {}\" -c \"mread {} {}\" {}", first, kPmd,
                                           L.at(f.offset), kPage, path(f.file));
                    }
                    return fmt::format("xfs_io -c \"mmap -r {} {}\" -c \"mread {} {}\" {}", L.at(f.offset),
                                       kPage, L.at(f.offset), kPage, path(f.file));
                },
                [&](const WriteFault& f) {
                    step_text = fmt::format("write-fault {} {}{}", model::file_letter(f.file), f.offset,
                                            f.pmd ? " pmd" : "");
                    const std::uint64_t first = f.pmd ? L.at(f.offset) / kPmd * kPmd : L.at(f.offset);
                    return fmt::format(
                        "xfs_io -c \"mmap -w {} {}\" -c \"mwrite -S 0x62 {} {}\" -c \"msync {} {}\" {}",
                        first, f.pmd ? kPmd : kPage, L.at(f.offset), kPage, first,
                        f.pmd ? kPmd : kPage, path(f.file));
                },
                [&](const TruncateFile& t) {
                    step_text = fmt::format("truncate {} {}", model::file_letter(t.file), t.size);
                    return fmt::format("xfs_io -f -c \"truncate {}\" {}", L.at(t.size), path(t.file));
                },
                [&](const Punch& p) {
                    step_text = fmt::format("punch {} {} {}", model::file_letter(p.file), p.offset, p.len);
                    return fmt::format("xfs_io -c \"fpunch {}\" {}", range(p.offset, p.len), path(p.file));
                },
                [&](const Unshare& p) {
                    step_text = fmt::format("unshare {} {} {}", model::file_letter(p.file), p.offset, p.len);
                    return fmt::format("xfs_io -c \"funshare {}\" {}", range(p.offset, p.len), path(p.file));
                },
                [&](const Invalidate& p) {
                    step_text = fmt::format("invalidate {} {} {}", model::file_letter(p.file), p.offset, p.len);
                    return std::string();  // no user-space call only invalidates DAX entries
                },
                [&](const PinPage& p) {
                    step_text = fmt::format("pin {} {}", model::file_letter(p.file), p.offset);
                    return std::string();  // get_user_pages that outlives xfs_io: no xfs_io form
                },
                [&](const UnpinPage& p) {
                    step_text = fmt::format("unpin {} {}", model::file_letter(p.file), p.offset);
                    return std::string();
                },
            },
            ops[i]);
        body += fmt::format("step {} \"{}\"\n", n, step_text);
        if (cmd.empty()) {
            s.complete = false;
            s.skipped.push_back(step_text);
            body += fmt::format("# ({} has no xfs_io form: skipped)\nskipped {}\n", step_text, n);
        } else {
            body += fmt::format("{}; ran {}\n", cmd, n);
        }
    }
    s.text = fmt::format(
        "#!/bin/sh\n"
        "# daxcheck reproducer: {}\n"
        "# Derived from {}. Page size 4 KiB; a PMD entry is 2 MiB (model pmd-order {}).\n"
        "# Run as root on a kernel with a DAX-capable pmem device: DEV=/dev/pmem0 MNT=/mnt/x sh THIS\n"
        "DEV=${{DEV:-/dev/pmem0}}\n"
        "MNT=${{MNT:-/mnt/daxcheck}}\n"
        "step() {{ echo \"daxcheck: step $1: $2\"; echo \"daxcheck: step $1: $2\" > /dev/kmsg 2>/dev/null || true; }}\n"
        "ran() {{ s=$?; echo \"daxcheck: step $1 exit $s\"; }}\n"
        "skipped() {{ echo \"daxcheck: step $1 skipped\"; }}\n"
        "mkfs.xfs -f -q -m reflink=1 -d su=2m,sw=1 \"$DEV\" || {{ echo \"daxcheck: mkfs failed\"; exit 1; }}\n"
        "mkdir -p \"$MNT\"\n"
        "mount -o dax=always \"$DEV\" \"$MNT\" || {{ echo \"daxcheck: mount failed\"; exit 1; }}\n"
        "grep -q \" $MNT .*dax=always\" /proc/mounts && echo \"daxcheck: dax active\" || "
        "{{ echo \"daxcheck: DAX not active on $MNT\"; exit 1; }}\n"
        "xfs_io -c \"extsize 2m\" \"$MNT\" 2>/dev/null || true  # PMD-aligned allocations for new files\n"
        "{}"
        "echo \"daxcheck: end\"\n",
        // Comment lines: a newline in a file's name or shows: line would end
        // the comment and run the rest as a command.
        printable(title), printable(source), u.pmd_order, body);
    return s;
}

}  // namespace daxcheck::fslevel
