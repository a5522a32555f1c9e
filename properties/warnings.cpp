#include "properties/warnings.h"

#include <fmt/format.h>

namespace daxcheck {

bool is_check(const Variant& v, model::DefensiveCheck check, const kshim::warning_record& w) {
    for (const auto& d : v.checks)
        if (d.check == check && d.function == w.function && d.condition == w.condition)
            return true;
    return false;
}

const DeclaredCheck* declared_check(const Variant& v, const kshim::warning_record& w) {
    for (const auto& d : v.checks)
        if (d.function == w.function && d.condition == w.condition) return &d;
    return nullptr;
}

std::string check_name(const DeclaredCheck& d) {
    switch (d.check) {
        case model::DefensiveCheck::TruncatePinned: return "truncate-of-a-pinned-page";
        case model::DefensiveCheck::SecondExclusiveOwner: return "second-exclusive-owner";
        case model::DefensiveCheck::MappingMismatch: return "mapping-mismatch";
        case model::DefensiveCheck::Custom: return d.kind;
    }
    return "?";
}

std::string describe(const DeclaredCheck& d) {
    return fmt::format("{}: WARN_ON_ONCE({}) in {}", check_name(d), d.condition, d.function);
}

std::string describe(const kshim::warning_record& w) {
    return fmt::format("WARN_ON_ONCE({}) in {}:{}", w.condition, w.function, w.line);
}

}  // namespace daxcheck
