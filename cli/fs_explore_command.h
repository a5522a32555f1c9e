// `explore --level fs` (SPEC 8): the filesystem level's breadth-first search
// per cell (fslevel/reachability.h), printed with the calls each operation of
// the shortest counterexample derived.
#pragma once

#include <cstdint>

#include "cli/fs_command.h"

namespace daxcheck {

// `explore --level fs`: breadth-first over filesystem sequences per cell, up
// to `depth` operations, `max_states` states, `time_budget_s` seconds and
// `memory_budget_mb` MB of stored states (estimated, fslevel::state_bytes;
// 0: none) per cell; the first failure found is a shortest one, and
// o.classes classes are searched for (fslevel/fs_search_classes.h; the time
// budget covers them all, the state and memory budgets hold per search).
// With o.bases each cell is searched on its base too and compared by class
// (fslevel/fs_base_diff.h, printed as cli/fs_base.h prints it); then only a
// new failure, a changed cause or a cell the base's search could not check
// makes the exit status 1. Exit codes as fs_run_command; after SIGINT/SIGTERM
// the cells done, "interrupted": true in the JSON, 128 + the signal.
int fs_explore_command(const FsRunOptions& o, unsigned depth, std::uint64_t max_states,
                       double time_budget_s, double memory_budget_mb);

}  // namespace daxcheck
