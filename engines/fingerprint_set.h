// The explorer's visited set: 128-bit fingerprints of packed states in
// open-addressing tables, each with the smallest discovery key (parent id,
// operation index) that reached it, so a level's new states get the same ids
// whichever thread found them first.
//
// Fingerprints instead of the packed bytes: a state costs 24 bytes of table
// whatever its size, and a lookup is one probe, never a compare in an arena.
// Two distinct states collide with probability about n^2 / 2^129 for n stored
// states: below 10^-20 for a billion states, so a search that reports no
// failure, or a shortest one, can be wrong only with that probability.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

namespace daxcheck {

struct Fingerprint {
    std::uint64_t hi = 0, lo = 0;
    friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

// MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit.
inline std::uint64_t fmix64(std::uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

// wyhash's multiply-fold: one 64x64->128 multiply, its halves xored.
inline std::uint64_t mum(std::uint64_t a, std::uint64_t b) {
    const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
    return static_cast<std::uint64_t>(r >> 64) ^ static_cast<std::uint64_t>(r);
}

// A 128-bit hash built from 64-bit words, one at a time: two independently
// seeded multiply-rotate lanes, each finished with fmix64, then mixed
// together. Each `seed` gives an independent hash.
class FingerprintBuilder {
public:
    explicit FingerprintBuilder(std::uint64_t seed = 0, std::uint64_t length = 0)
        : a_(0x243f6a8885a308d3ULL ^ length ^ fmix64(seed)),
          b_(0x13198a2e03707344ULL + length + (seed ? fmix64(~seed) : 0)) {}
    void put(std::uint64_t w) {
        a_ = std::rotl((a_ ^ w) * 0x9e3779b97f4a7c15ULL, 29);
        b_ = std::rotl((b_ + w) * 0xc2b2ae3d27d4eb4fULL, 31) ^ a_;
    }
    // The hash of the words so far; never {0, 0}, which marks an empty slot.
    Fingerprint done() const {
        Fingerprint fp{fmix64(a_), fmix64(b_ + a_)};
        if (fp.hi == 0 && fp.lo == 0) fp.lo = 1;
        return fp;
    }

private:
    std::uint64_t a_, b_;
};

// A 128-bit hash of `n` bytes; never {0, 0}, which marks an empty slot.
// Each `seed` gives an independent hash (the seed 0 is the plain one).
Fingerprint fingerprint(const std::uint8_t* bytes, std::size_t n, std::uint64_t seed = 0);

class FingerprintSet {
public:
    // `concurrent`: insert() may be called from several threads at once (each
    // shard then takes its own lock).
    explicit FingerprintSet(bool concurrent);
    ~FingerprintSet();

    // Adds `fp` with `key` and returns true when it is new; otherwise lowers
    // its key to `key` if that is smaller and returns false.
    bool insert(const Fingerprint& fp, std::uint64_t key);
    // Starts loading the cache line insert(fp) will probe first. Safe while
    // other threads insert: a stale address only wastes the prefetch.
    void prefetch(const Fingerprint& fp) const {
        const Shard& s = shard(fp);
        __builtin_prefetch(s.first.load(std::memory_order_relaxed) +
                           (fp.lo & s.mask.load(std::memory_order_relaxed)));
    }
    // The key of a fingerprint in the set (insert() must have added it);
    // UINT64_MAX if it is absent. Not safe while other threads insert.
    std::uint64_t key(const Fingerprint& fp) const;
    // Whether `fp` is in the set; safe while other threads insert.
    bool contains(const Fingerprint& fp) const;

    std::uint64_t size() const { return size_.load(std::memory_order_relaxed); }
    std::uint64_t memory_bytes() const { return bytes_.load(std::memory_order_relaxed); }
    // The bytes growing the set may allocate within the next `inserts`
    // insertions: each shard that many could take past its load limit
    // allocates twice its array while still holding the old one. Safe while
    // other threads insert (an estimate then).
    std::uint64_t growth_bytes(std::uint64_t inserts) const;

private:
    struct Slot {
        Fingerprint fp;
        std::uint64_t key = 0;
    };
    // Zeroed slots, on transparent huge pages when large: every probe is a
    // random access, and 4 KiB pages would make most of them TLB misses.
    struct SlotArray {
        Slot* data = nullptr;
        std::size_t count = 0;
        explicit SlotArray(std::size_t n = 0);
        ~SlotArray();
        SlotArray(const SlotArray&) = delete;
        SlotArray& operator=(const SlotArray&) = delete;
        void swap(SlotArray& o) {
            std::swap(data, o.data);
            std::swap(count, o.count);
        }
        std::size_t size() const { return count; }
        Slot& operator[](std::size_t i) { return data[i]; }
        const Slot& operator[](std::size_t i) const { return data[i]; }
        Slot* begin() const { return data; }
        Slot* end() const { return data + count; }
    };
    // One cache line each at least: two threads locking neighbouring shards
    // must not bounce a shared line.
    struct alignas(64) Shard {
        std::mutex mutex;
        SlotArray slots;
        std::atomic<std::size_t> used{0};  // written under the lock; growth_bytes() reads it
        // Read by every prefetch(), written only when the shard grows: on a
        // line of their own, which the other thread's inserts (the lock,
        // `used`) do not keep taking away.
        alignas(64) std::atomic<const Slot*> first{nullptr};  // slots.data()
        std::atomic<std::size_t> mask{0};
    };
    // Few shards, so that each grows past 2 MB onto transparent huge pages
    // (every probe is a random access: with 4 KiB pages nearly each one
    // missed the TLB, and the prefetches stalled on page walks), yet enough
    // that two threads seldom wait for the same lock.
    static constexpr unsigned kShardBits = 3;

    Shard& shard(const Fingerprint& fp) const { return shards_[fp.hi >> (64 - kShardBits)]; }
    void grow(Shard& s);

    const bool concurrent_;
    std::unique_ptr<Shard[]> shards_;
    std::atomic<std::uint64_t> size_{0}, bytes_{0};
};

}  // namespace daxcheck
