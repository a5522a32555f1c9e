// Deterministic replay of an operation list against one variant and one
// property, without RapidCheck: what `run` prints for a counterexample and
// what corpus replay checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "properties/property.h"

namespace daxcheck {

struct PfnView {
    model::Pfn pfn = 0;
    std::string model;   // describe(PfnState)
    std::string decode;  // to_string(Decoded)
    std::string raw;     // the port's page fields
    bool mismatch = false;  // leaves_model()
};

// Whether the port leaves the model at pfn `p` of `exec`: its decode breaks
// the relation (SPEC 2), or its reference count is not what SPEC 9 requires.
bool leaves_model(const Execution& exec, model::Pfn p);
// What a trace shows of pfn `p` of `exec` now (both levels' traces).
PfnView pfn_view(const Execution& exec, model::Pfn p);

struct TraceStep {
    std::string op;
    bool legal = true;
    std::string illegal_reason;
    std::vector<PfnView> pfns;
    std::vector<std::string> warnings;
    std::optional<std::string> failure;  // the property broke on this step
};

struct Trace {
    std::vector<TraceStep> steps;
    std::optional<std::string> end_failure;  // broke at the end (drain, final check)
    // When it broke at the end: the operations the end check ran on the
    // execution itself (drain's releases; none for checks that run only on
    // copies, as order-independence does), each with its pfns as it left
    // them, warnings, and as `failure` the BUG_ON that stopped the port.
    std::vector<TraceStep> end_steps;
    bool failed() const;
    std::string failure() const;  // "" when it passed
    // The 1-based step it failed at, the number of steps + 1 for a failure
    // at the end, 0 when it passed.
    std::size_t failed_step() const;
};

// Runs every operation (stopping at the first failure, as RapidCheck does).
// With `require_legal`, an operation the property's generator could not have
// produced is a failure of the list itself, reported in `invalid`.
struct ReplayResult {
    Trace trace;
    std::optional<std::string> invalid;  // "operation 3 is illegal: ..."
};
ReplayResult replay(const Variant& v, const Property& p, const model::Universe& u,
                    const std::vector<model::Op>& ops);

}  // namespace daxcheck
