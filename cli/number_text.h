// Numbers for people: 1234567 as "1,234,567"; a count with its noun.
#pragma once

#include <cstdint>
#include <string>

namespace daxcheck {

inline std::string grouped(std::uint64_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); i++) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// "1 cell", "2 cells": `n` and the noun, singular or plural (`plural`, or
// the noun with an s).
inline std::string counted(std::uint64_t n, const std::string& noun, const std::string& plural = "") {
    return std::to_string(n) + " " + (n == 1 ? noun : plural.empty() ? noun + "s" : plural);
}

// "N new failures or changed causes" of a --base comparison, in the singular for one.
inline std::string regressions_text(std::uint64_t n) {
    return counted(n, "new failure or changed cause", "new failures or changed causes");
}

}  // namespace daxcheck
