// Deterministic replay of a filesystem-level sequence against one variant and
// one property (SPEC 8): each filesystem operation with the calls its fault
// path derived under it, each call checked as at the function level. What
// `run --level fs` prints and what corpus files with `level: fs` check.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engines/replay.h"
#include "fslevel/fs_execution.h"
#include "fslevel/reachability.h"

namespace daxcheck::fslevel {

struct CallView {
    std::string op;  // the derived function-level call
    bool legal = true;
    std::vector<std::string> warnings;
    std::vector<PfnView> pfns;  // as this call left them (the operation's later calls not yet run)
    std::size_t more_pfns = 0;  // those it reached beyond the ones shown
    std::optional<std::string> failure;
};

struct FsTraceStep {
    std::string op;
    std::vector<CallView> calls;
    std::optional<std::string> failure;  // the first of a class not passed over
    // It failed with a class found before (--classes): the replay went on.
    bool passed_over = false;
};

// "   <- breaks here", "   <- fails with a class found before (passed
// over)", both, or "": how a trace marks the step.
std::string step_mark(const FsTraceStep& s);

struct FsTrace {
    std::vector<FsTraceStep> steps;
    std::optional<std::string> end_failure;
    // When it broke at the end: the calls the end check ran itself (drain's
    // releases), each with its pfns as it left them; a BUG_ON that stopped
    // the port is its `failure`.
    std::vector<CallView> end_calls;
    bool failed() const;
    std::string failure() const;  // "after #3 (read-fault B 0): ..." or ""
    // The 1-based step it failed at, the number of steps + 1 for a failure
    // at the end (eviction, unmount), 0 when it passed.
    std::size_t failed_step() const;
};

struct FsReplayResult {
    FsTrace trace;
    std::optional<std::string> invalid;  // an operation the filesystem cannot perform
    std::size_t invalid_index = 0;       // which (0-based), when invalid
    // It stopped where the model was lost past a passed-over failure
    // (FsStepOutcome::lost_past_known): neither a pass nor a failure.
    bool lost_past_known = false;
};

// Stops at the first failure, except that a step (or the end check)
// failing with a class in `known` (failure_class(), reachability.h: the
// classes a cell found before, --classes) is passed over and the replay goes
// on, as the walks do; unless that step lost the model (an illegal derived
// call, a BUG_ON: FsStepOutcome::model_lost), where it ends as a pass.
FsReplayResult replay(const Variant& v, const Property& p, const model::Universe& u,
                      const std::vector<Op>& ops, const std::vector<std::string>& known = {});

// replay() past `known`, and again going on past `v`'s own failures of other
// classes too (as its walks and searches would), until it fails with class
// `want` (failure_class()): that replay, or nullopt when it passes, loses
// the model, hits an illegal operation or repeats a class. With `how`,
// says which of `v`'s own classes it went past, and how the last replay
// ended when it did not show `want`.
struct PastOwnFailures {
    // The classes of `v`'s own failures it passed over, in the order met
    // (not those in `known`).
    std::vector<std::string> passed;
    // It went through every operation and the end check without a failure
    // it did not pass over and without losing the model: `ops` never show
    // `want` on `v`.
    bool ran_to_the_end = false;
    // Else the 1-based step where it lost the model past a failure it passed
    // over (an illegal derived call, a BUG_ON), 0 when it did not.
    std::size_t lost_at = 0;
};
std::optional<FsReplayResult> replay_until_class(const Variant& v, const Property& p, const model::Universe& u,
                                                 const std::vector<Op>& ops, std::vector<std::string> known,
                                                 const std::string& want, PastOwnFailures* how = nullptr);

// True when `ops` are legal filesystem operations and fail `p` on `v` (with
// a class not in `known`).
bool fails(const Variant& v, const Property& p, const model::Universe& u, const std::vector<Op>& ops,
           const std::vector<std::string>& known = {});

// The trace as text: each operation, the calls under it, the pfns each
// touched as it left them (model, decode, raw fields), warnings and where it
// broke.
std::string format_trace(const FsTrace& t, const std::string& indent = "  ");

}  // namespace daxcheck::fslevel
