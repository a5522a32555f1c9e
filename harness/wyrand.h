// The walkers' random numbers (engines/swarm.cpp, fslevel/fs_walk.cpp).
#pragma once

#include <cstdint>
#include <vector>

namespace daxcheck {

// wyrand: one multiply per number, and a walk's whole stream follows from its
// seed. Coins come 64 to a number: drawing a configuration takes dozens.
struct Rng {
    explicit Rng(std::uint64_t seed) : state(seed) {}
    std::uint64_t state;
    std::uint64_t bits = 0;
    unsigned bits_left = 0;
    std::uint64_t next() {
        state += 0xa0761d6478bd642fULL;
        const unsigned __int128 t =
            static_cast<unsigned __int128>(state) * (state ^ 0xe7037ed1a0b428dbULL);
        return static_cast<std::uint64_t>(t >> 64) ^ static_cast<std::uint64_t>(t);
    }
    // Uniform in 0..n-1 (n > 0), by multiply-shift.
    std::uint64_t below(std::uint64_t n) {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
    }
    bool coin() {
        if (bits_left == 0) {
            bits = next();
            bits_left = 64;
        }
        bits_left--;
        const bool heads = bits & 1;
        bits >>= 1;
        return heads;
    }
    template <class T>
    const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
};

}  // namespace daxcheck
