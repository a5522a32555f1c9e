// `./daxcheck race` (docs/contract.md section 10; race/). This file is
// compiled into the concurrency build (cmake/race.cmake: namespaces
// daxcheck_race and kshim_race), so this header names only standard and
// CLI11 types, in namespace race_cli, which both builds see alike.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace race_cli {

class RaceCommand {
public:
    RaceCommand();
    ~RaceCommand();
    // Adds the `race` subcommand and its flags to `app`.
    void add_to(CLI::App& app);
    bool parsed() const;
    // Runs it: 0 when the verdict is the expected one, 1 when not, 2 on a
    // usage error (a flag named), 130/143 when interrupted.
    int run();

private:
    struct Flags;
    std::unique_ptr<Flags> flags_;
    CLI::App* command_ = nullptr;
};

// Replays one `race:` corpus file against each of its `expect:` variants,
// printing one line per variant as `daxcheck replay` does; (passed, failed).
// With `variant`, only its line, else `base`'s line run on it (replay
// --variant; cli/replay_command.h's RaceReplayer). A schedule: line that is
// not a run of the race is one failure whatever they pick.
std::pair<int, int> replay_corpus_file(const std::string& path, const std::string& variant = "",
                                       const std::string& base = "");

// How race's printed commands start, given the variant's port file ("" for
// an in-tree variant). The command line sets it to the rule of its other
// commands (daxcheck_prefix_of_ports, cli/run_command.h), so a port
// project's binary names itself; unset, "./daxcheck" and, for a port,
// "--port FILE".
void set_command_prefix(std::function<std::string(const std::string& port_file)> prefix);

// Whether the concurrency build has `variant` registered (an out-of-tree
// port whose file says // daxcheck-no-race is not).
bool has_variant(const std::string& variant);

// `daxcheck emit` of a `level: fs` race file: its stress reproducer to
// `script_out` (standard output when ""), its predictions, with the file's
// `kernel:` lines, to `predictions_out` (none when ""); the exit code.
int emit_race_file(const std::string& path, const std::string& variant,
                   const std::string& script_out, const std::string& predictions_out);

// For the bench (bench/race.cpp): one `race` search of `variant` over every
// state reachable in `depth` operations of the universe, with every
// interleaving of every pair (sleep sets on, no preemption bound).
struct RaceFigures {
    bool found = false;             // a failure stopped the search
    std::uint64_t prefixes = 0, pairs = 0, racing_pairs = 0, interleavings = 0, redundant = 0;
    double seconds = 0;
};
RaceFigures race_figures(const std::string& variant, bool fs_level, unsigned files, unsigned pfns,
                         unsigned offsets, unsigned pmd_order, unsigned max_pins, unsigned depth);

}  // namespace race_cli
