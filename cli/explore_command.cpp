#include "cli/explore_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/interrupt_handler.h"
#include "cli/json_file.h"
#include "cli/output_file.h"
#include "engines/cluster.h"
#include "cli/number_text.h"
#include "cli/shell_words.h"
#include "cli/small_universe.h"

#include "cli/replay_command.h"
#include "cli/run_command.h"
#include "harness/op_text.h"

namespace daxcheck {
namespace {

struct ExploreRow {
    const Variant* variant;
    const Property* property;
    Profile profile;
    ExploreResult result;
    Expectation expected;
    std::string reproduce;
    // Each further class's shortest counterexample, avoiding the ones before.
    std::vector<ExploreResult> more;
    std::vector<FailureClass> classes;  // of result, then of each of more
    // The whole cell: the first search and every class search after it (s).
    double seconds = 0;
    // Why the class searches ended before --classes classes, when not because
    // the universe has no more ("" when they were not cut short): the time
    // budget, or the budget that stopped the last search.
    std::string classes_cut_short;
    // How the class searches ended otherwise: "" (--classes reached or none
    // run), else that the last one found no other class.
    std::string classes_end;

    // A budget that stopped the search before depth 1 left nothing checked:
    // never a pass.
    bool error() const {
        return result.stop == ExploreStop::Error || (!result.found() && result.depth_completed == 0);
    }
    bool as_expected() const { return !error() && result.found() != expected.pass; }
    std::string verdict() const { return error() ? "error" : result.found() ? "fail" : "pass"; }
};

std::string megabytes(std::uint64_t bytes) {
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1 << 20));
}

// The flags after a command's cells: the universe and every flag that can
// change a row.
std::string search_flags(const ExploreCommandOptions& opts) {
    std::string line = universe_flags(opts.explore.universe);
    if (opts.depth_given) line += fmt::format(" --depth {}", opts.explore.max_depth);
    if (!opts.explore.symmetry) line += " --no-symmetry";
    if (opts.explore.off_model != ExploreOptions::OffModel::WithinPins)
        line += " --off-model " + to_string(opts.explore.off_model);
    // Every flag that can change the row: a budget decides where a search
    // stops, threads how far it gets in that time, --classes what is printed.
    if (opts.explore.time_budget_s != kDefaultExploreTimeBudgetS)
        line += fmt::format(" --time-budget {:g}", opts.explore.time_budget_s);
    const double memory_mb = static_cast<double>(opts.explore.memory_budget_bytes) / (1 << 20);
    if (memory_mb != kDefaultExploreMemoryMb) line += fmt::format(" --memory-budget {:g}", memory_mb);
    if (opts.explore.threads != 1) line += fmt::format(" --threads {}", opts.explore.threads);
    if (opts.classes != kDefaultClasses) line += fmt::format(" --classes {}", opts.classes);
    return line;
}

std::string reproduce_line(const ExploreCommandOptions& opts, const Variant& v, const Property& p,
                           Profile profile) {
    return fmt::format("{} explore --variant {} --property {} --profile {} {}", daxcheck_prefix({&v}),
                       shell_quoted(v.name), p.name, to_string(profile), search_flags(opts));
}

// The command that runs every cell again (an interrupted run's last line).
std::string whole_run_line(const ExploreCommandOptions& opts) {
    std::string line = daxcheck_prefix(opts.variants) + " explore" +
                       cell_flags(opts.variants, opts.properties, opts.profiles);
    line += " " + search_flags(opts);
    // Last: a bare --base takes no value.
    if (opts.base) line += opts.base->empty() ? " --base" : " --base " + shell_quoted(*opts.base);
    return line;
}

// What the transitions --off-model left unexpanded were.
std::string off_model_line(ExploreOptions::OffModel mode, std::uint64_t transitions) {
    if (mode == ExploreOptions::OffModel::Once)
        return fmt::format("{} transitions went from a state off the model (refinement fails "
                           "there, SPEC 4 or 9) to another: step and end checks run, the state "
                           "is not kept or expanded (--off-model once)",
                           grouped(transitions));
    return fmt::format("{} transitions reached states whose reference counts drifted from the "
                       "model's pins by more than --max-pins (SPEC 9, refinement fails there): "
                       "not expanded",
                       grouped(transitions));
}

std::string symmetry_line(const ExploreResult& r) {
    if (r.symmetry_group <= 1)
        return "symmetry reduction off (always for drain and order-independence: their release "
               "order follows file names)";
    const double saved =
        r.concrete_states ? 100.0 * (1.0 - static_cast<double>(r.states) /
                                               static_cast<double>(r.concrete_states))
                          : 0.0;
    return fmt::format("symmetry: {} relabellings, {} orbits stand for {} states ({:.0f}% saved)",
                       r.symmetry_group, grouped(r.states), grouped(r.concrete_states), saved);
}

// Why the search stopped before exhausting the universe, in words.
std::string stop_words(const ExploreResult& r) {
    switch (r.stop) {
        case ExploreStop::Exhausted: return "the universe is exhausted";
        case ExploreStop::DepthLimit: return "stopped at the depth limit";
        case ExploreStop::TimeBudget:
        case ExploreStop::MemoryBudget:
        case ExploreStop::StateBudget:
        case ExploreStop::Interrupted:
            return fmt::format("stopped by the {} after expanding {} states of depth {}",
                               to_string(r.stop), grouped(r.expanded_in_last_level),
                               r.depth_completed);
        default: return to_string(r.stop);
    }
}

void print_row(const ExploreCommandOptions& opts, const ExploreRow& row) {
    const ExploreResult& r = row.result;
    fmt::print("\n== {} / {} / {}: ", row.variant->name, row.property->name,
               to_string(row.profile));
    const std::string verdict_note = row.as_expected() ? "(expected)" : "(NOT expected)";
    const bool once = opts.explore.off_model == ExploreOptions::OffModel::Once;
    if (row.error()) {
        fmt::print("error {}\n  {}\n", verdict_note,
                   r.stop == ExploreStop::Error
                       ? r.error
                       : fmt::format("nothing checked: {} before depth 1 was complete ({} "
                                     "states, {} transitions, {:.2f} s, memory {})",
                                     stop_words(r), grouped(r.states), grouped(r.transitions),
                                     r.seconds, megabytes(r.memory_bytes)));
    } else if (r.found()) {
        fmt::print("shortest counterexample{}, {} operation{} {}\n",
                   once ? " among the sequences --off-model once checks" : "",
                   r.counterexample.size(), r.counterexample.size() == 1 ? "" : "s", verdict_note);
        for (const auto& op : r.counterexample) fmt::print("  {}\n", to_text(op));
        fmt::print("  {}\n", r.failure.value_or(""));
        fmt::print("  shortest: every sequence of up to {} operation{}{} passes ({} states, {} "
                   "transitions, {:.2f} s)\n",
                   r.depth_completed, r.depth_completed == 1 ? "" : "s",
                   once ? " that --off-model once checks" : "", grouped(r.states),
                   grouped(r.transitions), r.seconds);
        if (r.off_model_transitions)
            fmt::print("  {}\n", off_model_line(opts.explore.off_model, r.off_model_transitions));
        if (!row.classes.empty()) fmt::print("  failure class: {}\n", row.classes[0].key());
        fmt::print("{}", class_search_summary(row.classes_cut_short, row.classes.size(), opts.classes,
                                              row.seconds, row.classes_end));
        if (!row.expected.pass) fmt::print("  why the cell is expected to fail: {}\n", row.expected.why);
        for (std::size_t i = 0; i < row.more.size(); i++) {
            const ExploreResult& m = row.more[i];
            fmt::print("  failure class {} of {}: {}\n    shortest among sequences that avoid "
                       "the classes before it, {} operation{}:\n",
                       i + 2, row.more.size() + 1, row.classes[i + 1].key(), m.counterexample.size(),
                       m.counterexample.size() == 1 ? "" : "s");
            for (const auto& op : m.counterexample) fmt::print("    {}\n", to_text(op));
            fmt::print("    {}\n", m.failure.value_or(""));
        }
    } else {
        fmt::print("no counterexample up to depth {} {}\n", r.depth_completed, verdict_note);
        fmt::print("  distinct states {}, transitions {}, depth completed {}, exhausted {} ({})\n",
                   grouped(r.states), grouped(r.transitions), r.depth_completed,
                   r.exhausted ? "yes" : "no", stop_words(r));
        fmt::print("  {}\n", symmetry_line(r));
        if (r.off_model_transitions)
            fmt::print("  {}\n", off_model_line(opts.explore.off_model, r.off_model_transitions));
        if (once)
            fmt::print("  (a weaker claim than the default's: sequences that stay off the model "
                       "for two operations or more are not checked; --off-model pins checks them)\n");
        const double rate = r.seconds > 0 ? static_cast<double>(r.transitions) / r.seconds : 0;
        fmt::print("  time {:.2f} s ({:.2f} M transitions/s), memory {} (state store)\n",
                   r.seconds, rate / 1e6, megabytes(r.memory_bytes));
        if (!row.expected.pass) fmt::print("  expected to fail: {}\n", row.expected.why);
    }
    fmt::print("  reproduce: {}\n", row.reproduce);
}

nlohmann::json classes_json(const ExploreRow& row) {
    using nlohmann::json;
    json out = json::array();
    for (std::size_t i = 0; i < row.classes.size(); i++) {
        const ExploreResult& r = i == 0 ? row.result : row.more[i - 1];
        json ops = json::array();
        for (const auto& op : r.counterexample) ops.push_back(to_text(op));
        out.push_back({{"class", row.classes[i].key()}, {"failure", r.failure.value_or("")},
                       {"counterexample", ops}});
    }
    return out;
}

bool write_json(const ExploreCommandOptions& opts, const std::vector<ExploreRow>& rows,
                const std::string& path, std::string& error,
                const std::vector<BaseDiffRow>& diffs, bool diffing) {
    using nlohmann::json;
    const auto& u = opts.explore.universe;
    json doc;
    doc["universe"] = {{"files", u.files},     {"pfns", u.pfns},         {"offsets", u.offsets},
                       {"pmd_order", u.pmd_order}, {"max_pins", u.max_pins}};
    doc["options"] = {{"depth", opts.explore.max_depth},
                      {"time_budget_s", opts.explore.time_budget_s},
                      {"memory_budget_bytes", opts.explore.memory_budget_bytes},
                      {"symmetry", opts.explore.symmetry},
                      {"off_model", to_string(opts.explore.off_model)},
                      {"threads", opts.explore.threads}};
    json results = json::array();
    std::size_t good = 0;
    for (const auto& row : rows) {
        const ExploreResult& r = row.result;
        json ops = json::array();
        for (const auto& op : r.counterexample) ops.push_back(to_text(op));
        results.push_back({
            {"variant", row.variant->name},
            {"property", row.property->name},
            {"profile", to_string(row.profile)},
            {"verdict", row.verdict()},
            {"expected", row.expected.pass ? "pass" : "fail"},
            {"as_expected", row.as_expected()},
            {"stop", to_string(r.stop)},
            {"states", r.states},
            {"concrete_states", r.concrete_states},
            {"symmetry_group", r.symmetry_group},
            {"transitions", r.transitions},
            {"depth_completed", r.depth_completed},
            {"exhausted", r.exhausted},
            {"off_model_transitions", r.off_model_transitions},
            {"states_per_depth", r.states_per_depth},
            {"time_ms", row.seconds * 1000},
            {"classes_cut_short", row.classes_cut_short.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(row.classes_cut_short)},
            {"memory_bytes", r.memory_bytes},
            {"failure", r.failure ? json(*r.failure)
                        : row.error() ? json(r.error)
                                      : json(nullptr)},
            {"counterexample", ops},
            {"reproduce", row.reproduce},
            {"classes", classes_json(row)},
        });
        good += row.as_expected();
    }
    doc["results"] = results;
    doc["summary"] = {{"cells", rows.size()}, {"as_expected", good},
                      {"unexpected", rows.size() - good}};
    doc["classes_per_cell"] = opts.classes;
    doc["interrupted"] = interrupted();  // SIGINT/SIGTERM: the cells done before it
    if (diffing) doc["base_diff"] = base_diff_json(diffs);
    return write_json_file(doc, path, error);
}

// A cell that runs out of memory (a budget above what the machine or
// `ulimit -v` gives) is an error row with what the levels before it
// checked, not an abort with no output.
ExploreResult explore_or_error(const Variant& v, const Property& p, const ExploreOptions& o) {
    ExploreResult r;
    try {
        r = explore(v, p, o);
    } catch (const std::bad_alloc&) {  // before the search began (or with a cluster)
        r = {};
        r.stop = ExploreStop::Error;
        r.out_of_memory = true;
    }
    if (r.out_of_memory)
        r.error = fmt::format("out of memory before the memory budget ({}) was reached, with every "
                              "sequence of up to {} operations checked: give a smaller --memory-budget",
                              o.memory_budget_bytes ? megabytes(o.memory_budget_bytes) : "none",
                              r.depth_completed);
    return r;
}

// One cell: the shortest counterexample, then up to opts.classes - 1 more,
// each the shortest among sequences avoiding the classes before it, all
// within the cell's time budget.
ExploreRow explore_cell(const ExploreCommandOptions& opts, const Variant& v, const Property& p,
                        Profile profile) {
    const auto start = std::chrono::steady_clock::now();
    const auto spent = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    ExploreOptions cell = opts.explore;
    cell.profile = profile;
    ExploreRow row{&v, &p, profile, explore_or_error(v, p, cell),
                   expectation_for(v, p.name, to_string(profile)), reproduce_line(opts, v, p, profile),
                   {}, {}};
    const ExploreResult* last = &row.result;
    while (last->found()) {
        const auto c = failure_class_of(v, p, cell.universe, last->counterexample);
        if (!c) break;
        row.classes.push_back(*c);
        if (row.classes.size() >= opts.classes) break;
        // The cell's time budget covers every search of it, and what is
        // between them.
        if (cell.time_budget_s > 0 && spent() >= cell.time_budget_s) {
            row.classes_cut_short = "time budget";
            break;
        }
        ExploreOptions next = cell;
        next.failures.known = row.classes;
        if (cell.time_budget_s > 0) next.time_budget_s = cell.time_budget_s - spent();
        ExploreResult r = explore_or_error(v, p, next);
        if (!r.found()) {
            if (r.stop == ExploreStop::Exhausted) row.classes_end = "no other class in the universe";
            else if (r.stop == ExploreStop::DepthLimit)
                row.classes_end = fmt::format("no other class up to depth {}", r.depth_completed);
            else row.classes_cut_short = r.stop == ExploreStop::Error ? r.error : to_string(r.stop);
            break;
        }
        row.more.push_back(std::move(r));
        last = &row.more.back();
    }
    row.seconds = spent();
    return row;
}

// An explored cell as a `run` row with its classes (for --base and --save-failures).
RunRow as_run_row(const ExploreRow& row, const model::Universe& u) {
    auto one = [&](const ExploreResult& r, const FailureClass* c) {
        CellResult cell;
        cell.verdict = r.found() ? CellResult::Verdict::Fail
                                 : r.stop == ExploreStop::Error ? CellResult::Verdict::Error
                                                                : CellResult::Verdict::Pass;
        cell.counterexample = r.counterexample;
        cell.message = r.failure.value_or(r.error);
        RunRow out{row.variant, row.property, row.profile, std::move(cell), row.expected, {}, row.reproduce};
        if (c) out.failure_class = *c;
        out.trace = replay(*row.variant, *row.property, u, r.counterexample).trace;
        return out;
    };
    RunRow out = one(row.result, row.classes.empty() ? nullptr : &row.classes[0]);
    for (std::size_t i = 0; i < row.more.size() && i + 1 < row.classes.size(); i++)
        out.more_classes.push_back(one(row.more[i], &row.classes[i + 1]));
    return out;
}

// Every class's counterexample as `run` rows, for save_failures (same corpus
// format, same names, same "already in the corpus" check).
bool save_counterexamples(const ExploreCommandOptions& opts, const std::vector<ExploreRow>& rows) {
    RunOptions run;
    run.cell.universe = opts.explore.universe;
    std::vector<RunRow> found;
    for (const auto& row : rows)
        if (row.result.found()) found.push_back(as_run_row(row, run.cell.universe));
    return save_failures(run, found, *opts.save_dir, "explore");
}

}  // namespace

std::string class_search_summary(const std::string& cut_short, std::size_t found, unsigned limit,
                                 double seconds, const std::string& end) {
    if (!cut_short.empty())
        return fmt::format("  class search cut short by the {} after {} class{} (of --classes {}), {:.2f} s in "
                           "all: more classes may exist\n",
                           cut_short, found, found == 1 ? "" : "es", limit, seconds);
    if (limit > 1)
        return fmt::format("  {} class{} in {:.2f} s, the first search and the class searches{}\n", found,
                           found == 1 ? "" : "es", seconds,
                           !end.empty()     ? ": " + end
                           : found >= limit ? ": the --classes limit, more classes may exist (a larger --classes looks further)"
                                            : "");
    return "";
}

model::Universe default_explore_universe() {
    model::Universe u;
    u.files = 2;
    u.pfns = 3;
    u.offsets = 3;
    u.pmd_order = 1;
    u.max_pins = 2;
    return u;
}

int explore_command(const ExploreCommandOptions& opts) {
    const ExploreOptions& e = opts.explore;
    fmt::print("daxcheck explore: universe {}, depth {}, time budget {}, memory budget {}, "
               "symmetry {}, off-model {}, {} thread{}\n",
               universe_flags(e.universe),
               e.max_depth >= 1000 ? std::string("unlimited") : std::to_string(e.max_depth),
               e.time_budget_s > 0 ? fmt::format("{} s per cell", e.time_budget_s) : "none",
               e.memory_budget_bytes ? megabytes(e.memory_budget_bytes) : "none",
               e.symmetry ? "on" : "off", to_string(e.off_model), e.threads,
               e.threads == 1 ? "" : "s");
    std::fflush(stdout);  // the first line is there before any cell ends, signal or not
    // Under MPI, mpirun ends the job on a signal: no partial result is printed.
    if (!e.cluster) install_interrupt_handlers();
    std::vector<ExploreRow> rows;
    for (const Variant* v : opts.variants)
        for (const Property* p : opts.properties)
            for (Profile profile : opts.profiles) {
                if (interrupted()) break;
                ExploreRow row = explore_cell(opts, *v, *p, profile);
                // A cell a signal cut short claims nothing, unless it failed.
                if (interrupted() && !row.result.found()) break;
                print_row(opts, row);
                std::fflush(stdout);
                rows.push_back(std::move(row));
            }
    fmt::print("\n{:<20} {:<18} {:<10} {:<8} {:<9} {:>5} {:>11} {:>12} {:>9}\n", "variant",
               "property", "profile", "verdict", "expected", "depth", "states", "transitions",
               "time");
    std::size_t good = 0;
    for (const auto& row : rows) {
        const auto& r = row.result;
        const std::string depth = r.found() ? fmt::format("={}", r.counterexample.size())
                                            : fmt::format("{}{}", r.depth_completed,
                                                          r.exhausted ? "*" : "");
        fmt::print("{:<20} {:<18} {:<10} {:<8} {:<9} {:>5} {:>11} {:>12} {:>7.2f} s{}\n",
                   row.variant->name, row.property->name, to_string(row.profile), row.verdict(),
                   row.expected.pass ? "pass" : "fail", depth, grouped(r.states),
                   grouped(r.transitions), row.seconds, row.as_expected() ? "" : "   UNEXPECTED");
        good += row.as_expected();
    }
    fmt::print("(depth: =N a shortest counterexample of N operations; N* exhausted after N)\n");
    fmt::print("\n{} cells: {} as expected, {} unexpected\n", rows.size(), good, rows.size() - good);
    std::size_t passed_fails = 0;
    // Only an exhausted search speaks for the universe: one a budget or the
    // depth limit cut short may have passed for want of time or depth.
    for (const auto& row : rows)
        passed_fails += !row.error() && !row.expected.pass && row.result.stop == ExploreStop::Exhausted;
    fmt::print("{}", small_universe_note(passed_fails, opts.explore.universe, default_explore_universe()));
    // --base: the same cells explored on the base, compared by class (not
    // after a signal).
    RunOptions run;
    run.variants = opts.variants;
    run.cell.universe = e.universe;
    if (auto problem = set_base(run, interrupted() ? std::nullopt : opts.base); !problem.empty()) {
        fmt::print(stderr, "daxcheck: {}\n", problem);
        return 2;
    }
    std::vector<RunRow> as_run;
    for (const auto& row : rows) as_run.push_back(as_run_row(row, e.universe));
    const auto diffs = run.diffing() ? diff_with_base(run, as_run,
                                                      [&](const Variant& b, const Property& p, Profile profile) {
                                                          return as_run_row(explore_cell(opts, b, p, profile), e.universe);
                                                      })
                                     : std::vector<BaseDiffRow>{};
    // A signal while the base's cells ran leaves the comparison unfinished:
    // it is not shown.
    const bool diffed = run.diffing() && !interrupted();
    if (diffed) {
        fmt::print("\n");
        print_base_diff(diffs);
    }
    if (interrupted())
        fmt::print("\ninterrupted by signal {} after {} of {} cells{}; the whole run:\n  reproduce: {}\n",
                   g_interrupt_signal.load(), rows.size(),
                   opts.variants.size() * opts.properties.size() * opts.profiles.size(),
                   run.diffing() ? ", before the comparison with the base was done" : "",
                   whole_run_line(opts));
    // Under MPI every process holds the same rows: the first one writes.
    const bool writes = !e.cluster || e.cluster->rank() == 0;
    if (opts.json_path && writes) {
        std::string error;
        if (!write_json(opts, rows, *opts.json_path, error, diffs, diffed)) {
            fmt::print(stderr, "daxcheck: {}\n", error);
            return 2;
        }
        fmt::print("wrote {}\n", output_name(*opts.json_path));
    }
    // After a signal nothing is saved, as in run, swarm and the filesystem level.
    if (opts.save_dir && writes && !interrupted() && !save_counterexamples(opts, rows)) {
        fmt::print(stderr, "daxcheck: cannot save the counterexamples\n");
        return 2;
    }
    if (interrupted()) return interrupt_exit_code();
    if (diffed) return base_diff_regressed(diffs) ? 1 : 0;
    return good == rows.size() ? 0 : 1;
}

}  // namespace daxcheck
