// What the explorer's processes send each other once a level (issue 18,
// with a Cluster): the children a process found whose fingerprint another
// process owns, each once in the whole search with its smallest discovery
// key, its orbit's weight and its canonical encoding; and every process's new
// states' keys, which number the next level the same way on every process.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "engines/cluster.h"
#include "engines/fingerprint_set.h"
#include "engines/state_pack.h"

namespace daxcheck {

class LevelOutbox {
public:
    // `memory_cap`: the most bytes the record of sent fingerprints may take
    // (0: no cap).
    explicit LevelOutbox(std::uint64_t memory_cap = 0) : memory_cap_(memory_cap) {}
    // Queues a child for process `to`, packed by `pack` (which returns the
    // orbit's weight), unless this outbox took the same fingerprint before,
    // in this level or an earlier one: its owner then holds it already, or
    // will with that first key. Most children another process owns are
    // states of earlier levels, and packing one runs its operation again.
    // The caller's keys must only grow (one thread per process). A record
    // past the cap at a level's end is emptied, so a child of an earlier
    // level may be sent again (its owner ignores the copy), never one twice
    // in a level.
    void add(unsigned to, const Fingerprint& fp, std::uint64_t key,
             const std::function<std::uint32_t(PackedState&)>& pack);
    // Sends every queue to its process in rounds and empties them; calls
    // `take` with what every process sent here in each round (read it with
    // for_each_child). A round sends at most `round_bytes` (or one child, if
    // larger) to each process, so it holds at most that much times the
    // processes twice over, whatever the others queued. Collective.
    void exchange(Cluster& cluster, std::size_t round_bytes,
                  const std::function<void(const std::vector<std::uint8_t>&)>& take);
    // Bytes the queues hold.
    std::uint64_t memory_bytes() const;
    // Bytes held from level to level: the record of what was sent.
    std::uint64_t sent_bytes() const { return sent_->memory_bytes(); }
    // What the record may allocate within the next `inserts` additions.
    std::uint64_t sent_growth_bytes(std::uint64_t inserts) const {
        return sent_->growth_bytes(inserts);
    }
    // Starts loading the cache line add(fp) probes first.
    void prefetch(const Fingerprint& fp) const { sent_->prefetch(fp); }

private:
    std::vector<std::vector<std::uint8_t>> queues_;  // per process
    // Every fingerprint queued since the record was last emptied.
    std::unique_ptr<FingerprintSet> sent_ = std::make_unique<FingerprintSet>(false);
    std::uint64_t memory_cap_;
    PackedState packed_;
    std::uint64_t bytes_ = 0;
};

// Calls `f(fp, key, weight, encoding)` for every child in `received`.
void for_each_child(const std::vector<std::uint8_t>& received,
                    const std::function<void(const Fingerprint&, std::uint64_t, std::uint32_t,
                                             std::basic_string_view<std::uint8_t>)>& f);

// Every process's `keys` together, sorted. Collective.
std::vector<std::uint64_t> all_keys(Cluster& cluster, const std::vector<std::uint64_t>& keys);

}  // namespace daxcheck
