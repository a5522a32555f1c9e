// The failure-class flags of run, report, swarm and explore (issue 16):
// --classes N (distinct failure classes per cell) and --base [VARIANT]
// (compare each cell with the same cell of a base variant).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "cli/run_command.h"

namespace daxcheck {

struct ClassFlags {
    unsigned classes = kDefaultClasses;
    std::optional<std::string> base;  // set with no value: each port's own base

    // `classes_help` says what a class search means for the command.
    void add_to(CLI::App& app, const std::string& classes_help) {
        app.add_option("--classes", classes, classes_help)->check(CLI::Range(1, 100));
        app.add_option("--base", base,
                       "compare each cell with the same cell of VARIANT, by failure class; without a "
                       "value, each port's own base (its .base)")
            ->expected(0, 1);
    }
};

}  // namespace daxcheck
