#include "cli/fs_cells.h"

#include <fmt/format.h>

#include "impl/fault/fault_path.h"

namespace daxcheck {

std::string fs_usage_problem(const FsRunOptions& o) {
    bool any = false;
    for (const Property* p : o.properties) any = any || !p->with_misuse;
    if (!any)
        return "misuse-detected has no filesystem level (misuse operations are function-level "
               "calls; `daxcheck reach` asks whether a fault path makes one)";
    for (const auto* list : {&o.variants, &o.bases})
        for (const Variant* v : *list) {
            std::string why;
            if (!fault_path_of(*v, &why)) return (list == &o.bases ? "--base: " : "") + why;
        }
    return "";
}

// `o` as the function level's RunOptions, for print_interrupted: the cells
// the filesystem level runs (misuse-detected has none) and the seed.
RunOptions fs_run_as_run(const FsRunOptions& o) {
    RunOptions run;
    run.variants = o.variants;
    for (const Property* p : o.properties)
        if (!p->with_misuse) run.properties.push_back(p);
    run.profiles = o.profiles;
    run.cell.seed = o.seed;
    return run;
}

// The command and its cells' flags ("run --level fs --variant V ..."), for
// the reproduce line of an interrupted run.
std::string fs_cells_command(const FsRunOptions& o) {
    // The level's properties are a subset of all: always listed.
    return o.command + " --level fs" +
           cell_flags(o.variants, fs_run_as_run(o).properties, o.profiles, o.command == "swarm") + o.base_flag;
}

static_assert(FsRunOptions{}.classes == kDefaultClasses);

// " --classes N" when it is not the default.
std::string classes_flag(const FsRunOptions& o) {
    return o.classes != kDefaultClasses ? fmt::format(" --classes {}", o.classes) : "";
}

}  // namespace daxcheck
