#include "cli/run_command.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <nlohmann/json.hpp>

#include "cli/json_file.h"
#include "cli/number_text.h"
#include "cli/shell_words.h"
#include "cli/small_universe.h"
#include "cli/trace_text.h"
#include "harness/printable.h"
#include "engines/order_walks.h"

#include "engines/interrupt.h"
#include "harness/op_text.h"

namespace daxcheck {
namespace {

std::string reproduce_line(const RunOptions& opts, const RunRow& row) {
    std::string line = fmt::format(
        "{} run --variant {} --property {} --profile {} --seed {} --tests {}",
        daxcheck_prefix({row.variant}), shell_quoted(row.variant->name), row.property->name,
        to_string(row.profile), opts.cell.seed, opts.cell.tests);
    if (opts.walks != kDefaultRunWalks) line += fmt::format(" --walks {}", opts.walks);
    if (opts.classes != kDefaultClasses) line += fmt::format(" --classes {}", opts.classes);
    if (row.universe) line += " " + universe_flags(*row.universe);
    else if (opts.universe_given) line += " " + universe_flags(opts.cell.universe);
    if (!opts.minimise) line += " --no-minimise";  // else the counterexample printed differs
    return line;
}

std::string verdict_word(const RunRow& row) {
    switch (row.result.verdict) {
        case CellResult::Verdict::Pass: return "pass";
        case CellResult::Verdict::Fail: return "fail";
        case CellResult::Verdict::Error: return "error";
    }
    return "?";
}

// Walks up to and with the failing one, or all of them.
std::uint64_t walks_run(const SwarmCellResult& s) {
    return s.failing_walk ? *s.failing_walk + 1 : s.walks;
}

// Swarm walks for a cell RapidCheck passed. A failing walk becomes the row's
// failure, counted after RapidCheck's tests.
void walk_after_rapidcheck(const RunOptions& opts, RunRow& row, const ClassFilter& failures) {
    if (!opts.walks || row.result.verdict != CellResult::Verdict::Pass) return;
    SwarmOptions so;
    so.universe = opts.cell.universe;
    so.seed = opts.cell.seed;
    so.threads = 1;
    so.walks = opts.walks;
    so.cluster = opts.cluster;
    so.failures = failures;
    row.swarm = run_swarm_cell(*row.variant, *row.property, row.profile, so);
    row.result.time_ms += row.swarm->cell.time_ms;
    // The default run also walks the other PMD orders, unless the user chose
    // a universe.
    if (!opts.universe_given)
        for (const OrderWalks& other : other_pmd_orders(opts.walks)) {
            if (row.swarm->cell.verdict != CellResult::Verdict::Pass) break;
            SwarmOptions oo = so;
            oo.universe = other.universe;
            oo.walks = other.walks;
            SwarmCellResult walked = run_swarm_cell(*row.variant, *row.property, row.profile, oo);
            row.result.time_ms += walked.cell.time_ms;
            walked.walks += row.swarm->walks;
            if (walked.failing_walk) *walked.failing_walk += row.swarm->walks;
            walked.operations += row.swarm->operations;
            walked.seconds += row.swarm->seconds;
            row.swarm = std::move(walked);
            if (row.swarm->cell.verdict != CellResult::Verdict::Pass) row.universe = other.universe;
        }
    const CellResult& walked = row.swarm->cell;
    if (walked.verdict == CellResult::Verdict::Pass) return;
    const int tests = row.result.tests_run;
    const double ms = row.result.time_ms;
    const GenerationStats generation = row.result.generation;
    row.result = walked;
    row.result.tests_run = tests;
    row.result.time_ms = ms;
    row.result.generation = generation;
    row.shrinker = "delta debugging";
}

// The class of a failing row's counterexample, in the universe it fails in.
void note_class(const RunOptions& opts, RunRow& row) {
    if (row.result.verdict != CellResult::Verdict::Fail) return;
    const auto& u = row.universe ? *row.universe : opts.cell.universe;
    row.failure_class = failure_class_of(*row.variant, *row.property, u, row.result.counterexample);
}

// After the first class: RapidCheck and the walks again with every class found
// so far counted as a pass, until opts.classes classes or nothing new. Each
// new one is shrunk and searched for a shorter one keeping its own class.
void find_more_classes(const RunOptions& opts, RunRow& row) {
    note_class(opts, row);
    if (!row.failure_class) return;
    ClassFilter known;
    known.known.push_back(*row.failure_class);
    while (known.known.size() < opts.classes && !interrupted()) {
        CellConfig cell = opts.cell;
        cell.failures = known;
        RunRow more{row.variant, row.property, row.profile,
                    run_cell(*row.variant, *row.property, row.profile, cell), row.expected, {}, {}};
        more.reproduce = row.reproduce;
        walk_after_rapidcheck(opts, more, known);
        row.further.tests += static_cast<std::uint64_t>(more.result.tests_run);
        row.further.operations += more.result.generation.operations();
        if (more.swarm) {
            row.further.walks += walks_run(*more.swarm);
            row.further.operations += more.swarm->operations;
        }
        if (more.result.verdict != CellResult::Verdict::Fail) break;
        note_class(opts, more);
        if (!more.failure_class || !known.counts(*more.failure_class)) break;
        ClassFilter own;
        own.target = *more.failure_class;
        confirm_failure(opts, more, own);
        if (more.result.verdict != CellResult::Verdict::Fail) break;
        known.known.push_back(*more.failure_class);
        row.more_classes.push_back(std::move(more));
    }
}

void print_trace(const RunRow& row) { fmt::print("{}", trace_steps_text(row.trace, "  ")); }

}  // namespace

bool RunRow::as_expected() const {
    if (result.verdict == CellResult::Verdict::Error) return false;
    return (result.verdict == CellResult::Verdict::Pass) == expected.pass;
}

// Defined (true) by the binary daxcheck_add_port() builds
// (cmake/daxcheck_add_port.cmake); absent, its address is null.
extern "C" [[gnu::weak]] const bool daxcheck_add_port_binary;

namespace {
std::string g_invocation;  // argv[0]
}  // namespace

void set_invocation(const char* argv0) { g_invocation = argv0 ? argv0 : ""; }

std::string daxcheck_prefix(const std::vector<const Variant*>& variants) {
    std::vector<std::string> files;
    for (const Variant* v : variants)
        if (!v->port_file.empty() &&
            std::find(files.begin(), files.end(), v->port_file) == files.end())
            files.push_back(v->port_file);
    return daxcheck_prefix_of_ports(files);
}

std::string daxcheck_prefix_of_ports(const std::vector<std::string>& files) {
    // A port project's own binary, run directly (not through ./daxcheck
    // --port, which sets DAXCHECK_VIA_SCRIPT): the port is built in, and a
    // user of that project has no ./daxcheck to run.
    if (!files.empty() && &daxcheck_add_port_binary && !std::getenv("DAXCHECK_VIA_SCRIPT") &&
        !g_invocation.empty())
        return shell_path(g_invocation);
    std::string out = daxcheck_script();
    for (const auto& f : files) out += " --port " + shell_quoted(f);
    return out;
}

std::string daxcheck_script() {
    const char* via = std::getenv("DAXCHECK_VIA_SCRIPT");
    return via && *via ? shell_path(via) : "./daxcheck";
}

std::string cell_flags(const std::vector<const Variant*>& selected,
                       const std::vector<const Property*>& properties,
                       const std::vector<Profile>& profiles, bool name_variants) {
    // Whether `chosen` holds every one of `all` (a flag given twice is no
    // second member).
    const auto every = [](const auto& chosen, const auto& all, auto member) {
        return std::all_of(all.begin(), all.end(), [&](const auto& x) {
            return std::find(chosen.begin(), chosen.end(), member(x)) != chosen.end();
        });
    };
    // Listed unless the family is exactly every member once: a name given
    // twice runs its cells twice, and so must the line.
    std::string out;
    if (name_variants || selected.size() != variants().size() ||
        !every(selected, variants(), [](const Variant& v) { return &v; }))
        for (const Variant* v : selected) out += " --variant " + shell_quoted(v->name);
    if (properties.size() != all_properties().size() ||
        !every(properties, all_properties(), [](const Property& p) { return &p; }))
        for (const Property* p : properties) out += " --property " + p->name;
    if (profiles.size() != all_profiles().size() || !every(profiles, all_profiles(), [](Profile p) { return p; }))
        for (Profile p : profiles) out += " --profile " + to_string(p);
    return out;
}

std::string base_flag(const RunOptions& opts) {
    if (opts.base) return " --base " + shell_quoted(opts.base->name);
    return opts.base_from_ports ? " --base" : "";
}

std::string run_flags(const RunOptions& opts) {
    std::string out = cell_flags(opts.variants, opts.properties, opts.profiles);
    out += fmt::format(" --seed {} --tests {}", opts.cell.seed, opts.cell.tests);
    if (opts.walks != kDefaultRunWalks) out += fmt::format(" --walks {}", opts.walks);
    if (opts.classes != kDefaultClasses) out += fmt::format(" --classes {}", opts.classes);
    out += base_flag(opts);
    if (opts.universe_given) out += " " + universe_flags(opts.cell.universe);
    if (!opts.minimise) out += " --no-minimise";
    return out.substr(1);
}

std::string universe_flags(const model::Universe& u) {
    return fmt::format("--files {} --pfns {} --offsets {} --pmd-order {} --max-pins {}", u.files,
                       u.pfns, u.offsets, u.pmd_order, u.max_pins);
}

std::vector<RunRow> run_cells(const RunOptions& opts) {
    std::vector<RunRow> rows;
    for (const Variant* v : opts.variants)
        for (const Property* p : opts.properties)
            for (Profile profile : opts.profiles) {
                if (interrupted()) return rows;
                const auto start = std::chrono::steady_clock::now();
                RunRow row{v, p, profile, run_cell(*v, *p, profile, opts.cell),
                           expectation_for(*v, p->name, to_string(profile)), {}, {}};
                row.reproduce = reproduce_line(opts, row);
                walk_after_rapidcheck(opts, row, {});
                confirm_failure(opts, row);
                find_more_classes(opts, row);
                // The cell's time is all of it: the tests, the walks, the
                // minimisation and the class searches (most of a failing cell's).
                row.result.time_ms =
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
                // A cell a signal cut short claims nothing, unless it failed.
                if (interrupted() && row.result.verdict != CellResult::Verdict::Fail) return rows;
                rows.push_back(std::move(row));
            }
    return rows;
}

void confirm_failure(const RunOptions& opts, RunRow& row, const ClassFilter& failures) {
    if (row.result.verdict != CellResult::Verdict::Fail) return;
    const auto& u = row.universe ? *row.universe : opts.cell.universe;
    auto replayed = replay(*row.variant, *row.property, u, row.result.counterexample);
    row.trace = std::move(replayed.trace);
    if (replayed.invalid || !row.trace.failed()) {
        row.result.verdict = CellResult::Verdict::Error;
        row.result.message = "the shrunk counterexample did not fail on replay: " +
                             replayed.invalid.value_or(row.result.message);
        return;
    }
    if (!opts.minimise) return;
    row.minimisation = minimise_globally(*row.variant, *row.property, row.profile, u,
                                         row.result.counterexample, kMinimiseStateBudget,
                                         kMinimiseMemoryBudget, failures);
    if (row.minimisation->shorter.empty()) return;
    row.result.counterexample = row.minimisation->shorter;
    row.trace = replay(*row.variant, *row.property, u, row.result.counterexample).trace;
    row.result.message = row.trace.failure();
}

std::string failed_at(const RunRow& r, const char* test_word) {
    if (r.swarm && r.swarm->failing_walk)
        return fmt::format("swarm walk {}{} (walk seed {}) after {} RapidCheck {}s passed",
                           *r.swarm->failing_walk + 1,
                           r.universe ? fmt::format(" at PMD order {}", r.universe->pmd_order) : "",
                           r.swarm->failing_walk_seed, r.result.tests_run, test_word);
    return fmt::format("{} {}", test_word, r.result.tests_run);
}

std::string shrink_words(const RunRow& r) {
    const std::size_t n = r.result.counterexample.size();
    const auto ops = [](std::size_t k) { return fmt::format("{} operation{}", k, k == 1 ? "" : "s"); };
    if (!r.minimisation) return fmt::format("shrunk by {} to {}", r.shrinker, ops(n));
    const Minimisation& m = *r.minimisation;
    const std::string where = universe_flags(m.universe);
    if (!m.shorter.empty())
        return fmt::format("shrunk by {} to {}, then the explorer found a shorter one of {}, the "
                           "shortest in the universe the first spans ({})",
                           r.shrinker, ops(m.original_length), ops(n), where);
    if (m.proven_shortest)
        return n <= 1 ? fmt::format("shrunk by {} to {}", r.shrinker, ops(n))
                      : fmt::format("shrunk by {} to {}, the shortest: the explorer checked every "
                                    "shorter sequence in the universe around it ({})",
                                    r.shrinker, ops(n), where);
    if (m.skipped)
        return fmt::format("shrunk by {} to {}; no search for a shorter one: the universe around "
                           "it ({}) is too large to search",
                           r.shrinker, ops(n), where);
    return fmt::format("shrunk by {} to {}; the explorer's search for a shorter one in {} stopped "
                       "{} after depth {}",
                       r.shrinker, ops(n), where,
                       m.search.stop == ExploreStop::Interrupted ? "on the signal"
                                                                 : "at its " + to_string(m.search.stop),
                       m.search.depth_completed);
}

void print_cell_details(const RunRow& r, const char* test_word) {
    if (r.result.verdict == CellResult::Verdict::Pass && r.as_expected()) return;
    fmt::print("\n== {} / {} / {}: {}{}\n", r.variant->name, r.property->name,
               to_string(r.profile), verdict_word(r),
               r.as_expected() ? " (expected)" : " (NOT expected)");
    if (r.result.verdict == CellResult::Verdict::Pass) {
        fmt::print("  expected to fail: {}\n  but {} {}s passed\n", r.expected.why,
                   r.result.tests_run, test_word);
    } else if (r.result.verdict == CellResult::Verdict::Error) {
        fmt::print("  error: {}\n", r.result.message);
    } else {
        fmt::print("  {}\n", r.trace.failure());
        if (r.failure_class) fmt::print("  failure class: {}\n", r.failure_class->key());
        fmt::print("  failed at {}; {}:\n", failed_at(r, test_word), shrink_words(r));
        if (r.swarm && r.swarm->failing_walk)
            fmt::print("  the walk's swarm configuration: {}\n", r.swarm->failing_configuration);
        if (!r.found_by.empty()) fmt::print("  {}\n", r.found_by);
        print_trace(r);
        if (!r.expected.pass) fmt::print("  why the cell is expected to fail: {}\n", r.expected.why);
    }
    fmt::print("  reproduce: {}\n", r.reproduce);
    for (std::size_t i = 0; i < r.more_classes.size(); i++) {
        const RunRow& m = r.more_classes[i];
        fmt::print("\n== {} / {} / {}: failure class {} of {} (the search went on past the "
                   "classes before it)\n",
                   m.variant->name, m.property->name, to_string(m.profile), i + 2,
                   r.more_classes.size() + 1);
        fmt::print("  {}\n  failure class: {}\n", m.trace.failure(), m.failure_class->key());
        fmt::print("  failed at {}; {}:\n", failed_at(m, test_word), shrink_words(m));
        if (m.swarm && m.swarm->failing_walk)
            fmt::print("  the walk's swarm configuration: {}\n", m.swarm->failing_configuration);
        if (!m.found_by.empty()) fmt::print("  {}\n", m.found_by);
        print_trace(m);
        fmt::print("  reproduce: {}\n", m.reproduce);
    }
}

void print_run_header(const RunOptions& opts) {
    fmt::print("daxcheck run: seed {}, {} tests and then {} swarm walks per cell{}, universe {}\n\n",
               opts.cell.seed, opts.cell.tests, opts.walks,
               opts.walks ? other_orders_text(opts.universe_given, opts.walks) : "", universe_flags(opts.cell.universe));
    std::fflush(stdout);  // the seed survives a kill when stdout is a file or pipe
}

void print_interrupted(const RunOptions& opts, std::size_t cells_done, const std::string& command) {
    fmt::print("\ninterrupted by signal {} after {} of {} cells (seed {}); the whole run:\n"
               "  reproduce: {} {}\n",
               g_interrupt_signal.load(), cells_done,
               opts.variants.size() * opts.properties.size() * opts.profiles.size(), opts.cell.seed,
               daxcheck_prefix(opts.variants), command);
}

void print_not_written(bool saving, bool reporting) {
    if (saving || reporting)
        fmt::print("stopped on the signal: {}\n", saving && reporting ? "nothing saved, no report written"
                                                   : saving           ? "nothing saved"
                                                                      : "no report written");
}

void print_run(const RunOptions& opts, const std::vector<RunRow>& rows) {
    fmt::print("{:<20} {:<18} {:<10} {:<8} {:<9} {:>6} {:>6} {:>9}\n", "variant", "property",
               "profile", "verdict", "expected", "tests", "walks", "time");
    for (const auto& r : rows)
        fmt::print("{:<20} {:<18} {:<10} {:<8} {:<9} {:>6} {:>6} {:>6.0f} ms{}\n", r.variant->name,
                   r.property->name, to_string(r.profile), verdict_word(r),
                   r.expected.pass ? "pass" : "fail", r.result.tests_run,
                   r.swarm ? std::to_string(walks_run(*r.swarm)) : "-", r.result.time_ms,
                   r.as_expected() ? "" : "   UNEXPECTED");
    for (const auto& r : rows) print_cell_details(r);
    std::size_t good = 0;
    std::uint64_t tests = 0, operations = 0, walks = 0;
    // The searches for further classes (--classes) run tests and walks too.
    std::uint64_t further_tests = 0, further_walks = 0;
    for (const auto& r : rows) {
        good += r.as_expected();
        tests += static_cast<std::uint64_t>(r.result.tests_run);
        operations += r.result.generation.operations() + r.further.operations;
        if (r.swarm) {
            walks += walks_run(*r.swarm);
            operations += r.swarm->operations;
        }
        further_tests += r.further.tests;
        further_walks += r.further.walks;
    }
    fmt::print("\n{} RapidCheck tests and {} swarm walks{}: {} operations checked (shrinking not "
               "counted)\n",
               grouped(tests + further_tests), grouped(walks + further_walks),
               further_tests + further_walks
                   ? fmt::format(" ({} tests and {} walks of them searching for further failure classes)",
                                 grouped(further_tests), grouped(further_walks))
                   : "",
               grouped(operations));
    fmt::print("{}: {} as expected, {} unexpected\n", counted(rows.size(), "cell"), good, rows.size() - good);
    fmt::print("{}", small_universe_note(passed_expected_fails(rows), opts.cell.universe,
                                         model::Universe::with_pmd_order(opts.cell.universe.pmd_order)));
    fmt::print("{}", short_search_note(passed_expected_fails(rows),
                                       {{"--tests", static_cast<std::uint64_t>(opts.cell.tests), kDefaultRunTests},
                                        {"--walks", opts.walks, kDefaultRunWalks}}));
}

std::size_t passed_expected_fails(const std::vector<RunRow>& rows) {
    std::size_t n = 0;
    for (const auto& r : rows)
        n += !r.expected.pass && r.result.verdict == CellResult::Verdict::Pass;
    return n;
}

namespace {

// Who found the printed counterexample, and whether it is known shortest.
nlohmann::json shrinking_json(const RunRow& r) {
    using nlohmann::json;
    if (r.result.verdict != CellResult::Verdict::Fail) return json(nullptr);
    json out = {{"shrunk_by", r.shrinker}, {"length", r.result.counterexample.size()}};
    if (!r.minimisation) return out;
    const Minimisation& m = *r.minimisation;
    out["shrunk_length"] = m.original_length;
    out["found_by"] = m.shorter.empty() ? r.shrinker : "explorer";
    out["shortest_in_spanned_universe"] = m.proven_shortest;
    out["spanned_universe"] = universe_flags(m.universe);
    out["search_skipped"] = m.skipped;
    out["search"] = {{"stop", to_string(m.search.stop)},
                     {"states", m.search.states},
                     {"transitions", m.search.transitions},
                     {"depth_completed", m.search.depth_completed}};
    return out;
}

}  // namespace

namespace {

// Every class found in the cell, the first one's counterexample first.
nlohmann::json classes_json(const RunRow& r) {
    using nlohmann::json;
    json out = json::array();
    if (!r.failure_class) return out;
    auto one = [&](const RunRow& x) {
        json ops = json::array();
        for (const auto& op : x.result.counterexample) ops.push_back(to_text(op));
        out.push_back({{"class", x.failure_class->key()},
                       {"property", x.failure_class->property},
                       {"warning_sites", x.failure_class->warning_sites},
                       {"pfn_pairs", x.failure_class->pfn_pairs},
                       {"shape", x.failure_class->shape},
                       {"failure", x.trace.failure()},
                       {"counterexample", ops}});
    };
    one(r);
    for (const auto& m : r.more_classes) one(m);
    return out;
}

}  // namespace

bool write_run_json(const RunOptions& opts, const std::vector<RunRow>& rows,
                    const std::string& path, std::string& error,
                    const std::vector<BaseDiffRow>& diffs) {
    return write_json_file(run_json(opts, rows, diffs), path, error);
}

nlohmann::json run_json(const RunOptions& opts, const std::vector<RunRow>& rows,
                        const std::vector<BaseDiffRow>& diffs) {
    using nlohmann::json;
    json doc;
    doc["interrupted"] = interrupted();  // SIGINT/SIGTERM: the cells run before it
    const auto& u = opts.cell.universe;
    doc["seed"] = opts.cell.seed;
    doc["tests"] = opts.cell.tests;
    doc["walks"] = opts.walks;
    doc["universe"] = {{"files", u.files},         {"pfns", u.pfns},
                       {"offsets", u.offsets},     {"pmd_order", u.pmd_order},
                       {"max_pins", u.max_pins}};
    json results = json::array();
    std::size_t good = 0;
    for (const auto& r : rows) {
        json ops = json::array();
        for (const auto& op : r.result.counterexample) ops.push_back(to_text(op));
        const auto steps_json = [](const std::vector<TraceStep>& steps) {
            json out = json::array();
            for (const auto& s : steps) {
                json pfns = json::array();
                for (const auto& p : s.pfns)
                    pfns.push_back({{"pfn", p.pfn}, {"model", p.model}, {"decode", p.decode},
                                    {"raw", p.raw}, {"mismatch", p.mismatch}});
                out.push_back({{"op", s.op}, {"pfns", pfns}, {"warnings", s.warnings},
                               {"failure", s.failure ? json(*s.failure) : json(nullptr)}});
            }
            return out;
        };
        results.push_back({
            {"variant", r.variant->name},
            {"property", r.property->name},
            {"profile", to_string(r.profile)},
            {"verdict", verdict_word(r)},
            {"expected", r.expected.pass ? "pass" : "fail"},
            {"as_expected", r.as_expected()},
            {"tests", r.result.tests_run},
            {"walks", r.swarm ? json(walks_run(*r.swarm)) : json(nullptr)},
            {"operations", r.result.generation.operations() + (r.swarm ? r.swarm->operations : 0)},
            {"seed", opts.cell.seed},
            {"time_ms", r.result.time_ms},
            {"failure", r.result.verdict == CellResult::Verdict::Pass ? json(nullptr)
                                                                      : json(r.result.message)},
            {"counterexample", ops},
            {"shrinking", shrinking_json(r)},
            {"trace", steps_json(r.trace.steps)},
            {"end_trace", steps_json(r.trace.end_steps)},
            {"reproduce", r.reproduce},
            {"classes", classes_json(r)},
        });
        good += r.as_expected();
    }
    doc["results"] = results;
    doc["classes_per_cell"] = opts.classes;
    if (opts.diffing()) doc["base_diff"] = base_diff_json(diffs);
    doc["summary"] = {{"cells", rows.size()}, {"as_expected", good},
                      {"unexpected", rows.size() - good}};
    return doc;
}

}  // namespace daxcheck

namespace daxcheck {

std::vector<FoundClass> RunRow::found_classes(const model::Universe& run_universe) const {
    std::vector<FoundClass> out;
    auto one = [&](const RunRow& x) {
        if (x.result.verdict == CellResult::Verdict::Fail && x.failure_class)
            out.push_back({*x.failure_class, x.result.counterexample,
                           x.universe ? *x.universe : run_universe});
    };
    one(*this);
    for (const auto& m : more_classes) one(m);
    return out;
}

const Variant* base_for(const RunOptions& opts, const Variant& v, std::string* why) {
    if (opts.base) return opts.base;
    if (!opts.base_from_ports) return nullptr;
    if (v.base.empty()) {
        if (why) *why = fmt::format("variant '{}' names no base: give --base VARIANT", v.name);
        return nullptr;
    }
    // A port's "+debug_vm" build compares with its base's "+debug_vm" build.
    const auto plus = v.name.find('+');
    if (plus != std::string::npos)
        if (const Variant* b = find_variant(v.base + v.name.substr(plus))) return b;
    const Variant* b = find_variant(v.base);
    if (!b && why) *why = fmt::format("variant '{}' names base '{}', which is no variant", v.name, v.base);
    return b;
}

std::string set_base(RunOptions& opts, const std::optional<std::string>& base) {
    if (!base) return "";
    if (base->empty()) {
        opts.base_from_ports = true;
    } else {
        opts.base = find_variant(*base);
        if (!opts.base) {
            std::string known;
            for (const auto& v : variants()) known += (known.empty() ? "" : ", ") + v.name;
            // --base takes an optional value: the word after it is taken,
            // a file or directory too (replay --base corpus).
            std::error_code ec;
            const bool path = std::filesystem::exists(*base, ec);
            return fmt::format("--base: unknown variant '{}' (known: {}){}", printable(*base), known,
                               path ? fmt::format("; '{}' is a file or directory, which a bare --base takes "
                                                  "as its value: give the base as --base=VARIANT, or put "
                                                  "'{}' before --base",
                                                  printable(*base), printable(*base))
                                    : "");
        }
    }
    for (const Variant* v : opts.variants) {
        std::string why;
        if (!base_for(opts, *v, &why) && !why.empty()) return "--base: " + why;
    }
    return "";
}

std::vector<BaseDiffRow> diff_with_base(const RunOptions& opts, const std::vector<RunRow>& rows,
                                        const BaseCellRunner& run_base) {
    std::vector<BaseDiffRow> out;
    // Each base cell runs once, with the run's own seed and budgets.
    std::map<std::tuple<std::string, std::string, Profile>, RunRow> base_rows;
    for (const RunRow& r : rows) {
        const Variant* b = base_for(opts, *r.variant);
        if (!b) continue;
        const auto key = std::make_tuple(b->name, r.property->name, r.profile);
        auto it = base_rows.find(key);
        if (it == base_rows.end()) {
            if (interrupted()) break;
            if (run_base) {
                it = base_rows.emplace(key, run_base(*b, *r.property, r.profile)).first;
            } else {
                RunOptions one = opts;
                one.variants = {b};
                one.properties = {r.property};
                one.profiles = {r.profile};
                auto ran = run_cells(one);
                if (ran.empty()) break;
                it = base_rows.emplace(key, std::move(ran.front())).first;
            }
        }
        const RunRow& base = it->second;
        const auto& u = opts.cell.universe;
        BaseDiffRow d{&r, b, diff_cell(*r.variant, *b, *r.property, r.profile, r.found_classes(u), base.found_classes(u))};
        d.error = r.result.verdict == CellResult::Verdict::Error ||
                  base.result.verdict == CellResult::Verdict::Error;
        out.push_back(std::move(d));
    }
    return out;
}

void print_check_diff(const Variant& patch, const Variant& base) {
    const CheckDiff c = diff_checks(patch, base);
    if (c.empty()) {
        fmt::print("Declared checks of {} against {}: the same\n", patch.name, base.name);
        return;
    }
    fmt::print("Declared checks of {} against {} (a port is held only to the checks it declares):\n",
               patch.name, base.name);
    for (const auto& d : c.dropped) fmt::print("  dropped  {}\n", d);
    for (const auto& d : c.changed) fmt::print("  changed  {}\n", d);
    for (const auto& d : c.added) fmt::print("  added    {}\n", d);
}

nlohmann::json check_diff_json(const Variant& patch, const Variant& base) {
    const CheckDiff c = diff_checks(patch, base);
    return {{"dropped", c.dropped}, {"changed", c.changed}, {"added", c.added}};
}

void print_base_diff(const std::vector<BaseDiffRow>& diffs) {
    if (diffs.empty()) return;
    std::set<std::pair<std::string, std::string>> pairs;
    for (const auto& d : diffs)
        if (pairs.emplace(d.row->variant->name, d.base->name).second) print_check_diff(*d.row->variant, *d.base);
    fmt::print("\n");
    fmt::print("Against the base, by failure class:\n");
    fmt::print("{:<20} {:<12} {:<18} {:<10} {}\n", "variant", "base", "property", "profile", "change");
    std::size_t regressions = 0;
    for (const auto& d : diffs) {
        const bool bad = is_regression(d.diff.change) || d.error;
        regressions += bad;
        fmt::print("{:<20} {:<12} {:<18} {:<10} {}{}\n", d.row->variant->name, d.base->name,
                   d.row->property->name, to_string(d.row->profile),
                   d.error ? "error" : d.diff.change_text(), bad ? "   <-" : "");
    }
    for (const auto& d : diffs) {
        if (d.diff.classes.empty()) continue;
        fmt::print("\n-- {} / {} / {} against {}: {}\n", d.row->variant->name, d.row->property->name,
                   to_string(d.row->profile), d.base->name, d.diff.change_text());
        for (const auto& c : d.diff.classes) {
            fmt::print("  {:<34} {}\n", to_string(c.change), c.cls.key());
            for (const auto& q : c.new_parts) fmt::print("  {:<34} new: {}\n", "", q);
            for (const auto& q : c.gone_parts) fmt::print("  {:<34} no longer: {}\n", "", q);
            if (!c.note.empty()) fmt::print("  {:<34} {}\n", "", c.note);
            std::string ops;
            for (const auto& op : c.counterexample) ops += (ops.empty() ? "" : "; ") + to_text(op);
            fmt::print("  {:<34} {}: {}\n", "", c.from_base ? "base's" : "e.g.", ops);
        }
        // The cell's own command, compared with the same base again.
        if (is_regression(d.diff.change) && !d.row->reproduce.empty())
            fmt::print("  reproduce: {} --base {}\n", d.row->reproduce, shell_quoted(d.base->name));
    }
    fmt::print("\n{} against the base: {}\n\n", counted(diffs.size(), "cell"), regressions_text(regressions));
}

nlohmann::json base_diff_json(const std::vector<BaseDiffRow>& diffs) {
    using nlohmann::json;
    json out = json::array();
    for (const auto& d : diffs) {
        json classes = json::array();
        for (const auto& c : d.diff.classes) {
            json ops = json::array();
            for (const auto& op : c.counterexample) ops.push_back(to_text(op));
            classes.push_back({{"class", c.cls.key()}, {"change", to_string(c.change)},
                               {"new_parts", c.new_parts}, {"gone_parts", c.gone_parts}, {"counterexample", ops},
                               {"note", c.note}, {"by_dropped_check", c.by_dropped_check}});
        }
        out.push_back({{"variant", d.row->variant->name},
                       {"base", d.base->name},
                       {"property", d.row->property->name},
                       {"profile", to_string(d.row->profile)},
                       {"change", d.error ? "error" : to_string(d.diff.change)},
                       {"fixed_by_dropped_check", d.diff.fixed_by_dropped_check()},
                       {"regression", is_regression(d.diff.change) || d.error},
                       {"checks", check_diff_json(*d.row->variant, *d.base)},
                       {"classes", classes}});
    }
    return out;
}

bool base_diff_regressed(const std::vector<BaseDiffRow>& diffs) {
    return std::any_of(diffs.begin(), diffs.end(),
                       [](const BaseDiffRow& d) { return d.error || is_regression(d.diff.change); });
}

}  // namespace daxcheck
