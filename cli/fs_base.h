// `run --level fs --base` / `swarm --level fs --base`: each filesystem-level
// cell of a patch against the same cell of its base (fslevel/fs_base_diff.h),
// printed and written as the function level's --base is (cli/run_command.h).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fslevel/fs_base_diff.h"

namespace daxcheck {

struct FsBaseDiffRow {
    const Variant* variant = nullptr;
    const Variant* base = nullptr;
    const Property* property = nullptr;
    Profile profile = Profile::Exclusive;
    fslevel::FsCellDiff diff;
    std::string reproduce;  // the one cell on both sides again
    // The --classes limit, when a side's searches reached it (more classes
    // may sit behind those found); 0 when both stopped finding new ones.
    unsigned classes_limit_hit = 0;
    // Which side's class searches a budget or a signal cut short, and after
    // how many classes ("" when neither; explore --level fs): more classes
    // may sit behind them too.
    std::string cut_short;
};

// One line per cell, then each cell's classes with a counterexample, then
// the count of new failures and changed causes; under each of those its
// reproduce line.
void print_fs_base_diff(const std::vector<FsBaseDiffRow>& rows);
// Each cell as {"variant", "base", "property", "profile", "change",
// "regression", "classes": [{"class", "change", "found_by" ("patch" or
// "base": whose walks found it), "counterexample" (that side's),
// "other_counterexample" (the other side's, from a search, or null), "note"
// (or null)}],
// "checks" (check_diff_json), "reproduce"}.
nlohmann::json fs_base_diff_json(const std::vector<FsBaseDiffRow>& rows);
// Whether any cell is a new failure or a changed cause.
bool fs_base_diff_regressed(const std::vector<FsBaseDiffRow>& rows);

}  // namespace daxcheck
