// The explorer's visited set shared by threads: its lock-free hit path must
// leave each fingerprint stored once with the smallest key any thread gave
// it, while the shards grow under the readers.
#include "engines/fingerprint_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace daxcheck {
namespace {

Fingerprint nth(std::uint64_t i) { return {fmix64(i * 2 + 1), fmix64(i * 2 + 2)}; }

// Thread t's key for fingerprint i: scattered, so every thread lowers some.
std::uint64_t key_of(unsigned t, std::uint64_t i) { return fmix64(i * 8 + t) >> 8; }

TEST(FingerprintSet, ConcurrentInsertsKeepEachFingerprintOnceWithItsSmallestKey) {
    constexpr unsigned kThreads = 4;
    constexpr std::uint64_t kFps = 60000;
    FingerprintSet set(true);
    std::atomic<std::uint64_t> added{0};
    // Two rounds, as the explorer's levels: the second meets the first's
    // fingerprints (mostly lock-free hits) and adds as many new ones.
    for (std::uint64_t round = 0; round < 2; round++) {
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < kThreads; t++)
            threads.emplace_back([&, t] {
                // Each thread in its own order over the round's range: a
                // stride prime to its length visits every one.
                constexpr std::uint64_t kStride[kThreads] = {1, 7, 11, 13};
                const std::uint64_t n = (round + 1) * kFps;
                for (std::uint64_t j = 0; j < n; j++) {
                    const std::uint64_t i = (j * kStride[t] + t * 7919) % n;
                    if (set.insert(nth(i), key_of(t, i))) added++;
                }
            });
        for (auto& th : threads) th.join();
        set.reclaim();
    }
    EXPECT_EQ(added.load(), 2 * kFps);
    EXPECT_EQ(set.size(), 2 * kFps);
    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < 2 * kFps; i++) {
        std::uint64_t smallest = UINT64_MAX;
        for (unsigned t = 0; t < kThreads; t++) smallest = std::min(smallest, key_of(t, i));
        if (set.key(nth(i)) != smallest) wrong++;
    }
    EXPECT_EQ(wrong, 0u);
    EXPECT_EQ(set.key(nth(2 * kFps)), UINT64_MAX);
    EXPECT_FALSE(set.contains(nth(2 * kFps)));
}

TEST(FingerprintSet, ReclaimFreesWhatGrowthReplacedAndNothingElse) {
    FingerprintSet shared(true), alone(false);
    for (std::uint64_t i = 0; i < 50000; i++) {
        shared.insert(nth(i), i);
        alone.insert(nth(i), i);
    }
    // The shared set still holds the arrays its shards grew out of.
    EXPECT_GT(shared.memory_bytes(), alone.memory_bytes());
    shared.reclaim();
    EXPECT_EQ(shared.memory_bytes(), alone.memory_bytes());
    for (std::uint64_t i = 0; i < 50000; i += 97) EXPECT_EQ(shared.key(nth(i)), i);
}

}  // namespace
}  // namespace daxcheck
