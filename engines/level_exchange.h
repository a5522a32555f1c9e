// What the explorer's processes send each other once a level (issue 18,
// with a Cluster): the children a process found whose fingerprint another
// process owns, each once with its smallest discovery key, its orbit's
// weight and its canonical encoding; and every process's new states' keys,
// which number the next level the same way on every process.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engines/cluster.h"
#include "engines/fingerprint_set.h"
#include "engines/state_pack.h"

namespace daxcheck {

class LevelOutbox {
public:
    // Queues a child for process `to`: a fingerprint already queued keeps
    // the smaller key; a new one is packed by `pack` (which returns the
    // orbit's weight).
    void add(unsigned to, const Fingerprint& fp, std::uint64_t key,
             const std::function<std::uint32_t(PackedState&)>& pack);
    // Sends every queue to its process and empties them; returns what every
    // process sent here (read it with for_each_child). Collective.
    std::vector<std::uint8_t> exchange(Cluster& cluster);
    // Bytes held: the queues and the index of what they hold.
    std::uint64_t memory_bytes() const;

private:
    struct Hash {
        std::size_t operator()(const Fingerprint& fp) const { return fp.lo; }
    };
    std::vector<std::vector<std::uint8_t>> queues_;  // per process
    std::unordered_map<Fingerprint, std::size_t, Hash> where_;  // the key's offset in its queue
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
