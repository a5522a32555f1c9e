#include "cli/selection.h"

#include <fmt/format.h>

#include "cli/flag_checks.h"
#include "harness/printable.h"

namespace daxcheck {
namespace {

std::string names_of_variants() {
    std::string out;
    for (const auto& v : variants()) out += (out.empty() ? "" : ", ") + v.name;
    return out;
}
std::string names_of_properties() {
    std::string out;
    for (const auto& p : all_properties()) out += (out.empty() ? "" : ", ") + p.name;
    return out;
}

}  // namespace

std::string select_cells(const std::vector<std::string>& variant_names,
                         const std::vector<std::string>& property_names,
                         const std::vector<std::string>& profile_names, Selection& out,
                         bool every_variant_when_none) {
    for (const auto& name : variant_names) {
        const Variant* v = find_variant(name);
        if (!v) return fmt::format("--variant: unknown variant '{}' (known: {})", printable(name), names_of_variants());
        flag_checks::add_once(out.variants, v);
    }
    if (out.variants.empty() && every_variant_when_none)
        for (const auto& v : variants()) out.variants.push_back(&v);
    for (const auto& name : property_names) {
        const Property* p = find_property(name);
        if (!p) return fmt::format("--property: unknown property '{}' (known: {})", printable(name), names_of_properties());
        flag_checks::add_once(out.properties, p);
    }
    if (out.properties.empty())
        for (const auto& p : all_properties()) out.properties.push_back(&p);
    for (const auto& name : profile_names) {
        auto p = parse_profile(name);
        if (!p) return fmt::format("--profile: unknown profile '{}' (known: exclusive, reflink)", printable(name));
        flag_checks::add_once(out.profiles, *p);
    }
    if (out.profiles.empty()) out.profiles = all_profiles();
    return "";
}

}  // namespace daxcheck
