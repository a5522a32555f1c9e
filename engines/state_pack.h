// A compact byte encoding of one explorer state: the model state and the
// port's state (every struct page field, every file's xarray), so the
// explorer can store hundreds of thousands of states at a few dozen bytes
// each, deduplicate them, and restore any of them into an Execution.
//
// The encoding can be taken under a relabelling of files and of aligned
// PMD-sized pfn blocks: the explorer's symmetry reduction stores the smallest
// encoding of each orbit. That is sound only for ports that treat files and
// pfn blocks alike (every upstream version does: they compare mappings for
// equality and never look at a pfn's value).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engines/fingerprint_set.h"
#include "harness/execution.h"

namespace daxcheck {

using PackedState = std::vector<std::uint8_t>;

// A relabelling of files and pfns that maps aligned PMD blocks onto aligned
// PMD blocks. `file_to[f]` is f's new file, `pfn_to[p]` p's new pfn.
struct Relabelling {
    std::vector<std::uint8_t> file_to, file_from;
    std::vector<model::Pfn> pfn_to, pfn_from;
};

// Every relabelling of the universe's interchangeable files and full PMD pfn
// blocks, the identity first; only the identity when `enabled` is false. A
// universe with more than `limit` of them gets the file permutations only
// (and the identity only if those alone exceed the limit).
std::vector<Relabelling> relabellings(const model::Universe& u, bool enabled,
                                      std::size_t limit = 720);
// How many relabellings() returns, without building them.
std::size_t relabelling_count(const model::Universe& u, bool enabled, std::size_t limit = 720);

// Appends the encoding of (model, world) under `r` to `out` (cleared first).
void pack_state(const model::ModelState& m, const kshim::kernel_world& w, const Relabelling& r,
                PackedState& out);
// The same for an execution, with which pfns an earlier misuse touched
// (Execution::misuse_tainted): misuse-detected judges only untouched ones.
void pack_state(const Execution& e, const Relabelling& r, PackedState& out);

// The smallest encoding of `e` over `labels` (the identity first) into `out`,
// and how many relabellings give it (the size of the state's stabiliser).
struct CanonicalScratch {
    PackedState prefix, best_prefix, full;
    std::vector<std::size_t> tied;
};
std::size_t pack_canonical(const Execution& e, const std::vector<Relabelling>& labels,
                           PackedState& out, CanonicalScratch& scratch);

// Restores an encoded state into `m` and `w`, which must be sized for the
// same universe (reuses their storage). The model's owners are rebuilt from
// the slots: an owner is exactly a slot's (file, offset + i) on pfn + i.
void unpack_state(std::basic_string_view<std::uint8_t> bytes, model::ModelState& m,
                  kshim::kernel_world& w);
// The same into an execution, restoring its misuse taint too.
void unpack_state(std::basic_string_view<std::uint8_t> bytes, Execution& e);

// Copies one execution's model and port state into another of the same
// variant and universe, repointing compound heads into the target's memmap.
void copy_state(const Execution& from, Execution& to);

// The one position whose model slot and xarray entry Execution::step(op)
// may change: the operation's (file, offset). Execution::step stores or
// erases the entry there and the model changes that slot only; no port
// touches a mapping's xarray. Pins and stray releases change neither:
// file -1.
struct SlotRef {
    int file = -1;
    model::PageOffset offset = 0;
};
SlotRef op_slot(const model::Op& op);

// Undoes the last step of `to`, which was a copy of `from` before it: copies
// back only what a step can change, the pfns of to.step_pfns() (model, page
// fields, misuse taint) and the slots and xarray of `slot`'s file, in time
// proportional to those and not to the universe. Valid after a legal step
// (a misuse step may taint pfns beyond them: copy_state then).
void undo_step(const Execution& from, Execution& to, SlotRef slot);

// One pfn's part of the encoding pack_state writes (pins, misuse taint,
// share flag, page fields), split so that engines/orbit_fingerprint.cpp can
// take it under many relabellings while reading the fields once: a hash of
// every field that names no file of the universe and no pfn, and the two
// that may (page->mapping, compound_head). Two pfns have the same encoding
// under a relabelling exactly when their parts are equal (up to a collision
// of the 128-bit `rest`).
struct PfnParts {
    Fingerprint rest;
    int file = -1;            // page->mapping's file of the universe; -1: none (in `rest`)
    std::int64_t head = -1;   // compound_head's pfn; -1: NULL
    friend bool operator==(const PfnParts&, const PfnParts&) = default;
};
PfnParts pfn_parts(const Execution& e, model::Pfn p);

// What pfn_parts(e, p) is computed from, word for word: p, its pins, misuse
// taint and share flag, and every page field page_fields() lists, pointers
// by value and compound_head as a pfn (so two executions' keys compare).
// Equal keys give equal parts: engines/orbit_fingerprint.cpp keeps a pfn's
// hashes by key. Time: one read of each field, no hashing.
struct PfnKey {
    static constexpr std::size_t kWords = 9;
    std::array<std::uint64_t, kWords> words{};
    friend bool operator==(const PfnKey&, const PfnKey&) = default;
};
PfnKey pfn_key(const Execution& e, model::Pfn p);

// An xarray entry's value as pack_state writes it under `r`: a DAX entry's
// pfn relabelled; zero-page, empty and non-value entries as they are.
std::uint64_t relabelled_entry(const void* entry, const Relabelling& r);

}  // namespace daxcheck
