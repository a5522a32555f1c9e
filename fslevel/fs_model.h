// The filesystem model of SPEC 8: a small, pure model of what an XFS-like
// reflink filesystem does with blocks, and of the page cache the fault path
// must leave behind. A block is one pfn of the pmem device (pfn == block).
//
// `plan` turns one legal filesystem operation into the ordered entry-level
// work the kernel does for it (deletes, invalidations, faults with the iomap
// the filesystem answers, pins) and the state after it. Running that work
// through a version's fault path (fslevel/fs_execution.h) derives the
// function-level calls that the properties check.
#pragma once

#include <boost/container/flat_map.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fslevel/fs_op.h"
#include "model/state.h"

namespace daxcheck::fslevel {

using model::Pfn;

constexpr std::int64_t kHole = -1;

struct FileState {
    std::uint64_t size = 0;        // pages
    std::vector<std::int64_t> map;  // page offset -> block (pfn) or kHole
    friend bool operator==(const FileState&, const FileState&) = default;
};

struct PinRecord {
    FileId file = 0;
    PageOffset offset = 0;
    Pfn pfn = 0;
    friend bool operator==(const PinRecord&, const PinRecord&) = default;
};

// One file's page cache as the contract requires it: first offset -> entry
// (kind, pfn, order; the `shared` flag is each version's own and not compared).
using PageCache = boost::container::flat_map<PageOffset, model::Slot>;

struct FsState {
    model::Universe universe;
    std::vector<FileState> files;
    std::vector<unsigned> refs;  // per block: file pages that reference it (0: free)
    std::vector<PinRecord> pins;
    std::vector<PageCache> cache;
    // The version's XFS deletes the source range's entries on a reflink too
    // (FaultPath::remap_drops_source_entries).
    bool remap_drops_source = false;
    friend bool operator==(const FsState&, const FsState&) = default;
};

FsState initial_state(const model::Universe& u, bool remap_drops_source = false);

// What the filesystem's iomap_begin answers for a fault.
struct Iomap {
    bool hole = true;
    bool shared = false;  // IOMAP_F_SHARED
    Pfn pfn = 0;          // first pfn of the entry's blocks
    std::uint64_t length = 1;  // pages from the entry's first page
};

// Entry-level work, in the order the kernel does it.
struct Action {
    enum class Kind { Delete, Invalidate, Fault, Pin, Unpin };
    Kind kind = Kind::Fault;
    FileId file = 0;
    PageOffset index = 0;  // Delete/Invalidate: an index of the entry; Fault: the faulting page
    bool write = false;    // Fault
    bool pmd = false;      // Fault: try a PMD fault first
    Iomap pmd_iomap;       // Fault with pmd: the answer for the PMD range
    Iomap pte_iomap;       // Fault: the answer for the page (after a PMD fallback too)
    Pfn pfn = 0;           // Pin/Unpin
};

struct Plan {
    std::vector<Action> actions;
    FsState after;
};

// nullopt when `op` is a legal filesystem operation in `s`, else why not.
std::optional<std::string> illegal_reason(const FsState& s, const Op& op);
// The part of illegal_reason no state decides: a file or a range outside
// universe `u` (what a corpus file's parser can say at the line).
std::optional<std::string> range_problem(const model::Universe& u, const Op& op);
// The work and the new state for a legal operation.
Plan plan(const FsState& s, const Op& op);
// The same in place: `s` becomes the state after `op`; the work is appended
// to `actions` (cleared first). The walkers' hot path: no copy of the state.
void apply(FsState& s, const Op& op, std::vector<Action>& actions);
// Back to the initial state, keeping the buffers.
void reset(FsState& s);

// The entry of `cache` covering `offset`, if any (its first offset in *at).
const model::Slot* entry_covering(const PageCache& cache, PageOffset offset,
                                  const model::Universe& u, PageOffset* at = nullptr);

}  // namespace daxcheck::fslevel
