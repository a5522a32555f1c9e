#include "fslevel/fs_model.h"

#include "model/overloaded.h"

#include <algorithm>

namespace daxcheck::fslevel {
namespace {

std::string name(FileId f) { return std::string(1, model::file_letter(f)); }

std::optional<std::string> bad_file(const model::Universe& u, FileId f) {
    if (f >= u.files) return "file " + name(f) + " does not exist (the universe has " +
                             std::to_string(u.files) + " files)";
    return std::nullopt;
}

std::optional<std::string> bad_range(const model::Universe& u, PageOffset offset, std::uint64_t len) {
    if (len == 0) return std::string("the length is 0");
    const std::uint64_t limit = u.offsets;
    if (offset >= limit || len > limit - offset)
        return "the range " + std::to_string(offset) + "+" + std::to_string(len) +
               " is past the universe's offsets 0.." + std::to_string(limit - 1);
    return std::nullopt;
}

// Calls f(first offset, entry) for each entry of `cache` overlapping
// [first, first+len) until f returns true; true when one did. Allocates nothing.
template <class F>
bool any_entry_in(const PageCache& cache, PageOffset first, std::uint64_t len,
                  const model::Universe& u, F&& f) {
    for (const auto& [at, slot] : cache)
        if (at < first + len && first < at + u.pages(slot.order) && f(at, slot)) return true;
    return false;
}

// True when a pinned page sits in an entry of `file` overlapping the range:
// truncate, punch and a reflink onto it wait for the pin (dax_break_layout).
bool pinned_in(const FsState& s, FileId file, PageOffset first, std::uint64_t len) {
    if (s.pins.empty()) return false;
    return any_entry_in(s.cache[file], first, len, s.universe, [&](PageOffset, const model::Slot& e) {
        if (!e.covers_pfns()) return false;
        for (const auto& p : s.pins)
            if (p.pfn >= e.pfn && p.pfn < e.pfn + s.universe.pages(e.order)) return true;
        return false;
    });
}

bool is_pinned(const FsState& s, Pfn pfn) {
    return std::any_of(s.pins.begin(), s.pins.end(), [&](const PinRecord& p) { return p.pfn == pfn; });
}

// The lowest free run of `count` blocks aligned to `count`, if any.
std::optional<Pfn> free_run(const FsState& s, std::uint64_t count) {
    for (Pfn b = 0; b + count <= s.refs.size(); b += count) {
        bool free = true;
        for (std::uint64_t i = 0; i < count && free; i++)
            free = s.refs[b + i] == 0 && !is_pinned(s, b + i);
        if (free) return b;
    }
    return std::nullopt;
}

// Whether at least `needed` blocks are free. Counting stops there: an
// operation needs a block or two, and a device may have a million.
bool has_free_blocks(const FsState& s, std::uint64_t needed) {
    std::uint64_t n = 0;
    for (Pfn b = 0; b < s.refs.size() && n < needed; b++) n += s.refs[b] == 0 && !is_pinned(s, b);
    return n >= needed;
}

// Blocks a write of [offset, +len) must allocate (holes and shared blocks).
unsigned blocks_needed(const FsState& s, FileId f, PageOffset offset, std::uint64_t len) {
    unsigned n = 0;
    for (std::uint64_t i = 0; i < len; i++) {
        const std::int64_t b = s.files[f].map[offset + i];
        n += b == kHole || s.refs[b] > 1;
    }
    return n;
}

void drop_block(FsState& s, std::int64_t b) {
    if (b != kHole) s.refs[b]--;
}

// Gives page `offset` of `f` a new block of its own (allocation or copy on
// write). Returns false when the device is full.
bool new_block(FsState& s, FileId f, PageOffset offset) {
    auto b = free_run(s, 1);
    if (!b) return false;
    drop_block(s, s.files[f].map[offset]);
    s.files[f].map[offset] = static_cast<std::int64_t>(*b);
    s.refs[*b] = 1;
    return true;
}

void remove_entries(FsState& s, FileId f, PageOffset first, std::uint64_t len,
                    Action::Kind kind, std::vector<Action>& actions) {
    PageCache& cache = s.cache[f];
    for (auto it = cache.begin(); it != cache.end();) {
        const PageOffset at = it->first;
        if (at < first + len && first < at + s.universe.pages(it->second.order)) {
            Action a;
            a.kind = kind;
            a.file = f;
            a.index = std::max(at, first);
            actions.push_back(a);
            it = cache.erase(it);
        } else {
            ++it;
        }
    }
}

// The page cache after a PTE fault at `offset` answered by `io` (SPEC 8).
void pte_fault_cache(FsState& s, FileId f, PageOffset offset, bool write, const Iomap& io) {
    PageCache& cache = s.cache[f];
    PageOffset at = 0;
    const model::Slot* e = entry_covering(cache, offset, s.universe, &at);
    if (e && e->covers_pfns() && !io.shared) return;  // an existing PTE/PMD entry stays
    if (e) cache.erase(at);  // a zero/empty PMD is downgraded; a shared extent's entry replaced
    model::Slot n;
    n.order = 0;
    if (!write && io.hole) {
        n.kind = model::EntryKind::Zero;
    } else {
        n.kind = model::EntryKind::Pfns;
        n.pfn = io.pfn;
    }
    cache[offset] = n;
}

// The PTE fault: the filesystem's answer (allocating or copying on a write).
Iomap pte_fault(FsState& s, FileId f, PageOffset offset, bool write) {
    Iomap io;
    std::int64_t b = s.files[f].map[offset];
    if (write && (b == kHole || s.refs[b] > 1)) {
        const bool cow = b != kHole;
        new_block(s, f, offset);
        b = s.files[f].map[offset];
        io.shared = cow;  // the CoW fork's mapping is reported IOMAP_F_SHARED
    } else if (b != kHole) {
        io.shared = s.refs[b] > 1;
    }
    io.hole = b == kHole;
    io.pfn = b == kHole ? 0 : static_cast<Pfn>(b);
    pte_fault_cache(s, f, offset, write, io);
    return io;
}

// The PMD attempt: the answer for the PMD range, or a short one (length < a
// PMD) when the range is not one extent the kernel can map with a PMD.
Iomap pmd_answer(FsState& s, FileId f, PageOffset first, bool write) {
    const std::uint64_t n = s.universe.pages(static_cast<model::Order>(s.universe.pmd_order));
    const auto& map = s.files[f].map;
    Iomap shortest;
    shortest.length = 1;
    bool all_holes = true, contiguous = true, uniform = true;
    const std::int64_t b0 = map[first];
    for (std::uint64_t i = 0; i < n; i++) {
        const std::int64_t b = map[first + i];
        all_holes = all_holes && b == kHole;
        contiguous = contiguous && b0 != kHole && b == b0 + static_cast<std::int64_t>(i);
        uniform = uniform && b != kHole && b0 != kHole && (s.refs[b] > 1) == (s.refs[b0] > 1);
    }
    const bool aligned = b0 != kHole && static_cast<std::uint64_t>(b0) % n == 0;
    Iomap io;
    io.length = n;
    if (all_holes && !write) return io;  // a hole: the huge zero page
    if (all_holes || (contiguous && aligned && uniform && s.refs[b0] > 1 && write)) {
        // Allocate (or copy on write into) an aligned run of new blocks.
        auto run = free_run(s, n);
        if (!run) return shortest;
        for (std::uint64_t i = 0; i < n; i++) {
            drop_block(s, map[first + i]);
            s.files[f].map[first + i] = static_cast<std::int64_t>(*run + i);
            s.refs[*run + i] = 1;
        }
        io.hole = false;
        io.shared = !all_holes;
        io.pfn = *run;
        return io;
    }
    if (!(contiguous && aligned && uniform)) return shortest;
    io.hole = false;
    io.shared = s.refs[b0] > 1;
    io.pfn = static_cast<Pfn>(b0);
    return io;
}

void fault(FsState& s, FileId f, PageOffset offset, bool write, bool pmd,
           std::vector<Action>& actions) {
    const model::Universe& u = s.universe;
    Action a;
    a.kind = Action::Kind::Fault;
    a.file = f;
    a.index = offset;
    a.write = write;
    const std::uint64_t n = u.pages(static_cast<model::Order>(u.pmd_order));
    const PageOffset first = offset - offset % n;
    bool pte = true;
    if (pmd && first + n <= s.files[f].size && first + n <= u.offsets) {
        a.pmd = true;
        // grab_mapping_entry falls back (storing nothing) on PTE entries in range.
        const bool conflict = any_entry_in(s.cache[f], first, n, u, [](PageOffset, const model::Slot& e) {
            return e.order == 0;
        });
        if (conflict) {
            a.pmd_iomap.length = n;  // not consulted: the fault never reaches iomap_begin
            a.pmd = false;           // the same calls as a PTE fault
        } else {
            a.pmd_iomap = pmd_answer(s, f, first, write);
            if (a.pmd_iomap.length >= n) {
                pte = false;
                PageCache& cache = s.cache[f];
                auto it = cache.find(first);
                const bool keep = it != cache.end() && it->second.covers_pfns() && !a.pmd_iomap.shared;
                if (!keep) {
                    model::Slot e;
                    e.order = static_cast<model::Order>(u.pmd_order);
                    e.kind = !write && a.pmd_iomap.hole ? model::EntryKind::Zero
                                                         : model::EntryKind::Pfns;
                    e.pfn = e.kind == model::EntryKind::Pfns ? a.pmd_iomap.pfn : 0;
                    cache[first] = e;
                }
            } else if (s.cache[f].find(first) == s.cache[f].end()) {
                // The fallback leaves grab_mapping_entry's empty PMD entry,
                // which the PTE fault then downgrades.
                model::Slot e;
                e.order = static_cast<model::Order>(u.pmd_order);
                e.kind = model::EntryKind::Empty;
                s.cache[f][first] = e;
            }
        }
    }
    if (pte) a.pte_iomap = pte_fault(s, f, offset, write);
    actions.push_back(a);
}

}  // namespace

const model::Slot* entry_covering(const PageCache& cache, PageOffset offset,
                                  const model::Universe& u, PageOffset* at) {
    auto it = cache.upper_bound(offset);
    if (it == cache.begin()) return nullptr;
    --it;
    if (offset >= it->first + u.pages(it->second.order)) return nullptr;
    if (at) *at = it->first;
    return &it->second;
}

FsState initial_state(const model::Universe& u, bool remap_drops_source) {
    FsState s;
    s.universe = u;
    s.remap_drops_source = remap_drops_source;
    s.files.resize(u.files);
    for (auto& f : s.files) f.map.assign(u.offsets, kHole);
    s.refs.assign(u.pfns, 0);
    s.cache.resize(u.files);
    return s;
}

std::optional<std::string> range_problem(const model::Universe& u, const Op& op) {
    const auto one = [&](FileId f, PageOffset o, std::uint64_t len) -> std::optional<std::string> {
        if (auto e = bad_file(u, f)) return e;
        return bad_range(u, o, len);
    };
    return std::visit(
        overloaded{
            [&](const Write& w) { return one(w.file, w.offset, w.len); },
            [&](const Reflink& r) -> std::optional<std::string> {
                if (auto e = one(r.src, r.src_offset, r.len)) return e;
                return one(r.dst, r.dst_offset, r.len);
            },
            [&](const ReadFault& f) { return one(f.file, f.offset, 1); },
            [&](const WriteFault& f) { return one(f.file, f.offset, 1); },
            [&](const TruncateFile& t) -> std::optional<std::string> {
                if (auto e = bad_file(u, t.file)) return e;
                if (t.size > u.offsets)
                    return "size " + std::to_string(t.size) + " is past the universe's offsets";
                return std::nullopt;
            },
            [&](const Punch& p) { return one(p.file, p.offset, p.len); },
            [&](const Unshare& p) { return one(p.file, p.offset, p.len); },
            [&](const Invalidate& i) { return one(i.file, i.offset, i.len); },
            [&](const PinPage& p) { return one(p.file, p.offset, 1); },
            [&](const UnpinPage& p) { return bad_file(u, p.file); },
        },
        op);
}

std::optional<std::string> illegal_reason(const FsState& s, const Op& op) {
    const model::Universe& u = s.universe;
    auto fault_problem = [&](FileId f, PageOffset o, bool write) -> std::optional<std::string> {
        if (auto e = bad_file(s.universe, f)) return e;
        if (o >= u.offsets) return bad_range(s.universe, o, 1);
        if (o >= s.files[f].size)
            return "page " + std::to_string(o) + " is past the end of " + name(f) + " (" +
                   std::to_string(s.files[f].size) + " pages): the fault gets SIGBUS";
        if (write && !has_free_blocks(s, blocks_needed(s, f, o, 1)))
            return std::string("no free block for the write fault");
        return std::nullopt;
    };
    return std::visit(
        overloaded{
            [&](const Write& w) -> std::optional<std::string> {
                if (auto e = bad_file(s.universe, w.file)) return e;
                if (auto e = bad_range(s.universe, w.offset, w.len)) return e;
                if (!has_free_blocks(s, blocks_needed(s, w.file, w.offset, w.len)))
                    return std::string("the device has too few free blocks for the write");
                return std::nullopt;
            },
            [&](const Reflink& r) -> std::optional<std::string> {
                if (auto e = bad_file(s.universe, r.src)) return e;
                if (auto e = bad_file(s.universe, r.dst)) return e;
                if (auto e = bad_range(s.universe, r.src_offset, r.len)) return e;
                if (auto e = bad_range(s.universe, r.dst_offset, r.len)) return e;
                if (r.src == r.dst && r.src_offset < r.dst_offset + r.len &&
                    r.dst_offset < r.src_offset + r.len)
                    return "a reflink of " + name(r.src) + " onto itself (overlapping ranges)";
                if (r.src_offset + r.len > s.files[r.src].size)
                    return "the source range is past the end of " + name(r.src);
                if (pinned_in(s, r.dst, r.dst_offset, r.len) ||
                    (s.remap_drops_source && pinned_in(s, r.src, r.src_offset, r.len)))
                    return "a page of the remapped range is pinned: the remap waits for it";
                return std::nullopt;
            },
            [&](const ReadFault& f) { return fault_problem(f.file, f.offset, false); },
            [&](const WriteFault& f) { return fault_problem(f.file, f.offset, true); },
            [&](const TruncateFile& t) -> std::optional<std::string> {
                if (auto e = bad_file(s.universe, t.file)) return e;
                if (t.size > u.offsets)
                    return "size " + std::to_string(t.size) + " is past the universe's offsets";
                if (t.size < s.files[t.file].size &&
                    pinned_in(s, t.file, t.size, u.offsets - t.size))
                    return "a truncated page is pinned: truncate waits for it";
                return std::nullopt;
            },
            [&](const Punch& p) -> std::optional<std::string> {
                if (auto e = bad_file(s.universe, p.file)) return e;
                if (auto e = bad_range(s.universe, p.offset, p.len)) return e;
                if (pinned_in(s, p.file, p.offset, p.len))
                    return "a punched page is pinned: the punch waits for it";
                return std::nullopt;
            },
            [&](const Unshare& p) -> std::optional<std::string> {
                if (auto e = bad_file(s.universe, p.file)) return e;
                if (auto e = bad_range(s.universe, p.offset, p.len)) return e;
                unsigned shared = 0;
                for (std::uint64_t i = 0; i < p.len; i++) {
                    const std::int64_t b = s.files[p.file].map[p.offset + i];
                    shared += b != kHole && s.refs[b] > 1;
                }
                if (!has_free_blocks(s, shared)) return std::string("too few free blocks to unshare");
                // fallocate breaks the DAX layouts first, whatever the mode.
                if (pinned_in(s, p.file, p.offset, p.len))
                    return "a page of the range is pinned: fallocate waits for it";
                return std::nullopt;
            },
            [&](const Invalidate& i) -> std::optional<std::string> {
                if (auto e = bad_file(s.universe, i.file)) return e;
                return bad_range(s.universe, i.offset, i.len);
            },
            [&](const PinPage& p) -> std::optional<std::string> {
                if (auto e = bad_file(s.universe, p.file)) return e;
                if (auto e = bad_range(s.universe, p.offset, 1)) return e;
                const model::Slot* e = entry_covering(s.cache[p.file], p.offset, u);
                if (!e || !e->covers_pfns())
                    return "page " + std::to_string(p.offset) + " of " + name(p.file) +
                           " is not mapped to a block (fault it first)";
                unsigned held = 0;
                PageOffset at = 0;
                entry_covering(s.cache[p.file], p.offset, u, &at);
                const Pfn pfn = e->pfn + (p.offset - at);
                for (const auto& r : s.pins) held += r.pfn == pfn;
                if (held >= u.max_pins) return std::string("the page already has max-pins pins");
                return std::nullopt;
            },
            [&](const UnpinPage& p) -> std::optional<std::string> {
                if (auto e = bad_file(s.universe, p.file)) return e;
                for (const auto& r : s.pins)
                    if (r.file == p.file && r.offset == p.offset) return std::nullopt;
                return "no pin was taken at " + name(p.file) + " " + std::to_string(p.offset);
            },
        },
        op);
}

Plan plan(const FsState& before, const Op& op) {
    Plan out;
    out.after = before;
    apply(out.after, op, out.actions);
    return out;
}

void reset(FsState& s) {
    for (auto& f : s.files) {
        f.size = 0;
        std::fill(f.map.begin(), f.map.end(), kHole);
    }
    std::fill(s.refs.begin(), s.refs.end(), 0u);
    s.pins.clear();
    for (auto& c : s.cache) c.clear();
}

void apply(FsState& s, const Op& op, std::vector<Action>& actions) {
    actions.clear();
    const model::Universe& u = s.universe;
    std::visit(
        overloaded{
            [&](const Write& w) {
                bool replaced = false;
                for (std::uint64_t i = 0; i < w.len; i++) {
                    const std::int64_t b = s.files[w.file].map[w.offset + i];
                    if (b == kHole || s.refs[b] > 1) {
                        new_block(s, w.file, w.offset + i);
                        replaced = true;
                    }
                }
                s.files[w.file].size = std::max(s.files[w.file].size, w.offset + w.len);
                // dax_iomap_iter: new or copied blocks invalidate the range's entries.
                if (replaced) remove_entries(s, w.file, w.offset, w.len, Action::Kind::Invalidate, actions);
            },
            [&](const Reflink& r) {
                if (s.remap_drops_source)
                    remove_entries(s, r.src, r.src_offset, r.len, Action::Kind::Delete, actions);
                remove_entries(s, r.dst, r.dst_offset, r.len, Action::Kind::Delete, actions);
                for (std::uint64_t i = 0; i < r.len; i++) {
                    const std::int64_t from = s.files[r.src].map[r.src_offset + i];
                    drop_block(s, s.files[r.dst].map[r.dst_offset + i]);
                    s.files[r.dst].map[r.dst_offset + i] = from;
                    if (from != kHole) s.refs[from]++;
                }
                s.files[r.dst].size = std::max(s.files[r.dst].size, r.dst_offset + r.len);
            },
            [&](const ReadFault& f) { fault(s, f.file, f.offset, false, f.pmd, actions); },
            [&](const WriteFault& f) { fault(s, f.file, f.offset, true, f.pmd, actions); },
            [&](const TruncateFile& t) {
                FileState& file = s.files[t.file];
                if (t.size < file.size) {
                    remove_entries(s, t.file, t.size, u.offsets - t.size, Action::Kind::Delete, actions);
                    for (PageOffset o = t.size; o < u.offsets; o++) {
                        drop_block(s, file.map[o]);
                        file.map[o] = kHole;
                    }
                }
                file.size = t.size;
            },
            [&](const Punch& p) {
                remove_entries(s, p.file, p.offset, p.len, Action::Kind::Delete, actions);
                for (std::uint64_t i = 0; i < p.len; i++) {
                    drop_block(s, s.files[p.file].map[p.offset + i]);
                    s.files[p.file].map[p.offset + i] = kHole;
                }
            },
            [&](const Unshare& p) {
                bool replaced = false;
                for (std::uint64_t i = 0; i < p.len; i++) {
                    const std::int64_t b = s.files[p.file].map[p.offset + i];
                    if (b != kHole && s.refs[b] > 1) {
                        new_block(s, p.file, p.offset + i);
                        replaced = true;
                    }
                }
                // The remapped range's entries point at the old blocks.
                if (replaced) remove_entries(s, p.file, p.offset, p.len, Action::Kind::Invalidate, actions);
            },
            [&](const Invalidate& i) {
                remove_entries(s, i.file, i.offset, i.len, Action::Kind::Invalidate, actions);
            },
            [&](const PinPage& p) {
                PageOffset at = 0;
                const model::Slot* e = entry_covering(s.cache[p.file], p.offset, u, &at);
                Action a;
                a.kind = Action::Kind::Pin;
                a.file = p.file;
                a.index = p.offset;
                a.pfn = e->pfn + (p.offset - at);
                actions.push_back(a);
                s.pins.push_back(PinRecord{p.file, p.offset, a.pfn});
            },
            [&](const UnpinPage& p) {
                auto it = std::find_if(s.pins.begin(), s.pins.end(), [&](const PinRecord& r) {
                    return r.file == p.file && r.offset == p.offset;
                });
                Action a;
                a.kind = Action::Kind::Unpin;
                a.file = p.file;
                a.index = p.offset;
                a.pfn = it->pfn;
                actions.push_back(a);
                s.pins.erase(it);
            },
        },
        op);
}

}  // namespace daxcheck::fslevel
