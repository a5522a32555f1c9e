#include "engines/candidate_starts.h"

#include <algorithm>

namespace daxcheck {
namespace {

constexpr std::uint64_t kAllStartsUpTo = 16;
constexpr std::uint64_t kMaxBlocks = 8;

}  // namespace

std::vector<std::uint64_t> candidate_starts(const model::Universe& u, std::uint64_t limit,
                                            model::Order order) {
    std::vector<std::uint64_t> out;
    const std::uint64_t step = u.pages(order);
    if (step > limit) return out;
    const std::uint64_t block = u.pages(static_cast<model::Order>(u.pmd_order));
    if (order != 0 || limit <= kAllStartsUpTo) {
        for (std::uint64_t s = 0; s + step <= limit && out.size() < kMaxBlocks * 4; s += step)
            out.push_back(s);
        return out;
    }
    for (std::uint64_t b = 0; b < limit && b / block < kMaxBlocks; b += block)
        for (std::uint64_t inner : {std::uint64_t{0}, std::uint64_t{1}, block - 1})
            if (b + inner < limit &&
                std::find(out.begin(), out.end(), b + inner) == out.end())
                out.push_back(b + inner);
    return out;
}

}  // namespace daxcheck
