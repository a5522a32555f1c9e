// After RapidCheck has shrunk a failing list, make it read like one a person
// would write: swap each file, page offset and pfn value for the smallest one
// that keeps the list legal and failing (files A, B, ... in order of use,
// offsets and pfns from 0). Only values change; the length stays minimal.
#pragma once

#include <vector>

#include "properties/failure_class.h"
#include "properties/property.h"

namespace daxcheck {

std::vector<model::Op> simplify_values(const Variant& v, const Property& p, const model::Universe& u,
                                       std::vector<model::Op> ops,
                                       const ClassFilter& failures = {});  // which failures count

}  // namespace daxcheck
