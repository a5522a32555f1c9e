#include "properties/catalog.h"

#include <fmt/format.h>

namespace daxcheck {

std::string to_string(Profile p) { return p == Profile::Exclusive ? "exclusive" : "reflink"; }

std::optional<Profile> parse_profile(const std::string& s) {
    if (s == "exclusive") return Profile::Exclusive;
    if (s == "reflink") return Profile::Reflink;
    return std::nullopt;
}

const std::vector<Profile>& all_profiles() {
    static const std::vector<Profile> all = {Profile::Exclusive, Profile::Reflink};
    return all;
}

const std::vector<Property>& all_properties() {
    static const std::vector<Property> all = {
        refinement_property(),
        no_spurious_warn_property(),
        pin_warning_property(),
        drain_property(),
        order_independence_property(),
        misuse_detected_property(),
    };
    return all;
}

const Property* find_property(const std::string& name) {
    for (const auto& p : all_properties())
        if (p.name == name) return &p;
    return nullptr;
}

std::optional<std::string> kernel_bug_failure(const StepOutcome& outcome) {
    if (!outcome.kernel_bug) return std::nullopt;
    return fmt::format("{}{}", kPortStopped, *outcome.kernel_bug);
}

}  // namespace daxcheck
