// The world of SPEC section 1: how many files, pfns and page offsets there are,
// and the PMD order. Everything in the model is sized by one Universe value.
#pragma once

#include <cstdint>
#include <string>

namespace daxcheck::model {

using FileId = std::uint8_t;       // 0 is file A, 1 is B, ...
using Pfn = std::uint64_t;         // page frame number, 0..pfns-1
using PageOffset = std::uint64_t;  // page offset inside one file, 0..offsets-1
using Order = std::uint8_t;        // 0 (PTE) or the PMD order

constexpr unsigned kMaxFiles = 26;  // files print as one letter
constexpr std::uint64_t kMaxPfns = std::uint64_t{1} << 20;  // also the most offsets
constexpr unsigned kMaxPmdOrder = 12;

struct Universe {
    unsigned files = 3;
    std::uint64_t pfns = 4;
    std::uint64_t offsets = 4;
    unsigned pmd_order = 1;
    unsigned max_pins = 2;

    // Pages covered by an entry of this order.
    std::uint64_t pages(Order order) const { return std::uint64_t{1} << order; }
    bool valid_order(Order order) const { return order == 0 || order == pmd_order; }

    // A universe with `blocks` PMD-sized blocks of pfns and of offsets.
    static Universe with_pmd_order(unsigned pmd_order, std::uint64_t blocks = 2);

    friend bool operator==(const Universe&, const Universe&) = default;
};

// "" when the universe is usable, else what is wrong with it.
std::string universe_problem(const Universe& u);

char file_letter(FileId f);

}  // namespace daxcheck::model
