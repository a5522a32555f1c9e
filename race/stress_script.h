// The stress reproducer of a filesystem-level race (`race --emit FILE.sh`):
// a POSIX sh script in the format ./daxcheck kernel runs (fslevel/xfs_io.h:
// mkfs, mount -o dax=always, step markers on stdout and /dev/kmsg). It sets
// up the prefix with xfs_io, then runs the two operations of the race as two
// background processes, each repeating its fault (mmap, touch a byte,
// madvise(MADV_DONTNEED), so every touch faults again) for a bounded time,
// then reads the files back, deletes them and faults a fresh, unshared file
// on the freed blocks: where the race broke a page's fields, that fault
// warns (the kernel symptoms of docs/contract.md section 10).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "model/universe.h"
#include "race/race.h"

namespace daxcheck::race {

constexpr unsigned kStressSeconds = 90;

// The script; `variant` names the port whose failure it reproduces.
std::string stress_script(const RaceFailure& f, const model::Universe& u, const std::string& variant,
                          unsigned seconds = kStressSeconds);

// The predictions ./daxcheck kernel reads beside the script (kernel/predictions.py):
// one step per prefix operation, the race step with the warnings the failing
// interleaving raised, and the steps after it, where nothing is predicted (the
// symptoms a drifted count causes there are what the run is for).
nlohmann::json stress_predictions(const RaceFailure& f, const std::string& variant,
                                  const std::string& source);

}  // namespace daxcheck::race
