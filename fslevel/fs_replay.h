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

namespace daxcheck::fslevel {

struct CallView {
    std::string op;  // the derived function-level call
    bool legal = true;
    std::vector<std::string> warnings;
    std::vector<PfnView> pfns;
    std::optional<std::string> failure;
};

struct FsTraceStep {
    std::string op;
    std::vector<CallView> calls;
    std::optional<std::string> failure;
};

struct FsTrace {
    std::vector<FsTraceStep> steps;
    std::optional<std::string> end_failure;
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
};

FsReplayResult replay(const Variant& v, const Property& p, const model::Universe& u,
                      const std::vector<Op>& ops);

// True when `ops` are legal filesystem operations and fail `p` on `v`.
bool fails(const Variant& v, const Property& p, const model::Universe& u, const std::vector<Op>& ops);

// The trace as text: each operation, the calls under it, the pfns they
// touched (model, decode, raw fields), warnings and where it broke.
std::string format_trace(const FsTrace& t, const std::string& indent = "  ");

}  // namespace daxcheck::fslevel
