// The explorer's state fingerprint, updated per transition instead of
// re-packing every child (issue 18).
//
// A state is a set of components: a pfn that is not idle (pins, misuse
// taint, share flag and page fields at pfn p) and a file position (file f,
// offset o) holding a model slot, an xarray entry or both (the two a step
// changes together). An idle pfn (as in a new Execution) and an empty
// position are no component: the state is what differs from the initial
// one. Under a relabelling g its hash is the sum, per 64-bit lane, of every
// component's 128-bit hash taken under g, keyed by the relabelled position
// (AdHash, Bellare and Micciancio 1997). A step changes a few components,
// so a child's sums are the parent's minus the old components' hashes plus
// the new ones': the pfns the step reached and the one position at its
// (file, offset) (op_slot: a step changes no other). The orbit's
// fingerprint is the smallest sum over the relabellings, put through a
// bijective mixer (the smallest of several values would otherwise crowd the
// table's low shards).
//
// Two states get the same fingerprint when they are in the same orbit;
// different orbits collide with probability about |G|^2 / 2^128 per pair
// (|G| relabellings), as for engines/fingerprint_set.h's hashes of bytes.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engines/fingerprint_set.h"
#include "engines/hash_memo.h"
#include "engines/state_pack.h"

namespace daxcheck {

class OrbitFingerprint {
public:
    // `labels`: the relabellings the search takes orbits over (identity
    // first); `initial`: a state whose every pfn is idle (a new Execution),
    // read here only. The base's pfn hashes are kept when pfns x relabellings
    // is at most `cache_entries` (16 bytes each), else computed again per
    // child (a wide universe).
    static constexpr std::size_t kCacheEntries = std::size_t{1} << 16;
    OrbitFingerprint(const std::vector<Relabelling>& labels, const Execution& initial,
                     std::size_t cache_entries = kCacheEntries);

    // The bytes the memo of component hashes takes (a few hundred KB; none
    // past kMemoLabels relabellings), for the explorer's memory budget.
    static std::size_t memo_bytes(std::size_t relabellings);

    // Takes `e` as the base that child() updates (kept by reference: it must
    // not change until the next set_base). Time: pfns + relabellings x
    // (non-idle pfns + positions holding a slot or an entry).
    void set_base(const Execution& e);
    // The base state's orbit fingerprint.
    Fingerprint base() const;
    // The orbit fingerprint of `child`, which equals the base state but for
    // the pfns child.step_pfns() and the slot and xarray entry at `slot`
    // (op_slot), as after one legal step from it. Time: relabellings x the
    // components that differ, plus three scans of that file's few entries.
    Fingerprint child(const Execution& child, SlotRef slot);
    // The orbit fingerprint of any state, from scratch (the base is kept).
    Fingerprint of(const Execution& e);

    struct Sum {
        std::uint64_t hi = 0, lo = 0;
        void add(const Sum& s) {
            hi += s.hi;
            lo += s.lo;
        }
        void subtract(const Sum& s) {
            hi -= s.hi;
            lo -= s.lo;
        }
    };

private:
    Fingerprint orbit(const std::vector<Sum>& sums) const;
    // Component hashes under relabelling g; a pfn's is zero when it is idle.
    Sum pfn_hash(const PfnParts& parts, std::size_t g, model::Pfn p) const;
    // A position's: the model slot and the xarray entry at (f, offset),
    // either null when absent (not both).
    Sum position_hash(std::size_t g, model::FileId f, model::PageOffset offset,
                      const model::Slot* slot, void* const* entry) const;
    // Moves `sums` from the base's component at `slot`'s position (from
    // base_files_) to the child's.
    void add_slot_diff(std::vector<Sum>& sums, const Execution& child, SlotRef slot);
    // The sums of `e`; for the base (`base`), keeping its components'
    // hashes in base_pfn_ and base_files_.
    void sums_of(const Execution& e, std::vector<Sum>& sums, bool base);
    // The base's hash of pfn p under each relabelling.
    const Sum* base_pfn_hashes(model::Pfn p);
    bool cached() const { return !base_pfn_.empty(); }

    const std::vector<Relabelling>& labels_;
    std::size_t pfns_;
    PfnParts idle_parts_;  // an initial pfn's
    // The hashes of pfn `p` of `e` under every relabelling, [g], from
    // pfn_memo_ when it holds them. Valid until the next call.
    const Sum* pfn_hashes(const Execution& e, model::Pfn p);
    // The same for the position (f, offset) holding `slot` and `entry`.
    const Sum* position_hashes(model::FileId f, model::PageOffset offset, const model::Slot* slot,
                               void* const* entry);
    // The base's pfn hashes, [p * relabellings + g], when cached.
    std::vector<Sum> base_pfn_;
    // What a position's hashes are computed from: its file and offset, and
    // what is there (a model slot's fields, an xarray entry's value).
    struct PositionKey {
        std::array<std::uint64_t, 4> words{};
        friend bool operator==(const PositionKey&, const PositionKey&) = default;
    };
    // Component hashes by key (engines/hash_memo.h); off past kMemoLabels
    // relabellings, whose hashes would not fit in a cache.
    static constexpr unsigned kMemoBits = 11;
    static constexpr std::size_t kMemoLabels = 16;
    HashMemo<PfnKey, Sum> pfn_memo_;
    HashMemo<PositionKey, Sum> position_memo_;
    // An idle pfn's key but for words[0] (its pfn), and its hashes (zero):
    // idle pfns are most of a wide universe and stay out of the memo.
    PfnKey idle_key_;
    std::vector<Sum> zeros_;
    // The base's positions per file, in offset order, and their hashes,
    // [i * relabellings + g].
    struct FileHashes {
        std::vector<model::PageOffset> positions;
        std::vector<Sum> hashes;
    };
    std::vector<FileHashes> base_files_;
    const Execution* base_ = nullptr;
    std::vector<Sum> base_sums_, child_sums_;  // per relabelling
};

}  // namespace daxcheck
