// Matching recorded WARN_ON_ONCEs to the defensive checks a port declares.
#pragma once

#include <string>

#include "harness/execution.h"

namespace daxcheck {

bool is_check(const Variant& v, model::DefensiveCheck check, const kshim::warning_record& w);
std::string describe(const kshim::warning_record& w);

}  // namespace daxcheck
