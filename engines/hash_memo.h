// A direct-mapped memo of per-relabelling component hashes, for
// engines/orbit_fingerprint.cpp: a universe's pfns and file positions take
// few distinct contents, so the hashes a child's changed components need
// were nearly always computed before, for another state. A hit costs
// reading and comparing a key's few words instead of hashing the component
// once per relabelling. The memo returns exactly what was computed for an
// equal key, so fingerprints are the same with it and without it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace daxcheck {

// `Key` has `std::array<std::uint64_t, N> words` (what the hashes are
// computed from, word for word) and ==; `Hash` is one relabelling's hash.
template <class Key, class Hash>
class HashMemo {
public:
    // `slot_bits`: 2^slot_bits slots; `per_key`: hashes kept per key (the
    // relabellings). per_key 0 turns the memo off: find() always misses.
    void reset(unsigned slot_bits, std::size_t per_key) {
        bits_ = slot_bits;
        per_key_ = per_key;
        keys_.assign(per_key ? std::size_t{1} << slot_bits : 0, Key{});
        used_.assign(keys_.size(), 0);
        hashes_.assign(keys_.size() * per_key, Hash{});
        scratch_.assign(per_key ? 0 : 1, Hash{});
    }

    // The hashes kept for `key` (`hit`), or else a place for them, which
    // find() then keeps as key's: the caller fills all per_key of them
    // before the next find(). `scratch_size`: how many a miss needs when the
    // memo is off.
    Hash* find(const Key& key, bool& hit, std::size_t scratch_size) {
        if (keys_.empty()) {
            if (scratch_.size() < scratch_size) scratch_.resize(scratch_size);
            hit = false;
            return scratch_.data();
        }
        std::uint64_t h = 0;
        for (std::uint64_t w : key.words) h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        const std::size_t slot = h >> (64 - bits_);
        hit = used_[slot] && keys_[slot] == key;
        if (!hit) {
            keys_[slot] = key;
            used_[slot] = 1;
        }
        return &hashes_[slot * per_key_];
    }

private:
    unsigned bits_ = 0;
    std::size_t per_key_ = 0;
    std::vector<Key> keys_;
    std::vector<std::uint8_t> used_;
    std::vector<Hash> hashes_;   // [slot * per_key + i]
    std::vector<Hash> scratch_;  // a miss's place when the memo is off
};

}  // namespace daxcheck
