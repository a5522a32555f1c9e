#include "cli/race_command.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>

#include "cli/checkout_dir.h"
#include "cli/flag_checks.h"
#include "cli/interrupt_handler.h"
#include "cli/output_file.h"
#include "cli/selection.h"
#include "cli/shell_words.h"
#include "cli/universe_flags.h"
#include "engines/corpus_file.h"
#include "harness/printable.h"
#include "impl/expectations.h"
#include "race/prefixes.h"
#include "race/race_corpus.h"
#include "race/race_text.h"
#include "race/stress_script.h"
#include "fslevel/fs_text.h"
#include "fslevel/xfs_io.h"
#include "harness/op_text.h"

namespace race_cli {

using namespace daxcheck;

// What the prefix states and their pairs may hold unless --memory-budget says.
constexpr double kDefaultMemoryMb = 4096;

struct RaceCommand::Flags {
    std::string variant, level = "function", json_path, emit_path, corpus_dir;
    std::optional<unsigned> depth, preemptions;
    std::optional<std::uint64_t> seed;
    std::uint64_t max_runs = 1000000;
    double seconds = 0;
    double memory_mb = kDefaultMemoryMb;
    bool no_sleep_sets = false, save = false;
    UniverseFlags universe;
};

RaceCommand::RaceCommand() : flags_(std::make_unique<Flags>()) {}
RaceCommand::~RaceCommand() = default;

namespace {

constexpr int kUsageError = 2;
constexpr unsigned kDefaultDepth = 2;

std::function<std::string(const std::string&)>& prefix_rule() {
    static std::function<std::string(const std::string&)> rule;
    return rule;
}

std::string command_prefix(const std::string& port_file) {
    if (prefix_rule()) return prefix_rule()(port_file);
    return port_file.empty() ? "./daxcheck" : "./daxcheck --port " + shell_quoted(port_file);
}

// What makes two race files the same race: the level, the universe, the
// operations before it, its two operations and its schedule.
std::string race_key(const CorpusFile& f) {
    std::string key = fmt::format("{}|{}|", f.fs_level ? "fs" : "function", universe_text(f.universe));
    if (f.fs_level)
        for (const auto& op : f.fs_operations()) key += ::daxcheck::fslevel::to_text(op) + ";";
    else
        for (const auto& op : f.operations()) key += ::daxcheck::to_text(op) + ";";
    key += "|" + f.race->sides[0] + "||" + f.race->sides[1] + "|";
    for (int side : f.race->schedule) key += std::to_string(side);
    return key;
}

// A file in `dir` that holds the same race and expects `variant` to fail:
// its path, so --save-failures does not save the race twice.
std::optional<std::string> race_already_in(const std::string& dir, const CorpusFile& file,
                                           const std::string& variant) {
    std::error_code ec;
    const std::string key = race_key(file);
    // (This file is built in race's namespace, apart from replay's listing.)
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        std::error_code kind;
        if (entry.path().extension() != ".dax" || !entry.is_regular_file(kind)) continue;
        const std::string path = entry.path().string();
        const CorpusParse parsed = load_corpus(path);
        if (!parsed.file || !parsed.file->race || race_key(*parsed.file) != key) continue;
        for (const auto& e : parsed.file->expect)
            if (e.variant == variant && !e.pass) return path;
    }
    return std::nullopt;
}

// Saves `file` in `dir` as race-VARIANT[-fs]-HASH.dax unless a file there
// holds the same race for this variant; false, with the error printed, when
// it cannot.
bool save_race(const CorpusFile& file, const Variant& v, bool fs, const std::string& dir,
               const std::string& reproduce) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // as run, swarm and explore do
    if (const auto there = race_already_in(dir, file, v.name)) {
        fmt::print("already in the corpus as {}: not saved again\n", printable(*there));
        return true;
    }
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : corpus_text(file)) h = (h ^ c) * 0x100000001b3ull;
    std::string stem = fmt::format("race-{}{}-{:08x}", v.name, fs ? "-fs" : "", static_cast<std::uint32_t>(h));
    for (char& c : stem)
        if (c == '+') c = '_';
    // A name another file holds: the next free NAME-k.dax (the same race
    // under any name was found above).
    return write_corpus_file(dir, stem + ".dax", corpus_text(file, {"Saved by: " + reproduce + " --save-failures"}));
}

int usage(const std::string& message) {
    fmt::print(stderr, "daxcheck: {}\n", message);
    return kUsageError;
}

// FILE.json for --emit FILE.sh, "" when the name does not end in .sh.
std::string emit_predictions_path(const std::string& emit) {
    if (emit.size() <= 3 || !emit.ends_with(".sh") || emit.ends_with("/.sh")) return "";
    return emit.substr(0, emit.size() - 3) + ".json";
}

std::string known_variants() {
    std::string out;
    for (const auto& v : variants()) out += (out.empty() ? "" : ", ") + v.name;
    return out;
}

// FILE:LINE: why, when a race file's schedule is not a run of the variant it
// was recorded on: replaying it would run another interleaving than the file
// names. nullopt too when that variant's prefix does not run (its replay says why).
std::optional<std::string> bad_schedule(const std::string& path, const CorpusFile& f) {
    const Variant* v = find_variant(race::recorded_variant(f));
    std::string error;
    const auto prefix = v ? race::prefix_of(*v, f, error) : std::nullopt;
    if (!prefix) return std::nullopt;
    const auto why = race::schedule_error(*v, f, *prefix);
    if (!why) return std::nullopt;
    return fmt::format("{}:{}: 'schedule:' is not a run of the race on {} (the first expect: line's "
                       "variant, the run a schedule records): {}",
                       printable(path), f.race->schedule_line, v->name, *why);
}

}  // namespace

void RaceCommand::add_to(CLI::App& app) {
    Flags& f = *flags_;
    command_ = app.add_subcommand(
        "race", "run two operations of two different files concurrently in every interleaving of "
                "their page and folio field accesses, and check each ends where a serial order ends");
    command_->add_option("--variant", f.variant, "the variant to check")->required();
    command_->add_option("--level", f.level, "function (dax_associate_entry calls) or fs (filesystem "
                                             "operations through the version's fault path)")
        ->check(CLI::IsMember({"function", "fs"}));
    command_->add_option("--depth", f.depth,
                         fmt::format("longest prefix: every state reachable in this many operations "
                                     "(default {})", kDefaultDepth))
        ->check(CLI::Range(0, 12));
    command_->add_option("--preemptions", f.preemptions,
                         "preemption bound per pair (default: none, every interleaving)")
        ->check(CLI::Range(0, 1000));
    command_->add_option("--seed", f.seed, "orders the states of one prefix length (default: random, printed)")
        ->check(flag_checks::seed());
    command_->add_option("--max-runs", f.max_runs, "interleavings per pair at most (default 1000000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    command_->add_option("--seconds", f.seconds, "stop after S seconds, 0 for none (default 0)")
        ->check(flag_checks::finite(0, 1e6));
    command_->add_option("--memory-budget", f.memory_mb,
                         "MB the prefix states and their pairs may hold, 0 for none (default 4096)")
        ->check(flag_checks::finite(0, 1e7));
    command_->add_flag("--no-sleep-sets", f.no_sleep_sets, "no partial-order reduction");
    command_->add_option("--json", f.json_path, "also write the result as JSON to FILE")
        ->check(flag_checks::name());
    command_->add_option("--emit", f.emit_path,
                         "--level fs: write the failure's stress reproducer for ./daxcheck kernel to "
                         "FILE.sh (the name ends in .sh) and its predictions beside it to FILE.json "
                         "(neither may be --json's file)")
        ->check(flag_checks::name());
    auto* saving = command_->add_flag("--save-failures", f.save, "save the failure as a race: corpus file");
    command_->add_option("--corpus-dir", f.corpus_dir, "where --save-failures writes (default: corpus/)")
        ->check(flag_checks::name())
        ->needs(saving);
    f.universe.add_to(*command_, race::default_race_universe());
}

bool RaceCommand::parsed() const { return command_ && command_->parsed(); }

int RaceCommand::run() {
    const Flags& f = *flags_;
    const Variant* v = find_variant(f.variant);
    if (!v)
        return usage(fmt::format("--variant: unknown variant '{}' in the concurrency build (known: {}; an "
                                 "out-of-tree port whose file says // daxcheck-no-race is not in it)",
                                 printable(f.variant), known_variants()));
    const model::Universe u = f.universe.universe_from(race::default_race_universe());
    if (auto problem = model::universe_problem(u); !problem.empty()) return usage("bad universe: " + problem);
    if (auto e = f.universe.pmd_order_problem(u); !e.empty()) return usage(e);
    if (u.files < 2) return usage("--files: a race needs two files");
    const bool fs = f.level == "fs";
    const char* level_name = fs ? "filesystem" : "function";  // as run and explore name the levels
    // --emit FILE.sh writes FILE.sh and FILE.json, the pair ./daxcheck kernel
    // reads; --json may name neither.
    const std::string predictions_path = emit_predictions_path(f.emit_path);
    if (!f.emit_path.empty()) {
        if (!fs) return usage("--emit: the stress reproducer is filesystem operations: give --level fs");
        if (u.pmd_order > fslevel::kMaxScriptPmdOrder)
            return usage(fmt::format("--emit: --pmd-order {}: a model page would be smaller than a kernel page "
                                     "(2 MiB >> pmd-order); the stress reproducer needs --pmd-order {} or less",
                                     u.pmd_order, fslevel::kMaxScriptPmdOrder));
        if (predictions_path.empty())
            return usage(fmt::format("--emit {}: the stress reproducer's name ends in .sh (its predictions "
                                     "go beside it, FILE.sh -> FILE.json, as ./daxcheck kernel reads them)",
                                     printable(f.emit_path)));
        if (auto e = output_path_problem("--emit", f.emit_path); !e.empty()) return usage(e);
        if (auto e = output_path_problem("--emit (its predictions)", predictions_path); !e.empty()) return usage(e);
        if (!f.json_path.empty() && (same_file(f.json_path, f.emit_path) || same_file(f.json_path, predictions_path)))
            return usage(fmt::format("--json {}: that is --emit's {} (give --json another name)",
                                     printable(f.json_path),
                                     same_file(f.json_path, f.emit_path) ? "script" : "predictions file"));
    }
    if (!f.json_path.empty())
        if (auto e = output_path_problem("--json", f.json_path); !e.empty()) return usage(e);
    const std::string corpus_dir = f.corpus_dir.empty() ? default_corpus_dir() : f.corpus_dir;
    if (f.save) {
        if (auto e = port_corpus_problem({v}, !f.corpus_dir.empty(), default_corpus_dir()); !e.empty()) return usage(e);
        if (auto e = output_dir_problem("--corpus-dir", corpus_dir); !e.empty()) return usage(e);
    }
    if (fs && !fault_path_of(*v)) return usage(fmt::format("--level fs: variant '{}' has no fault path", v->name));
    if (!f.json_path.empty()) claim_stdout_for_json(f.json_path);
    const unsigned depth = f.depth.value_or(kDefaultDepth);
    const std::uint64_t seed = f.seed ? *f.seed : std::random_device{}() % 1000000000;

    // The command that reruns exactly this.
    std::string reproduce = fmt::format("{} race --variant {} --level {} --depth {} --seed {}",
                                        command_prefix(v->port_file), shell_quoted(v->name), f.level,
                                        depth, seed);
    if (f.preemptions) reproduce += fmt::format(" --preemptions {}", *f.preemptions);
    if (f.no_sleep_sets) reproduce += " --no-sleep-sets";
    if (f.max_runs != 1000000) reproduce += fmt::format(" --max-runs {}", f.max_runs);
    if (f.seconds > 0) reproduce += fmt::format(" --seconds {}", f.seconds);
    if (f.memory_mb != kDefaultMemoryMb) reproduce += fmt::format(" --memory-budget {:g}", f.memory_mb);
    reproduce += fmt::format(" --files {} --pfns {} --offsets {} --pmd-order {} --max-pins {}", u.files,
                             u.pfns, u.offsets, u.pmd_order, u.max_pins);
    fmt::print("daxcheck race: {} ({} level), seed {}, prefixes of up to {} operation{}, universe {}\n",
               v->name, level_name, seed, depth, depth == 1 ? "" : "s", universe_text(u));
    std::fflush(stdout);

    race::RaceOptions options;
    options.enumerate.sleep_sets = !f.no_sleep_sets;
    options.enumerate.preemption_bound = f.preemptions;
    options.max_runs_per_pair = f.max_runs;
    options.time_budget_s = f.seconds;
    options.memory_budget_bytes = flag_checks::budget_bytes(f.memory_mb);
    const race::PrefixSource prefixes =
        fs ? race::fs_prefixes(*v, u, depth, seed) : race::function_prefixes(*v, u, depth, seed);
    // Ctrl-C or SIGTERM stops the search at its next prefix; what it found
    // so far is printed, nothing is saved or emitted, the exit is 130/143.
    install_interrupt_handlers();
    race::RaceResult r;
    try {
        r = race::race(*v, prefixes, options);
    } catch (const std::bad_alloc&) {
        // A budget above what the machine or `ulimit -v` gives: an error,
        // not an abort with no output.
        const std::string error = fmt::format("out of memory before the memory budget ({:g} MB) was "
                                              "reached: give a smaller --memory-budget", f.memory_mb);
        fmt::print("\n== {} / race ({} level): error: {}\n  reproduce: {}\n", v->name, level_name, error,
                   reproduce);
        if (!f.json_path.empty()) {
            const nlohmann::json j = {{"variant", v->name}, {"level", f.level}, {"seed", seed},
                                      {"depth", depth}, {"universe", universe_text(u)},
                                      {"verdict", "error"}, {"error", error}, {"as_expected", nullptr},
                                      {"reproduce", reproduce}};
            if (auto e = write_output_file(f.json_path, j.dump(2) + "\n"); !e.empty()) return usage(e);
        }
        return 1;
    }
    const race::RaceStats& s = r.stats;
    const Expectation expected = race_expectation_for(*v, fs);
    const bool failed = r.failure.has_value();
    const bool as_expected = failed != expected.pass;
    const bool stopped = s.interrupted;
    // A budget that cut the search short (--seconds, the memory bound, a
    // pair's --max-runs): a pass claims every interleaving, so without a
    // failure there is no verdict.
    const char* cut_by = stopped         ? "signal"
                         : s.time_hit    ? "seconds"
                         : s.memory_hit  ? "memory"
                         : s.budget_hits ? "max-runs"
                                         : nullptr;
    const bool no_verdict = cut_by && !failed;

    if (stopped)
        fmt::print("\n== {} / race ({} level): interrupted by signal {} after {} prefix states: {}\n", v->name,
                   level_name, g_interrupt_signal.load(), s.prefixes,
                   failed ? "a failure found before it (a shorter one may exist)"
                          : "no verdict (the search is incomplete)");
    else if (no_verdict)
        fmt::print("\n== {} / race ({} level): no verdict: the search is incomplete ({}, below); "
                   "a pass needs every interleaving checked\n",
                   v->name, level_name,
                   s.time_hit ? "--seconds stopped it" : s.memory_hit ? "the memory bound stopped it"
                                                                       : "pairs hit --max-runs");
    else
        fmt::print("\n== {} / race ({} level): {} ({})\n", v->name, level_name, failed ? "fail" : "pass",
                   as_expected ? "expected" : fmt::format("UNEXPECTED: expected {}", expected.pass ? "pass" : "fail"));
    if (failed) {
        fmt::print("{}", race::failure_text(*r.failure));
        if (!expected.pass) fmt::print("  why the cell is expected to fail: {}\n", expected.why);
    }
    fmt::print("  reproduce: {}\n", reproduce);
    fmt::print("\n{} prefix states, {} pairs of operations of two files ({} without a conflicting access), "
               "{} interleavings checked ({} cut by sleep sets), {:.2f} s{}{}\n",
               s.prefixes, s.pairs, s.independent_pairs, s.interleavings, s.redundant, s.seconds,
               s.budget_hits ? fmt::format("; {} pairs hit --max-runs", s.budget_hits) : "",
               s.interrupted  ? fmt::format("; stopped by signal {}", g_interrupt_signal.load())
               : s.time_hit   ? std::string("; stopped by --seconds")
               : s.memory_hit ? fmt::format("; stopped: the states and pairs to race from outgrew "
                                            "--memory-budget ({:g} MB)", f.memory_mb)
                              : std::string());
    if (stopped && (f.save || !f.emit_path.empty()))
        fmt::print("stopped on the signal: nothing saved{}\n", f.emit_path.empty() ? "" : " or emitted");

    if (failed && f.save && !stopped) {
        const CorpusFile file = race::race_corpus_file(*v, u, fs, *r.failure, r.failure->why);
        if (!save_race(file, *v, fs, corpus_dir, reproduce)) return kUsageError;
    }
    if (stopped) {
        // --emit's files are left as they were, as --save-failures' are.
    } else if (failed && !f.emit_path.empty()) {
        const std::string script = race::stress_script(*r.failure, u, v->name);
        if (auto e = write_output_file(f.emit_path, script); !e.empty()) return usage(e);
        const nlohmann::json predictions = race::stress_predictions(*r.failure, v->name, reproduce);
        if (auto e = write_output_file(predictions_path, predictions.dump(2) + "\n"); !e.empty()) return usage(e);
        fmt::print("wrote {} and {} (run it: {} kernel --cpus 2 {})\n", printable(f.emit_path),
                   printable(predictions_path), command_prefix(""), shell_quoted(f.emit_path));
    } else if (!f.emit_path.empty()) {
        fmt::print("no failure: no stress reproducer written to {}\n", printable(f.emit_path));
    }
    if (!f.json_path.empty()) {
        nlohmann::json j = {{"variant", v->name}, {"level", f.level}, {"seed", seed}, {"depth", depth},
                            {"universe", universe_text(u)},
                            {"verdict", no_verdict ? "none" : failed ? "fail" : "pass"},
                            {"interrupted", stopped},
                            {"stopped_by", cut_by ? nlohmann::json(cut_by) : nlohmann::json(nullptr)},
                            {"max_runs_hits", s.budget_hits},
                            {"expected", expected.pass ? "pass" : "fail"}, {"as_expected", as_expected},
                            {"prefixes", s.prefixes}, {"pairs", s.pairs},
                            {"independent_pairs", s.independent_pairs},
                            {"interleavings", s.interleavings}, {"redundant", s.redundant},
                            {"seconds", s.seconds}, {"reproduce", reproduce}, {"failure", nullptr}};
        if (no_verdict) j["as_expected"] = nullptr;  // no verdict to compare
        if (failed) {
            const auto& x = *r.failure;
            nlohmann::json steps = nlohmann::json::array();
            for (std::size_t i = 0; i < x.schedule.size() && i < x.step_text.size(); i++)
                steps.push_back({{"operation", x.schedule[i] ? x.pair.b.text : x.pair.a.text},
                                 {"access", x.step_text[i]}});
            j["failure"] = {{"prefix", x.prefix}, {"operations", {x.pair.a.text, x.pair.b.text}},
                            {"steps", steps}, {"preemptions", x.preemptions}, {"why", x.why},
                            {"serial_ab", x.serial_ab.pfns}, {"serial_ba", x.serial_ba.pfns},
                            {"interleaved", x.outcome.pfns}};
        }
        if (auto e = write_output_file(f.json_path, j.dump(2) + "\n"); !e.empty()) return usage(e);
        fmt::print("wrote {}\n", output_name(f.json_path));
    }
    if (stopped) return interrupt_exit_code();
    return as_expected && !no_verdict ? 0 : 1;
}

void set_command_prefix(std::function<std::string(const std::string& port_file)> prefix) {
    prefix_rule() = std::move(prefix);
}

bool has_variant(const std::string& variant) { return find_variant(variant) != nullptr; }

std::pair<int, int> replay_corpus_file(const std::string& path, const std::string& variant,
                                       const std::string& base) {
    const CorpusParse parsed = load_corpus(path);
    if (!parsed.file) {
        for (const auto& e : parsed.errors) fmt::print("{}\n", e.text());
        return {0, 1};
    }
    const CorpusFile& f = *parsed.file;
    if (const auto bad = bad_schedule(path, f)) {
        fmt::print("{}\n", *bad);
        return {0, 1};
    }
    // The lines to replay and the variant each runs on: every line on its
    // own variant; with `variant`, its line, else its base's run on it.
    struct Check {
        const CorpusExpect* line;
        std::string on, from;  // `from`: whose expectation, when not its own
    };
    std::vector<Check> checks;
    for (const auto& e : f.expect)  // a line of a port not loaded here: skipped by the caller
        if (e.registered && (variant.empty() || e.variant == variant)) checks.push_back({&e, e.variant, ""});
    if (!variant.empty() && checks.empty() && !base.empty())
        for (const auto& e : f.expect)
            if (e.registered && e.variant == base) checks.push_back({&e, variant, ", " + base + "'s expectation"});
    if (checks.empty()) {
        // No line to replay on `variant`: the file is still checked as far
        // as it can be without one, on the variant its schedule records (a
        // race that cannot be built there fails plain replay on every line).
        const Variant* v = find_variant(race::recorded_variant(f));
        std::string error;
        int line = 0;
        if (v && !race::prefix_of(*v, f, error, &line)) {
            fmt::print("FAIL  {}  {:<20} {}:{}: {}\n", printable(path), v->name, printable(path),
                       line ? line : f.expect.front().line, error);
            return {0, 1};
        }
        return {0, 0};
    }
    int passed = 0, failed = 0;
    for (const auto& [line_of, name, from] : checks) {
        const CorpusExpect& e = *line_of;
        const Variant* v = find_variant(name);
        std::string error;
        int line = 0;  // the line the error is about: the race: line, else the expect: line
        std::optional<race::Prefix> prefix = v ? race::prefix_of(*v, f, error, &line) : std::nullopt;
        if (!prefix) {
            fmt::print("FAIL  {}  {:<20} {}:{}: {}\n", printable(path), name, printable(path),
                       line ? line : e.line, v ? error : "no such variant in the concurrency build");
            failed++;
            continue;
        }
        const auto failure = race::replay_race(*v, f, *prefix, race::RaceOptions{});
        const bool ok = failure.has_value() != e.pass;
        fmt::print("{:<5} {}  {:<20} {:<4} (expected {}{})\n", ok ? "ok" : "FAIL", printable(path), name,
                   failure ? "fail" : "pass", e.pass ? "pass" : "fail", from);
        if (ok) {
            passed++;
            continue;
        }
        failed++;
        if (failure) fmt::print("{}", race::failure_text(*failure, "      "));
        else fmt::print("      every interleaving of the race ends where a serial order ends on {}; the file shows: {}\n",
                        name, f.shows);
        // command_prefix names the binary as run, with --port when its rule needs it.
        fmt::print("      reproduce: {} replay {}{}\n", command_prefix(v->port_file),
                   variant.empty() ? "" : "--variant " + shell_quoted(variant) + " ", shell_path(path));
    }
    return {passed, failed};
}

int emit_race_file(const std::string& path, const std::string& variant,
                   const std::string& script_out, const std::string& predictions_out) {
    const CorpusParse parsed = load_corpus(path);
    if (!parsed.file) {
        for (const auto& e : parsed.errors) fmt::print(stderr, "{}\n", e.text());
        return kUsageError;
    }
    const CorpusFile& f = *parsed.file;
    const std::string name = variant.empty() ? f.expect.front().variant : variant;
    const Variant* v = find_variant(name);
    if (!v) return usage(fmt::format("emit: unknown variant '{}' (known: {})", printable(name), known_variants()));
    std::string error;
    int line = 0;
    const auto prefix = race::prefix_of(*v, f, error, &line);
    if (!prefix)
        return usage(line ? fmt::format("{}:{}: {}", printable(path), line, error)
                          : fmt::format("{}: {}", printable(path), error));
    if (const auto bad = bad_schedule(path, f)) return usage(*bad);
    // The recorded interleaving's outcome, for the race step's predicted
    // warnings. The schedule of another variant's code names no interleaving
    // of this one: then its first failing interleaving's, and it says so.
    race::RaceFailure failure;
    std::optional<race::RaceFailure> failed;
    if (!race::schedule_error(*v, f, *prefix)) {
        failed = race::check_interleaving(*v, prefix->world, prefix->pairs.front(), f.race->schedule);
    } else {
        fmt::print(stderr, "daxcheck: {}: the schedule records a run of {}, not of {}: the predictions "
                           "come from {}'s first failing interleaving\n",
                   printable(path), race::recorded_variant(f), v->name, v->name);
        failed = race::replay_race(*v, f, *prefix, race::RaceOptions{});
    }
    if (failed) failure = std::move(*failed);
    failure.prefix = prefix->ops;
    failure.pair = prefix->pairs.front();
    const std::string script = race::stress_script(failure, f.universe, v->name);
    if (script_out.empty()) fmt::print("{}", script);
    else if (auto e = write_output_file(script_out, script); !e.empty()) return usage(e);
    if (!predictions_out.empty()) {
        nlohmann::json p = race::stress_predictions(failure, v->name, path);
        nlohmann::json expect = nlohmann::json::array();
        for (const auto& k : f.kernel) {
            if (k.clean) expect.push_back({{"kernel", k.kernel}, {"clean", true}});
            else expect.push_back({{"kernel", k.kernel}, {"warns", k.warns}});
        }
        p["kernel_expect"] = expect;
        if (auto e = write_output_file(predictions_out, p.dump(2) + "\n"); !e.empty()) return usage(e);
    }
    return 0;
}

RaceFigures race_figures(const std::string& variant, bool fs_level, unsigned files, unsigned pfns,
                         unsigned offsets, unsigned pmd_order, unsigned max_pins, unsigned depth) {
    const Variant* v = find_variant(variant);
    if (!v) throw std::invalid_argument("race_figures: no variant " + variant);
    model::Universe u = model::Universe::with_pmd_order(pmd_order);
    u.files = files;
    u.pfns = pfns;
    u.offsets = offsets;
    u.max_pins = max_pins;
    const race::PrefixSource p = fs_level ? race::fs_prefixes(*v, u, depth, 1) : race::function_prefixes(*v, u, depth, 1);
    const race::RaceResult r = race::race(*v, p, race::RaceOptions{});
    return {r.failure.has_value(), r.stats.prefixes, r.stats.pairs,
            r.stats.pairs - r.stats.independent_pairs, r.stats.interleavings, r.stats.redundant,
            r.stats.seconds};
}

}  // namespace race_cli
