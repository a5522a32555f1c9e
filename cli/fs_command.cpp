#include "cli/fs_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <nlohmann/json.hpp>

#include "cli/number_text.h"
#include "cli/fs_base.h"
#include "cli/fs_cells.h"
#include "cli/fs_report.h"
#include "cli/fs_save.h"
#include "cli/replay_command.h"
#include "cli/report_command.h"
#include "cli/run_command.h"
#include "cli/shell_words.h"
#include "cli/small_universe.h"
#include "cli/explore_command.h"
#include "cli/flag_checks.h"
#include "cli/interrupt_handler.h"
#include "cli/json_file.h"
#include "cli/output_file.h"
#include "engines/corpus_file.h"
#include "engines/minimise.h"
#include "fslevel/fs_replay.h"
#include "fslevel/fs_text.h"
#include "fslevel/fs_walk.h"
#include "fslevel/reachability.h"
#include "fslevel/xfs_io.h"
#include "harness/op_text.h"
#include "harness/printable.h"
#include "impl/expectations.h"
#include "impl/fault/fault_path.h"

namespace daxcheck {

FsRunOptions fs_options(const std::vector<const Variant*>& variants,
                        const std::vector<const Property*>& properties,
                        const std::vector<Profile>& profiles, const model::Universe& universe) {
    FsRunOptions o;
    o.variants = variants;
    o.properties = properties;
    o.profiles = profiles;
    o.universe = universe;
    return o;
}

void set_fs_bases(FsRunOptions& fo, const RunOptions& run) {
    if (!run.diffing()) return;
    for (const Variant* v : fo.variants) fo.bases.push_back(base_for(run, *v));
    fo.base_flag = base_flag(run);
}

namespace {

// The flags of the whole run after the command name, for an interrupted one.
std::string fs_whole_run(const FsRunOptions& o) {
    std::string out = fs_cells_command(o);
    out += fmt::format(" --seed {} ", o.seed);
    out += o.seconds > 0 ? fmt::format("--seconds {} --threads {}", o.seconds, o.threads)
                         : fmt::format("--walks {}", o.walks);
    return out + classes_flag(o) + " " + universe_flags(o.universe);
}

}  // namespace

int fs_run_command(const FsRunOptions& o) {
    if (auto problem = fs_usage_problem(o); !problem.empty()) {
        fmt::print(stderr, "daxcheck: {}\n", problem);
        return 2;
    }
    if (o.walks == 0 && o.seconds <= 0) {
        fmt::print(stderr, "daxcheck: --level fs: --walks 0 checks nothing; give --walks N or --seconds S\n");
        return 2;
    }
    if (!o.bases.empty() && o.reports_dir) {
        fmt::print(stderr, "daxcheck: --base at the filesystem level goes without --report (its report "
                           "shows no base diff): run --level fs --base prints it and writes it with --json\n");
        return 2;
    }
    // What kernels did with each sequence, read before the run: a bad
    // --kernel-json is a usage error, not a report that lacks it.
    KernelEvidence kernels;
    if (o.reports_dir) {
        kernels.add_corpus_dir(default_corpus_dir());
        if (o.save_dir && *o.save_dir != default_corpus_dir()) kernels.add_corpus_dir(*o.save_dir);
        for (const auto& path : o.kernel_jsons) {
            std::string error;
            if (!kernels.add_kernel_json(path, error)) {
                fmt::print(stderr, "daxcheck: {}\n", error);
                return 2;
            }
        }
    }
    const std::string header = fmt::format(
        "daxcheck {} --level fs: seed {}, {} per cell, universe {}", o.command, o.seed,
        o.seconds > 0 ? fmt::format("{} s of walks", o.seconds) : fmt::format("{} walks", o.walks),
        universe_flags(o.universe));
    fmt::print("{}\n\n", header);
    {
        std::set<std::pair<const Variant*, const Variant*>> pairs;
        for (std::size_t i = 0; i < o.bases.size(); i++)
            if (pairs.emplace(o.variants[i], o.bases[i]).second) print_check_diff(*o.variants[i], *o.bases[i]);
        if (!o.bases.empty()) fmt::print("\n");
    }
    std::fflush(stdout);  // the seed survives a kill when stdout is a file or pipe
    install_interrupt_handlers();
    std::vector<FsBaseDiffRow> base_rows;
    // Each base cell runs once per walk count (several patches may share a base).
    std::map<std::tuple<const Variant*, const Property*, Profile, std::uint64_t>, fslevel::CellClasses> base_runs;
    std::vector<FsReportCell> report_cells;
    fmt::print("{:<20} {:<18} {:<10} {:<8} {:<9} {:>7} {:>9} {:>9} {:>9}\n", "variant", "property",
               "profile", "verdict", "expected", "walks", "fs ops", "calls", "time");
    nlohmann::json results = nlohmann::json::array();
    int unexpected = 0, cells = 0, passed_fails = 0;
    std::string details;
    std::uint64_t total_ops = 0, total_calls = 0;
    std::vector<FsFailure> failures;
    for (std::size_t vi = 0; vi < o.variants.size(); vi++)
        for (const Property* p : o.properties) {
            const Variant* v = o.variants[vi];
            if (p->with_misuse) continue;  // misuse operations are function-level calls
            for (Profile profile : o.profiles) {
                if (interrupted()) break;
                const fslevel::CellClasses cc =
                    fslevel::run_walks_classes(*v, *p, profile == Profile::Reflink, o.universe, o.seed,
                                               o.seconds > 0 ? 0 : o.walks, o.seconds, o.threads, o.classes);
                const fslevel::WalksResult& r = cc.first;
                const bool failed = r.failing_walk.has_value();
                // A cell a signal cut short claims nothing, unless it failed.
                if (interrupted() && !failed) break;
                const Expectation e = fs_expectation_for(*v, p->name, to_string(profile));
                const bool as_expected = failed != e.pass;
                cells++;
                unexpected += !as_expected;
                passed_fails += !failed && !e.pass;
                total_ops += cc.operations;
                total_calls += cc.calls;
                fmt::print("{:<20} {:<18} {:<10} {:<8} {:<9} {:>7} {:>9} {:>9} {:>6.0f} ms\n", v->name,
                           p->name, to_string(profile), failed ? "fail" : "pass",
                           e.pass ? "pass" : "fail", cc.walks, cc.operations, cc.calls, cc.seconds * 1000);
                std::fflush(stdout);
                // A timed run reproduces by its walks up to the last class's failing one.
                const std::uint64_t walks = failed && o.seconds > 0 ? cc.walks_to_reproduce() : o.walks;
                // The one cell again: with `base`, compared with it (" --base ...").
                auto cell_line = [&](const std::string& prefix, const std::string& base, const std::string& budget) {
                    return fmt::format("{} {} --level fs --variant {}{} --property {} --profile {} --seed {} {}{}{} {}",
                                       prefix, o.command, shell_quoted(v->name), base, p->name,
                                       to_string(profile), o.seed, budget,
                                       o.threads > 1 ? fmt::format(" --threads {}", o.threads) : "",
                                       classes_flag(o), universe_flags(o.universe));
                };
                const std::string reproduce =
                    cell_line(daxcheck_prefix({v}), "",
                              o.seconds > 0 && !failed ? fmt::format("--seconds {}", o.seconds)
                                                       : fmt::format("--walks {}", walks));
                if (!o.bases.empty()) {
                    // The base takes the walks the patch took, so that the
                    // reproduce line (--walks N) gives both sides again.
                    const std::uint64_t n = o.seconds > 0 ? (failed ? cc.walks_to_reproduce() : r.walks) : o.walks;
                    const Variant* b = o.bases[vi];
                    auto at = base_runs.find({b, p, profile, n});
                    if (at == base_runs.end())
                        at = base_runs.emplace(std::tuple{b, p, profile, n},
                                               fslevel::run_walks_classes(*b, *p, profile == Profile::Reflink,
                                                                          o.universe, o.seed, n, 0, o.threads,
                                                                          o.classes)).first;
                    const fslevel::CellClasses& rb = at->second;
                    // Each class a side's searches found, with its counterexample.
                    auto found = [&](const fslevel::CellClasses& side) {
                        std::vector<fslevel::FsFound> out;
                        if (side.first.failing_walk)
                            out.push_back({side.classes[0], side.first.counterexample, {}});
                        for (std::size_t i = 0; i < side.more.size(); i++)
                            out.push_back({side.classes[i + 1], side.more[i].counterexample,
                                           {side.classes.begin(), side.classes.begin() + static_cast<long>(i + 1)}});
                        return out;
                    };
                    if (!interrupted())  // else the base's walks were cut short: no diff
                        base_rows.push_back({v, b, p, profile,
                                         fslevel::diff_fs_cell(*v, *b, *p, profile == Profile::Reflink, o.universe,
                                                               found(cc), found(rb)),
                                         cell_line(daxcheck_prefix({v, b}), o.base_flag,
                                                   fmt::format("--walks {}", n)),
                                         std::max(cc.classes.size(), rb.classes.size()) >= o.classes
                                             ? o.classes
                                             : 0u});
                }
                nlohmann::json cell = {{"variant", v->name}, {"property", p->name},
                                       {"profile", to_string(profile)}, {"level", "fs"},
                                       {"verdict", failed ? "fail" : "pass"},
                                       {"expected", e.pass ? "pass" : "fail"},
                                       {"as_expected", as_expected}, {"walks", cc.walks},
                                       {"operations", cc.operations}, {"calls", cc.calls},
                                       {"reproduce", reproduce}, {"classes", nlohmann::json::array()},
                                       {"classes_cut_short", nullptr}};
                if (failed) {
                    const auto rep = fslevel::replay(*v, *p, o.universe, r.counterexample);
                    std::vector<std::string> lines;
                    for (const auto& op : r.counterexample) lines.push_back(fslevel::to_text(op));
                    cell["counterexample"] = lines;
                    cell["failure"] = r.message;
                    details += fmt::format("\n== {} / {} / {} (filesystem level): fail ({})\n", v->name,
                                           p->name, to_string(profile),
                                           as_expected ? "expected" : "UNEXPECTED");
                    details += fmt::format("  {}\n  failure class: {}\n", r.message, cc.classes[0]);
                    // Where a search's failing walk was, for each class.
                    auto walk_line = [](const fslevel::WalksResult& w) {
                        return fmt::format("  failed at walk {} (walk seed {}: {}); shrunk to {} operations:\n",
                                           *w.failing_walk + 1, w.failing_walk_seed, w.failing_configuration,
                                           w.counterexample.size());
                    };
                    details += walk_line(r);
                    details += fslevel::format_trace(rep.trace);
                    if (!e.pass) details += fmt::format("  why the cell is expected to fail: {}\n", e.why);
                    details += fmt::format("  reproduce: {}\n", reproduce);
                    failures.push_back({v, p, profile, r.counterexample, rep.trace.failure(), reproduce, e});
                    nlohmann::json classes = nlohmann::json::array();
                    std::vector<FsReportCell::LaterClass> more_for_report;
                    auto class_json = [&](const fslevel::WalksResult& w, const std::string& cls) {
                        std::vector<std::string> ops;
                        for (const auto& op : w.counterexample) ops.push_back(fslevel::to_text(op));
                        classes.push_back({{"class", cls}, {"failure", w.message}, {"counterexample", ops},
                                           {"walk", *w.failing_walk + 1}});
                    };
                    class_json(r, cc.classes[0]);
                    // Each later class: found by the cell's whole run (its walk alone
                    // fails with an earlier class first, or passes them over only here).
                    for (std::size_t i = 0; i < cc.more.size(); i++) {
                        const fslevel::WalksResult& m = cc.more[i];
                        // Replayed as its search ran: past the classes before it.
                        const std::vector<std::string> before(cc.classes.begin(),
                                                              cc.classes.begin() + static_cast<long>(i + 1));
                        const auto trace = fslevel::replay(*v, *p, o.universe, m.counterexample, before).trace;
                        details += fmt::format(
                            "\n== {} / {} / {} (filesystem level): failure class {} of {} (the walks went on "
                            "past the classes before it)\n  {}\n  failure class: {}\n",
                            v->name, p->name, to_string(profile), i + 2, cc.classes.size(), m.message,
                            cc.classes[i + 1]);
                        details += walk_line(m);
                        details += fslevel::format_trace(trace);
                        details += fmt::format("  reproduce: {}\n", reproduce);
                        failures.push_back({v, p, profile, m.counterexample, trace.failure(), reproduce, e, before});
                        more_for_report.push_back({trace.failure(), fslevel::format_trace(trace)});
                        class_json(m, cc.classes[i + 1]);
                    }
                    if (!cc.cut_short.empty())
                        details += fmt::format("  (the class search was cut short by the {} after {} classes of "
                                               "--classes {}: more may exist, and the reproduce line, which "
                                               "runs each search to its walks' end, may find more)\n",
                                               cc.cut_short, cc.classes.size(), o.classes);
                    cell["classes"] = classes;
                    cell["classes_cut_short"] =
                        cc.cut_short.empty() ? nlohmann::json(nullptr) : nlohmann::json(cc.cut_short);
                    if (o.reports_dir)
                        report_cells.push_back({v, p, profile, true, e, cc.walks, cc.operations, cc.calls,
                                                r.counterexample, rep.trace.failure(),
                                                fslevel::format_trace(rep.trace), std::move(more_for_report),
                                                reproduce});
                } else if (!as_expected) {
                    details += fmt::format("\n== {} / {} / {} (filesystem level): pass (UNEXPECTED)\n  "
                                           "expected to fail: {}\n  reproduce: {}\n",
                                           v->name, p->name, to_string(profile), e.why, reproduce);
                }
                if (o.reports_dir && !failed)
                    report_cells.push_back({v, p, profile, false, e, cc.walks, cc.operations, cc.calls, {}, "", "",
                                            {}, reproduce});
                results.push_back(cell);
            }
        }
    fmt::print("{}", details);
    print_fs_base_diff(base_rows);
    if (!o.bases.empty() && base_rows.size() < static_cast<std::size_t>(cells))
        fmt::print("\n{} of {} cells have no comparison with the base: the signal cut its walks short\n",
                   static_cast<std::size_t>(cells) - base_rows.size(), cells);
    fmt::print("\n{} filesystem operations deriving {} checked calls\n", total_ops, total_calls);
    fmt::print("{}: {} as expected, {} unexpected\n", counted(static_cast<std::uint64_t>(cells), "cell"),
               cells - unexpected, unexpected);
    fmt::print("{}", small_universe_note(passed_fails, o.universe,
                                         model::Universe::with_pmd_order(o.universe.pmd_order)));
    // (A timed run has no walk count to compare.)
    if (o.seconds <= 0)
        fmt::print("{}", short_search_note(static_cast<std::size_t>(passed_fails),
                                           {{"--walks", o.walks, kDefaultFsWalks}}));
    if (interrupted()) {
        // The whole run again with its outputs, none of which a signal lets
        // it write but --json.
        std::string line = fs_whole_run(o);
        if (o.reports_dir) line += " --report --reports-dir " + shell_path(*o.reports_dir);
        for (const auto& k : o.kernel_jsons) line += " --kernel-json " + shell_path(k);
        if (o.save_dir) line += " --save-failures --corpus-dir " + shell_path(*o.save_dir);
        if (o.json_path) line += " --json " + output_word(*o.json_path);
        print_interrupted(fs_run_as_run(o), static_cast<std::size_t>(cells), line);
        print_not_written(o.save_dir.has_value(), o.reports_dir.has_value());
    }
    // A timed run's walks are in its cells: no --walks applied to it.
    nlohmann::json doc = {{"level", "fs"}, {"seed", o.seed},
                                {"walks", o.seconds > 0 ? nlohmann::json(nullptr) : nlohmann::json(o.walks)},
                                {"seconds", o.seconds > 0 ? nlohmann::json(o.seconds) : nlohmann::json(nullptr)},
                                {"threads", o.threads},
                                {"classes_per_cell", o.classes},
                                {"interrupted", interrupted()},  // SIGINT/SIGTERM: the cells run before it
                                {"summary", {{"cells", cells}, {"as_expected", cells - unexpected},
                                             {"unexpected", unexpected}}},
                                {"results", results}};
    if (!o.bases.empty()) doc["base_diff"] = fs_base_diff_json(base_rows);
    if (o.json_path) {
        if (!write_json_and_say(doc, *o.json_path)) return 2;
    }
    if (interrupted()) return interrupt_exit_code();
    if (o.save_dir && !failures.empty()) {
        fmt::print("\n");
        if (!save_fs_failures(failures, o.universe, *o.save_dir, o.command)) return 2;
    }
    if (o.reports_dir) {
        // The whole run's flags (--seconds and --threads of a timed one).
        std::string regenerate = daxcheck_prefix(o.variants) + " " + fs_whole_run(o) + " --report";
        for (const auto& k : o.kernel_jsons) regenerate += " --kernel-json " + shell_quoted(k);
        const ReportWritten w = write_report_dir(*o.reports_dir, [&](const std::string& dir, const std::string& at) {
            std::string error = write_output_file(
                dir + "/index.html", fs_report_html(report_cells, o.universe, kernels, header, regenerate, at,
                                                    dir + "/results.json"));
            if (error.empty()) write_json_file(doc, dir + "/results.json", error);
            return error;
        });
        if (!w.error.empty()) {
            fmt::print(stderr, "daxcheck: report: {}\n", w.error);
            return 2;
        }
        fmt::print("report: {}/index.html\n", w.dir);
    }
    // Against a base only what the patch changed for the worse fails the run.
    if (!o.bases.empty()) return fs_base_diff_regressed(base_rows) ? 1 : 0;
    return unexpected ? 1 : 0;
}

}  // namespace daxcheck

namespace daxcheck {

namespace {

// Why `out` cannot be an output of `emit` for `input` ("" when it can).
std::string output_problem(const std::string& flag, const std::string& out, const std::string& input,
                           const std::string& other) {
    namespace stdfs = std::filesystem;
    if (out.empty() || out == "-") return "";
    std::error_code ec;
    if (stdfs::exists(out, ec) && stdfs::exists(input, ec) && stdfs::equivalent(out, input, ec))
        return fmt::format("{} {}: that is the input file", flag, out);
    // One file under two names (a symlink, /dev/fd/1), or both on stdout
    // (no --script is stdout): the second write would replace or mix with the first.
    const auto on_stdout = [](const std::string& p) { return p.empty() || p == "-" || same_file(p, "/dev/stdout"); };
    const bool same = !other.empty() && other != "-" &&
                      (stdfs::absolute(out, ec).lexically_normal() == stdfs::absolute(other, ec).lexically_normal() ||
                       same_file(out, other));
    if (same || (on_stdout(out) && on_stdout(other)))
        return fmt::format("{} {}: the same file as the other output", flag, printable(out));
    if (stdfs::is_directory(out, ec)) return fmt::format("{} {}: is a directory", flag, out);
    const stdfs::path dir = stdfs::absolute(out, ec).parent_path();
    if (!stdfs::is_directory(dir, ec)) return fmt::format("{} {}: no directory {}", flag, out, dir.string());
    return "";
}

}  // namespace

namespace {
RaceEmitter g_race_emitter = nullptr;
}  // namespace
void set_race_emitter(RaceEmitter emitter) { g_race_emitter = emitter; }

int emit_command(const std::string& path, const std::string& variant_name,
                 const std::string& script_out, const std::string& predictions_out, bool calls) {
    if (calls && (!script_out.empty() || !predictions_out.empty())) {
        fmt::print(stderr, "daxcheck: emit --calls prints to standard output: no --script or --predictions\n");
        return 2;
    }
    for (const auto& problem : {output_problem("--script", script_out, path, predictions_out),
                                output_problem("--predictions", predictions_out, path, script_out)})
        if (!problem.empty()) {
            fmt::print(stderr, "daxcheck: emit: {}\n", problem);
            return 2;
        }
    {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            fmt::print(stderr, "daxcheck: emit: {} is a directory: emit takes one corpus file\n", path);
            return 2;
        }
    }
    const CorpusParse parsed = load_corpus(path);
    if (!parsed.file) {
        for (const auto& e : parsed.errors) fmt::print(stderr, "{}\n", e.text());
        return 2;
    }
    const CorpusFile& f = *parsed.file;
    if (f.race && f.fs_level && !calls) {
        if (!g_race_emitter) {
            fmt::print(stderr, "{}: a race: file needs the daxcheck binary (the concurrency build)\n", path);
            return 2;
        }
        return g_race_emitter(path, variant_name, script_out, predictions_out);
    }
    if (!f.fs_level) {
        fmt::print(stderr, "{}: not a filesystem-level file (no `level: fs`): only filesystem "
                           "operations have an xfs_io form\n", path);
        return 3;  // ./daxcheck kernel: skipped, not failed (kernel/reproducers.py)
    }
    if (f.universe.pmd_order > fslevel::kMaxScriptPmdOrder && !calls) {
        fmt::print(stderr, "{}: pmd-order {}: the script's model page (2 MiB >> pmd-order) would be smaller "
                           "than a 4 KiB kernel page: emit needs pmd-order {} or less (--calls still works)\n",
                   printable(path), f.universe.pmd_order, fslevel::kMaxScriptPmdOrder);
        return 2;
    }
    const std::string name = variant_name.empty() ? f.expect.front().variant : variant_name;
    const Variant* v = find_variant(name);
    if (!v) {
        std::string known;
        for (const auto& x : variants()) known += (known.empty() ? "" : ", ") + x.name;
        fmt::print(stderr, "daxcheck: emit: unknown variant '{}' (known: {})\n", printable(name), known);
        return 2;
    }
    std::string why;
    if (!fault_path_of(*v, &why)) {
        fmt::print(stderr, "daxcheck: {}\n", why);
        return 2;
    }
    const auto ops = f.fs_operations();
    {
        // A sequence legal in the file may not be for this version's XFS
        // (6.15 waits for pins on a remap's source too).
        fslevel::FsState st = fslevel::initial_state(f.universe, fault_path_of(*v)->remap_drops_source_entries);
        std::vector<fslevel::Action> work;
        for (const auto& o : f.fs_ops) {
            if (auto why = fslevel::illegal_reason(st, o.op)) {
                fmt::print(stderr, "{}:{}: not a legal filesystem operation for {}: {}\n", path, o.line,
                           v->name, *why);
                return 2;
            }
            fslevel::apply(st, o.op, work);
        }
    }
    if (calls) {
        fslevel::FsExecution ex(*v, f.universe);
        const fslevel::CallCheck none = [](const StepView&) { return std::optional<std::string>{}; };
        fmt::print("# The calls {}'s fault path derives:\n", v->name);
        for (const auto& op : ops) {
            fmt::print("{}\n", fslevel::to_text(op));
            for (const auto& c : ex.step(op, none, true).calls) {
                std::string w;
                for (const auto& x : c.outcome.warnings) w += fmt::format(" WARN_ON_ONCE({})", x.condition);
                fmt::print("#   {}{}{}\n", daxcheck::to_text(c.op), c.outcome.legal ? "" : " (illegal)", w);
            }
        }
        return 0;
    }
    const fslevel::Script script = fslevel::xfs_io_script(ops, f.universe, f.shows, path);
    // The port's prediction: every warning each step's calls raise.
    fslevel::FsExecution ex(*v, f.universe);
    const fslevel::CallCheck none = [](const StepView&) { return std::optional<std::string>{}; };
    nlohmann::json steps = nlohmann::json::array();
    for (std::size_t i = 0; i < ops.size(); i++) {
        const auto r = ex.step(ops[i], none, true);
        nlohmann::json warnings = nlohmann::json::array();
        for (const auto& c : r.calls)
            for (const auto& w : c.outcome.warnings)
                warnings.push_back({{"function", w.function}, {"condition", w.condition}});
        // A step the script cannot perform predicts nothing on a kernel.
        const std::string text = fslevel::to_text(ops[i]);
        const bool skipped = std::find(script.skipped.begin(), script.skipped.end(), text) != script.skipped.end();
        if (skipped) warnings = nlohmann::json::array();
        steps.push_back({{"step", i + 1}, {"op", text}, {"warnings", warnings}, {"skipped", skipped}});
    }
    // Unmounting evicts every inode: each remaining entry is released with
    // trunc=true. A WARN_ON_ONCE that fired in a step stays silent then. The
    // kernel evicts the inodes in an order the script does not choose (the
    // superblock's inode list, and reclaim before it), so the prediction is
    // made for every order: what every order raises goes in at_unmount, what
    // only some do in at_unmount_may (either outcome agrees).
    nlohmann::json at_unmount = nlohmann::json::array(), at_unmount_may = nlohmann::json::array();
    {
        std::set<std::pair<std::string, std::string>> in_steps;
        for (const auto& step : steps)
            for (const auto& w : step["warnings"])
                in_steps.insert({w["function"].get<std::string>(), w["condition"].get<std::string>()});
        using Event = std::tuple<std::string, std::string, bool>;  // function, condition, BUG
        // The events of unmounting after the steps, evicting files in `order`;
        // nullopt when a pin holds a page (unmount would wait).
        const auto unmount = [&](const std::vector<model::FileId>& order) -> std::optional<std::vector<Event>> {
            fslevel::FsExecution run(*v, f.universe);
            for (const auto& op : ops) run.step(op, none, true);
            auto seen = in_steps;
            std::vector<Event> events;
            for (model::FileId file : order) {
                const fslevel::Op drop = fslevel::TruncateFile{file, 0};
                if (fslevel::illegal_reason(run.fs(), drop)) return std::nullopt;
                for (const auto& c : run.step(drop, none, true).calls)
                    for (const auto& w : c.outcome.warnings)
                        if (seen.insert({std::string(w.function), std::string(w.condition)}).second)
                            events.emplace_back(w.function, w.condition, false);
                if (run.evict(file))  // clear_inode: pages still counted after the last entry
                    events.emplace_back("clear_inode", "inode->i_data.nrpages", true);
            }
            return events;
        };
        std::vector<model::FileId> order(f.universe.files);
        for (model::FileId i = 0; i < order.size(); i++) order[i] = i;
        std::optional<std::vector<Event>> every;  // in every order so far, in file order's sequence
        std::vector<Event> some;                  // in some order
        bool possible = true;
        // Corpus universes have a handful of files; past 5 only file order is tried.
        const bool all_orders = order.size() <= 5;
        do {
            const auto events = unmount(order);
            if (!events) {
                possible = false;
                break;
            }
            for (const Event& e : *events)
                if (std::find(some.begin(), some.end(), e) == some.end()) some.push_back(e);
            if (!every) {
                every = *events;
            } else {
                std::erase_if(*every, [&](const Event& e) {
                    return std::find(events->begin(), events->end(), e) == events->end();
                });
            }
        } while (all_orders && std::next_permutation(order.begin(), order.end()));
        const auto to_json = [](const Event& e) {
            nlohmann::json j = {{"function", std::get<0>(e)}, {"condition", std::get<1>(e)}};
            if (std::get<2>(e)) j["kind"] = "BUG";
            return j;
        };
        if (possible) {
            for (const Event& e : *every) at_unmount.push_back(to_json(e));
            for (const Event& e : some)
                if (std::find(every->begin(), every->end(), e) == every->end()) at_unmount_may.push_back(to_json(e));
        } else {
            at_unmount = nullptr;
            at_unmount_may = nullptr;
        }
    }
    nlohmann::json expect = nlohmann::json::array();
    for (const auto& k : f.kernel) {
        if (k.clean) expect.push_back({{"kernel", k.kernel}, {"clean", true}});
        else expect.push_back({{"kernel", k.kernel}, {k.bugs ? "bugs" : "warns", k.warns}});
    }
    nlohmann::json doc = {{"source", path}, {"variant", v->name}, {"complete", script.complete},
                          {"skipped", script.skipped}, {"steps", steps}, {"at_unmount", at_unmount},
                          {"at_unmount_may", at_unmount_may},
                          {"kernel_expect", expect}};
    std::string error;
    // The predictions first: a script whose predictions could not be
    // written would be run by ./daxcheck kernel without them (a failed
    // script leaves only predictions, which nothing runs).
    if (!predictions_out.empty() && !write_json_file(doc, predictions_out, error)) {
        fmt::print(stderr, "daxcheck: emit: {}\n", error);
        return 2;
    }
    if (script_out.empty() || script_out == "-") {
        fmt::print("{}", script.text);
    } else {
        // As every output file: a full disk leaves the old script, and the
        // message says why ("cannot write PATH: reason").
        if (const std::string e = write_output_file(script_out, script.text); !e.empty()) {
            fmt::print(stderr, "daxcheck: emit: {}\n", e);
            return 2;
        }
    }
    return 0;
}

int reach_command(const std::vector<std::string>& paths, unsigned depth, std::uint64_t max_states) {
    // `bad_input`: a file reach cannot read (exit 2, as emit and replay's
    // parser say); `problems`: a search or replay that did not hold (exit 1).
    int problems = 0, bad_input = 0;
    std::set<std::string> checked;  // files, by first_naming
    for (const auto& path : paths) {
        if (!first_naming(checked, path)) continue;
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            fmt::print(stderr, "daxcheck: reach: {} is a directory: name the files (corpus/v6.15-*.dax)\n", printable(path));
            bad_input++;
            continue;
        }
        const CorpusParse parsed = load_corpus(path);
        if (!parsed.file) {
            for (const auto& e : parsed.errors) fmt::print(stderr, "{}\n", e.text());
            bad_input++;
            continue;
        }
        const CorpusFile& f = *parsed.file;
        if (f.race) {  // two operations at once: `daxcheck race --replay` takes it
            fmt::print("{}: skipped, a race: file (reach takes function-level counterexamples)\n", printable(path));
            continue;
        }
        const Property* p = find_property(f.property);
        if (!p) {
            fmt::print(stderr, "{}: unknown property '{}'\n", printable(path), f.property);
            problems++;
            continue;
        }
        if (std::none_of(f.expect.begin(), f.expect.end(), [](const CorpusExpect& e) { return !e.pass; })) {
            fmt::print("{}: no variant is expected to fail: nothing to reach\n", printable(path));
            continue;
        }
        if (f.fs_level) {
            fmt::print("{}: already a filesystem-level file\n", printable(path));
            continue;
        }
        // The universe the counterexample spans (plus one of each), as the
        // minimisation searches it.
        const auto fops = f.operations();
        const model::Universe u = spanned_universe(f.universe, fops);
        for (const auto& e : f.expect) {
            if (e.pass) continue;
            if (!e.registered) {
                fmt::print("{} on {}: skipped, an out-of-tree port this binary lacks (--port)\n", printable(path),
                           e.variant);
                continue;
            }
            const Variant* v = find_variant(e.variant);
            std::string why;
            if (!v) {
                fmt::print("{} on {}: skipped, not in this binary\n", printable(path), e.variant);
                continue;
            }
            if (!fault_path_of(*v, &why)) {
                fmt::print("{} on {}: {}\n", printable(path), v->name, why);
                continue;
            }
            const auto r = replay(*v, *p, f.universe, fops);
            if (!r.trace.failed()) {
                fmt::print("{} on {}: the function-level sequence does not fail\n", printable(path), v->name);
                problems++;
                continue;
            }
            fslevel::ReachOptions o;
            o.max_depth = depth;
            o.max_states = max_states;
            o.reflink = f.profile != Profile::Exclusive;
            o.target_class = fslevel::failure_class(p->name, r.trace.failure());
            if (p->with_misuse) {
                // The misuse itself is the class: can the fault path make that call?
                model::ModelState s = model::initial_state(f.universe);
                for (const auto& op : fops) {
                    if (auto why = model::illegal_reason(s, op)) {
                        o.target_misuse = true;
                        o.target_class = fslevel::failure_class("misuse", *why);
                        break;
                    }
                    model::apply_legal(s, op);
                }
            }
            const auto start = std::chrono::steady_clock::now();
            // reach has no memory budget: a --max-states past what the
            // machine holds runs out of memory, an error here, not an abort.
            fslevel::ReachResult found;
            bool out_of_memory = false;
            try {
                found = fslevel::search(*v, *p, u, o);
            } catch (const std::bad_alloc&) {
                out_of_memory = true;
            }
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            fmt::print("{} on {} ({}): class \"{}\", universe {}\n", printable(path), v->name, p->name,
                       o.target_class, universe_flags(u));
            if (out_of_memory) {
                fmt::print("  error: out of memory after {:.1f} s: give a smaller --max-states or --depth\n", s);
                problems++;
            } else if (found.too_wide) {
                fmt::print("  not searched: the universe has more than {} filesystem operations per state\n",
                           fslevel::kMaxSearchOperations);
            } else if (found.sequence) {
                fmt::print("  reachable through the filesystem, {} operations ({} states, {:.1f} s):\n",
                           found.sequence->size(), found.states, s);
                for (const auto& op : *found.sequence) fmt::print("    {}\n", fslevel::to_text(op));
            } else if (found.depth_completed == 0 && !found.exhausted) {
                fmt::print("  error: nothing checked: the search stopped before depth 1 was complete{} "
                           "({} states, {:.1f} s)\n", found.budget_hit ? " (state budget reached)" : "",
                           found.states, s);
                problems++;
            } else {
                fmt::print("  not reachable through the filesystem up to depth {}{} ({} states, {:.1f} s)\n",
                           found.depth_completed,
                           found.exhausted ? " (every reachable state visited)"
                                           : found.budget_hit ? ", state budget reached" : "",
                           found.states, s);
            }
        }
    }
    return bad_input ? 2 : problems ? 1 : 0;
}

}  // namespace daxcheck
