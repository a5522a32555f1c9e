// Matching recorded WARN_ON_ONCEs to the defensive checks a port declares.
#pragma once

#include <string>

#include "harness/execution.h"

namespace daxcheck {

bool is_check(const Variant& v, model::DefensiveCheck check, const kshim::warning_record& w);
std::string describe(const kshim::warning_record& w);
// The declared check `w` is, if any.
const DeclaredCheck* declared_check(const Variant& v, const kshim::warning_record& w);
// "truncate-of-a-pinned-page", ..., or a custom check's own kind.
std::string check_name(const DeclaredCheck& d);
// "second-exclusive-owner: WARN_ON_ONCE(page->mapping) in dax_associate_entry":
// its kind, condition text and function, as `list` prints a port's checks.
std::string describe(const DeclaredCheck& d);

}  // namespace daxcheck
