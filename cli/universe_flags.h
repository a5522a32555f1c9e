// The universe flags every command that runs sequences takes:
// --files --pfns --offsets --pmd-order --max-pins.
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <optional>

#include "model/universe.h"

namespace daxcheck {

struct UniverseFlags {
    std::optional<unsigned> files, pmd_order, max_pins;
    std::optional<std::uint64_t> pfns, offsets;

    // `defaults`: the command's universe when no flag is given (explore's and
    // race's are fixed and small); nullopt: run's and swarm's, whose --pfns
    // and --offsets default to two PMD blocks of the --pmd-order given.
    void add_to(CLI::App& app, std::optional<model::Universe> defaults = std::nullopt) {
        auto said = [&](const char* what, std::uint64_t fixed) {
            return defaults ? fmt::format("{} (default {})", what, fixed)
                            : fmt::format("{} (default: 2 PMD blocks)", what);
        };
        const model::Universe d = defaults.value_or(model::Universe::with_pmd_order(1));
        app.add_option("--files", files, fmt::format("number of files (A, B, ...; default {})", d.files))
            ->check(CLI::Range(1u, model::kMaxFiles));
        app.add_option("--pfns", pfns, said("number of pfns", d.pfns))
            ->check(CLI::Range(std::uint64_t{1}, model::kMaxPfns));
        app.add_option("--offsets", offsets, said("page offsets per file", d.offsets))
            ->check(CLI::Range(std::uint64_t{1}, model::kMaxPfns));
        app.add_option("--pmd-order", pmd_order, fmt::format("PMD order (default {}; kernel: 9)", d.pmd_order))
            ->check(CLI::Range(1u, model::kMaxPmdOrder));
        app.add_option("--max-pins", max_pins, fmt::format("most pins on one pfn (default {})", d.max_pins))
            ->check(CLI::Range(0, 1000));
    }
    // For a command with fixed defaults: "" or why --pmd-order given without
    // --pfns or --offsets leaves `u` no room for one PMD entry (a universe
    // where the order given can never show).
    std::string pmd_order_problem(const model::Universe& u) const {
        if (!pmd_order || (pfns && offsets)) return "";
        const std::uint64_t block = u.pages(u.pmd_order);
        if (u.pfns >= block && u.offsets >= block) return "";
        return fmt::format("--pmd-order {}: {} pfns and {} offsets hold no PMD entry of {} pages; give "
                           "--pfns and --offsets of at least {}",
                           *pmd_order, u.pfns, u.offsets, block, block);
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
