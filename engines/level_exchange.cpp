#include "engines/level_exchange.h"

#include <algorithm>
#include <cstring>

namespace daxcheck {
namespace {

// A queued child: fingerprint, key, weight, length, then the encoding.
constexpr std::size_t kHeader = 8 + 8 + 8 + 4 + 4;
constexpr std::size_t kKeyAt = 16;

template <class T>
void put(std::vector<std::uint8_t>& out, T v) {
    const std::size_t at = out.size();
    out.resize(at + sizeof v);
    std::memcpy(out.data() + at, &v, sizeof v);
}

template <class T>
T get(const std::uint8_t* at) {
    T v;
    std::memcpy(&v, at, sizeof v);
    return v;
}

}  // namespace

void LevelOutbox::add(unsigned to, const Fingerprint& fp, std::uint64_t key,
                      const std::function<std::uint32_t(PackedState&)>& pack) {
    if (queues_.size() <= to) queues_.resize(to + 1);
    auto& queue = queues_[to];
    if (!sent_->insert(fp, key)) return;
    const std::uint32_t weight = pack(packed_);
    const std::size_t before = queue.capacity();
    put(queue, fp.hi);
    put(queue, fp.lo);
    put(queue, key);
    put(queue, weight);
    put(queue, static_cast<std::uint32_t>(packed_.size()));
    queue.insert(queue.end(), packed_.begin(), packed_.end());
    bytes_ += queue.capacity() - before;
}

void LevelOutbox::exchange(Cluster& cluster, std::size_t round_bytes,
                           const std::function<void(const std::vector<std::uint8_t>&)>& take) {
    queues_.resize(cluster.size());
    std::vector<std::size_t> sent(cluster.size(), 0);  // bytes of each queue sent so far
    for (;;) {
        std::vector<std::vector<std::uint8_t>> round(cluster.size());
        bool more = false;
        for (std::size_t r = 0; r < queues_.size(); r++) {
            const std::vector<std::uint8_t>& queue = queues_[r];
            // Whole children up to round_bytes, at least one.
            std::size_t end = sent[r];
            while (end + kHeader <= queue.size()) {
                const std::size_t next = end + kHeader + get<std::uint32_t>(queue.data() + end + 28);
                if (end > sent[r] && next - sent[r] > round_bytes) break;
                end = next;
            }
            round[r].assign(queue.begin() + static_cast<std::ptrdiff_t>(sent[r]),
                            queue.begin() + static_cast<std::ptrdiff_t>(end));
            sent[r] = end;
            more = more || end < queue.size();
        }
        take(cluster.exchange(round));
        // Every process takes part in each round until none has more.
        if (cluster.max(more ? 1 : 0) == 0) break;
    }
    queues_.assign(cluster.size(), {});
    bytes_ = 0;
    if (memory_cap_ && sent_->memory_bytes() > memory_cap_) sent_ = std::make_unique<FingerprintSet>(false);
}

std::uint64_t LevelOutbox::memory_bytes() const { return bytes_; }

void for_each_child(const std::vector<std::uint8_t>& received,
                    const std::function<void(const Fingerprint&, std::uint64_t, std::uint32_t,
                                             std::basic_string_view<std::uint8_t>)>& f) {
    for (std::size_t at = 0; at + kHeader <= received.size();) {
        const std::uint8_t* p = received.data() + at;
        const Fingerprint fp{get<std::uint64_t>(p), get<std::uint64_t>(p + 8)};
        const auto size = get<std::uint32_t>(p + 28);
        if (at + kHeader + size > received.size())
            throw ClusterError("a truncated child record from another process");
        f(fp, get<std::uint64_t>(p + kKeyAt), get<std::uint32_t>(p + 24), {p + kHeader, size});
        at += kHeader + size;
    }
}

std::vector<std::uint64_t> all_keys(Cluster& cluster, const std::vector<std::uint64_t>& keys) {
    std::vector<std::uint8_t> mine(keys.size() * sizeof(std::uint64_t));
    if (!keys.empty()) std::memcpy(mine.data(), keys.data(), mine.size());
    const std::vector<std::uint8_t> every = cluster.gather(mine);
    std::vector<std::uint64_t> out(every.size() / sizeof(std::uint64_t));
    if (!out.empty()) std::memcpy(out.data(), every.data(), out.size() * sizeof(std::uint64_t));
    // Each process's keys come sorted (or else in runs that are): merge the
    // ascending runs pairwise instead of sorting the whole.
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 1; i < out.size(); i++)
        if (out[i] < out[i - 1]) starts.push_back(i);
    while (starts.size() > 1) {
        std::vector<std::size_t> merged;
        for (std::size_t k = 0; k < starts.size(); k += 2) {
            merged.push_back(starts[k]);
            if (k + 1 == starts.size()) break;
            const std::size_t end = k + 2 < starts.size() ? starts[k + 2] : out.size();
            std::inplace_merge(out.begin() + static_cast<std::ptrdiff_t>(starts[k]),
                               out.begin() + static_cast<std::ptrdiff_t>(starts[k + 1]),
                               out.begin() + static_cast<std::ptrdiff_t>(end));
        }
        starts.swap(merged);
    }
    return out;
}

}  // namespace daxcheck
