#include "cli/fs_base.h"

#include <fmt/format.h>

#include <algorithm>

#include "cli/number_text.h"
#include "cli/run_command.h"
#include "fslevel/fs_text.h"

namespace daxcheck {
namespace {

std::string ops_text(const std::vector<fslevel::Op>& ops) {
    std::string out;
    for (const auto& op : ops) out += (out.empty() ? "" : "; ") + fslevel::to_text(op);
    return out;
}

}  // namespace

void print_fs_base_diff(const std::vector<FsBaseDiffRow>& rows) {
    if (rows.empty()) return;
    fmt::print("\nAgainst the base, by failure class (filesystem level):\n");
    fmt::print("{:<20} {:<12} {:<18} {:<10} {}\n", "variant", "base", "property", "profile", "change");
    for (const auto& d : rows)
        fmt::print("{:<20} {:<12} {:<18} {:<10} {}{}\n", d.variant->name, d.base->name, d.property->name,
                   to_string(d.profile), to_string(d.diff.change), is_regression(d.diff.change) ? "   <-" : "");
    for (const auto& d : rows) {
        if (d.diff.classes.empty()) continue;
        fmt::print("\n-- {} / {} / {} against {} (filesystem level): {}\n", d.variant->name, d.property->name,
                   to_string(d.profile), d.base->name, to_string(d.diff.change));
        for (const auto& c : d.diff.classes) {
            fmt::print("  {:<34} {}\n", to_string(c.change), c.cls);
            // Whose sequence it is, then the other side's when a search found one.
            fmt::print("  {:<34} {}: {}\n", "", c.from_base ? "base's" : "e.g.", ops_text(c.counterexample));
            if (!c.on_other.empty())
                fmt::print("  {:<34} on {}: {}\n", "", c.from_base ? d.variant->name : d.base->name,
                           ops_text(c.on_other));
            if (!c.note.empty()) fmt::print("  {:<34} {}\n", "", c.note);
        }
        // A regression resting only on classes the base may lack.
        const auto patch_has = [&](fslevel::FsClassChange change) {
            return std::any_of(d.diff.classes.begin(), d.diff.classes.end(), [&](const fslevel::FsClassDiff& c) {
                return !c.from_base && c.change == change;
            });
        };
        if (is_regression(d.diff.change) && !patch_has(fslevel::FsClassChange::New))
            fmt::print("  (no class is new: the cell counts as a regression because the base may lack the "
                       "patch's classes marked not seen)\n");
        // Each search goes on past the classes before it, up to --classes.
        if (d.classes_limit_hit)
            fmt::print("  (a side reached the --classes limit of {}: more classes may sit behind them; a larger "
                       "--classes looks further)\n", d.classes_limit_hit);
        if (!d.cut_short.empty())
            fmt::print("  ({}: more classes may sit behind them; larger budgets look further)\n",
                       d.cut_short);
        if (is_regression(d.diff.change)) fmt::print("  reproduce: {}\n", d.reproduce);
    }
    fmt::print("\n{} against the base: {}\n", counted(rows.size(), "cell"),
               regressions_text(static_cast<std::uint64_t>(std::count_if(
                   rows.begin(), rows.end(), [](const FsBaseDiffRow& d) { return is_regression(d.diff.change); }))));
}

nlohmann::json fs_base_diff_json(const std::vector<FsBaseDiffRow>& rows) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : rows) {
        nlohmann::json classes = nlohmann::json::array();
        for (const auto& c : d.diff.classes) {
            nlohmann::json ops = nlohmann::json::array(), other = nlohmann::json::array();
            for (const auto& op : c.counterexample) ops.push_back(fslevel::to_text(op));
            for (const auto& op : c.on_other) other.push_back(fslevel::to_text(op));
            classes.push_back({{"class", c.cls},
                               {"change", to_string(c.change)},
                               {"found_by", c.from_base ? "base" : "patch"},
                               {"counterexample", ops},
                               {"other_counterexample", c.on_other.empty() ? nlohmann::json(nullptr) : other},
                               {"note", c.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.note)}});
        }
        out.push_back({{"variant", d.variant->name},
                       {"base", d.base->name},
                       {"property", d.property->name},
                       {"profile", to_string(d.profile)},
                       {"change", to_string(d.diff.change)},
                       {"regression", is_regression(d.diff.change)},
                       {"classes", classes},
                       // The --classes limit a side reached (more may exist), or null.
                       {"classes_limit_hit", d.classes_limit_hit ? nlohmann::json(d.classes_limit_hit)
                                                                 : nlohmann::json(nullptr)},
                       // Which side's class searches were cut short (explore), or null.
                       {"classes_cut_short", d.cut_short.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.cut_short)},
                       {"checks", check_diff_json(*d.variant, *d.base)},
                       {"reproduce", d.reproduce}});
    }
    return out;
}

bool fs_base_diff_regressed(const std::vector<FsBaseDiffRow>& rows) {
    return std::any_of(rows.begin(), rows.end(), [](const FsBaseDiffRow& d) { return is_regression(d.diff.change); });
}

}  // namespace daxcheck
