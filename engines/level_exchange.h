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
    // The caller's keys must only grow (one thread per process). Past the
    // cap a fingerprint is no longer recorded, so a child may be sent twice;
    // the owner's set takes the smaller key.
    void add(unsigned to, const Fingerprint& fp, std::uint64_t key,
             const std::function<std::uint32_t(PackedState&)>& pack);
    // Sends every queue to its process and empties them; returns what every
    // process sent here (read it with for_each_child). Collective.
    std::vector<std::uint8_t> exchange(Cluster& cluster);
    // Bytes held: the queues.
    std::uint64_t memory_bytes() const;
    // Bytes held for the whole search: the record of what was sent.
    std::uint64_t sent_bytes() const { return sent_.memory_bytes(); }
    // What sent_ may allocate within the next `inserts` additions.
    std::uint64_t sent_growth_bytes(std::uint64_t inserts) const {
        return sent_.growth_bytes(inserts);
    }
    // Starts loading the cache line add(fp) probes first.
    void prefetch(const Fingerprint& fp) const { sent_.prefetch(fp); }

private:
    std::vector<std::vector<std::uint8_t>> queues_;  // per process
    FingerprintSet sent_{false};  // every fingerprint queued, within memory_cap_
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
