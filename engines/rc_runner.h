// Runs one (variant, property, profile) cell with RapidCheck's stateful
// testing and returns the verdict with the shrunk operation list.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engines/gen_stats.h"
#include "properties/failure_class.h"
#include "properties/property.h"

namespace daxcheck {

struct CellConfig {
    model::Universe universe;
    int tests = 100;
    std::uint64_t seed = 1;
    // Which failures count (properties/failure_class.h): a failure it does not
    // count ends its test as a pass, and shrinking keeps to counted ones.
    ClassFilter failures;
};

struct CellResult {
    enum class Verdict { Pass, Fail, Error };
    Verdict verdict = Verdict::Pass;
    int tests_run = 0;                    // tests until (and with) the failure, or all
    std::vector<model::Op> counterexample;  // shrunk, when it failed
    std::string message;                  // the failure or the error
    double time_ms = 0;
    // When it failed: time_ms split into finding the first failing test and
    // shrinking it (RapidCheck's shrinking plus simplify_values).
    double detect_ms = 0, shrink_ms = 0;
    GenerationStats generation;  // over the tests run, up to and with the first failure
};

CellResult run_cell(const Variant& v, const Property& p, Profile profile, const CellConfig& cfg);

std::string to_string(CellResult::Verdict v);

}  // namespace daxcheck
