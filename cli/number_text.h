// Numbers for people: 1234567 as "1,234,567".
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

}  // namespace daxcheck
