// How `race` prints a failure: the prefix, the two operations, the
// interleaving as two columns (each operation's steps, in global order, with
// the field and the value read or written) and the serial results it matches
// neither of.
#pragma once

#include <string>

#include "race/race.h"

namespace daxcheck::race {

// The failure block, each line indented by `indent`, ending in a newline.
std::string failure_text(const RaceFailure& f, const std::string& indent = "  ");

}  // namespace daxcheck::race
