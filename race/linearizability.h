// The check of docs/contract.md section 10: two concurrent operations are
// correct when every interleaving ends where one of the two serial orders
// ends (each pfn's decode, the fields section 4 requires to be canonical for
// a free pfn, and its reference count as the port attributes it), and no
// warning fires that neither serial order fires.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "impl/variant.h"
#include "race/scheduler.h"

namespace daxcheck::race {

// What a run (or a serial order) left behind.
struct Outcome {
    std::vector<std::string> pfns;  // per pfn: "Shared(2) ref=1", "Free mapping=NULL index=0 ref=1"
    std::set<std::string> warnings;  // "WARN_ON_ONCE(cond) in function"
    std::set<std::string> bugs;      // a BUG_ON that stopped an operation
    bool deadlock = false;
};

// The outcome of the world current on this thread: `warnings_before` warnings
// were there before the operations ran; `bugs` are the BUG_ONs they hit.
Outcome outcome_of(const Variant& v, const kshim::kernel_world& w, std::size_t warnings_before,
                   const std::vector<std::string>& bugs, bool deadlock = false);

// Why `run` is not linearizable against the two serial orders' outcomes, or
// nullopt when it ends where one of them ends and warns only as they do.
std::optional<std::string> not_linearizable(const Outcome& run, const Outcome& serial_ab,
                                            const Outcome& serial_ba);

// The pfns whose state differs between two outcomes ("pfn 0"), for messages.
std::string differing_pfns(const Outcome& a, const Outcome& b);

}  // namespace daxcheck::race
