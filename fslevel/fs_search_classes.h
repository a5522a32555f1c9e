// `explore --level fs --classes N`: the shortest filesystem sequence of each
// of up to N failure classes of a cell. The first search finds the shortest
// failing sequence; each later one searches again passing over the classes
// found before (ReachOptions::known: a step failing with one goes on
// checking, as the walks and `replay` with `past:` headers do), so its hit
// is the shortest sequence whose first failure of a new class is that class.
#pragma once

#include <string>
#include <vector>

#include "fslevel/reachability.h"

namespace daxcheck::fslevel {

struct SearchClasses {
    ReachResult first;
    std::vector<ReachResult> more;     // each later class's search, in the order found
    std::vector<std::string> classes;  // failure_class() of first's sequence, then of each of more
    double first_seconds = 0;          // the first search's
    double seconds = 0;                // the whole cell: every search and the replays between
    // Why the searches ended before `classes` classes while more may exist:
    // "time budget", "state budget", "memory budget", "signal" or "out of
    // memory" (before the memory budget); "" when not.
    std::string cut_short;
    // Otherwise how the last search ended without a class: "no other class in
    // the universe" (exhausted) or "no other class up to depth N"; "" when
    // `classes` classes were found or the first search found none.
    std::string end;
};

// Runs the cell's searches within `o`'s budgets: max_states and
// memory_budget_bytes per search, time_budget_s for the whole cell (each
// search gets what the ones before left). `o.known` must be empty. Each
// found sequence is replayed past the classes before it; a replay that does
// not fail with the class the search reported throws EngineFault
// (engines/engine_fault.h): the search and replay disagree. The first
// search's std::bad_alloc propagates (nothing was found); a later one's ends
// the searches with cut_short "out of memory".
SearchClasses search_classes(const Variant& v, const Property& p, const model::Universe& u,
                             const ReachOptions& o, unsigned classes);

}  // namespace daxcheck::fslevel
