// The cells a command runs, from its --variant, --property and --profile
// flags: for run, report, explore and swarm alike, so that each refuses an
// unknown name with the same message, naming its flag.
#pragma once

#include <string>
#include <vector>

#include "impl/variant.h"
#include "properties/property.h"

namespace daxcheck {

struct Selection {
    std::vector<const Variant*> variants;
    std::vector<const Property*> properties;
    std::vector<Profile> profiles;
};

// Fills `out` with the named variants, properties and profiles, each once,
// in the order first named; a family with no name given gets all of its
// members, unless `every_variant_when_none` is false for the variants
// (swarm requires --variant). Returns "" or the usage error ("--variant:
// unknown variant 'x' (known: ...)").
std::string select_cells(const std::vector<std::string>& variant_names,
                         const std::vector<std::string>& property_names,
                         const std::vector<std::string>& profile_names, Selection& out,
                         bool every_variant_when_none = true);

}  // namespace daxcheck
