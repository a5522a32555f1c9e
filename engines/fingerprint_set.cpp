#include "engines/fingerprint_set.h"

#include <sys/mman.h>

#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>

namespace daxcheck {

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
        if (old.fp == Fingerprint{}) continue;
        std::size_t i = old.fp.lo & mask;
        while (!(slots[i].fp == Fingerprint{})) i = (i + 1) & mask;
        slots[i] = old;
    }
    bytes_ += (slots.size() - s.slots.size()) * sizeof(Slot);
    s.slots.swap(slots);
    s.first = s.slots.data;
    s.mask = s.slots.size() - 1;
}

bool FingerprintSet::insert(const Fingerprint& fp, std::uint64_t key) {
    Shard& s = shard(fp);
    std::unique_lock<std::mutex> held;
    if (concurrent_) held = std::unique_lock<std::mutex>(s.mutex);
    // Linear probing up to 5/8 full.
    const std::size_t used = s.used.load(std::memory_order_relaxed);
    if ((used + 1) * 8 > s.slots.size() * 5) grow(s);
    const std::size_t mask = s.slots.size() - 1;
    for (std::size_t i = fp.lo & mask;; i = (i + 1) & mask) {
        Slot& slot = s.slots[i];
        if (slot.fp == fp) {
            if (key < slot.key) slot.key = key;
            return false;
        }
        if (slot.fp == Fingerprint{}) {
            slot = Slot{fp, key};
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
        if (s.slots[i].fp == fp) return true;
        if (s.slots[i].fp == Fingerprint{}) return false;
    }
}

std::uint64_t FingerprintSet::key(const Fingerprint& fp) const {
    const Shard& s = shard(fp);
    const std::size_t mask = s.slots.size() - 1;
    for (std::size_t i = fp.lo & mask;; i = (i + 1) & mask) {
        if (s.slots[i].fp == fp) return s.slots[i].key;
        if (s.slots[i].fp == Fingerprint{}) return UINT64_MAX;
    }
}

}  // namespace daxcheck
