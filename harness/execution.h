// Drives the model and one port side by side, one operation at a time. The
// same engine serves RapidCheck runs, printed traces and corpus replay.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "impl/variant.h"
#include "model/state.h"

namespace daxcheck {

struct StepOutcome {
    bool legal = true;
    std::string illegal_reason;                   // when !legal
    std::vector<kshim::warning_record> warnings;  // fired during this step
    std::optional<std::string> kernel_bug;        // a BUG_ON (or shim misuse) stopped the port
};

class Execution {
public:
    Execution(const Variant& variant, const model::Universe& universe);

    // Runs `op` on the port and, when legal, on the model. Illegal operations
    // (misuse) still reach the port, as a buggy caller's would.
    StepOutcome step(const model::Op& op);

    const Variant& variant() const { return *variant_; }
    const model::ModelState& model() const { return model_; }
    const kshim::kernel_world& world() const { return world_; }
    long steps() const { return world_.op_number; }

    // The explorer (harness/explorer.cpp) restores stored states in place.
    model::ModelState& mutable_model() { return model_; }
    kshim::kernel_world& mutable_world() { return world_; }

    // What the port's fields say about `pfn` now.
    Decoded decode(model::Pfn pfn) const;
    // The raw page fields of `pfn`, for traces.
    std::string raw_fields(model::Pfn pfn) const;

    // The number of the first misuse operation that touched `pfn`, 0 if none
    // (kEarlierMisuse in a state the explorer restored).
    // From then on the model no longer describes the port at that pfn: the
    // model ignores a misuse, the port does not.
    long first_misuse(model::Pfn pfn) const;
    // Whether a misuse touched `pfn` before, and setting it when the explorer
    // restores a state: the step number is not part of a state, so a pfn an
    // earlier misuse touched gets kEarlierMisuse.
    bool misuse_tainted(model::Pfn pfn) const { return first_misuse(pfn) != 0; }
    void set_misuse_tainted(model::Pfn pfn, bool tainted) {
        first_misuse_[pfn] = tainted ? kEarlierMisuse : 0;
    }
    static constexpr long kEarlierMisuse = -1;
    void copy_misuse_marks(const Execution& from) { first_misuse_ = from.first_misuse_; }

private:
    void run_port(const model::Op& op);

    const Variant* variant_;
    model::ModelState model_;
    kshim::kernel_world world_;
    std::vector<long> first_misuse_;  // per pfn
};

// "A:0 B:2 shared pins=1" or "free": one pfn's model state for traces.
std::string describe(const model::PfnState& p);

}  // namespace daxcheck
