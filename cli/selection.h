// The cells a command runs, from its --variant, --property and --profile
// flags: for run, report, explore and swarm alike, so that each refuses an
// unknown name with the same message, naming its flag.
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "harness/printable.h"
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

// --save-failures without --corpus-dir saves into the checkout's corpus/,
// daxcheck's own regression suite, which ctest and a plain `replay` check
// with the in-tree variants only: "" when none of `variants` comes from a
// port file (or `corpus_dir_given`), else the usage error naming the port
// file and `default_dir` and asking for --corpus-dir. (Inline: race's concurrency build,
// under its own namespace, calls it too.)
inline std::string port_corpus_problem(const std::vector<const Variant*>& variants, bool corpus_dir_given,
                                      const std::string& default_dir) {
    if (corpus_dir_given) return "";
    for (const Variant* v : variants)
        if (!v->port_file.empty())
            return fmt::format("--save-failures: variant '{}' comes from the port file {}: give --corpus-dir DIR "
                               "(the default, {}, is daxcheck's own regression suite, which ctest and "
                               "`replay` check with the in-tree variants only)",
                               v->name, printable(v->port_file), printable(default_dir));
    return "";
}


}  // namespace daxcheck
