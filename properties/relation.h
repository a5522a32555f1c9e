// The representation relation of SPEC section 4: does a port's decode of one
// pfn represent the model's state of that pfn?
#pragma once

#include <optional>
#include <string>

#include "harness/execution.h"

namespace daxcheck {

// nullopt when `decoded` represents `pfn`, else the mismatch in words.
std::optional<std::string> relation_mismatch(const model::PfnState& pfn, const Decoded& decoded);

// The lowest pfn of `pfns` (or of the whole universe) that breaks the relation.
std::optional<std::string> check_relation(const Execution& exec, const std::vector<model::Pfn>& pfns);
std::optional<std::string> check_relation_all(const Execution& exec);

// Whether pfn `p` is where refinement wants it: its decode represents its
// model state (SPEC 4) and its reference count is the one SPEC 9 requires.
// No words, no allocation: the explorer asks this per child.
bool pfn_refines(const Execution& exec, model::Pfn p);

}  // namespace daxcheck
