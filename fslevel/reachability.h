// Is a function-level counterexample reachable through the filesystem (SPEC
// 8)? A breadth-first search over filesystem-level sequences in a universe,
// up to a depth and a state budget, for one whose derived calls fail the same
// property with the same failure class. Also `explore --level fs`: the
// shortest filesystem sequence that fails at all.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fslevel/fs_op.h"
#include "impl/variant.h"
#include "properties/property.h"

namespace daxcheck::fslevel {

// A failure's class as a message alone tells it (the filesystem level
// compares failures of derived calls by their text): its property and
// message_shape() of the message (properties/failure_class.h, the one
// definition of a message's shape): "refinement: pfn N: model: free, decode
// must be Free but is Shared(N)".
std::string failure_class(const std::string& property, const std::string& message);

// Whether `message` ("after #3 (op): ...", or an end check's) has one of the
// `known` classes of property `property`.
bool known_class(const std::string& property, const std::string& message, const std::vector<std::string>& known);

struct ReachOptions {
    unsigned max_depth = 4;
    std::uint64_t max_states = 20000;
    bool reflink = true;  // the profile: reflink and unshare allowed
    // The class to reach; empty: any failure.
    std::string target_class;
    // Instead of target_class: several classes to reach in one search, each
    // with the longest sequence that counts for it (at most max_depth). The
    // search goes on past a hit until each is found or a budget stops it;
    // what it finds for each (ReachResult::found) is what a search with that
    // target_class and that max_depth alone would find, as the states come
    // in the same order. (fs_base_diff.h: the cross searches of one cell in
    // one universe share one search.) Not with known or target_misuse.
    std::vector<std::pair<std::string, unsigned>> target_classes;
    // Failure classes found before (explore --level fs --classes): a step
    // failing with one of them is passed over and goes on checking, as the
    // walks and replay do (FsExecution::pass_over); a state where such a
    // failure lost the model (an illegal derived call, a BUG_ON) is a leaf.
    // A hit is then the step's first failure of another class. Not with
    // target_class or target_misuse.
    std::vector<std::string> known;
    // Reach a misuse instead: a derived call the model finds illegal, whose
    // reason has the class failure_class("misuse", reason) == target_class.
    // (A misuse is a caller bug: the question is whether a version's fault
    // path is such a caller.)
    bool target_misuse = false;
    // Whether a failure on a step that derived an illegal call counts as
    // reaching the class: past such a call the model no longer describes the
    // port, so a comparison with a base (fs_base_diff.h) does not take it.
    bool hits_at_illegal_steps = true;
    double time_budget_s = 0;  // 0: none
    // Bytes the stored states may take (estimated per state, as
    // state_bytes() says; deterministic): 0 for none.
    std::uint64_t memory_budget_bytes = 0;
};

// The search builds every operation of the universe once: it refuses more.
inline constexpr std::uint64_t kMaxSearchOperations = 200'000;
// How many operations all_ops would build (without building them).
std::uint64_t operation_count(const model::Universe& u, bool reflink);

struct ReachResult {
    std::optional<std::vector<Op>> sequence;  // the shortest found
    std::string found_class;
    // With target_classes: the shortest sequence found for each class found.
    std::map<std::string, std::vector<Op>> found;
    unsigned depth_completed = 0;
    std::uint64_t states = 0;
    bool exhausted = false;  // no new state at some depth: nothing deeper exists
    bool budget_hit = false;
    bool time_hit = false;
    bool memory_hit = false;   // memory_budget_bytes reached
    bool interrupted = false;  // SIGINT/SIGTERM (engines/interrupt.h): stopped early
    bool too_wide = false;  // more than kMaxSearchOperations operations: not searched
};

ReachResult search(const Variant& v, const Property& p, const model::Universe& u,
                   const ReachOptions& o);

// Every filesystem operation of `u` (legal or not) the search tries.
class FsExecution;

// The state a search deduplicates on: the filesystem model, the function
// model and the port's fields and xarray, as bytes (race/prefixes.cpp too).
std::string state_key(const FsExecution& ex);

// The estimated bytes one stored state of a search takes: its copy of the
// execution and its path in the next level, its key in the seen set. From
// the key's length (which grows with what the state holds), not measured:
// the same search stops at the same state on every run.
std::uint64_t state_bytes(std::size_t key_bytes, std::size_t path_length);

std::vector<Op> all_ops(const model::Universe& u, bool reflink);

}  // namespace daxcheck::fslevel
