// What a run in a universe smaller than its command's default says about
// the cells that were expected to fail and passed, and what run's and
// swarm's headers say of the walks at other PMD orders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/universe.h"

namespace daxcheck {

// A line for the end of a run's table, or "" when there is nothing to say.
// `passed_expected_fails`: cells the contract expects to fail that passed in
// `used`; `command_default`: the universe the command uses without universe
// flags. When `used` has fewer files, pfns, offsets or pins than that default,
// or no room for a PMD entry where the default has, the known
// counterexamples may not fit in it: the line says so and names the smaller
// dimensions. The verdicts stay as they are (still unexpected).
std::string small_universe_note(std::size_t passed_expected_fails, const model::Universe& used,
                                const model::Universe& command_default);

// A line for the end of `run`'s table, or "": when cells the contract
// expects to fail passed and a search length (`--walks`, `--tests`) was set
// below the command's default, says that a shorter search may miss a bug and
// names the flags. `lengths`: {flag, value used, the command's default}.
struct SearchLength {
    const char* flag;
    std::uint64_t used, command_default;
};
std::string short_search_note(std::size_t passed_expected_fails, const std::vector<SearchLength>& lengths);

// The end of run's and swarm's header line about their walks: without
// universe flags, how many walks a passing cell also takes at PMD orders 2
// and 9 (engines/order_walks.h) for `walks` walks of its own universe (0:
// walks for a time, which take other_pmd_orders(1000)'s); with one, that
// they walk only the universe given.
std::string other_orders_text(bool universe_given, std::uint64_t walks);

}  // namespace daxcheck
