// The machine's own speed, measured before the sections: two fixed workloads
// that run no daxcheck code. Figures from two dates compare only when these
// do: the same build of commit ec2c67e ran swarm at 10.4 M checked ops/s on
// two threads on 2026-11-24 and at 5.8 M on 2026-11-29 on "the same" VM.
#include <chrono>
#include <cstdint>
#include <numeric>
#include <vector>

#include "bench/bench.h"
#include "harness/wyrand.h"

namespace daxcheck::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// A chain of dependent multiply-xorshift steps: the core's integer latency.
double alu_ns_per_step() {
    constexpr std::uint64_t kSteps = std::uint64_t{1} << 27;
    std::uint64_t x = 1;
    const auto t = Clock::now();
    for (std::uint64_t i = 0; i < kSteps; i++) {
        x = (x ^ (x >> 29)) * 0xbf58476d1ce4e5b9ull + i;
    }
    const double s = seconds_since(t);
    volatile std::uint64_t sink = x;  // keeps the chain
    (void)sink;
    return s * 1e9 / static_cast<double>(kSteps);
}

// Dependent loads around one random cycle through 64 MiB (Sattolo's
// shuffle): memory latency with TLB misses, as in a large hash table.
double load_ns() {
    constexpr std::size_t kSlots = (std::size_t{64} << 20) / sizeof(std::uint32_t);
    std::vector<std::uint32_t> next(kSlots);
    std::iota(next.begin(), next.end(), 0u);
    Rng rng{42};
    for (std::size_t i = kSlots - 1; i > 0; i--) std::swap(next[i], next[rng.below(i)]);
    constexpr std::size_t kLoads = std::size_t{1} << 23;
    std::uint32_t at = 0;
    const auto t = Clock::now();
    for (std::size_t i = 0; i < kLoads; i++) at = next[at];
    const double s = seconds_since(t);
    volatile std::uint32_t sink = at;
    (void)sink;
    return s * 1e9 / static_cast<double>(kLoads);
}

}  // namespace

nlohmann::json machine_calibration() {
    return {{"alu_ns_per_step", alu_ns_per_step()}, {"load_ns", load_ns()}};
}

}  // namespace daxcheck::bench
