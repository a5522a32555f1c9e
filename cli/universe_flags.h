// The universe flags every command that runs sequences takes:
// --files --pfns --offsets --pmd-order --max-pins.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>

#include "model/universe.h"

namespace daxcheck {

struct UniverseFlags {
    std::optional<unsigned> files, pmd_order, max_pins;
    std::optional<std::uint64_t> pfns, offsets;

    void add_to(CLI::App& app) {
        app.add_option("--files", files, "number of files (A, B, ...)")
            ->check(CLI::Range(1u, model::kMaxFiles));
        app.add_option("--pfns", pfns, "number of pfns (default: 2 PMD blocks)")
            ->check(CLI::Range(std::uint64_t{1}, model::kMaxPfns));
        app.add_option("--offsets", offsets, "page offsets per file (default: 2 PMD blocks)")
            ->check(CLI::Range(std::uint64_t{1}, model::kMaxPfns));
        app.add_option("--pmd-order", pmd_order, "PMD order (kernel: 9)")
            ->check(CLI::Range(1u, model::kMaxPmdOrder));
        app.add_option("--max-pins", max_pins, "most pins on one pfn")->check(CLI::Range(0, 1000));
    }
    bool given() const { return files || pmd_order || max_pins || pfns || offsets; }
    model::Universe universe() const {
        return universe_from(model::Universe::with_pmd_order(pmd_order.value_or(1)));
    }
    // The flags given, over `u`'s values for the others (explore's smaller default).
    model::Universe universe_from(model::Universe u) const {
        if (pmd_order) u.pmd_order = *pmd_order;
        if (files) u.files = *files;
        if (pfns) u.pfns = *pfns;
        if (offsets) u.offsets = *offsets;
        if (max_pins) u.max_pins = *max_pins;
        return u;
    }
};

}  // namespace daxcheck
