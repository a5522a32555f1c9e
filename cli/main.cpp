// The daxcheck binary behind ./daxcheck: `run` and `list`. (`test` and the
// build live in the ./daxcheck script.) Exit codes: 0 all verdicts as
// expected, 1 one differs, 2 a usage error.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>

#include "cli/replay_command.h"
#include "cli/report_command.h"
#include "cli/cli_main.h"
#include "engines/cluster.h"
#include "engines/engine_fault.h"
#include "cli/explore_command.h"
#include "cli/fs_command.h"
#include "cli/fs_explore_command.h"
#include "cli/fs_flags.h"
#include "cli/flag_checks.h"
#include "cli/interrupt_handler.h"
#include "cli/json_file.h"
#include "cli/output_file.h"
#include "cli/race_command.h"
#include "cli/run_command.h"
#include "cli/selection.h"
#include "cli/shell_words.h"
#include "properties/warnings.h"
#include "cli/swarm_command.h"
#include "cli/class_flags.h"
#include "cli/universe_flags.h"
#include "harness/op_text.h"
#include "harness/printable.h"

using namespace daxcheck;

namespace {

constexpr int kUsageError = 2;

int usage(const std::string& message) {
    fmt::print(stderr, "daxcheck: {}\n", message);
    return kUsageError;
}

// `list --port-files`: the out-of-tree port files this binary was built
// with that registered a variant, one absolute path a line (the `daxcheck`
// script checks every --port file is among them).
int list_port_files() {
    std::set<std::string> files;
    for (const auto& v : variants())
        if (!v.port_file.empty()) files.insert(v.port_file);
    for (const auto& f : files) fmt::print("{}\n", f);
    return 0;
}

int list_command() {
    fmt::print("variants:\n");
    for (const auto& v : variants()) {
        fmt::print("  {:<20} {}\n", v.name, v.summary);
        fmt::print("  {:<20} upstream: {}\n", "", v.upstream);
        // An out-of-tree port: where it came from and what --base compares it with.
        if (!v.port_file.empty()) fmt::print("  {:<20} port: {}\n", "", printable(v.port_file));
        if (!v.base.empty()) fmt::print("  {:<20} base: {}\n", "", v.base);
        std::string checks;
        for (const auto& c : v.checks)
            checks += (checks.empty() ? "" : "; ") + describe(c);
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

int daxcheck::cli_main(int argc, char** argv, Cluster* cluster) {
    CLI::App app{"daxcheck: property tests of fsdax page ownership ports against a model"};
    app.require_subcommand(1);

    auto* run = app.add_subcommand("run", "run properties against ports and print verdicts");
    std::vector<std::string> variant_names, property_names, profile_names;
    std::optional<std::uint64_t> seed;
    int tests = static_cast<int>(kDefaultRunTests);
    std::uint64_t walks = kDefaultRunWalks;
    std::string json_path;
    UniverseFlags uflags;
    bool save = false, report = false, no_minimise = false;
    std::string corpus_dir, reports_dir;
    std::vector<std::string> kernel_jsons;
    ClassFlags class_flags;
    // `report` is `run` that also writes reports/<timestamp>/ (cli/report_command.h).
    auto* report_cmd = app.add_subcommand(
        "report", "run like `run`, then write reports/<timestamp>/ (index.html, summary.md, "
                  "results.json) and point reports/latest at it");
    CLI::Option* run_walks = nullptr;  // --seconds excludes it, as in swarm
    for (CLI::App* c : {run, report_cmd}) {
        c->add_option("--variant", variant_names, "variant to run (repeatable; default all)");
        c->add_option("--property", property_names, "property to check (repeatable; default all)");
        c->add_option("--profile", profile_names, "exclusive or reflink (default both)");
        c->add_option("--tests", tests, "RapidCheck tests per cell")->check(CLI::Range(1, 10000000));
        c->add_option("--seed", seed, "RapidCheck and swarm seed (default: random, printed)")
            ->check(flag_checks::seed());
        CLI::Option* walks_option = c->add_option("--walks", walks,
                      fmt::format("swarm walks per cell after RapidCheck passes, 0 for none "
                                  "(default {}; --level fs: filesystem walks per cell, default {})",
                                  kDefaultRunWalks, kDefaultFsWalks))
            ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 40));
        if (c == run) run_walks = walks_option;
        c->add_option("--json", json_path, "also write the results as JSON to FILE")
            ->check(flag_checks::name());
        uflags.add_to(*c);
        auto* saving = c->add_flag("--save-failures", save, "save each new shrunk counterexample as a corpus file");
        c->add_option("--corpus-dir", corpus_dir, "where --save-failures writes (default: corpus/)")
            ->check(flag_checks::name())
            ->needs(saving);
        c->add_option("--reports-dir", reports_dir, "where the report goes (default: reports/)")
            ->check(flag_checks::name());
        c->add_option("--kernel-json", kernel_jsons,
                      "--level fs --report: what `./daxcheck kernel --json FILE` saw, for the "
                      "report's \"on a running kernel\" column (repeatable)")
            ->check(CLI::ExistingFile);
        class_flags.add_to(*c, "distinct failure classes to find per cell (default 5)");
        c->add_flag("--no-minimise", no_minimise,
                    "keep RapidCheck's shrunk counterexample: no breadth-first search for a "
                    "shorter one");
    }
    run->add_flag("--report", report, "also write the report, as `daxcheck report` does");
    // The filesystem level (SPEC 8): cli/fs_command.h.
    std::string level = "function";
    double fs_seconds = 0;
    unsigned fs_threads = 1;
    run->add_option("--level", level, "function (dax_associate_entry calls) or fs (filesystem "
                                      "operations through each version's fault path)")
        ->check(CLI::IsMember({"function", "fs"}));
    run->add_option("--seconds", fs_seconds, "--level fs: walk for S seconds per cell instead of --walks")
        ->check(flag_checks::finite(0, 1e6, true))
        ->excludes(run_walks);
    run->add_option("--threads", fs_threads, "--level fs: walk threads")->check(CLI::Range(1, 256));

    auto* emit = app.add_subcommand(
        "emit", "write the xfs_io reproducer of a filesystem-level corpus file, and the port's "
                "predicted warnings per step (for ./daxcheck kernel)");
    std::string emit_file, emit_variant, emit_script, emit_predictions;
    emit->add_option("file", emit_file, "a corpus file with `level: fs`")->required()->check(flag_checks::name());
    emit->add_option("--variant", emit_variant, "the port that predicts (default: the first expect: line's)")
        ->check(flag_checks::name());
    emit->add_option("--script", emit_script, "where the script goes (default: standard output)")
        ->check(flag_checks::name());
    emit->add_option("--predictions", emit_predictions, "where the predictions JSON goes")
        ->check(flag_checks::name());
    bool emit_calls = false;
    emit->add_flag("--calls", emit_calls, "print each operation with the calls it derives instead");

    auto* reach = app.add_subcommand(
        "reach", "is a function-level corpus counterexample reachable through the filesystem?");
    std::vector<std::string> reach_paths;
    unsigned reach_depth = 4;
    std::uint64_t reach_states = 20000;
    reach->add_option("files", reach_paths, "function-level corpus files")->required()->check(flag_checks::name());
    reach->add_option("--depth", reach_depth, "longest filesystem sequence (default 4)")
        ->check(CLI::Range(1, 12));
    reach->add_option("--max-states", reach_states, "state budget (default 20000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));

    auto* replay_cmd = app.add_subcommand("replay", "replay corpus files, check expected verdicts");
    std::vector<std::string> replay_paths;
    replay_cmd->add_option("paths", replay_paths, "corpus files or directories (default: corpus/)")
        ->check(flag_checks::name());
    ReplayOptions replay_opts;
    replay_cmd->add_option("--variant", replay_opts.variant,
                           "replay every file against this variant, with its base's expectations "
                           "where the file has none for it")
        ->check(flag_checks::name());
    replay_cmd->add_option("--base", replay_opts.base,
                           "with --variant: compare it with VARIANT (default: its own base) file by "
                           "file, by failure class")
        ->expected(0, 1);

    CLI::App* list = app.add_subcommand("list", "list variants, properties and profiles");
    bool list_ports = false;
    list->add_flag("--port-files", list_ports,
                   "only the out-of-tree port files that registered a variant, one path a line");

    SwarmCommand swarm;
    swarm.add_to(app);
    // Two files at once (docs/contract.md section 10): the concurrency build's.
    race_cli::RaceCommand race;
    race.add_to(app);
    set_race_replayer(race_cli::replay_corpus_file, race_cli::has_variant);
    race_cli::set_command_prefix([](const std::string& port_file) {
        return daxcheck_prefix_of_ports(port_file.empty() ? std::vector<std::string>{}
                                                          : std::vector<std::string>{port_file});
    });
    set_race_emitter(race_cli::emit_race_file);
    auto* explore = app.add_subcommand(
        "explore", "search every operation sequence of a small universe breadth-first");
    std::vector<std::string> x_variants, x_properties, x_profiles;
    std::optional<unsigned> x_depth;
    double x_time_budget = kDefaultExploreTimeBudgetS;
    double x_memory_mb = kDefaultExploreMemoryMb;
    unsigned x_threads = 1;
    bool x_no_symmetry = false, x_save = false;
    std::string x_json, x_corpus_dir;
    UniverseFlags x_uflags;
    explore->add_option("--variant", x_variants, "variant to explore (repeatable; default all)");
    explore->add_option("--property", x_properties, "property to check (repeatable; default all)");
    explore->add_option("--profile", x_profiles, "exclusive or reflink (default both)");
    explore->add_option("--depth", x_depth, "longest sequence to check (default: until exhausted; 6 with --level fs)")
        ->check(CLI::Range(1, 999));
    explore->add_option("--time-budget", x_time_budget, "seconds per cell (with --base, per side), 0 for none (default 60)")
        ->check(flag_checks::finite(0.0, 1e7));
    explore->add_option("--memory-budget", x_memory_mb,
                        "MB of memory per cell, 0 for none (default 4096)")
        ->check(flag_checks::finite(0.0, 1e7));
    explore->add_option("--threads", x_threads, "expansion threads")->check(CLI::Range(1, 256));
    ClassFlags x_class_flags;
    x_class_flags.add_to(*explore, "distinct failure classes per cell, each the shortest among "
                                   "sequences avoiding the ones before (--level fs: going on past "
                                   "them, as its walks do) (default 5)");
    explore->add_flag("--no-symmetry", x_no_symmetry,
                      "store every state, not one per orbit of files and pfn blocks");
    std::string x_off_model = "pins";
    explore->add_option("--off-model", x_off_model,
                        "which states off the model (refinement fails there) the other properties "
                        "expand: pins (default: all but counts drifted past --max-pins) or once "
                        "(an off-model state's off-model children are checked, not expanded)")
        ->check(CLI::IsMember({"pins", "once"}));
    explore->add_option("--json", x_json, "also write the results as JSON to FILE")
        ->check(flag_checks::name());
    x_uflags.add_to(*explore, default_explore_universe());
    auto* x_saving = explore->add_flag("--save-failures", x_save,
                                       "save each new shortest counterexample as a corpus file");
    std::string x_level = "function";
    std::uint64_t x_max_states = 200000;
    explore->add_option("--level", x_level, "function or fs (filesystem operations, SPEC 8)")
        ->check(CLI::IsMember({"function", "fs"}));
    explore->add_option("--max-states", x_max_states, "--level fs: state budget per search (a cell runs one per failure class; default 200000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32));
    explore->add_option("--corpus-dir", x_corpus_dir,
                        "where --save-failures writes (default: corpus/)")
        ->check(flag_checks::name())
        ->needs(x_saving);

    flag_checks::decimal_integers(app);
    if (auto e = flag_checks::unknown_subcommand(app, argc, argv); !e.empty()) return usage(e);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // An unknown flag is named with the one meant, not as CLI11's extras.
        if (auto flag = flag_checks::unknown_flag(app, argc, argv); !flag.empty()) return usage(flag);
        fmt::print(stderr, "daxcheck: {}\nRun ./daxcheck --help for usage.\n", e.what());
        return kUsageError;
    }
    if (!registration_problems().empty()) return usage(registration_problems().front());

    if (app.got_subcommand("list")) return list_ports ? list_port_files() : list_command();
    // A directory where one corpus file goes is a usage error for both (exit
    // 2, the name with its control characters escaped), before anything runs.
    const auto directory = [](const std::string& command, const std::string& path) -> std::string {
        std::error_code ec;
        if (!std::filesystem::is_directory(path, ec)) return "";
        return fmt::format("{}: {} is a directory: {}", command, printable(path),
                           command == "emit" ? "emit takes one corpus file"
                                             : "name the files (corpus/v6.15-*.dax)");
    };
    if (app.got_subcommand("emit")) {
        if (auto e = directory("emit", emit_file); !e.empty()) return usage(e);
        return emit_command(emit_file, emit_variant, emit_script, emit_predictions, emit_calls);
    }
    if (app.got_subcommand("reach")) {
        for (const auto& path : reach_paths)
            if (auto e = directory("reach", path); !e.empty()) return usage(e);
        return reach_command(reach_paths, reach_depth, reach_states);
    }
    if (app.got_subcommand("replay")) return replay_command(replay_paths, replay_opts);
    swarm.cluster = cluster;
    if (app.got_subcommand("swarm")) return swarm.run();
    if (race.parsed()) return race.run();

    if (app.got_subcommand("explore")) {
        Selection sel;
        if (auto e = select_cells(x_variants, x_properties, x_profiles, sel); !e.empty()) return usage(e);
        ExploreCommandOptions xo;
        xo.variants = sel.variants;
        xo.properties = sel.properties;
        xo.profiles = sel.profiles;
        xo.explore.universe = x_uflags.universe_from(default_explore_universe());
        if (auto problem = model::universe_problem(xo.explore.universe); !problem.empty())
            return usage("bad universe: " + problem);
        if (auto e = x_uflags.pmd_order_problem(xo.explore.universe); !e.empty()) return usage(e);
        if (x_level == "fs") {
            // --off-model pins, the default, is what the filesystem level does.
            if (auto e = fs_level_refuses(*explore, {"--threads", "--no-symmetry"});
                !e.empty())
                return usage(e);
            if (x_off_model != "pins") return usage("--level fs: --off-model once is function-level only");
            FsRunOptions fo = fs_options(sel.variants, sel.properties, sel.profiles, xo.explore.universe);
            fo.command = "explore";
            fo.classes = x_class_flags.classes;
            {
                RunOptions bases;
                bases.variants = sel.variants;
                if (auto e = set_base(bases, x_class_flags.base); !e.empty()) return usage(e);
                set_fs_bases(fo, bases);
            }
            if (!x_json.empty()) {
                if (auto e = output_path_problem("--json", x_json); !e.empty()) return usage(e);
                claim_stdout_for_json(x_json);
                fo.json_path = x_json;
            }
            if (x_save) {
                if (auto e = port_corpus_problem(fo.variants, !x_corpus_dir.empty(), default_corpus_dir()); !e.empty()) return usage(e);
                fo.save_dir = x_corpus_dir.empty() ? default_corpus_dir() : x_corpus_dir;
                if (auto e = output_dir_problem("--corpus-dir", *fo.save_dir); !e.empty()) return usage(e);
            }
            return fs_explore_command(fo, x_depth.value_or(6), x_max_states, x_time_budget, x_memory_mb);
        }
        if (explore->count("--max-states")) return usage("--max-states goes with --level fs (--memory-budget and --time-budget bound the function level)");
        xo.depth_given = x_depth.has_value();
        xo.explore.max_depth = x_depth.value_or(1000);
        xo.explore.time_budget_s = x_time_budget;
        xo.explore.memory_budget_bytes = flag_checks::budget_bytes(x_memory_mb);
        xo.explore.symmetry = !x_no_symmetry;
        xo.explore.off_model = x_off_model == "once" ? ExploreOptions::OffModel::Once
                                                     : ExploreOptions::OffModel::WithinPins;
        xo.explore.threads = x_threads;
        xo.explore.cluster = cluster;
        if (cluster && x_threads != 1)
            return usage("explore --threads: one thread per process under MPI (run more ranks)");
        xo.classes = x_class_flags.classes;
        xo.base = x_class_flags.base;
        {
            RunOptions check;
            check.variants = xo.variants;
            if (auto e = set_base(check, xo.base); !e.empty()) return usage(e);
        }
        if (!x_json.empty()) xo.json_path = x_json;
        if (x_save) {
            if (auto e = port_corpus_problem(xo.variants, !x_corpus_dir.empty(), default_corpus_dir()); !e.empty()) return usage(e);
            xo.save_dir = x_corpus_dir.empty() ? default_corpus_dir() : x_corpus_dir;
        }
        if (xo.json_path)
            if (auto e = output_path_problem("--json", *xo.json_path); !e.empty()) return usage(e);
        if (xo.save_dir)
            if (auto e = output_dir_problem("--corpus-dir", *xo.save_dir); !e.empty()) return usage(e);
        if (xo.json_path) claim_stdout_for_json(*xo.json_path);
        return explore_command(xo);
    }

    RunOptions opts;
    Selection sel;
    if (auto e = select_cells(variant_names, property_names, profile_names, sel); !e.empty())
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
    opts.minimise = !no_minimise;
    opts.walks = walks;
    opts.cluster = cluster;
    // Under MPI every process holds the same rows: the first one writes.
    const bool writes = !cluster || cluster->rank() == 0;
    opts.classes = class_flags.classes;
    if (level == "fs")
        if (auto e = fs_level_refuses(*run, {"--tests", "--no-minimise"}); !e.empty())
            return usage(e);
    if (auto e = set_base(opts, class_flags.base); !e.empty()) return usage(e);
    const std::string save_dir = corpus_dir.empty() ? default_corpus_dir() : corpus_dir;
    const bool reporting = report || app.got_subcommand("report");
    if (opts.json_path)
        if (auto e = output_path_problem("--json", *opts.json_path); !e.empty()) return usage(e);
    if (save) {
        if (auto e = port_corpus_problem(opts.variants, !corpus_dir.empty(), default_corpus_dir()); !e.empty()) return usage(e);
        if (auto e = output_dir_problem("--corpus-dir", save_dir); !e.empty()) return usage(e);
    }
    if (reporting)
        if (auto e = reports_dir_problem(reports_dir.empty() ? default_reports_dir() : reports_dir);
            !e.empty())
            return usage(e);
    if (!reports_dir.empty() && !reporting)  // it would be ignored
        return usage("--reports-dir goes with --report (or the report command)");
    if (!kernel_jsons.empty() && (level != "fs" || !reporting))
        return usage("--kernel-json goes with `run --level fs --report`");
    if (opts.json_path) claim_stdout_for_json(*opts.json_path);
    if (level == "fs") {
        FsRunOptions fo = fs_options(opts.variants, opts.properties, opts.profiles, opts.cell.universe);
        fo.seed = opts.cell.seed;
        // Filesystem walks are cheap (about 5 s for every cell at the default)
        // and the deepest findings need a PMD entry, a shared extent and a PTE
        // fault inside it: more walks than a function-level run.
        fo.walks = run->count("--walks") + report_cmd->count("--walks") ? walks : kDefaultFsWalks;
        fo.seconds = fs_seconds;
        fo.threads = fs_threads;
        fo.classes = opts.classes;
        fo.json_path = opts.json_path;
        if (save) fo.save_dir = save_dir;
        if (reporting) fo.reports_dir = reports_dir.empty() ? default_reports_dir() : reports_dir;
        fo.kernel_jsons = kernel_jsons;
        set_fs_bases(fo, opts);
        return fs_run_command(fo);
    }
    if (fs_seconds > 0 || fs_threads != 1) return usage("--seconds and --threads go with --level fs");

    install_interrupt_handlers();
    print_run_header(opts);
    const auto rows = run_cells(opts);
    const auto diffs = opts.diffing() ? diff_with_base(opts, rows) : std::vector<BaseDiffRow>{};
    print_base_diff(diffs);
    print_run(opts, rows);
    if (interrupted()) {
        // The whole run again, with the outputs it was asked for, none of
        // which a signal lets it write but --json.
        std::string line = (app.got_subcommand("report") ? "report " : "run ") + run_flags(opts);
        if (report) line += " --report";
        if (!reports_dir.empty()) line += " --reports-dir " + shell_path(reports_dir);
        if (save) line += " --save-failures";
        if (!corpus_dir.empty()) line += " --corpus-dir " + shell_path(corpus_dir);
        if (opts.json_path) line += " --json " + output_word(*opts.json_path);
        print_interrupted(opts, rows.size(), line);
        print_not_written(save, reporting);
    }
    if (opts.json_path && writes) {
        std::string error;
        if (!write_run_json(opts, rows, *opts.json_path, error, diffs)) return usage(error);
        fmt::print("wrote {}\n", output_name(*opts.json_path));
    }
    if (interrupted()) return interrupt_exit_code();
    if (save && writes && !save_failures(opts, rows, save_dir, app.got_subcommand("report") ? "report" : "run"))
        return usage("cannot save the counterexamples");
    if (reporting && writes) {
        const auto written =
            write_report(opts, rows, reports_dir.empty() ? default_reports_dir() : reports_dir, diffs);
        if (!written.error.empty()) return usage(written.error);
        fmt::print("wrote {}/index.html, summary.md, results.json (and latest)\n", written.dir);
    }
    // Against a base only what the patch changed for the worse fails the run.
    if (opts.diffing()) return base_diff_regressed(diffs) ? 1 : 0;
    for (const auto& r : rows)
        if (!r.as_expected()) return 1;
    return 0;
}

int daxcheck::cli_entry(int argc, char** argv, Cluster* cluster) {
    int status = 0;
    set_invocation(argc > 0 ? argv[0] : nullptr);
    try {
        status = cli_main(argc, argv, cluster);
    } catch (const EngineFault& e) {  // engines/engine_fault.h: no result to print
        std::fflush(stdout);
        std::fprintf(stderr, "daxcheck: internal error: %s\n", e.what());
        // The JSON says so too: a file left from an earlier run would read as this one's results.
        if (const auto path = claimed_json_path()) {
            std::string error;
            if (!write_json_file({{"internal_error", std::string(e.what())}, {"results", nlohmann::json::array()}},
                                 *path, error))
                std::fprintf(stderr, "daxcheck: %s\n", error.c_str());
        }
        return kUsageError;
    } catch (const std::system_error& e) {  // stdout or stderr on a full disk, a closed pipe
        std::fprintf(stderr, "daxcheck: cannot write the output: %s\n", e.what());
        return kUsageError;
    }
    // What is still in stdout's buffer (every output under its size, --help's
    // through std::cout) is written now: a failure there is the same error.
    errno = 0;
    std::cout.flush();
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout.good()) {
        std::fprintf(stderr, "daxcheck: cannot write the output: %s\n",
                     errno ? std::strerror(errno) : "write error on standard output");
        return kUsageError;
    }
    return status;
}
