// An inconsistency inside an engine, not a finding about a port: a result the
// engine would report is not what a fresh replay gives. The engines throw it
// instead of printing a counterexample that does not reproduce; the command
// line prints what() after "internal error: " and exits 2 (cli/main.cpp).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace daxcheck {

struct EngineFault : std::logic_error {
    using std::logic_error::logic_error;
};

// A walk failed in an execution reused across walks while the same `ops`
// operations pass on a fresh one (swarm and --level fs check this before
// shrinking). `walk` is 1-based, `walk_seed` its seed (walk_seed() of
// engines/swarm.h); the rest is text for the message.
inline EngineFault walk_not_reproduced(std::uint64_t walk, std::uint64_t walk_seed,
                                       const std::string& configuration, const std::string& variant,
                                       const std::string& property, const std::string& failure,
                                       std::size_t ops) {
    return EngineFault(fmt::format(
        "walk {} (walk seed {}; {}) of {} / {} failed ({}), but its {} operations pass when replayed on a fresh "
        "execution: the failure depends on state from an earlier walk, left by daxcheck's reset "
        "between walks or kept by the port outside the simulated kernel (a static variable). No "
        "counterexample can be given; please report this with the command line",
        walk, walk_seed, configuration, variant, property, failure, ops));
}

}  // namespace daxcheck
