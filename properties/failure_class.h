// A failure's class (issue 16): its signature, so that two counterexamples
// of one bug compare equal across seeds, lengths, PMD orders and versions.
// The signature is the property, the warning sites that fired where it
// failed, and for each pfn that broke the relation there the pair
// "model class -> decoded class" (free/owned/shared -> Free/Owned/Shared/
// Invalid(reason)), without numbers or file letters. A failure with neither
// warnings nor broken pfns (a missing warning, a reference count) is told
// by the shape of its message instead; a port that stopped (BUG_ON) always
// has the shape of its BUG_ON, beside any warnings and pfns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "properties/property.h"

namespace daxcheck {

struct FailureClass {
    std::string property;
    std::vector<std::string> warning_sites;  // "function: WARN_ON_ONCE(condition)", sorted, unique
    std::vector<std::string> pfn_pairs;      // "free -> Invalid(...)", sorted, unique
    std::string shape;  // message_shape(failure) when both lists are empty or the port stopped

    // One line, the class's identity: two failures are of one class when
    // their keys are equal.
    std::string key() const;
    // The parts of the signature, each on its own ("warns f: WARN_ON_ONCE(c)",
    // "pfn free -> Shared", or the shape): a counterexample showing two
    // causes at once has the parts of both.
    std::vector<std::string> parts() const;
    friend bool operator==(const FailureClass& a, const FailureClass& b) { return a.key() == b.key(); }
};

// The message with numbers (N), file letters (F) and parenthesised details
// that name operations or raw fields (" (...)") taken out, and without its
// "after #3: " / "at the end: " prefix.
std::string message_shape(const std::string& message);

// The class of a failure at the point it was seen: `after` is the execution
// right after the failing step (or after the end check ran on it),
// `warnings` what fired in that step (or during the end check), `pfns` the
// pfns to judge (the step's; all of them for an end failure), `message`
// the failure text.
FailureClass classify(const Property& p, const Execution& after,
                      const std::vector<kshim::warning_record>& warnings,
                      const std::vector<model::Pfn>& pfns, const std::string& message);

// The class of an end-check failure: `after` is the execution the end check
// ran on, `warnings_before` the size of its warning log before the check
// (what fired since is the check's); every pfn is judged.
FailureClass classify_end(const Property& p, const Execution& after, std::size_t warnings_before,
                          const std::string& message);

// "free", "owned" or "shared": a pfn's model state without owners and counts.
std::string model_class(const model::PfnState& p);
// "Free", "Owned", "Shared" or "Invalid(reason shape)".
std::string decoded_class(const Decoded& d);

// The class of the first failure of `ops` on `v` (a step's, then the end
// check's), replayed from the initial state; nullopt when `ops` passes or
// is not a list the property's generator could produce.
std::optional<FailureClass> failure_class_of(const Variant& v, const Property& p,
                                             const model::Universe& u,
                                             const std::vector<model::Op>& ops);

// One failure of `ops` on `v`, where it happened.
struct FailureAt {
    std::size_t step = 0;  // 1-based; ops.size() + 1 for the end check's
    FailureClass cls;
    bool port_stopped = false;  // a BUG_ON: nothing after it is the version's
};
// Every failure of `ops` on `v` in order, as failure_classes_along() finds
// them (that is its list of classes).
std::vector<FailureAt> failures_along(const Variant& v, const Property& p, const model::Universe& u,
                                      const std::vector<model::Op>& ops);

// The classes of every failure of `ops` on `v`: each failing step's (the run
// goes on past it) and the end check's. Empty when `ops` passes or is not a
// list the property's generator could produce. Used to tell whether a
// failure of one version is still there in another behind an earlier one.
std::vector<FailureClass> failure_classes_along(const Variant& v, const Property& p,
                                                const model::Universe& u,
                                                const std::vector<model::Op>& ops);

// Which failures a search counts (engines take one): all of them (the
// default), only those of `target`, or none of `known`'s. A failure it does
// not count is treated as a pass, and the search goes on.
struct ClassFilter {
    std::optional<FailureClass> target;
    std::vector<FailureClass> known;
    bool counts_everything() const { return !target && known.empty(); }
    bool counts(const FailureClass& c) const;
};

// ops fail on `v` with a failure `filter` counts.
bool fails_counted(const Variant& v, const Property& p, const model::Universe& u,
                   const std::vector<model::Op>& ops, const ClassFilter& filter);

}  // namespace daxcheck
