// `daxcheck run`: every selected (variant, property, profile) cell, the
// verdict table, counterexample traces and the JSON document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "properties/rc_runner.h"
#include "impl/expectations.h"
#include "properties/replay.h"

namespace daxcheck {

struct RunOptions {
    std::vector<const Variant*> variants;
    std::vector<const Property*> properties;
    std::vector<Profile> profiles;
    CellConfig cell;
    bool universe_given = false;  // a universe flag was given: repeat it in reproduce lines
    std::optional<std::string> json_path;
};

struct RunRow {
    const Variant* variant;
    const Property* property;
    Profile profile;
    CellResult result;
    Expectation expected;
    Trace trace;  // of the counterexample, when it failed
    std::string reproduce;
    bool as_expected() const;
};

std::vector<RunRow> run_cells(const RunOptions& opts);
void print_run(const RunOptions& opts, const std::vector<RunRow>& rows);
// The "== variant / property / profile" block of a failing or unexpected
// cell: failure, shrunk trace, why expected, reproduce line. Also used by swarm
// (whose tests are walks).
void print_cell_details(const RunRow& row, const char* test_word = "test");
// Writes the JSON document; false (with `error` set) when the file cannot be written.
bool write_run_json(const RunOptions& opts, const std::vector<RunRow>& rows,
                    const std::string& path, std::string& error);

std::string universe_flags(const model::Universe& u);

}  // namespace daxcheck
