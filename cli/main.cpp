// The daxcheck binary behind ./daxcheck: `run` and `list`. (`test` and the
// build live in the ./daxcheck script.) Exit codes: 0 all verdicts as
// expected, 1 one differs, 2 a usage error.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <random>

#include "cli/explore_command.h"
#include "cli/run_command.h"
#include "harness/op_text.h"

using namespace daxcheck;

namespace {

constexpr int kUsageError = 2;

struct UniverseFlags {
    std::optional<unsigned> files, pmd_order, max_pins;
    std::optional<std::uint64_t> pfns, offsets;

    void add_to(CLI::App& app) {
        app.add_option("--files", files, "number of files (A, B, ...)")->check(CLI::Range(1, 26));
        app.add_option("--pfns", pfns, "number of pfns (default: 2 PMD blocks)")
            ->check(CLI::Range(1, 1 << 20));
        app.add_option("--offsets", offsets, "page offsets per file (default: 2 PMD blocks)")
            ->check(CLI::Range(1, 1 << 20));
        app.add_option("--pmd-order", pmd_order, "PMD order (kernel: 9)")->check(CLI::Range(1, 12));
        app.add_option("--max-pins", max_pins, "most pins on one pfn")->check(CLI::Range(0, 1000));
    }
    bool given() const { return files || pmd_order || max_pins || pfns || offsets; }
    model::Universe universe() const {
        return universe_from(model::Universe::with_pmd_order(pmd_order.value_or(1)));
    }
    // The flags given, over `u`'s values for the others.
    model::Universe universe_from(model::Universe u) const {
        if (pmd_order) u.pmd_order = *pmd_order;
        if (files) u.files = *files;
        if (pfns) u.pfns = *pfns;
        if (offsets) u.offsets = *offsets;
        if (max_pins) u.max_pins = *max_pins;
        return u;
    }
};

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

int usage(const std::string& message) {
    fmt::print(stderr, "daxcheck: {}\n", message);
    return kUsageError;
}

// The variants, properties and profiles named on the command line (all of
// each when none is named); "" or the usage error.
struct Selection {
    std::vector<const Variant*> variants;
    std::vector<const Property*> properties;
    std::vector<Profile> profiles;
};
std::string select(const std::vector<std::string>& variant_names,
                   const std::vector<std::string>& property_names,
                   const std::vector<std::string>& profile_names, Selection& out) {
    for (const auto& name : variant_names) {
        const Variant* v = find_variant(name);
        if (!v) return fmt::format("unknown variant '{}' (known: {})", name, names_of_variants());
        out.variants.push_back(v);
    }
    if (out.variants.empty())
        for (const auto& v : variants()) out.variants.push_back(&v);
    for (const auto& name : property_names) {
        const Property* p = find_property(name);
        if (!p) return fmt::format("unknown property '{}' (known: {})", name, names_of_properties());
        out.properties.push_back(p);
    }
    if (out.properties.empty())
        for (const auto& p : all_properties()) out.properties.push_back(&p);
    for (const auto& name : profile_names) {
        auto p = parse_profile(name);
        if (!p) return fmt::format("unknown profile '{}' (known: exclusive, reflink)", name);
        out.profiles.push_back(*p);
    }
    if (out.profiles.empty()) out.profiles = all_profiles();
    return "";
}

int list_command() {
    fmt::print("variants:\n");
    for (const auto& v : variants()) {
        fmt::print("  {:<20} {}\n", v.name, v.summary);
        fmt::print("  {:<20} upstream: {}\n", "", v.upstream);
        std::string checks;
        for (const auto& c : v.checks)
            checks += fmt::format("{}{}: WARN_ON_ONCE({}) in {}", checks.empty() ? "" : "; ",
                                  c.check == model::DefensiveCheck::TruncatePinned
                                      ? "truncate of a pinned page"
                                  : c.check == model::DefensiveCheck::SecondExclusiveOwner
                                      ? "second exclusive owner"
                                      : "mapping mismatch",
                                  c.condition, c.function);
        fmt::print("  {:<20} checks: {}\n", "", checks.empty() ? "none" : checks);
    }
    fmt::print("\nproperties:\n");
    for (const auto& p : all_properties()) fmt::print("  {:<18} {}\n", p.name, p.summary);
    fmt::print("\nprofiles:\n");
    fmt::print("  {:<18} {}\n", "exclusive", "only shared=0 associations (pre-reflink kernels)");
    fmt::print("  {:<18} {}\n", "reflink", "every legal operation, shared=1 included");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"daxcheck: property tests of fsdax page ownership ports against a model"};
    app.require_subcommand(1);

    auto* run = app.add_subcommand("run", "run properties against ports and print verdicts");
    std::vector<std::string> variant_names, property_names, profile_names;
    std::optional<std::uint64_t> seed;
    int tests = 100;
    std::string json_path;
    UniverseFlags uflags;
    run->add_option("--variant", variant_names, "variant to run (repeatable; default all)");
    run->add_option("--property", property_names, "property to check (repeatable; default all)");
    run->add_option("--profile", profile_names, "exclusive or reflink (default both)");
    run->add_option("--tests", tests, "RapidCheck tests per cell")->check(CLI::Range(1, 10000000));
    run->add_option("--seed", seed, "RapidCheck seed (default: random, printed)");
    run->add_option("--json", json_path, "also write the results as JSON to FILE");
    uflags.add_to(*run);

    app.add_subcommand("list", "list variants, properties and profiles");

    auto* explore = app.add_subcommand(
        "explore", "search every operation sequence of a small universe breadth-first");
    std::vector<std::string> x_variants, x_properties, x_profiles;
    std::optional<unsigned> x_depth;
    double x_time_budget = 60;
    double x_memory_mb = 4096;
    unsigned x_threads = 1;
    bool x_no_symmetry = false;
    std::string x_json;
    UniverseFlags x_uflags;
    explore->add_option("--variant", x_variants, "variant to explore (repeatable; default all)");
    explore->add_option("--property", x_properties, "property to check (repeatable; default all)");
    explore->add_option("--profile", x_profiles, "exclusive or reflink (default both)");
    explore->add_option("--depth", x_depth, "longest sequence to check (default: until exhausted)")
        ->check(CLI::Range(0, 999));
    explore->add_option("--time-budget", x_time_budget, "seconds per cell, 0 for none (default 60)")
        ->check(CLI::Range(0.0, 1e7));
    explore->add_option("--memory-budget", x_memory_mb,
                        "MB of state store per cell, 0 for none (default 4096)")
        ->check(CLI::Range(0.0, 1e7));
    explore->add_option("--threads", x_threads, "expansion threads")->check(CLI::Range(1, 256));
    explore->add_flag("--no-symmetry", x_no_symmetry,
                      "store every state, not one per orbit of files and pfn blocks");
    explore->add_option("--json", x_json, "also write the results as JSON to FILE");
    x_uflags.add_to(*explore);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "daxcheck: {}\nRun ./daxcheck --help for usage.\n", e.what());
        return kUsageError;
    }
    if (!registration_problems().empty()) return usage(registration_problems().front());

    if (app.got_subcommand("list")) return list_command();

    if (app.got_subcommand("explore")) {
        Selection sel;
        if (auto e = select(x_variants, x_properties, x_profiles, sel); !e.empty()) return usage(e);
        ExploreCommandOptions xo;
        xo.variants = sel.variants;
        xo.properties = sel.properties;
        xo.profiles = sel.profiles;
        xo.explore.universe = x_uflags.universe_from(default_explore_universe());
        if (auto problem = model::universe_problem(xo.explore.universe); !problem.empty())
            return usage("bad universe: " + problem);
        xo.depth_given = x_depth.has_value();
        xo.explore.max_depth = x_depth.value_or(1000);
        xo.explore.time_budget_s = x_time_budget;
        xo.explore.memory_budget_bytes = static_cast<std::uint64_t>(x_memory_mb * (1 << 20));
        xo.explore.symmetry = !x_no_symmetry;
        xo.explore.threads = x_threads;
        if (!x_json.empty()) xo.json_path = x_json;
        return explore_command(xo);
    }

    RunOptions opts;
    Selection sel;
    if (auto e = select(variant_names, property_names, profile_names, sel); !e.empty())
        return usage(e);
    opts.variants = sel.variants;
    opts.properties = sel.properties;
    opts.profiles = sel.profiles;
    opts.cell.universe = uflags.universe();
    opts.universe_given = uflags.given();
    if (auto problem = model::universe_problem(opts.cell.universe); !problem.empty())
        return usage("bad universe: " + problem);
    opts.cell.tests = tests;
    opts.cell.seed = seed ? *seed : std::random_device{}() % 1000000000;
    if (!json_path.empty()) opts.json_path = json_path;

    const auto rows = run_cells(opts);
    print_run(opts, rows);
    if (opts.json_path) {
        std::string error;
        if (!write_run_json(opts, rows, *opts.json_path, error)) return usage(error);
        fmt::print("wrote {}\n", *opts.json_path);
    }
    for (const auto& r : rows)
        if (!r.as_expected()) return 1;
    return 0;
}
