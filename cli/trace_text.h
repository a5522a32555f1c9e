// A function-level trace as text, the same in `run`, `replay` and the
// Markdown report: each operation with its pfn rows and warnings, then the
// operations an end check ran (drain's releases) with theirs.
#pragma once

#include <string>

#include "engines/replay.h"

namespace daxcheck {

// The steps of `t`, each line starting with `indent` ("#3 op", pfn rows and
// warnings under it), and when it broke at the end, the end check's
// operations ("the end check then runs:"). Not the failure message itself.
std::string trace_steps_text(const Trace& t, const std::string& indent);

}  // namespace daxcheck
