#include "cli/fs_explore_command.h"

#include <fmt/format.h>

#include <map>
#include <new>
#include <set>
#include <tuple>
#include <nlohmann/json.hpp>

#include "cli/number_text.h"
#include "cli/explore_command.h"
#include "cli/flag_checks.h"
#include "cli/fs_base.h"
#include "cli/fs_cells.h"
#include "cli/fs_save.h"
#include "cli/interrupt_handler.h"
#include "cli/json_file.h"
#include "cli/output_file.h"
#include "cli/run_command.h"
#include "cli/shell_words.h"
#include "cli/small_universe.h"
#include "fslevel/fs_replay.h"
#include "fslevel/fs_search_classes.h"
#include "fslevel/fs_text.h"
#include "fslevel/reachability.h"
#include "impl/expectations.h"
#include "impl/fault/fault_path.h"

namespace daxcheck {

namespace {

// One side's searches of a cell (the patch's or its base's), or that they
// ran out of memory before the memory budget (one above `ulimit -v`).
struct SideSearch {
    fslevel::SearchClasses search;
    bool out_of_memory = false;
    // Why a comparison cannot rest on this side ("" when it can): it ran out
    // of memory, or its first search ended at a budget without a failure
    // (the classes it would have found deeper are unknown).
    std::string incomplete(const Variant& v) const {
        if (out_of_memory) return fmt::format("the search on {} ran out of memory", v.name);
        const fslevel::ReachResult& r = search.first;
        if (r.sequence || !(r.budget_hit || r.time_hit || r.memory_hit)) return "";
        return fmt::format("the search on {} stopped at its {} after depth {} without a failure",
                           v.name, r.time_hit ? "time budget" : r.memory_hit ? "memory budget" : "state budget",
                           r.depth_completed);
    }
};

SideSearch search_side(const Variant& v, const Property& p, const model::Universe& u,
                     const fslevel::ReachOptions& o, unsigned classes) {
    SideSearch out;
    try {
        out.search = fslevel::search_classes(v, p, u, o, classes);
    } catch (const std::bad_alloc&) {
        out.out_of_memory = true;
    }
    return out;
}

// Which side's class searches something cut short, and by what ("" when
// neither): a class found only on one side may then sit behind on the other.
std::string cut_short_note(const Variant& patch, const fslevel::SearchClasses& on_patch, const Variant& base,
                           const fslevel::SearchClasses& on_base) {
    std::string out;
    for (const auto& [v, sc] : {std::pair{&patch, &on_patch}, std::pair{&base, &on_base}})
        if (!sc->cut_short.empty())
            out += fmt::format("{}{}'s class search was cut short by the {} after {}", out.empty() ? "" : "; ",
                               v->name, sc->cut_short, counted(sc->classes.size(), "class", "classes"));
    return out;
}

// The classes a side's searches found, as the base diff takes them.
std::vector<fslevel::FsFound> as_found(const fslevel::SearchClasses& sc) {
    std::vector<fslevel::FsFound> out;
    if (sc.first.sequence) out.push_back({sc.classes[0], *sc.first.sequence, {}});
    for (std::size_t i = 0; i < sc.more.size(); i++)
        out.push_back({sc.classes[i + 1], *sc.more[i].sequence,
                       {sc.classes.begin(), sc.classes.begin() + static_cast<long>(i + 1)}});
    return out;
}

}  // namespace

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
    // What the search covers, as the function level's first line says it.
    fmt::print("daxcheck explore --level fs: universe {}, depth {}, {} states per search, time budget {}, "
               "memory budget {}\n\n",
               universe_flags(o.universe), depth, max_states,
               time_budget_s > 0 ? fmt::format("{} s per cell", time_budget_s) : "none",
               memory_budget_mb > 0 ? fmt::format("{} MB", memory_budget_mb) : "none");
    int unexpected = 0, cells = 0, passed_fails = 0;
    nlohmann::json results = nlohmann::json::array();
    std::vector<FsFailure> found;
    if (!o.bases.empty()) {
        std::set<std::pair<const Variant*, const Variant*>> pairs;
        for (std::size_t i = 0; i < o.bases.size(); i++)
            if (pairs.emplace(o.variants[i], o.bases[i]).second) print_check_diff(*o.variants[i], *o.bases[i]);
        fmt::print("\n");
    }
    // Each base cell is searched once (several patches may share a base).
    std::map<std::tuple<const Variant*, const Property*, Profile>, SideSearch> base_cells;
    std::vector<FsBaseDiffRow> base_rows;
    std::vector<std::string> not_compared;
    // Every flag but the cells', for the reproduce lines.
    const std::string budgets = fmt::format("--depth {} --max-states {} --time-budget {} --memory-budget {}{} {}",
                                            depth, max_states, time_budget_s, memory_budget_mb,
                                            classes_flag(o), universe_flags(o.universe));
    install_interrupt_handlers();
    for (std::size_t vi = 0; vi < o.variants.size(); vi++)
        for (const Property* p : o.properties) {
            const Variant* v = o.variants[vi];
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
                const SideSearch patch_side = search_side(*v, *p, o.universe, ro, o.classes);
                const bool out_of_memory = patch_side.out_of_memory;
                const fslevel::SearchClasses& sc = patch_side.search;
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
                                       // Reached by any of the cell's searches (the class
                                       // searches' too: classes_cut_short says which stopped).
                                       {"exhausted", r.exhausted},
                                       {"state_budget_reached", r.budget_hit || sc.cut_short == "state budget"},
                                       {"time_budget_reached", r.time_hit || sc.cut_short == "time budget"},
                                       {"memory_budget_reached", r.memory_hit || sc.cut_short == "memory budget"},
                                       {"reproduce", reproduce},
                                       {"time_ms", sc.seconds * 1000}, {"classes", nlohmann::json::array()},
                                       {"classes_cut_short", nullptr}};
                if (!error.empty()) {
                    fmt::print("== {} / {} / {} (filesystem level): error: {} ({}, {:.2f} s)\n", v->name,
                               p->name, to_string(profile), error, counted(r.states, "state"), sc.seconds);
                    cell["error"] = error;
                } else if (failed) {
                    fmt::print("== {} / {} / {} (filesystem level): shortest counterexample, {} operations ({})\n",
                               v->name, p->name, to_string(profile), r.sequence->size(),
                               e.pass ? "UNEXPECTED" : "expected");
                    const auto rep = fslevel::replay(*v, *p, o.universe, *r.sequence);
                    fmt::print("  {}\n{}", rep.trace.failure(), fslevel::format_trace(rep.trace));
                    fmt::print("  shortest: no shorter filesystem sequence fails ({}, {:.2f} s)\n",
                               counted(r.states, "state"), sc.first_seconds);
                    fmt::print("  failure class: {}\n", sc.classes[0]);
                    fmt::print("{}", class_search_summary(sc.cut_short, sc.classes.size(), o.classes, sc.seconds,
                                                          sc.end));
                    if (!e.pass) fmt::print("  why the cell is expected to fail: {}\n", e.why);
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
                               "({}, {:.2f} s){}\n",
                               v->name, p->name, to_string(profile), r.depth_completed,
                               r.exhausted ? ", exhausted" : r.time_hit ? ", time budget reached"
                                             : r.memory_hit ? ", memory budget reached"
                                             : r.budget_hit ? ", state budget reached" : "",
                               counted(r.states, "state"), sc.seconds,
                               e.pass ? "" : fmt::format(" UNEXPECTED: expected to fail: {}", e.why));
                }
                std::fflush(stdout);  // a kill or a pipe keeps the cells done
                results.push_back(cell);
                const std::string cell_name = fmt::format("{} / {} / {}", v->name, p->name, to_string(profile));
                if (o.bases.empty() || interrupted()) continue;
                if (!error.empty()) {
                    not_compared.push_back(fmt::format("{}: {}", cell_name, error));
                    continue;
                }
                if (auto why = patch_side.incomplete(*v); !why.empty()) {
                    not_compared.push_back(fmt::format("{}: {}", cell_name, why));
                    continue;
                }
                const Variant* b = o.bases[vi];
                auto at = base_cells.find({b, p, profile});
                if (at == base_cells.end())
                    at = base_cells.emplace(std::tuple{b, p, profile}, search_side(*b, *p, o.universe, ro, o.classes))
                             .first;
                const SideSearch& base = at->second;
                if (interrupted()) break;  // the base's search was cut short: no diff
                if (auto why = base.incomplete(*b); !why.empty()) {
                    not_compared.push_back(fmt::format("{}: {}", cell_name, why));
                    continue;
                }
                base_rows.push_back({v, b, p, profile,
                                     fslevel::diff_fs_cell(*v, *b, *p, ro.reflink, o.universe, as_found(sc),
                                                           as_found(base.search)),
                                     fmt::format("{} explore --level fs --variant {}{} --property {} --profile {} {}",
                                                 daxcheck_prefix({v, b}), shell_quoted(v->name), o.base_flag,
                                                 p->name, to_string(profile), budgets),
                                     std::max(sc.classes.size(), base.search.classes.size()) >= o.classes
                                         ? o.classes
                                         : 0u,
                                     cut_short_note(*v, sc, *b, base.search)});
            }
        }
    if (!o.bases.empty()) {
        print_fs_base_diff(base_rows);
        if (!not_compared.empty()) {
            fmt::print("\n{} cell{} not compared with the base:\n", not_compared.size(),
                       not_compared.size() == 1 ? "" : "s");
            for (const auto& n : not_compared) fmt::print("  {}\n", n);
        }
        fmt::print("\n");
    }
    fmt::print("{}: {} as expected, {} unexpected\n", counted(static_cast<std::uint64_t>(cells), "cell"),
               cells - unexpected, unexpected);
    fmt::print("{}", small_universe_note(passed_fails, o.universe, default_explore_universe()));
    if (interrupted()) {
        const RunOptions cells_of = fs_run_as_run(o);  // explore has no seed: print_interrupted's line without it
        fmt::print("\ninterrupted by signal {} after {} of {}; the whole run:\n  reproduce: {} {} {}\n",
                   g_interrupt_signal.load(), cells,
                   counted(cells_of.variants.size() * cells_of.properties.size() * cells_of.profiles.size(), "cell"),
                   daxcheck_prefix(o.variants), fs_cells_command(o), budgets);
    }
    if (o.save_dir && !found.empty() && !interrupted()) {
        fmt::print("\n");
        if (!save_fs_failures(found, o.universe, *o.save_dir, "explore")) return 2;
    }
    if (o.json_path) {
        nlohmann::json doc = {{"level", "fs"}, {"depth", depth}, {"max_states", max_states},
                                    {"memory_budget_mb", memory_budget_mb}, {"interrupted", interrupted()},
                                    {"classes_per_cell", o.classes},
                                    {"summary", {{"cells", cells}, {"as_expected", cells - unexpected},
                                                 {"unexpected", unexpected}}},
                                    {"results", results}};
        if (!o.bases.empty()) {
            doc["base_diff"] = fs_base_diff_json(base_rows);
            doc["not_compared"] = not_compared;  // "V / P / profile: why", as printed
        }
        if (!write_json_and_say(doc, *o.json_path)) return 2;
    }
    if (interrupted()) return interrupt_exit_code();
    // Against a base only what the patch changed for the worse fails the run.
    if (!o.bases.empty()) return fs_base_diff_regressed(base_rows) || !not_compared.empty() ? 1 : 0;
    return unexpected ? 1 : 0;
}

}  // namespace daxcheck
