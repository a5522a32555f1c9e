// daxcheck_bench: the benchmark of issue 7. Sections run one after the other,
// each in a forked child (its own peak memory); the last table sets every
// target of the issue next to what was measured.
//   daxcheck_bench [--section NAME]... [--quick] [--seeds N] [--json FILE] ...
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "bench/bench.h"
#include "bench/isolate.h"
#include "cli/flag_checks.h"
#include "cli/json_file.h"

using namespace daxcheck;
using namespace daxcheck::bench;

namespace {

struct Section {
    const char* name;
    nlohmann::json (*run)(const Options&);
};
constexpr Section kSections[] = {
    {"detect", detect_section},   {"throughput", throughput_section}, {"raw", raw_section},
    {"explorer", explorer_section}, {"swarm-depth", swarm_depth_section},
    {"fslevel", fslevel_section},
    {"refcount", refcount_section},
    {"explorer-speed", explorer_speed_section},
    {"race", race_section},
};

std::string first_line_of(const char* path, const std::string& key) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (key.empty()) return line;
        if (line.rfind(key, 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(line.find_first_not_of(" \t", colon + 1));
        }
    }
    return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"daxcheck_bench: how fast daxcheck finds, shrinks and checks (issue 7)"};
    Options o;
    std::vector<std::string> sections;
    std::string json_path;
    bool quick = false;
    std::vector<std::string> names;
    for (const auto& s : kSections) names.push_back(s.name);
    app.add_option("--section", sections, "run only these sections (repeatable)")
        ->check(CLI::IsMember(names));
    app.add_flag("--quick", quick, "fewer seeds and shorter budgets (a smoke run, not figures)");
    auto* seeds = app.add_option("--seeds", o.seeds, "detect: seeds per cell")->check(CLI::Range(1, 100000));
    auto* depth_seeds = app.add_option("--depth-seeds", o.depth_seeds, "swarm-depth: seeds per K")
                            ->check(CLI::Range(1, 100000));
    auto* seconds = app.add_option("--seconds", o.seconds, "throughput and raw: seconds per measurement")
                        ->check(flag_checks::finite(0.01, 3600.0));
    auto* explore_seconds = app.add_option("--explore-seconds", o.explore_seconds,
                                           "explorer: time budget per exploration")
                                ->check(flag_checks::finite(0.01, 3600.0));
    app.add_option("--json", json_path, "also write the figures to FILE (atomically)")
        ->check(flag_checks::name());
    flag_checks::decimal_integers(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "daxcheck_bench: {}\nRun with --help for usage.\n", e.what());
        return 2;
    }
    if (quick) {
        // Explicit flags win over --quick.
        if (!seeds->count()) o.seeds = 3;
        if (!depth_seeds->count()) o.depth_seeds = 3;
        if (!seconds->count()) o.seconds = 0.2;
        if (!explore_seconds->count()) o.explore_seconds = 2;
        o.explore_cell_seconds = 1;
        o.depth_cap_seconds = 2;
        o.depth_run_tests = 2000;
    }
    if (sections.empty()) sections = names;
    // Refuse an unwritable --json before minutes of measuring, not after.
    if (!json_path.empty()) {
        const auto dir = std::filesystem::path(json_path).parent_path();
        if (access(dir.empty() ? "." : dir.c_str(), W_OK) != 0) {
            fmt::print(stderr, "daxcheck_bench: --json: cannot write into {}\n",
                       dir.empty() ? "." : dir.string());
            return 2;
        }
    }

    std::string command = "daxcheck_bench";
    for (int i = 1; i < argc; i++) command += std::string(" ") + argv[i];
    const unsigned cores = std::thread::hardware_concurrency();
    const std::string cpu = first_line_of("/proc/cpuinfo", "model name");
    const std::string load = first_line_of("/proc/loadavg", "");
    fmt::print("daxcheck bench: {} cores, {}; load average at start {}\n{}\n", cores, cpu, load,
               command);
    // Figures of two runs compare only when the machine ran as fast in both.
    const nlohmann::json calibration = machine_calibration();
    fmt::print("machine: {:.2f} ns per dependent integer step, {:.1f} ns per dependent load over "
               "64 MiB (no daxcheck code)\n\n",
               calibration["alu_ns_per_step"].get<double>(), calibration["load_ns"].get<double>());

    nlohmann::json doc = {
        {"command", command},
        {"machine",
         {{"nproc", cores}, {"cpu", cpu}, {"loadavg_at_start", load}, {"calibration", calibration}}},
        {"options", {{"seeds", o.seeds}, {"depth_seeds", o.depth_seeds}, {"seconds", o.seconds},
                     {"explore_seconds", o.explore_seconds}, {"quick", quick}}},
        {"sections", nlohmann::json::object()}};
    nlohmann::json targets = nlohmann::json::array();
    bool failed = false;
    for (const auto& s : kSections) {
        if (std::find(sections.begin(), sections.end(), s.name) == sections.end()) continue;
        const Isolated r = run_isolated([&] { return s.run(o); });
        fmt::print("   [{}: {:.1f} s, peak memory {} MB]\n\n", s.name, r.seconds,
                   (r.peak_rss_kb + 512) / 1024);
        nlohmann::json section = r.result.is_null() ? nlohmann::json::object() : r.result;
        if (!r.error.empty()) {
            fmt::print(stderr, "daxcheck_bench: section {} failed: {}\n", s.name, r.error);
            section["error"] = r.error;
            failed = true;
        }
        section["peak_rss_kb"] = r.peak_rss_kb;
        section["wall_seconds"] = r.seconds;
        for (auto& t : section.value("targets", nlohmann::json::array())) {
            t["section"] = s.name;
            targets.push_back(t);
        }
        doc["sections"][s.name] = section;
    }
    doc["targets"] = targets;

    fmt::print("== targets\n{:<12} {:<62} {:>14} {:>22}  {}\n", "section", "target", "wanted",
               "measured", "met");
    for (const auto& t : targets)
        fmt::print("{:<12} {:<62} {:>14} {:>22}  {}\n", t["section"].get<std::string>(),
                   t["what"].get<std::string>(), t["wanted"].get<std::string>(),
                   t["measured"].get<std::string>(), t["met"].get<bool>() ? "yes" : "NO");

    if (!json_path.empty()) {
        std::string error;
        if (!write_json_file(doc, json_path, error)) {
            fmt::print(stderr, "daxcheck_bench: --json: {}\n", error);
            return 2;
        }
    }
    return failed ? 1 : 0;
}
