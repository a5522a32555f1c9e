// `daxcheck swarm`: random walks with swarm configurations (engines/swarm.h),
// printed, saved and reproduced like `daxcheck run` failures.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/class_flags.h"
#include "cli/universe_flags.h"
#include "engines/swarm.h"

namespace daxcheck {

struct RunOptions;  // cli/run_command.h
class Cluster;      // engines/cluster.h

class SwarmCommand {
public:
    // Adds the `swarm` subcommand and its options to `app`.
    void add_to(CLI::App& app);
    // Runs it after parsing; returns the exit code (0 as expected, 1 not, 2 usage).
    int run() const;
    // The processes the walks are spread over (daxcheck-mpi); nullptr: this one.
    Cluster* cluster = nullptr;

private:
    // Every flag of this run, for the reproduce line of an interrupted one.
    std::string whole_run_flags(const RunOptions& run) const;

private:
    std::vector<std::string> variants_, properties_, profiles_;
    std::optional<std::uint64_t> seed_, walks_, walk_seed_;
    double seconds_ = 1;
    unsigned threads_ = 2;
    std::string json_path_, corpus_dir_;
    bool save_ = false, no_minimise_ = false;
    ClassFlags classes_;                  // --classes, --base [VARIANT]
    std::string level_ = "function";  // or fs (cli/fs_command.h)
    UniverseFlags universe_;
    CLI::App* command_ = nullptr;  // the subcommand, for which flags were given
};

}  // namespace daxcheck
