// Runs one bench section in a forked child, so each section's peak memory
// (ru_maxrss from wait4) is its own.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

namespace daxcheck::bench {

struct Isolated {
    nlohmann::json result;   // what the section returned (null when it failed)
    std::string error;       // why the child failed, if it did
    long peak_rss_kb = 0;    // the child's maximum resident set size
    double seconds = 0;      // wall time
};

Isolated run_isolated(const std::function<nlohmann::json()>& section);

}  // namespace daxcheck::bench
