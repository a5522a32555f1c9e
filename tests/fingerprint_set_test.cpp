// The explorer's visited set shared by threads: each fingerprint stored once
// with the smallest key any thread gave it, while the shards grow under the
// threads.
#include "engines/fingerprint_set.h"

#include <gtest/gtest.h>

#include "tests/test_helpers.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace daxcheck {
namespace {

using test::nth_fingerprint;

// Thread t's key for fingerprint i: scattered, so every thread lowers some.
std::uint64_t key_of(unsigned t, std::uint64_t i) { return fmix64(i * 8 + t) >> 8; }

constexpr unsigned kThreads = 4;

// One level of the explorer: each of kThreads threads runs visit(t, i) for
// every i below n, in its own order (a stride prime to n visits each one).
template <class F>
void level(std::uint64_t n, F visit) {
    constexpr std::uint64_t kStride[kThreads] = {1, 7, 11, 13};
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; t++)
        threads.emplace_back([&, t] {
            for (std::uint64_t j = 0; j < n; j++) visit(t, (j * kStride[t] + t * 7919) % n);
        });
    for (auto& th : threads) th.join();
}

TEST(FingerprintSet, ConcurrentInsertsKeepEachFingerprintOnceWithItsSmallestKey) {
    constexpr std::uint64_t kFps = 60000;
    FingerprintSet set(true);
    std::atomic<std::uint64_t> added{0};
    // Two rounds, as the explorer's levels: the second meets the first's
    // fingerprints and adds as many new ones.
    for (std::uint64_t round = 0; round < 2; round++)
        level((round + 1) * kFps, [&](unsigned t, std::uint64_t i) {
            if (set.insert(nth_fingerprint(i), key_of(t, i))) added++;
        });
    EXPECT_EQ(added.load(), 2 * kFps);
    EXPECT_EQ(set.size(), 2 * kFps);
    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < 2 * kFps; i++) {
        std::uint64_t smallest = UINT64_MAX;
        for (unsigned t = 0; t < kThreads; t++) smallest = std::min(smallest, key_of(t, i));
        if (set.key(nth_fingerprint(i)) != smallest) wrong++;
    }
    EXPECT_EQ(wrong, 0u);
    EXPECT_EQ(set.key(nth_fingerprint(2 * kFps)), UINT64_MAX);
    EXPECT_FALSE(set.contains(nth_fingerprint(2 * kFps)));
}

// Every way a level's workers touch a shared set at once, on a set that grows
// from its first size under them: lookups, prefetches, contains(), budget
// estimates, all of one shard (its array replaced again and again), and
// fingerprints whose hi word is zero (half of the empty slot's mark).
TEST(FingerprintSet, OneShardGrowingUnderEveryConcurrentCallKeepsTheSmallestKeys) {
    constexpr std::uint64_t kFps = 6000;
    const auto fp = [](std::uint64_t i) {
        Fingerprint f = nth_fingerprint(i);
        f.hi &= ~(std::uint64_t{7} << 61);  // shard 0
        if (i % 101 == 0) f.hi = 0;
        return f;
    };
    // Fresh sets: most growths (and most readers on a replaced array) come
    // while a shard is small.
    for (int run = 0; run < 24; run++) {
        FingerprintSet set(true);
        std::atomic<std::uint64_t> added{0}, missing{0};
        for (std::uint64_t round = 0; round < 3; round++)
            level((round + 1) * kFps, [&](unsigned t, std::uint64_t i) {
                set.prefetch(fp(i));
                if (set.insert(fp(i), key_of(t, i) + round)) added++;
                if (i % 3 == 0 && !set.contains(fp(i))) missing++;
                if (i % 5 == 0) (void)set.growth_bytes(512);
            });
        EXPECT_EQ(added.load(), 3 * kFps);
        EXPECT_EQ(set.size(), 3 * kFps);
        EXPECT_EQ(missing.load(), 0u);
        std::uint64_t wrong = 0;
        for (std::uint64_t i = 0; i < 3 * kFps; i++) {
            std::uint64_t smallest = UINT64_MAX;
            for (unsigned t = 0; t < kThreads; t++)  // from the level that met it first
                smallest = std::min(smallest, key_of(t, i) + i / kFps);
            if (set.key(fp(i)) != smallest) wrong++;
        }
        EXPECT_EQ(wrong, 0u);
    }
}

}  // namespace
}  // namespace daxcheck
