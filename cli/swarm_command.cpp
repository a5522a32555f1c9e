#include "cli/swarm_command.h"

#include "cli/number_text.h"
#include "engines/cluster.h"
#include "cli/fs_command.h"
#include "cli/fs_flags.h"

#include <fmt/format.h>

#include <chrono>

#include <random>

#include "cli/flag_checks.h"
#include "cli/interrupt_handler.h"
#include "cli/json_file.h"
#include "cli/output_file.h"
#include "cli/replay_command.h"
#include "cli/shell_words.h"
#include "cli/small_universe.h"
#include "harness/printable.h"
#include "cli/run_command.h"
#include "cli/selection.h"
#include "engines/order_walks.h"
#include "impl/expectations.h"

namespace daxcheck {
namespace {

constexpr int kUsageError = 2;

int usage(const std::string& message) {
    fmt::print(stderr, "daxcheck: {}\n", message);
    return kUsageError;
}

struct SwarmRow {
    RunRow row;
    SwarmCellResult swarm;
    // The whole run that found every class of the cell, but for its --walks
    // ("" when a class came from another PMD order's walks): rerun_walks.
    std::string rerun;
    std::uint64_t rerun_walks = 0;
};

std::string cell_flags(const RunRow& r, const RunOptions& run) {
    std::string line = fmt::format("--variant {} --property {} --profile {}",
                                   shell_quoted(r.variant->name), r.property->name,
                                   to_string(r.profile));
    if (r.universe) line += " " + universe_flags(*r.universe);
    else if (run.universe_given) line += " " + universe_flags(run.cell.universe);
    if (!run.minimise) line += " --no-minimise";  // else the counterexample printed differs
    return line;
}

// Without a universe flag, a cell that passes its walks also walks the other
// PMD orders (engines/order_walks.h): a fixed number of walks each, a tenth
// and a hundredth of the default universe's (of 1000 when walking for a time).
void walk_other_orders(const SwarmOptions& opts, const Variant& v, const Property& p,
                       Profile profile, SwarmCellResult& swarm, RunRow& row) {
    if (opts.walk_seed) return;
    for (const OrderWalks& other : other_pmd_orders(opts.walks ? opts.walks : 1000)) {
        if (swarm.cell.verdict != CellResult::Verdict::Pass) return;
        SwarmOptions oo = opts;
        oo.universe = other.universe;
        oo.walks = other.walks;
        SwarmCellResult walked = run_swarm_cell(v, p, profile, oo);
        walked.walks += swarm.walks;
        walked.operations += swarm.operations;
        walked.seconds += swarm.seconds;
        walked.cell.time_ms += swarm.cell.time_ms;
        swarm = std::move(walked);
        if (swarm.cell.verdict != CellResult::Verdict::Pass) row.universe = other.universe;
    }
}

// One cell: walks (and the other PMD orders), the reproduce lines, the
// shrunk and confirmed counterexample. With opts.failures set, walks failing
// with a class it does not count are passes.
SwarmRow swarm_cell(const Variant& v, const Property& p, Profile profile, const SwarmOptions& opts,
                    const RunOptions& run, const std::optional<std::uint64_t>& walk_seed) {
    SwarmRow s;
    s.swarm = run_swarm_cell(v, p, profile, opts);
    s.row = RunRow{&v, &p, profile, s.swarm.cell, expectation_for(v, p.name, to_string(profile)), {}, {}};
    RunRow& r = s.row;
    if (interrupted() && s.swarm.cell.verdict != CellResult::Verdict::Fail) return s;
    if (!run.universe_given) {
        walk_other_orders(opts, v, p, profile, s.swarm, r);
        r.result = s.swarm.cell;
    }
    const std::string flags = cell_flags(r, run);
    const std::string prefix = daxcheck_prefix({&v});
    if (s.swarm.failing_walk) {
        r.reproduce = fmt::format("{} swarm {} --walk-seed {}", prefix, flags, s.swarm.failing_walk_seed);
        if (!walk_seed && !r.universe) {
            s.rerun = fmt::format("{} swarm {} --seed {}{}", prefix, flags, run.cell.seed,
                                  run.classes != kDefaultClasses ? fmt::format(" --classes {}", run.classes) : "");
            // Walks are taken in order (engines/swarm.h): every walk below the
            // failing one ran, so --walks failing+1 finds the same one.
            s.rerun_walks = opts.walks ? opts.walks : *s.swarm.failing_walk + 1;
        }
    } else {
        r.reproduce = walk_seed ? fmt::format("{} swarm {} --walk-seed {}", prefix, flags, *walk_seed)
                                : fmt::format("{} swarm {} --seed {} --walks {}", prefix, flags,
                                              run.cell.seed, s.swarm.walks);
    }
    r.shrinker = "delta debugging";
    if (s.swarm.failing_walk)
        r.found_by = fmt::format("found by walk {} (walk seed {}) after {} operations, configuration:\n    {}",
                                 *s.swarm.failing_walk + 1, s.swarm.failing_walk_seed,
                                 s.swarm.failing_length, s.swarm.failing_configuration);
    ClassFilter own;
    if (!opts.failures.counts_everything() && r.result.verdict == CellResult::Verdict::Fail)
        own.target = failure_class_of(v, p, r.universe ? *r.universe : run.cell.universe,
                                      r.result.counterexample);
    confirm_failure(run, r, own);
    if (r.result.verdict == CellResult::Verdict::Fail)
        r.failure_class = failure_class_of(v, p, r.universe ? *r.universe : run.cell.universe,
                                           r.result.counterexample);
    return s;
}

// Walks again with the classes found so far counted as passes, up to
// run.classes classes (the walk seeds are the same; a walk failing with a
// known class is passed over).
void find_more_classes(const SwarmOptions& opts, const RunOptions& run, SwarmRow& s) {
    if (!s.row.failure_class || opts.walk_seed) return;
    SwarmOptions more = opts;
    more.failures.known.push_back(*s.row.failure_class);
    while (more.failures.known.size() < run.classes && !interrupted()) {
        SwarmRow next = swarm_cell(*s.row.variant, *s.row.property, s.row.profile, more, run, std::nullopt);
        // Every search's walks count, the last one that found nothing new too
        // (the cell's time covers it).
        s.swarm.walks += next.swarm.walks;
        s.swarm.operations += next.swarm.operations;
        s.swarm.seconds += next.swarm.seconds;
        if (next.row.result.verdict != CellResult::Verdict::Fail || !next.row.failure_class ||
            !more.failures.counts(*next.row.failure_class))
            break;
        more.failures.known.push_back(*next.row.failure_class);
        // The whole run must walk as far as the last class's walk (a timed
        // run; a run of --walks N reproduces with N).
        if (next.rerun.empty()) s.rerun.clear();
        else if (!opts.walks) s.rerun_walks = std::max(s.rerun_walks, next.rerun_walks);
        s.row.more_classes.push_back(std::move(next.row));
    }
    // A later class's walk seed alone does not find it: replayed without the
    // classes before it counted as passes, it fails (or shrinks) to an
    // earlier one. The cell's whole run finds every class.
    for (RunRow& m : s.row.more_classes)
        m.reproduce = s.rerun.empty()
                          ? m.reproduce + "   (finds an earlier class first: this walk failed with this "
                                          "class only past them)"
                          : fmt::format("{} --walks {}", s.rerun, s.rerun_walks);
}

}  // namespace

void SwarmCommand::add_to(CLI::App& app) {
    auto* cmd = command_ = app.add_subcommand(
        "swarm", "random walks with swarm configurations (no RapidCheck per operation)");
    cmd->add_option("--variant", variants_, "variant to walk (repeatable)")->required();
    cmd->add_option("--property", properties_, "property to check (repeatable; default all)");
    cmd->add_option("--profile", profiles_, "exclusive or reflink (default both)");
    auto* seconds = cmd->add_option("--seconds", seconds_, "walking time per cell (default 1)")
                        ->check(flag_checks::finite(0.001, 86400.0));
    auto* walks = cmd->add_option("--walks", walks_, "exactly this many walks per cell (reproducible)")
                      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
                      ->excludes(seconds);
    auto* walk_seed =
        cmd->add_option("--walk-seed", walk_seed_, "run only the walk with this seed (as printed)")
            ->check(flag_checks::seed())
            ->excludes(seconds)
            ->excludes(walks);
    cmd->add_option("--threads", threads_, "walker threads (default 2)")->check(CLI::Range(1, 256));
    cmd->add_option("--seed", seed_, "seed of the walks (default: random, printed)")
        ->check(flag_checks::seed())
        ->excludes(walk_seed);
    cmd->add_option("--json", json_path_, "also write the results as JSON to FILE (as run --json)")
        ->check(flag_checks::name());
    universe_.add_to(*cmd);
    cmd->add_option("--level", level_, "function or fs (filesystem operations, SPEC 8)")
        ->check(CLI::IsMember({"function", "fs"}));
    auto* saving = cmd->add_flag("--save-failures", save_, "save each new shrunk counterexample as a corpus file");
    cmd->add_option("--corpus-dir", corpus_dir_, "where --save-failures writes (default: corpus/)")
        ->check(flag_checks::name())
        ->needs(saving);
    classes_.add_to(*cmd, "distinct failure classes to find per cell (default 5)");
    cmd->add_flag("--no-minimise", no_minimise_,
                  "keep the delta-debugged counterexample: no breadth-first search for a "
                  "shorter one");
}

std::string SwarmCommand::whole_run_flags(const RunOptions& run) const {
    std::string out = cell_flags(run.variants, run.properties, run.profiles, true);
    if (walk_seed_) out += fmt::format(" --walk-seed {}", *walk_seed_);
    else out += fmt::format(" --seed {}", run.cell.seed);
    if (walks_) out += fmt::format(" --walks {}", *walks_);
    else if (!walk_seed_) out += fmt::format(" --seconds {:g}", seconds_);
    if (!walk_seed_) out += fmt::format(" --threads {}", threads_);
    if (run.universe_given) out += " " + universe_flags(run.cell.universe);
    if (!run.minimise) out += " --no-minimise";
    if (run.classes != kDefaultClasses) out += fmt::format(" --classes {}", run.classes);
    out += base_flag(run);
    return out.substr(1);
}

int SwarmCommand::run() const {
    RunOptions run;
    Selection sel;
    if (auto e = select_cells(variants_, properties_, profiles_, sel, false); !e.empty()) return usage(e);
    run.variants = sel.variants;
    run.properties = sel.properties;
    run.profiles = sel.profiles;
    run.cell.universe = universe_.universe();
    run.universe_given = universe_.given();
    if (auto problem = model::universe_problem(run.cell.universe); !problem.empty())
        return usage("bad universe: " + problem);
    run.cell.seed = seed_ ? *seed_ : std::random_device{}() % 1000000000;
    run.cell.tests = static_cast<int>(walks_.value_or(0));
    if (!json_path_.empty()) run.json_path = json_path_;
    // Before either level runs (the filesystem level's --json went
    // unchecked until its end).
    if (run.json_path)
        if (auto e = output_path_problem("--json", *run.json_path); !e.empty()) return usage(e);
    if (level_ == "fs") {
        if (auto e = fs_level_refuses(*command_, {"--save-failures", "--corpus-dir", "--walk-seed",
                                                  "--no-minimise"});
            !e.empty())
            return usage(e);
        FsRunOptions fo = fs_options(run.variants, run.properties, run.profiles, run.cell.universe);
        fo.seed = run.cell.seed;
        fo.walks = walks_.value_or(0);
        fo.seconds = walks_ ? 0 : seconds_;
        fo.threads = threads_;
        fo.command = "swarm";
        fo.classes = classes_.classes;
        fo.json_path = run.json_path;
        if (auto e = set_base(run, classes_.base); !e.empty()) return usage(e);
        set_fs_bases(fo, run);
        if (run.json_path) claim_stdout_for_json(*run.json_path);
        return fs_run_command(fo);
    }
    run.minimise = !no_minimise_;
    run.classes = classes_.classes;
    if (auto e = set_base(run, classes_.base); !e.empty()) return usage(e);
    const std::string save_dir = corpus_dir_.empty() ? default_corpus_dir() : corpus_dir_;
    if (save_) {
        if (auto e = port_corpus_problem(run.variants, !corpus_dir_.empty(), default_corpus_dir()); !e.empty()) return usage(e);
        if (auto e = output_dir_problem("--corpus-dir", save_dir); !e.empty()) return usage(e);
    }
    if (run.json_path) claim_stdout_for_json(*run.json_path);

    SwarmOptions opts;
    opts.universe = run.cell.universe;
    opts.seed = run.cell.seed;
    opts.threads = threads_;
    opts.seconds = seconds_;
    opts.walks = walks_.value_or(0);
    opts.walk_seed = walk_seed_;
    opts.cluster = cluster;

    if (walk_seed_)
        fmt::print("daxcheck swarm: walk seed {}, universe {}\n\n", *walk_seed_,
                   universe_flags(run.cell.universe));
    else
        fmt::print("daxcheck swarm: seed {}, {} thread{}, {} per cell{}, universe {}\n\n",
                   run.cell.seed, threads_, threads_ == 1 ? "" : "s",
                   walks_ ? fmt::format("{} walks", *walks_) : fmt::format("{:g} s", seconds_),
                   other_orders_text(run.universe_given, walks_.value_or(0)), universe_flags(run.cell.universe));
    std::fflush(stdout);  // the seed survives a kill when stdout is a file or pipe
    install_interrupt_handlers();
    fmt::print("{:<20} {:<18} {:<10} {:<8} {:<9} {:>9} {:>12} {:>11} {:>9}\n", "variant",
               "property", "profile", "verdict", "expected", "walks", "operations", "ops/s", "time");

    std::vector<SwarmRow> rows;
    std::uint64_t total_walks = 0, total_ops = 0;
    double total_seconds = 0;
    for (const Variant* v : run.variants)
        for (const Property* p : run.properties)
            for (Profile profile : run.profiles) {
                if (interrupted()) break;
                const auto start = std::chrono::steady_clock::now();
                SwarmRow s = swarm_cell(*v, *p, profile, opts, run, walk_seed_);
                // A cell a signal cut short claims nothing, unless it failed.
                if (interrupted() && s.swarm.cell.verdict != CellResult::Verdict::Fail) break;
                RunRow& r = s.row;
                find_more_classes(opts, run, s);
                // The whole cell's time: its walks, shrinking and class searches.
                r.result.time_ms =
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
                const char* verdict = r.result.verdict == CellResult::Verdict::Pass   ? "pass"
                                      : r.result.verdict == CellResult::Verdict::Fail ? "fail"
                                                                                      : "error";
                fmt::print("{:<20} {:<18} {:<10} {:<8} {:<9} {:>9} {:>12} {:>9.2f} M {:>6.0f} ms{}\n",
                           v->name, p->name, to_string(profile), verdict,
                           r.expected.pass ? "pass" : "fail", s.swarm.walks, s.swarm.operations,
                           s.swarm.ops_per_second() / 1e6, r.result.time_ms,
                           r.as_expected() ? "" : "   UNEXPECTED");
                std::fflush(stdout);
                total_walks += s.swarm.walks;
                total_ops += s.swarm.operations;
                total_seconds += s.swarm.seconds;
                rows.push_back(std::move(s));
            }

    std::vector<RunRow> plain;
    for (const auto& s : rows) {
        plain.push_back(s.row);
        // The diff's reproduce line: the whole run, whose walks found every
        // class the diff compares (a cell's own line replays one walk).
        if (!s.rerun.empty()) plain.back().reproduce = fmt::format("{} --walks {}", s.rerun, s.rerun_walks);
    }
    // The base's cells walk as the patch's did (same seed and budget).
    const auto diffs = run.diffing() ? diff_with_base(run, plain, [&](const Variant& b, const Property& p, Profile profile) {
        SwarmRow base = swarm_cell(b, p, profile, opts, run, walk_seed_);
        find_more_classes(opts, run, base);
        return base.row;
    }) : std::vector<BaseDiffRow>{};
    fmt::print("\n");
    print_base_diff(diffs);
    for (const auto& s : rows) {
        print_cell_details(s.row, "walk");
        if (s.swarm.failing_walk && !s.rerun.empty())
            fmt::print("  the whole run: {} --walks {}\n", s.rerun, s.rerun_walks);
    }
    std::size_t good = 0;
    for (const auto& s : rows) good += s.row.as_expected();
    fmt::print("\n{} walks, {} operations checked, {:.2f} M operations per second\n", total_walks,
               total_ops, total_seconds > 0 ? total_ops / total_seconds / 1e6 : 0.0);
    fmt::print("{}: {} as expected, {} unexpected\n", counted(rows.size(), "cell"), good, rows.size() - good);
    fmt::print("{}", small_universe_note(passed_expected_fails(plain), run.cell.universe,
                                         model::Universe::with_pmd_order(run.cell.universe.pmd_order)));

    if (interrupted()) {
        // With its outputs, as run's line: a signal lets it write only --json.
        std::string line = "swarm " + whole_run_flags(run);
        if (save_) line += " --save-failures";
        if (!corpus_dir_.empty()) line += " --corpus-dir " + shell_path(corpus_dir_);
        if (run.json_path) line += " --json " + output_word(*run.json_path);
        print_interrupted(run, rows.size(), line);
        print_not_written(save_, false);
    }

    // Under MPI every process holds the same rows: the first one writes.
    const bool writes = !cluster || cluster->rank() == 0;
    if (run.json_path && writes) {
        // run's document with the swarm's own counts: the figures printed above.
        nlohmann::json doc = run_json(run, plain, diffs);
        doc["tests"] = nullptr;
        doc["walks"] = walks_ ? nlohmann::json(*walks_) : nlohmann::json(nullptr);
        doc["seconds"] = walks_ || walk_seed_ ? nlohmann::json(nullptr) : nlohmann::json(seconds_);
        // One walk (--walk-seed) uses no run seed and one thread: the
        // document is the same on every run of the same command.
        doc["threads"] = walk_seed_ ? 1u : threads_;
        doc["walk_seed"] = walk_seed_ ? nlohmann::json(*walk_seed_) : nlohmann::json(nullptr);
        if (walk_seed_) doc["seed"] = nullptr;
        for (std::size_t i = 0; i < rows.size(); i++) {
            const SwarmCellResult& w = rows[i].swarm;
            nlohmann::json& cell = doc["results"][i];
            cell["tests"] = nullptr;
            if (walk_seed_) cell["seed"] = nullptr;
            cell["walks"] = w.walks;
            cell["operations"] = w.operations;
            cell["operations_per_second"] = w.ops_per_second();
            cell["failing_walk"] =
                w.failing_walk ? nlohmann::json(*w.failing_walk + 1) : nlohmann::json(nullptr);
        }
        doc["summary"]["walks"] = total_walks;
        doc["summary"]["operations"] = total_ops;
        doc["summary"]["operations_per_second"] = total_seconds > 0 ? total_ops / total_seconds : 0.0;
        std::string error;
        if (!write_json_file(doc, *run.json_path, error)) return usage(error);
        fmt::print("wrote {}\n", output_name(*run.json_path));
    }
    if (interrupted()) return interrupt_exit_code();
    if (save_ && writes && !save_failures(run, plain, save_dir, "swarm"))
        return usage("cannot save the counterexamples");
    if (run.diffing()) return base_diff_regressed(diffs) ? 1 : 0;
    return good == rows.size() ? 0 : 1;
}

}  // namespace daxcheck
