// The explorer's state fingerprint, updated per transition instead of
// re-packing every child (issue 18).
//
// A state is a tuple of components: each pfn (pins, misuse taint, share
// flag, page fields) and each file (slot list and xarray). Under a
// relabelling g its hash is the sum, per 64-bit lane, of every component's
// 128-bit hash taken under g and seeded with the component's relabelled
// position (AdHash, Bellare and Micciancio 1997). A step changes a few
// components, so a child's sums are the parent's minus the old components'
// hashes plus the new ones'. A pfn in its initial (idle) state encodes the
// same under every relabelling, so the idle pfns of every position are one
// constant and a state's sums cost time for its files and non-idle pfns
// only (a universe of 262,144 pfns has a handful of those). The orbit's
// fingerprint is the smallest sum over the relabellings, put through a
// bijective mixer (the smallest of several values would otherwise crowd the
// table's low shards).
//
// Two states get the same fingerprint when they are in the same orbit;
// different orbits collide with probability about |G|^2 / 2^128 per pair
// (|G| relabellings), as for engines/fingerprint_set.h's hashes of bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "engines/fingerprint_set.h"
#include "engines/state_pack.h"

namespace daxcheck {

class OrbitFingerprint {
public:
    // `labels`: the relabellings the search takes orbits over (identity
    // first); `initial`: a state whose every pfn is idle (a new Execution).
    // It is kept by reference for its memmap's address only, so it may
    // change afterwards (the explorer's parent) but must outlive this.
    OrbitFingerprint(const std::vector<Relabelling>& labels, const Execution& initial);

    // Takes `e` as the base that child() updates (kept by reference: it must
    // not change until the next set_base). Time: pfns + relabellings x
    // (files + non-idle pfns).
    void set_base(const Execution& e);
    // The base state's orbit fingerprint.
    Fingerprint base() const;
    // The orbit fingerprint of `child`, which equals the base state but for
    // the pfns child.step_pfns() and file `file` (-1: none), as after one
    // legal step from it. Time: relabellings x those components.
    Fingerprint child(const Execution& child, int file);
    // The orbit fingerprint of any state, from scratch (the base is kept).
    Fingerprint of(const Execution& e);

private:
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
    Fingerprint orbit(const std::vector<Sum>& sums) const;
    // What pfn p adds to the sum under relabelling g beyond an idle pfn at
    // its place (zero for an idle pfn).
    Sum pfn_excess(const PfnParts& parts, const Execution& e, std::size_t g, model::Pfn p);
    Sum file_hash(const Execution& e, std::size_t g, model::FileId f);
    bool idle(const PfnParts& parts) const;  // a pfn in its initial state
    void sums_of(const Execution& e, std::vector<Sum>& sums, std::vector<Sum>* files);

    const std::vector<Relabelling>& labels_;
    std::size_t pfns_, files_;
    const Execution& layout_;  // an execution of the universe: its memmap's address
    Sum idle_sum_;              // every position holding an idle pfn
    // Caches for universes small enough (kCacheEntries): an idle pfn's hash
    // at each position, and the base's pfn excesses ([p * relabellings + g],
    // valid where base_stamp_[p] is the base's number).
    static constexpr std::size_t kCacheEntries = std::size_t{1} << 16;
    std::vector<Sum> idle_hashes_, base_excess_;
    std::vector<std::uint64_t> base_stamp_;
    std::uint64_t base_number_ = 0;
    Sum idle_hash(std::uint64_t position);
    const Sum* base_excesses(model::Pfn p);  // the base's excess of p under each relabelling
    const Execution* base_ = nullptr;
    std::vector<Sum> base_sums_, child_sums_;  // per relabelling
    std::vector<Sum> file_hashes_;             // the base's, [g * files + f]
    PfnParts idle_parts_;                      // an initial pfn's
};

}  // namespace daxcheck
