// `daxcheck explore`: exhaustive breadth-first search per (variant, property,
// profile) cell, printing the shortest counterexample or how much was
// covered, and comparing each verdict with the expectation table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engines/explorer.h"
#include "impl/expectations.h"

namespace daxcheck {

// explore's budgets when none is given (--time-budget, --memory-budget).
constexpr double kDefaultExploreTimeBudgetS = 60;
constexpr double kDefaultExploreMemoryMb = 4096;

struct ExploreCommandOptions {
    std::vector<const Variant*> variants;
    std::vector<const Property*> properties;
    std::vector<Profile> profiles;
    ExploreOptions explore;  // universe, depth, budgets, symmetry, threads (profile set per cell)
    bool depth_given = false;
    std::optional<std::string> json_path;
    std::optional<std::string> save_dir;  // --save-failures: write counterexamples there
    // Distinct failure classes per cell (--classes): each next one is the
    // shortest counterexample among sequences that avoid the earlier classes.
    // The cell's time budget covers all of its searches.
    unsigned classes = 5;
    std::optional<std::string> base;  // --base [VARIANT] (cli/run_command.h set_base)
};

// The universe `explore` uses when no universe flag is given: the issue's
// small universe (2 files, 3 pfns, offsets 0-2, PMD order 1, at most 2 pins).
model::Universe default_explore_universe();

// The line after a failing cell's first class, for `explore` at either
// level: how the class searches ended. `cut_short` names what stopped them
// ("time budget", ...; "" when nothing did), `found` classes of `limit`
// (--classes) in `seconds` (the whole cell), `end` how the last search ended
// without a class ("" for none; at `limit` classes the line says more may
// exist). "" when nothing was searched (--classes 1).
std::string class_search_summary(const std::string& cut_short, std::size_t found, unsigned limit,
                                 double seconds, const std::string& end);

// Runs every cell, prints the report, writes the JSON if asked. Returns the
// exit status: 0 every verdict as expected, 1 one differs, 2 the JSON file
// or a corpus file could not be written.
int explore_command(const ExploreCommandOptions& opts);

}  // namespace daxcheck
