// SPEC 9, page references: after every legal operation each pfn's reference
// count, where the port attributes it (Variant::refcount), equals the
// version's idle count plus the pins the model holds on the pages that count
// covers; never below zero. Part of `refinement`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/execution.h"

namespace daxcheck {

// nullopt when every pfn of `pfns` has the count SPEC 9 requires, else the
// lowest failing pfn and what is wrong, in words ("pfn 2: reference count ...").
std::optional<std::string> check_refcounts(const Execution& exec, const std::vector<model::Pfn>& pfns);
// The same for every pfn of the universe.
std::optional<std::string> check_refcounts_all(const Execution& exec);

// For daxcheck_bench only (its "refcount" section): whether check_refcounts
// checks at all (default true), to measure what the check costs. Set it
// before any checking starts, never while threads check.
void set_refcount_check_for_bench(bool on);

// True when pfn p's count is what SPEC 9 requires.
bool refcount_holds(const Execution& exec, model::Pfn p);
// True when every pfn's count is what SPEC 9 requires.
bool refcounts_match(const Execution& exec);

// How far the counts of `pfns` are from what SPEC 9 requires: the largest
// |count - (idle + pins)| over them, 0 when they all match. The explorer
// stops expanding states that drifted further than the pins a pfn may hold.
long refcount_drift(const Execution& exec, const std::vector<model::Pfn>& pfns);

}  // namespace daxcheck
