#include "properties/warnings.h"

#include <fmt/format.h>

namespace daxcheck {

bool is_check(const Variant& v, model::DefensiveCheck check, const kshim::warning_record& w) {
    for (const auto& d : v.checks)
        if (d.check == check && d.function == w.function && d.condition == w.condition)
            return true;
    return false;
}

std::string describe(const kshim::warning_record& w) {
    return fmt::format("WARN_ON_ONCE({}) in {}:{}", w.condition, w.function, w.line);
}

}  // namespace daxcheck
