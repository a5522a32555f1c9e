// The interleaving explorer (`./daxcheck race`, docs/contract.md section 10):
// from every prefix state a PrefixSource hands it, run each pair of
// operations of two different files concurrently in every interleaving of
// their page and folio field accesses (race/enumerator.h) and check that each
// ends where one of the two serial orders ends (race/linearizability.h).
// Operations of one file are serialised by the kernel (its xarray lock, its
// inode's MMAPLOCK) and are never paired.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "impl/variant.h"
#include "race/enumerator.h"
#include "race/linearizability.h"

namespace daxcheck::race {

// One side of a race: what one process does to one file, as the port calls
// its operation makes (one call at the function level; the calls a
// filesystem operation derives through the version's fault path at the
// filesystem level), run in order.
struct Side {
    std::string text;  // "associate A 0 pfn=0 order=0 shared=1", "read-fault A 0"
    model::FileId file = 0;
    std::vector<model::Op> calls;
};

struct Pair {
    Side a, b;  // a's file comes first
};

// A state to race from: the operations that reach it and the port's world
// there, with the pairs that may run concurrently from it (both serial orders
// legal, and at the filesystem level planned alike in either order).
struct Prefix {
    std::vector<std::string> ops;
    kshim::kernel_world world;
    // A deque: a vector's doubling would hold up to twice the pairs' slots,
    // three times while it grows, past the memory bound.
    std::deque<Pair> pairs;
};

// Hands each prefix to `visit`, shortest first, until it returns false.
// While it builds the states and pairs it calls `go_on(bytes)` often (at
// least once per state and per pair), `bytes` the estimated memory it holds
// (the states of the next level, the pairs of a prefix); it stops when
// go_on returns false: race's --seconds and memory budget hold while a wide
// universe's states and pairs are built, not only between prefixes.
using PrefixVisit = std::function<bool(const Prefix&)>;
using PrefixGoOn = std::function<bool(std::uint64_t bytes)>;
using PrefixSource = std::function<void(const PrefixVisit& visit, const PrefixGoOn& go_on)>;

struct RaceOptions {
    EnumerateOptions enumerate;       // sleep sets, preemption bound
    std::uint64_t max_runs_per_pair = 1000000;  // a budget per pair; hit: reported
    double time_budget_s = 0;         // 0: none
    // What the prefix source may hold (its estimate, PrefixSource): 0 for none.
    std::uint64_t memory_budget_bytes = std::uint64_t{4096} << 20;
    // After the first failure, prefixes of the same length still searched
    // for a failure of fewer steps (shrinking), at most this many.
    std::uint64_t shrink_prefixes = 2000;
};

// A failing interleaving, shrunk: the shortest prefix, then the pair with the
// fewest steps, then the interleaving with the fewest preemptions.
struct RaceFailure {
    std::vector<std::string> prefix;
    Pair pair;
    std::vector<int> schedule;  // the operation (0 = a, 1 = b) of each step
    RunResult run;              // with its steps and values
    Outcome outcome, serial_ab, serial_ba;
    std::string why;
    std::vector<std::string> step_text;  // per step: "pfn 0 share: load 1"
    unsigned preemptions = 0;
};

struct RaceStats {
    std::uint64_t prefixes = 0;
    std::uint64_t pairs = 0;              // pairs checked
    std::uint64_t independent_pairs = 0;  // no conflicting access: one run covers every interleaving
    std::uint64_t interleavings = 0;      // runs checked
    std::uint64_t redundant = 0;          // runs a sleep set cut short
    std::uint64_t budget_hits = 0;        // pairs whose run budget stopped them
    bool time_hit = false;
    bool memory_hit = false;  // the prefix source's states and pairs outgrew memory_budget_bytes
    // SIGINT/SIGTERM (engines/interrupt.h), checked where the time budget is:
    // between prefixes and while the prefix source builds its states.
    bool interrupted = false;
    double seconds = 0;
};

struct RaceResult {
    RaceStats stats;
    std::optional<RaceFailure> failure;
};

RaceResult race(const Variant& v, const PrefixSource& prefixes, const RaceOptions& options);

// The universe `race` searches unless told otherwise: two files (a race
// needs two), two pfns and two offsets (one PMD block of order 1), one pin.
model::Universe default_race_universe();

// Runs `pair` from `world` following `schedule`: where the run leaves it
// (nullopt: the run is exactly the schedule, every step of it).
std::optional<ScheduleMismatch> schedule_mismatch(const Variant& v, const kshim::kernel_world& world,
                                                  const Pair& pair, const std::vector<int>& schedule);

// Runs `pair` from `world` in the interleaving `schedule` and checks it:
// the replay of a corpus `race:` section. The failure (nullopt: linearizable).
std::optional<RaceFailure> check_interleaving(const Variant& v, const kshim::kernel_world& world,
                                              const Pair& pair, const std::vector<int>& schedule);

}  // namespace daxcheck::race
