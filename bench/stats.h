// Order statistics over a handful of timings.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace daxcheck::bench {

// The q-quantile (0..1) by nearest rank; 0 for no samples.
inline double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank ? rank - 1 : 0)];
}
inline double median(const std::vector<double>& v) { return quantile(v, 0.5); }
inline double p90(const std::vector<double>& v) { return quantile(v, 0.9); }

}  // namespace daxcheck::bench
