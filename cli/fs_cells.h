// What the filesystem-level commands (run, swarm and explore --level fs)
// share about their cells: which properties have the level, the cells as the
// function level's RunOptions, and the flags their printed commands repeat.
#pragma once

#include <string>

#include "cli/fs_command.h"
#include "cli/run_command.h"

namespace daxcheck {

// Why `o`'s cells cannot run at the filesystem level ("" when they can):
// every property given is misuse-detected, whose operations are
// function-level calls, or a variant or base has no fault path.
std::string fs_usage_problem(const FsRunOptions& o);

// `o` as the function level's RunOptions, for print_interrupted: the cells
// the filesystem level runs (misuse-detected has none) and the seed.
RunOptions fs_run_as_run(const FsRunOptions& o);

// The command and its cells' flags ("run --level fs --variant V ..."), for
// the reproduce line of an interrupted run.
std::string fs_cells_command(const FsRunOptions& o);

// " --classes N" when `o.classes` is not the default (kDefaultClasses), else "".
std::string classes_flag(const FsRunOptions& o);

}  // namespace daxcheck
