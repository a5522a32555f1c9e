// Small helpers more than one test file uses. (One definition here, not a
// copy per file: a unity build compiles several test files as one unit.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engines/fingerprint_set.h"
#include "harness/op_text.h"
#include "model/op.h"

namespace daxcheck::test {

// The operations as corpus text, one line each: what a failing EXPECT prints.
inline std::string ops_text(const std::vector<model::Op>& ops) {
    std::string out;
    for (const auto& op : ops) out += to_text(op) + "\n";
    return out;
}

// The i-th of a fixed sequence of distinct, well-spread fingerprints.
inline Fingerprint nth_fingerprint(std::uint64_t i) {
    return {fmix64(i * 2 + 1), fmix64(i * 2 + 2)};
}

}  // namespace daxcheck::test
