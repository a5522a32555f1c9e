#include "cli/fs_explore_command.h"

#include <fmt/format.h>

#include <new>
#include <nlohmann/json.hpp>

#include "cli/explore_command.h"
#include "cli/flag_checks.h"
#include "cli/fs_cells.h"
#include "cli/fs_save.h"
#include "cli/interrupt_handler.h"
#include "cli/json_file.h"
#include "cli/output_file.h"
#include "cli/shell_words.h"
#include "cli/small_universe.h"
#include "fslevel/fs_replay.h"
#include "fslevel/fs_search_classes.h"
#include "fslevel/fs_text.h"
#include "fslevel/reachability.h"
#include "impl/expectations.h"
#include "impl/fault/fault_path.h"

namespace daxcheck {

int fs_explore_command(const FsRunOptions& o, unsigned depth, std::uint64_t max_states,
                       double time_budget_s, double memory_budget_mb) {
    if (auto problem = fs_usage_problem(o); !problem.empty()) {
        fmt::print(stderr, "daxcheck: {}\n", problem);
        return 2;
    }
    if (auto n = fslevel::operation_count(o.universe, true); n > fslevel::kMaxSearchOperations) {
        fmt::print(stderr, "daxcheck: explore --level fs: the universe has {} filesystem operations to "
                           "try from every state (more than {}): give fewer --files, --offsets\n",
                   n, fslevel::kMaxSearchOperations);
        return 2;
    }
    int unexpected = 0, cells = 0, passed_fails = 0;
    nlohmann::json results = nlohmann::json::array();
    std::vector<FsFailure> found;
    for (const Variant* v : o.variants) {
        std::string why;
        if (!fault_path_of(*v, &why)) {
            fmt::print(stderr, "daxcheck: {}\n", why);
            return 2;
        }
    }
    // Every flag but the cells', for the reproduce lines.
    const std::string budgets = fmt::format("--depth {} --max-states {} --time-budget {} --memory-budget {}{} {}",
                                            depth, max_states, time_budget_s, memory_budget_mb,
                                            classes_flag(o), universe_flags(o.universe));
    install_interrupt_handlers();
    for (const Variant* v : o.variants)
        for (const Property* p : o.properties) {
            if (p->with_misuse) continue;
            for (Profile profile : o.profiles) {
                if (interrupted()) break;
                fslevel::ReachOptions ro;
                ro.memory_budget_bytes = flag_checks::budget_bytes(memory_budget_mb);
                ro.max_depth = depth;
                ro.max_states = max_states;
                ro.reflink = profile == Profile::Reflink;
                ro.time_budget_s = time_budget_s;
                // Out of memory before the budget (a budget above `ulimit -v`)
                // is an error row, as at the function level, not an abort.
                bool out_of_memory = false;
                fslevel::SearchClasses sc;
                try {
                    sc = fslevel::search_classes(*v, *p, o.universe, ro, o.classes);
                } catch (const std::bad_alloc&) {
                    out_of_memory = true;
                }
                const fslevel::ReachResult& r = sc.first;
                const Expectation e = fs_expectation_for(*v, p->name, to_string(profile));
                const bool failed = r.sequence.has_value();
                // A cell a signal cut short claims nothing, unless it failed.
                if (r.interrupted && !failed) break;
                cells++;
                // A search stopped before depth 1 checked nothing: never a pass.
                const std::string error =
                    out_of_memory ? fmt::format("out of memory before the memory budget ({} MB) was reached: "
                                                "give a smaller --memory-budget", memory_budget_mb)
                    : !failed && r.depth_completed == 0
                        ? fmt::format("nothing checked: the search stopped before depth 1 was complete{}",
                                      r.time_hit ? " (time budget reached)" : r.memory_hit ? " (memory budget reached)"
                                      : r.budget_hit ? " (state budget reached)" : "")
                        : "";
                unexpected += !error.empty() || failed == e.pass;
                // Only an exhausted search speaks for the universe: one a budget or the
                // depth limit cut short may have passed for want of time or depth.
                passed_fails += !failed && !e.pass && r.exhausted;
                const std::string reproduce =
                    fmt::format("{} explore --level fs --variant {} --property {} --profile {} {}",
                                daxcheck_prefix({v}), shell_quoted(v->name), p->name, to_string(profile), budgets);
                nlohmann::json cell = {{"variant", v->name}, {"property", p->name},
                                       {"profile", to_string(profile)}, {"level", "fs"},
                                       {"verdict", !error.empty() ? "error" : failed ? "fail" : "pass"},
                                       {"expected", e.pass ? "pass" : "fail"},
                                       {"as_expected", error.empty() && failed != e.pass},
                                       {"states", r.states}, {"depth_completed", r.depth_completed},
                                       {"exhausted", r.exhausted}, {"state_budget_reached", r.budget_hit},
                                       {"time_budget_reached", r.time_hit},
                                       {"memory_budget_reached", r.memory_hit}, {"reproduce", reproduce},
                                       {"time_ms", sc.seconds * 1000}, {"classes", nlohmann::json::array()},
                                       {"classes_cut_short", nullptr}};
                if (!error.empty()) {
                    fmt::print("== {} / {} / {} (filesystem level): error: {} ({} states, {:.2f} s)\n", v->name,
                               p->name, to_string(profile), error, r.states, sc.seconds);
                    cell["error"] = error;
                } else if (failed) {
                    fmt::print("== {} / {} / {} (filesystem level): shortest counterexample, {} operations ({})\n",
                               v->name, p->name, to_string(profile), r.sequence->size(),
                               e.pass ? "UNEXPECTED" : "expected");
                    const auto rep = fslevel::replay(*v, *p, o.universe, *r.sequence);
                    fmt::print("  {}\n{}", rep.trace.failure(), fslevel::format_trace(rep.trace));
                    fmt::print("  shortest: no shorter filesystem sequence fails ({} states, {:.2f} s)\n",
                               r.states, sc.first_seconds);
                    fmt::print("  failure class: {}\n", sc.classes[0]);
                    fmt::print("{}", class_search_summary(sc.cut_short, sc.classes.size(), o.classes, sc.seconds,
                                                          sc.end));
                    if (!e.pass) fmt::print("  why expected: {}\n", e.why);
                    auto class_json = [&](const std::vector<fslevel::Op>& ops, const std::string& failure,
                                          const std::string& cls) {
                        std::vector<std::string> lines;
                        for (const auto& op : ops) lines.push_back(fslevel::to_text(op));
                        cell["classes"].push_back({{"class", cls}, {"failure", failure}, {"counterexample", lines}});
                    };
                    class_json(*r.sequence, rep.trace.failure(), sc.classes[0]);
                    found.push_back({v, p, profile, *r.sequence, rep.trace.failure(), reproduce, e});
                    for (std::size_t i = 0; i < sc.more.size(); i++) {
                        const std::vector<fslevel::Op>& ops = *sc.more[i].sequence;
                        // Replayed as its search ran: past the classes before it.
                        const std::vector<std::string> before(sc.classes.begin(),
                                                              sc.classes.begin() + static_cast<long>(i + 1));
                        const auto trace = fslevel::replay(*v, *p, o.universe, ops, before).trace;
                        fmt::print("  failure class {} of {}: {}\n    shortest among sequences that go on past "
                                   "the classes before it, {} operation{}:\n    {}\n{}",
                                   i + 2, sc.classes.size(), sc.classes[i + 1], ops.size(),
                                   ops.size() == 1 ? "" : "s", trace.failure(), fslevel::format_trace(trace, "    "));
                        class_json(ops, trace.failure(), sc.classes[i + 1]);
                        found.push_back({v, p, profile, ops, trace.failure(), reproduce, e, before});
                    }
                    fmt::print("  reproduce: {}\n", reproduce);
                    cell["counterexample"] = cell["classes"][0]["counterexample"];
                    cell["failure"] = rep.trace.failure();
                    cell["classes_cut_short"] =
                        sc.cut_short.empty() ? nlohmann::json(nullptr) : nlohmann::json(sc.cut_short);
                } else {
                    fmt::print("== {} / {} / {} (filesystem level): no counterexample up to depth {}{} "
                               "({} states, {:.2f} s){}\n",
                               v->name, p->name, to_string(profile), r.depth_completed,
                               r.exhausted ? ", exhausted" : r.time_hit ? ", time budget reached"
                                             : r.memory_hit ? ", memory budget reached"
                                             : r.budget_hit ? ", state budget reached" : "",
                               r.states, sc.seconds, e.pass ? "" : fmt::format(" UNEXPECTED: expected to fail: {}", e.why));
                }
                std::fflush(stdout);  // a kill or a pipe keeps the cells done
                results.push_back(cell);
            }
        }
    fmt::print("{} cells: {} as expected, {} unexpected\n", cells, cells - unexpected, unexpected);
    fmt::print("{}", small_universe_note(passed_fails, o.universe, default_explore_universe()));
    if (interrupted()) {
        const RunOptions cells_of = fs_run_as_run(o);  // explore has no seed: print_interrupted's line without it
        fmt::print("\ninterrupted by signal {} after {} of {} cells; the whole run:\n  reproduce: {} {} {}\n",
                   g_interrupt_signal.load(), cells,
                   cells_of.variants.size() * cells_of.properties.size() * cells_of.profiles.size(),
                   daxcheck_prefix(o.variants), fs_cells_command(o), budgets);
    }
    if (o.save_dir && !found.empty() && !interrupted()) {
        fmt::print("\n");
        if (!save_fs_failures(found, o.universe, *o.save_dir, "explore")) return 2;
    }
    if (o.json_path) {
        const nlohmann::json doc = {{"level", "fs"}, {"depth", depth}, {"max_states", max_states},
                                    {"memory_budget_mb", memory_budget_mb}, {"interrupted", interrupted()},
                                    {"classes_per_cell", o.classes},
                                    {"summary", {{"cells", cells}, {"as_expected", cells - unexpected},
                                                 {"unexpected", unexpected}}},
                                    {"results", results}};
        if (!write_json_and_say(doc, *o.json_path)) return 2;
    }
    if (interrupted()) return interrupt_exit_code();
    return unexpected ? 1 : 0;
}

}  // namespace daxcheck
