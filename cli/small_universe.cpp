#include "cli/small_universe.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <vector>

#include "engines/order_walks.h"

namespace daxcheck {

std::string small_universe_note(std::size_t passed_expected_fails, const model::Universe& used,
                                const model::Universe& command_default) {
    if (passed_expected_fails == 0) return "";
    std::vector<std::string> smaller;
    const auto compare = [&](const char* flag, std::uint64_t have, std::uint64_t want) {
        if (have < want) smaller.push_back(fmt::format("{} {} < {}", flag, have, want));
    };
    compare("--files", used.files, command_default.files);
    compare("--pfns", used.pfns, command_default.pfns);
    compare("--offsets", used.offsets, command_default.offsets);
    compare("--max-pins", used.max_pins, command_default.max_pins);
    // A PMD entry needs as many pfns and offsets as it has pages: without
    // that room every bug that needs one (v6.2's nrpages drift) cannot show.
    const auto pmd_fits = [](const model::Universe& u) {
        return u.pages(static_cast<model::Order>(u.pmd_order)) <= std::min(u.pfns, u.offsets);
    };
    if (!pmd_fits(used) && pmd_fits(command_default)) {
        const std::uint64_t pages = used.pages(static_cast<model::Order>(used.pmd_order));
        smaller.push_back(fmt::format("no PMD entry fits: --pmd-order {} needs {} pfns and {} offsets",
                                      used.pmd_order, pages, pages));
    }
    if (smaller.empty()) return "";
    return fmt::format(
        "note: {} cell{} expected to fail passed in a universe with less room than the default ({}).\n"
        "  A counterexample may need more room than this universe has: such a pass does not show\n"
        "  that the bug is gone. Without universe flags the command uses its default universe.\n",
        passed_expected_fails, passed_expected_fails == 1 ? "" : "s", fmt::join(smaller, ", "));
}

std::string short_search_note(std::size_t passed_expected_fails, const std::vector<SearchLength>& lengths) {
    if (passed_expected_fails == 0) return "";
    std::vector<std::string> shorter;
    for (const SearchLength& l : lengths)
        if (l.used < l.command_default) shorter.push_back(fmt::format("{} {} < {}", l.flag, l.used, l.command_default));
    if (shorter.empty()) return "";
    return fmt::format(
        "note: {} cell{} expected to fail passed with a shorter search than the default ({}).\n"
        "  A shorter search may miss a bug: such a pass does not show that the bug is gone.\n",
        passed_expected_fails, passed_expected_fails == 1 ? "" : "s", fmt::join(shorter, ", "));
}

std::string other_orders_text(bool universe_given, std::uint64_t walks) {
    if (universe_given) return " (only in this universe: a universe flag turns off the walks at other PMD orders)";
    std::string text;
    for (const OrderWalks& o : other_pmd_orders(walks ? walks : 1000))
        text += fmt::format("{}{} at PMD order {}", text.empty() ? "" : ", ", o.walks, o.universe.pmd_order);
    return " (a passing cell also walks " + text + ")";
}

}  // namespace daxcheck
