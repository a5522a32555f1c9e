#include "engines/fingerprint_set.h"

#include <sys/mman.h>

#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>

namespace daxcheck {
namespace {

// A slot word, read or written while lock-free readers may read it.
std::uint64_t load(const std::uint64_t& w, std::memory_order order = std::memory_order_relaxed) {
    return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(w)).load(order);
}
void store(std::uint64_t& w, std::uint64_t v, std::memory_order order = std::memory_order_relaxed) {
    std::atomic_ref<std::uint64_t>(w).store(v, order);
}
Fingerprint load(const Fingerprint& fp) { return {load(fp.hi), load(fp.lo)}; }

}  // namespace

// The builder over the 8-byte words, the last one zero-padded.
Fingerprint fingerprint(const std::uint8_t* p, std::size_t n, std::uint64_t seed) {
    FingerprintBuilder h(seed, n);
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        h.put(w);
    }
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h.put(w);
    return h.done();
}

FingerprintSet::SlotArray::SlotArray(std::size_t n) : count(n) {
    if (n == 0) return;
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    const std::size_t bytes = n * sizeof(Slot);
    // Huge pages for a whole number of them (24-byte slots in a power of
    // two: 6 MB, 12 MB, ...); 3 MB would leave a fourth of its 4 MB unused.
    if (bytes >= kHuge && bytes % kHuge == 0) {
        data = static_cast<Slot*>(std::aligned_alloc(kHuge, bytes));
        if (data) madvise(data, bytes, MADV_HUGEPAGE);
    } else {
        data = static_cast<Slot*>(std::malloc(bytes));
    }
    if (!data) throw std::bad_alloc();
    std::memset(static_cast<void*>(data), 0, bytes);
}

FingerprintSet::SlotArray::~SlotArray() { std::free(data); }

FingerprintSet::FingerprintSet(bool concurrent)
    : concurrent_(concurrent), shards_(new Shard[std::size_t{1} << kShardBits]) {
    for (std::size_t i = 0; i < (std::size_t{1} << kShardBits); i++) grow(shards_[i]);
}

FingerprintSet::~FingerprintSet() = default;

void FingerprintSet::grow(Shard& s) {
    SlotArray slots(std::max<std::size_t>(256, s.slots.size() * 2));
    const std::size_t mask = slots.size() - 1;
    for (const Slot& old : s.slots) {
        const Slot copy{load(old.fp), load(old.key)};
        if (copy.fp == Fingerprint{}) continue;
        std::size_t i = copy.fp.lo & mask;
        while (!(slots[i].fp == Fingerprint{})) i = (i + 1) & mask;
        slots[i] = copy;  // not yet published: no reader
    }
    bytes_ += slots.size() * sizeof(Slot);
    s.slots.swap(slots);
    // The array first, then its mask: a reader that sees the new mask sees
    // the new array; one that sees the old mask stays within either.
    s.first.store(s.slots.data, std::memory_order_release);
    s.mask.store(s.slots.size() - 1, std::memory_order_release);
    if (concurrent_) {
        s.retired.push_back(std::move(slots));  // a reader may be probing it
    } else {
        bytes_ -= slots.size() * sizeof(Slot);
    }
}

void FingerprintSet::reclaim() {
    for (std::size_t i = 0; i < (std::size_t{1} << kShardBits); i++) {
        for (const SlotArray& old : shards_[i].retired) bytes_ -= old.size() * sizeof(Slot);
        shards_[i].retired.clear();
    }
}

bool FingerprintSet::settled(const Shard& s, const Fingerprint& fp, std::uint64_t key) const {
    const std::size_t mask = s.mask.load(std::memory_order_acquire);
    const Slot* slots = s.first.load(std::memory_order_acquire);
    // At most one pass: with the old mask on a new array the probe may
    // never meet an empty slot.
    for (std::size_t n = 0, i = fp.lo & mask; n <= mask; n++, i = (i + 1) & mask) {
        // hi is written last, with release: zero is an empty slot or one
        // being written (or a fingerprint whose hi is zero: the lock decides).
        const std::uint64_t hi = load(slots[i].fp.hi, std::memory_order_acquire);
        if (hi == 0) return false;
        if (hi == fp.hi && load(slots[i].fp.lo) == fp.lo) return load(slots[i].key) <= key;
    }
    return false;
}

bool FingerprintSet::insert(const Fingerprint& fp, std::uint64_t key) {
    Shard& s = shard(fp);
    if (concurrent_ && settled(s, fp, key)) return false;
    std::unique_lock<std::mutex> held;
    if (concurrent_) held = std::unique_lock<std::mutex>(s.mutex);
    // Linear probing up to 5/8 full.
    const std::size_t used = s.used.load(std::memory_order_relaxed);
    if ((used + 1) * 8 > s.slots.size() * 5) grow(s);
    const std::size_t mask = s.slots.size() - 1;
    for (std::size_t i = fp.lo & mask;; i = (i + 1) & mask) {
        Slot& slot = s.slots[i];
        const Fingerprint here = load(slot.fp);
        if (here == fp) {
            if (key < load(slot.key)) store(slot.key, key);
            return false;
        }
        if (here == Fingerprint{}) {
            store(slot.key, key);
            store(slot.fp.lo, fp.lo);
            store(slot.fp.hi, fp.hi, std::memory_order_release);  // publishes the slot
            s.used.store(used + 1, std::memory_order_relaxed);  // the lock orders writers
            size_.fetch_add(1, std::memory_order_relaxed);
            return true;
        }
    }
}

std::uint64_t FingerprintSet::growth_bytes(std::uint64_t inserts) const {
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < (std::size_t{1} << kShardBits); i++) {
        const Shard& s = shards_[i];
        const std::uint64_t size = s.mask.load(std::memory_order_relaxed) + 1;
        if ((s.used.load(std::memory_order_relaxed) + inserts) * 8 > size * 5)
            bytes += 2 * size * sizeof(Slot);
    }
    return bytes;
}

bool FingerprintSet::contains(const Fingerprint& fp) const {
    Shard& s = shard(fp);
    std::unique_lock<std::mutex> held;
    if (concurrent_) held = std::unique_lock<std::mutex>(s.mutex);
    const std::size_t mask = s.slots.size() - 1;
    for (std::size_t i = fp.lo & mask;; i = (i + 1) & mask) {
        const Fingerprint here = load(s.slots[i].fp);
        if (here == fp) return true;
        if (here == Fingerprint{}) return false;
    }
}

std::uint64_t FingerprintSet::key(const Fingerprint& fp) const {
    const Shard& s = shard(fp);
    const std::size_t mask = s.slots.size() - 1;
    for (std::size_t i = fp.lo & mask;; i = (i + 1) & mask) {
        const Fingerprint here = load(s.slots[i].fp);
        if (here == fp) return load(s.slots[i].key);
        if (here == Fingerprint{}) return UINT64_MAX;
    }
}

}  // namespace daxcheck
