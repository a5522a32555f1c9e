#include "engines/state_pack.h"

#include "engines/fingerprint_set.h"
#include "model/overloaded.h"

#include <algorithm>
#include <array>
#include <compare>
#include <numeric>
#include <stdexcept>
#include <type_traits>

namespace daxcheck {
namespace {

// Every field of struct page, in one list: packing and unpacking both go
// through it, so a field added here is stored, compared and restored.
// `index` covers `share`, which overlays it.
template <class Io, class Page>
void page_fields(Io& io, Page& page) {
    io.mapping(page.mapping);
    io.number(page.index);
    io.number(page._refcount);
    io.page_pointer(page.compound_head);
    io.number(page.compound_order);
    io.number(page.head);
    io.pgmap(page.pgmap);
}
// A field added to struct page changes its size: list it in page_fields()
// above, then update these sizes.
static_assert(sizeof(kshim::page) == 48,
              "struct page changed: add the new field to page_fields() in engines/state_pack.cpp");
static_assert(sizeof(kshim::folio) == sizeof(kshim::page),
              "struct folio has its own fields: add them to page_fields() in engines/state_pack.cpp");

// file_mapping(f) for every f, looked up once: mappings are identities that
// never move.
using MappingTable = std::array<const kshim::address_space*, model::kMaxFiles>;
const MappingTable& mapping_table() {
    static const MappingTable table = [] {
        MappingTable t{};
        for (std::size_t i = 0; i < t.size(); i++)
            t[i] = kshim::file_mapping(static_cast<std::uint8_t>(i));
        return t;
    }();
    return table;
}

// page->mapping: 0 is NULL, 1 + file for a file's mapping, kMappingRaw then
// the pointer's value for anything else (a sentinel such as a CoW flag).
constexpr std::uint64_t kMappingRaw = 1 + model::kMaxFiles;

// Varints into a buffer sized beforehand for the worst case (10 bytes a number).
struct ByteSink {
    std::uint8_t* at;
    void put(std::uint64_t v) {
        while (v >= 0x80) {
            *at++ = static_cast<std::uint8_t>(v) | 0x80;
            v >>= 7;
        }
        *at++ = static_cast<std::uint8_t>(v);
    }
};

// Writes the numbers of a state's encoding under a relabelling as varint
// bytes (pfn_parts below takes the page fields as words instead).
struct Writer {
    ByteSink sink;
    const Relabelling& r;
    const kshim::folio* memmap;
    const MappingTable& files = mapping_table();

    void varint(std::uint64_t v) { sink.put(v); }
    template <class T>
    void number(T v) {
        if constexpr (std::is_signed_v<T>) {
            const auto s = static_cast<std::int64_t>(v);
            varint((static_cast<std::uint64_t>(s) << 1) ^ static_cast<std::uint64_t>(s >> 63));
        } else {
            varint(static_cast<std::uint64_t>(v));
        }
    }
    void mapping(const kshim::address_space* m) {
        if (!m) return varint(0);
        // The universe's own files first: a pointer compare each.
        for (std::size_t f = 0; f < r.file_to.size(); f++)
            if (m == files[f]) return varint(1 + r.file_to[f]);
        // mapping_file() searches every file: only ask about a pointer into
        // the file table (never about sentinels such as a CoW flag).
        const auto at = reinterpret_cast<std::uintptr_t>(m);
        const bool in_table = at >= reinterpret_cast<std::uintptr_t>(files.front()) &&
                              at <= reinterpret_cast<std::uintptr_t>(files.back());
        const int f = in_table ? kshim::mapping_file(m) : -1;
        if (f < 0) {
            varint(kMappingRaw);
            return varint(reinterpret_cast<std::uintptr_t>(m));
        }
        // Files outside the universe keep their number: never a relabelled one.
        const auto file = static_cast<std::size_t>(f);
        varint(1 + (file < r.file_to.size() ? r.file_to[file] : file));
    }
    // page->pgmap: 0 NULL, 1 the device's, 2 then the value for anything else.
    void pgmap(const kshim::dev_pagemap* m) {
        if (!m) return varint(0);
        if (m == kshim::fsdax_pgmap()) return varint(1);
        varint(2);
        varint(reinterpret_cast<std::uintptr_t>(m));
    }
    void page_pointer(const kshim::page* p) {
        if (!p) return varint(0);
        const auto pfn = static_cast<const kshim::folio*>(p) - memmap;
        varint(1 + r.pfn_to[static_cast<std::size_t>(pfn)]);
    }
    // A DAX entry names a pfn: relabel it.
    void entry(const void* e) { varint(relabelled_entry(e, r)); }
};

// How many numbers page_fields() writes at most for one page.
struct Counter {
    std::size_t n = 0;
    void mapping(const kshim::address_space*) { n += 2; }
    void pgmap(const kshim::dev_pagemap*) { n += 2; }
    template <class T>
    void number(T) { n++; }
    void page_pointer(const kshim::page*) { n++; }
};
std::size_t page_field_numbers() {
    Counter c;
    const kshim::page page{};
    page_fields(c, page);
    return c.n;
}

struct Reader {
    const std::uint8_t* p;
    const std::uint8_t* end;
    kshim::folio* memmap;

    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (unsigned shift = 0; p < end; shift += 7) {
            const std::uint8_t b = *p++;
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) break;
        }
        return v;
    }
    template <class T>
    void number(T& v) {
        const std::uint64_t x = varint();
        if constexpr (std::is_same_v<T, bool>) {
            v = x != 0;
        } else if constexpr (std::is_signed_v<T>) {
            v = static_cast<T>(static_cast<std::int64_t>((x >> 1) ^ (~(x & 1) + 1)));
        } else {
            v = static_cast<T>(x);
        }
    }
    void mapping(kshim::address_space*& m) {
        const std::uint64_t code = varint();
        if (code == 0) m = nullptr;
        else if (code == kMappingRaw) m = reinterpret_cast<kshim::address_space*>(varint());
        else m = kshim::file_mapping(static_cast<std::uint8_t>(code - 1));
    }
    void pgmap(kshim::dev_pagemap*& m) {
        const std::uint64_t code = varint();
        if (code == 0) m = nullptr;
        else if (code == 1) m = kshim::fsdax_pgmap();
        else m = reinterpret_cast<kshim::dev_pagemap*>(varint());
    }
    void page_pointer(kshim::page*& page) {
        const std::uint64_t v = varint();
        page = v ? &memmap[v - 1] : nullptr;
    }
};

std::vector<std::vector<std::size_t>> permutations(std::size_t n) {
    std::vector<std::vector<std::size_t>> out;
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    do out.push_back(perm);
    while (std::next_permutation(perm.begin(), perm.end()));
    return out;
}

std::size_t factorial_capped(std::size_t n, std::size_t cap) {
    std::size_t f = 1;
    for (std::size_t i = 2; i <= n; i++) {
        f *= i;
        if (f > cap) return cap + 1;
    }
    return f;
}

}  // namespace

namespace {

// How many files and pfn blocks relabellings() permutes.
std::pair<std::size_t, std::size_t> permuted(const model::Universe& u, bool enabled,
                                             std::size_t limit) {
    const std::uint64_t block = u.pages(static_cast<model::Order>(u.pmd_order));
    std::size_t files = u.files, blocks = static_cast<std::size_t>(u.pfns / block);
    if (!enabled) files = blocks = 1;
    if (factorial_capped(files, limit) * factorial_capped(blocks, limit) > limit) blocks = 1;
    if (factorial_capped(files, limit) > limit) files = 1;
    return {files, blocks};
}

}  // namespace

std::size_t relabelling_count(const model::Universe& u, bool enabled, std::size_t limit) {
    const auto [files, blocks] = permuted(u, enabled, limit);
    return factorial_capped(files, limit) * factorial_capped(blocks, limit);
}

std::vector<Relabelling> relabellings(const model::Universe& u, bool enabled, std::size_t limit) {
    const std::uint64_t block = u.pages(static_cast<model::Order>(u.pmd_order));
    const auto [files, blocks] = permuted(u, enabled, limit);
    std::vector<Relabelling> out;
    const auto file_perms = permutations(files);
    const auto block_perms = permutations(blocks);
    for (const auto& fp : file_perms)
        for (const auto& bp : block_perms) {
            Relabelling r;
            r.file_to.resize(u.files);
            r.file_from.resize(u.files);
            for (std::size_t f = 0; f < u.files; f++) {
                r.file_to[f] = static_cast<std::uint8_t>(f < files ? fp[f] : f);
                r.file_from[r.file_to[f]] = static_cast<std::uint8_t>(f);
            }
            r.pfn_to.resize(u.pfns);
            r.pfn_from.resize(u.pfns);
            for (model::Pfn p = 0; p < u.pfns; p++) {
                const std::size_t b = static_cast<std::size_t>(p / block);
                r.pfn_to[p] = b < blocks ? bp[b] * block + p % block : p;
                r.pfn_from[r.pfn_to[p]] = p;
            }
            out.push_back(std::move(r));
        }
    return out;
}

namespace {

// Per pfn: pins, misuse taint, shared, in one number.
std::uint64_t pfn_number(const model::PfnState& p, bool tainted) {
    return static_cast<std::uint64_t>(p.pins) << 2 | std::uint64_t{tainted} << 1 | p.shared;
}

// One file's slot list: offset, relabelled pfn, order/kind/shared per slot.
void write_slots(Writer& io, const boost::container::flat_map<model::PageOffset, model::Slot>& slots,
                 const Relabelling& r) {
    io.varint(slots.size());
    for (const auto& [offset, slot] : slots) {
        io.varint(offset);
        // Zero and empty entries hold no pfn to relabel.
        io.varint(slot.covers_pfns() ? r.pfn_to[slot.pfn] : 0);
        io.varint(static_cast<std::uint64_t>(slot.order) << 3 |
                  static_cast<std::uint64_t>(slot.kind) << 1 | slot.shared);
    }
}

void write_xarray(Writer& io, const boost::container::flat_map<unsigned long, void*>& xarray) {
    io.varint(xarray.size());
    for (const auto& [offset, entry] : xarray) {
        io.varint(offset);
        io.entry(entry);
    }
}

// `slots_only`: just the leading slot lists, which often decide a comparison
// of two relabellings' encodings on their own.
template <class Tainted>
void pack(const model::ModelState& m, const kshim::kernel_world& w, const Relabelling& r,
          Tainted tainted, PackedState& out, bool slots_only = false) {
    static const std::size_t kPageFields = page_field_numbers();
    std::size_t numbers = 2 * m.files.size() + (1 + kPageFields) * m.pfns.size();
    for (const auto& f : m.files) numbers += 3 * f.slots.size();
    for (const auto& x : w.i_pages) numbers += 2 * x.size();
    // Written into a buffer kept at its largest size, then copied: resizing
    // `out` up to the worst case would zero it on every call.
    thread_local std::vector<std::uint8_t> buffer;
    if (buffer.size() < 10 * numbers) buffer.resize(10 * numbers);
    Writer io{{buffer.data()}, r, w.memmap.data()};
    for (std::uint8_t file : r.file_from) {
        write_slots(io, m.files[file].slots, r);
    }
    if (slots_only) return out.assign(buffer.data(), io.sink.at);
    for (model::Pfn p : r.pfn_from) io.varint(pfn_number(m.pfns[p], tainted(p)));
    for (model::Pfn p : r.pfn_from) page_fields(io, static_cast<const kshim::page&>(w.memmap[p]));
    for (std::uint8_t file : r.file_from) write_xarray(io, w.i_pages[file]);
    out.assign(buffer.data(), io.sink.at);
}

}  // namespace

void pack_state(const model::ModelState& m, const kshim::kernel_world& w, const Relabelling& r,
                PackedState& out) {
    pack(m, w, r, [](model::Pfn) { return false; }, out);
}

void pack_state(const Execution& e, const Relabelling& r, PackedState& out) {
    pack(e.model(), e.world(), r, [&e](model::Pfn p) { return e.misuse_tainted(p); }, out);
}

std::size_t pack_canonical(const Execution& e, const std::vector<Relabelling>& labels,
                           PackedState& out, CanonicalScratch& scratch) {
    const auto tainted = [&e](model::Pfn p) { return e.misuse_tainted(p); };
    // The slot lists lead the encoding and delimit themselves, so the
    // relabellings with the smallest slot lists are the only candidates:
    // most states have one, packed in full just once.
    auto& tied = scratch.tied;
    tied.clear();
    if (labels.size() == 1) tied.push_back(0);  // no symmetry: nothing to rule out
    for (std::size_t i = 0; i < labels.size() && labels.size() > 1; i++) {
        pack(e.model(), e.world(), labels[i], tainted, scratch.prefix, true);
        const auto c = tied.empty() ? std::strong_ordering::less
                                    : std::lexicographical_compare_three_way(
                                          scratch.prefix.begin(), scratch.prefix.end(),
                                          scratch.best_prefix.begin(), scratch.best_prefix.end());
        if (c < 0) {
            scratch.best_prefix.swap(scratch.prefix);
            tied.clear();
        }
        if (c <= 0) tied.push_back(i);
    }
    pack(e.model(), e.world(), labels[tied[0]], tainted, out);
    std::size_t same = 1;
    for (std::size_t t = 1; t < tied.size(); t++) {
        pack(e.model(), e.world(), labels[tied[t]], tainted, scratch.full);
        const auto c = std::lexicographical_compare_three_way(
            scratch.full.begin(), scratch.full.end(), out.begin(), out.end());
        if (c < 0) {
            out.swap(scratch.full);
            same = 1;
        } else if (c == 0) {
            same++;
        }
    }
    return same;
}

namespace {

template <class SetTainted>
void unpack(std::basic_string_view<std::uint8_t> bytes, model::ModelState& m,
            kshim::kernel_world& w, SetTainted set_tainted) {
    Reader io{bytes.data(), bytes.data() + bytes.size(), w.memmap.data()};
    const model::Universe& u = m.universe;
    for (auto& file : m.files) {
        file.slots.clear();
        for (std::uint64_t n = io.varint(); n > 0; n--) {
            const model::PageOffset offset = io.varint();
            const model::Pfn pfn = io.varint();
            const std::uint64_t x = io.varint();
            file.slots.emplace_hint(file.slots.end(), offset,
                                    model::Slot{pfn, static_cast<model::Order>(x >> 3),
                                                static_cast<bool>(x & 1),
                                                static_cast<model::EntryKind>(x >> 1 & 3)});
        }
    }
    for (model::Pfn p = 0; p < m.pfns.size(); p++) {
        auto& pfn = m.pfns[p];
        const std::uint64_t x = io.varint();
        pfn.pins = static_cast<unsigned>(x >> 2);
        set_tainted(p, (x >> 1 & 1) != 0);
        pfn.shared = x & 1;
        pfn.owners.clear();
    }
    for (model::FileId f = 0; f < m.files.size(); f++)
        for (const auto& [offset, slot] : m.files[f].slots)
            for (std::uint64_t i = 0; slot.covers_pfns() && i < u.pages(slot.order); i++)
                m.pfns[slot.pfn + i].owners.push_back(model::Owner{f, offset + i});
    for (auto& pfn : m.pfns)
        if (pfn.owners.size() > 1) std::sort(pfn.owners.begin(), pfn.owners.end());
    for (auto& page : w.memmap) page_fields(io, static_cast<kshim::page&>(page));
    for (auto& xarray : w.i_pages) {
        xarray.clear();
        for (std::uint64_t n = io.varint(); n > 0; n--) {
            const unsigned long offset = io.varint();
            xarray.emplace_hint(xarray.end(), offset, reinterpret_cast<void*>(io.varint()));
        }
    }
    w.warnings.clear();
}

}  // namespace

void unpack_state(std::basic_string_view<std::uint8_t> bytes, model::ModelState& m,
                  kshim::kernel_world& w) {
    unpack(bytes, m, w, [](model::Pfn, bool) {});
}

void unpack_state(std::basic_string_view<std::uint8_t> bytes, Execution& e) {
    unpack(bytes, e.mutable_model(), e.mutable_world(),
           [&e](model::Pfn p, bool tainted) { e.set_misuse_tainted(p, tainted); });
}

namespace {

// page_fields() into a 128-bit hash of words of fixed width, the same number
// for every page (so equal words mean equal fields), keeping the two fields
// that may name a file of the universe or a pfn (mapping, compound head)
// apart in `parts`. As in the encoding, a file outside the universe is
// hashed by its number and a sentinel mapping (a constant such as the CoW
// flag) by its value, so fingerprints agree between processes; a pointer
// that is neither (a pgmap other than the device's: no port makes one)
// would be hashed by its address, as the encoding writes it. The hash: two
// lanes of multiply-folds, each taking the words two at a time with its own
// constants (the orbit fingerprint mixes the result again per relabelling).
struct PartsIo {
    PfnParts& parts;
    std::size_t files;  // the universe's
    const kshim::folio* memmap;
    std::uint64_t a = 0x243f6a8885a308d3ULL, b = 0x13198a2e03707344ULL;
    std::uint64_t pending = 0;
    bool has_pending = false;  // known at each call once inlined: no branch

    void word(std::uint64_t w) {
        if (!has_pending) {
            pending = w;
            has_pending = true;
            return;
        }
        a = mum(a ^ pending ^ 0xa0761d6478bd642fULL, w ^ 0xe7037ed1a0b428dbULL);
        b = mum(b ^ w ^ 0x8ebc6af09c88c6e3ULL, pending ^ 0x589965cc75374cc3ULL);
        has_pending = false;
    }
    Fingerprint done() {
        if (has_pending) word(0);
        return {a, b};
    }
    template <class T>
    void number(T v) { word(static_cast<std::uint64_t>(v)); }
    // 0 NULL, 1 a file of the universe (parts.file), 2 and the number of a
    // file outside it, 3 and the value of anything else (a sentinel).
    void mapping(const kshim::address_space* m) {
        if (!m) return pair(0, 0);
        const auto& table = mapping_table();
        for (std::size_t f = 0; f < files; f++)
            if (m == table[f]) {
                parts.file = static_cast<int>(f);
                return pair(1, 0);
            }
        const auto at = reinterpret_cast<std::uintptr_t>(m);
        const bool in_table = at >= reinterpret_cast<std::uintptr_t>(table.front()) &&
                              at <= reinterpret_cast<std::uintptr_t>(table.back());
        const int f = in_table ? kshim::mapping_file(m) : -1;
        if (f >= 0) return pair(2, static_cast<std::uint64_t>(f));
        pair(3, at);
    }
    // 0 NULL, 1 the device's, 2 and the value of anything else.
    void pgmap(const kshim::dev_pagemap* m) {
        if (!m) return pair(0, 0);
        if (m == kshim::fsdax_pgmap()) return pair(1, 0);
        pair(2, reinterpret_cast<std::uintptr_t>(m));
    }
    void page_pointer(const kshim::page* p) {
        if (p) parts.head = static_cast<const kshim::folio*>(p) - memmap;
    }
    void pair(std::uint64_t kind, std::uint64_t value) {
        word(kind);
        word(value);
    }
};

}  // namespace

PfnParts pfn_parts(const Execution& e, model::Pfn p) {
    PfnParts parts;
    PartsIo io{parts, e.model().universe.files, e.world().memmap.data()};
    io.number(pfn_number(e.model().pfns[p], e.misuse_tainted(p)));
    page_fields(io, static_cast<const kshim::page&>(e.world().memmap[p]));
    parts.rest = io.done();
    return parts;
}

namespace {

// page_fields() as the words of a PfnKey, each field's value as it is.
struct KeyIo {
    PfnKey& key;
    const kshim::folio* memmap;
    std::size_t n = 2;  // after p and the pfn number

    void put(std::uint64_t w) {
        if (n < PfnKey::kWords) key.words[n] = w;
        n++;
    }
    template <class T>
    void number(T v) { put(static_cast<std::uint64_t>(v)); }
    void mapping(const kshim::address_space* m) { put(reinterpret_cast<std::uintptr_t>(m)); }
    void pgmap(const kshim::dev_pagemap* m) { put(reinterpret_cast<std::uintptr_t>(m)); }
    void page_pointer(const kshim::page* p) {
        put(p ? 1 + static_cast<std::uint64_t>(static_cast<const kshim::folio*>(p) - memmap) : 0);
    }
};

}  // namespace

PfnKey pfn_key(const Execution& e, model::Pfn p) {
    PfnKey key;
    key.words[0] = p;
    key.words[1] = pfn_number(e.model().pfns[p], e.misuse_tainted(p));
    KeyIo io{key, e.world().memmap.data()};
    page_fields(io, static_cast<const kshim::page&>(e.world().memmap[p]));
    // Known when inlined: a field added to page_fields() must widen the key.
    if (io.n != PfnKey::kWords) throw std::logic_error("pfn_key: page_fields() changed: update PfnKey::kWords");
    return key;
}

std::uint64_t relabelled_entry(const void* e, const Relabelling& r) {
    const auto value = reinterpret_cast<std::uintptr_t>(e);
    const std::uintptr_t flags = (value >> 1) & ((1u << kshim::DAX_SHIFT) - 1);
    const std::uintptr_t pfn = value >> (1 + kshim::DAX_SHIFT);
    if (!(value & 1) || (flags & (kshim::DAX_ZERO_PAGE | kshim::DAX_EMPTY)) ||
        pfn >= r.pfn_to.size())
        return value;
    return reinterpret_cast<std::uintptr_t>(kshim::dax_make_entry(r.pfn_to[pfn], flags));
}

SlotRef op_slot(const model::Op& op) {
    return std::visit(overloaded{[](const model::Pin&) { return SlotRef{}; },
                                 [](const model::Unpin&) { return SlotRef{}; },
                                 [](const model::DisassociateStray&) { return SlotRef{}; },
                                 [](const model::TruncateStray&) { return SlotRef{}; },
                                 [](const auto& o) { return SlotRef{int{o.file}, o.offset}; }},
                      op);
}

void undo_step(const Execution& from, Execution& to, SlotRef slot) {
    kshim::kernel_world& w = to.mutable_world();
    const kshim::kernel_world& src = from.world();
    model::ModelState& m = to.mutable_model();
    for (model::Pfn p : to.step_pfns()) {
        m.pfns[p] = from.model().pfns[p];
        w.memmap[p] = src.memmap[p];
        if (const kshim::page* head = w.memmap[p].compound_head)
            w.memmap[p].compound_head =
                w.memmap.data() + (static_cast<const kshim::folio*>(head) - src.memmap.data());
        to.set_misuse_tainted(p, from.misuse_tainted(p));
    }
    if (slot.file >= 0) {
        const auto f = static_cast<std::size_t>(slot.file);
        // The whole file: a copy of a few sorted pairs costs less than
        // finding, inserting or erasing the one that changed.
        m.files[f] = from.model().files[f];
        w.i_pages[f] = src.i_pages[f];
    }
    w.warnings.clear();
    w.op_number = src.op_number;
}

void copy_state(const Execution& from, Execution& to) {
    to.copy_misuse_marks(from);
    to.mutable_model() = from.model();
    kshim::kernel_world& w = to.mutable_world();
    const kshim::kernel_world& src = from.world();
    w.memmap = src.memmap;
    for (auto& page : w.memmap)
        if (page.compound_head)
            page.compound_head =
                w.memmap.data() + (static_cast<const kshim::folio*>(page.compound_head) -
                                   src.memmap.data());
    w.i_pages = src.i_pages;
    w.warnings.clear();
    w.op_number = src.op_number;
}

}  // namespace daxcheck
