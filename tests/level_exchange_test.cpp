// What an explorer process queues for the others (engines/level_exchange.h):
// a child another process owns is packed and sent once in the whole search,
// since its owner holds it from the first time; past the memory cap it may
// be sent again, never lost.
#include "engines/level_exchange.h"

#include <gtest/gtest.h>

#include "tests/test_helpers.h"

namespace daxcheck {
namespace {

using test::nth_fingerprint;

// Process 0 of two; exchange() hands back what was queued for process 1, as
// if it had come in, so a test can count it.
class LoopbackCluster : public Cluster {
public:
    unsigned rank() const override { return 0; }
    unsigned size() const override { return 2; }
    std::vector<std::uint8_t> exchange(const std::vector<std::vector<std::uint8_t>>& out) override {
        return out[1];
    }
    std::vector<std::uint8_t> gather(const std::vector<std::uint8_t>& mine) override { return mine; }
    std::uint64_t sum(std::uint64_t v) override { return v; }
    std::uint64_t min(std::uint64_t v) override { return v; }
    std::uint64_t max(std::uint64_t v) override { return v; }
};

// Two levels that each reach fingerprints 0..n-1 for process 1, `times`
// times over, keys growing; the children sent in each level.
std::vector<std::uint64_t> sent_per_level(LevelOutbox& outbox, std::uint64_t n, int times = 1) {
    LoopbackCluster cluster;
    std::vector<std::uint64_t> sent;
    std::uint64_t key = 0;
    const auto pack = [](PackedState& out) {
        out.assign(3, std::uint8_t{7});
        return std::uint32_t{1};
    };
    for (int level = 0; level < 2; level++) {
        for (int t = 0; t < times; t++)
            for (std::uint64_t i = 0; i < n; i++) outbox.add(1, nth_fingerprint(i), key++, pack);
        std::uint64_t children = 0;
        outbox.exchange(cluster, 1 << 20, [&](const std::vector<std::uint8_t>& received) {
            for_each_child(received, [&](const Fingerprint&, std::uint64_t, std::uint32_t,
                                         std::basic_string_view<std::uint8_t>) { children++; });
        });
        sent.push_back(children);
    }
    return sent;
}

TEST(LevelOutbox, SendsAChildOnlyTheFirstTimeItIsReached) {
    LevelOutbox outbox;
    EXPECT_EQ(sent_per_level(outbox, 5000), (std::vector<std::uint64_t>{5000, 0}));
    EXPECT_GT(outbox.sent_bytes(), 5000 * sizeof(Fingerprint));
}

// Past the cap the record is emptied at the level's end: a later level
// sends its children again, but a level never sends one twice (it did, each
// time it reached it, and a small budget made runs bigger and slower).
TEST(LevelOutbox, PastItsCapSendsAChildAgainInALaterLevelOnly) {
    LevelOutbox outbox(/*memory_cap=*/1);
    EXPECT_EQ(sent_per_level(outbox, 5000, 3), (std::vector<std::uint64_t>{5000, 5000}));
}

// Process 0 of four whose gather() returns its own keys and three other
// processes' sorted keys, in rank order.
class GatherCluster : public LoopbackCluster {
public:
    unsigned size() const override { return 4; }
    std::vector<std::uint8_t> gather(const std::vector<std::uint8_t>& mine) override {
        std::vector<std::uint8_t> every = mine;
        for (const std::vector<std::uint64_t>& keys : others) {
            const auto* bytes = reinterpret_cast<const std::uint8_t*>(keys.data());
            every.insert(every.end(), bytes, bytes + keys.size() * sizeof(std::uint64_t));
        }
        return every;
    }
    std::vector<std::vector<std::uint64_t>> others{{2, 3, 10, 11}, {}, {0, 5, 12}};
};

// A level's queue goes out in rounds of at most the round's bytes (or one
// child when a child is larger), and every child arrives once, in order.
TEST(LevelOutbox, SendsALevelInRoundsOfBoundedSize) {
    for (std::size_t round_bytes : {std::size_t{1}, std::size_t{100}, std::size_t{1} << 20}) {
        LevelOutbox outbox;
        LoopbackCluster cluster;
        for (std::uint64_t i = 0; i < 1000; i++)
            outbox.add(1, nth_fingerprint(i), i, [&](PackedState& out) {
                out.assign(1 + i % 50, std::uint8_t{1});
                return std::uint32_t{1};
            });
        std::vector<std::uint64_t> keys;
        std::size_t largest = 0, rounds = 0;
        outbox.exchange(cluster, round_bytes, [&](const std::vector<std::uint8_t>& received) {
            rounds++;
            largest = std::max(largest, received.size());
            for_each_child(received, [&](const Fingerprint&, std::uint64_t key, std::uint32_t,
                                         std::basic_string_view<std::uint8_t>) { keys.push_back(key); });
        });
        std::vector<std::uint64_t> want(1000);
        for (std::uint64_t i = 0; i < 1000; i++) want[i] = i;
        EXPECT_EQ(keys, want) << round_bytes;
        // One child is at most 32 + 50 bytes.
        EXPECT_LE(largest, std::max<std::size_t>(round_bytes, 82)) << round_bytes;
        if (round_bytes == 1) EXPECT_EQ(rounds, 1000u);
    }
}

TEST(AllKeys, MergesEveryProcessesSortedKeysInOrder) {
    GatherCluster cluster;
    EXPECT_EQ(all_keys(cluster, {1, 4, 9}),
              (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 9, 10, 11, 12}));
    EXPECT_EQ(all_keys(cluster, {}), (std::vector<std::uint64_t>{0, 2, 3, 5, 10, 11, 12}));
}

}  // namespace
}  // namespace daxcheck
