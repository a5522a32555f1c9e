// A property of SPEC section 6: what must hold after each operation of a
// sequence and, for some, at its end. RapidCheck (properties/rc_runner.*)
// and the trace printer both evaluate properties through this interface.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/execution.h"

namespace daxcheck {

enum class Profile { Exclusive, Reflink };
std::string to_string(Profile p);
std::optional<Profile> parse_profile(const std::string& s);
const std::vector<Profile>& all_profiles();

// One step as a property sees it.
struct StepView {
    const model::ModelState& before;  // model state before the operation
    const model::Op& op;
    const StepOutcome& outcome;
    const Execution& exec;  // model and port after the operation
};

struct Property {
    std::string name;
    std::string summary;
    // The generator mixes misuse operations into legal sequences.
    bool with_misuse = false;
    // nullopt when the step keeps the property, else what went wrong.
    std::optional<std::string> (*after_step)(const StepView&) = nullptr;
    // Checked once after the whole sequence; may run more operations on
    // `exec` (drain). nullptr when the property has no end condition.
    std::optional<std::string> (*at_end)(Execution& exec) = nullptr;
    // at_end releases entries in file order, so relabelling files can change
    // its verdict: the explorer must not use symmetry reduction for it.
    bool end_follows_file_names = false;
    // at_end only reads `exec` (no operation, no field written): the explorer
    // may run it on the state in place rather than on a copy.
    bool end_only_reads = false;
};

const std::vector<Property>& all_properties();
const Property* find_property(const std::string& name);

// A BUG_ON always fails the step, whatever the property: kPortStopped
// followed by the BUG_ON and where it fired.
inline constexpr const char* kPortStopped = "the port stopped: ";
std::optional<std::string> kernel_bug_failure(const StepOutcome& outcome);

}  // namespace daxcheck
