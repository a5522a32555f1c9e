// A patch against its base at the filesystem level (SPEC 8; the function
// level's engines/base_diff.h): one cell's failure on the patched variant
// and on the base, by failure class (failure_class(), reachability.h), and
// what changed. A class counts as present on a side when that side's walks
// found it, when the other side's counterexample for it fails there with the
// same class, or when a breadth-first search there reaches it (up to two
// operations longer than that counterexample, in the files and offsets it
// spans): so a class one side's walks happened to miss is not called fixed
// or new; nor is one the other side fails before (FsClassChange::Hidden).
//
// The filesystem level reports one class per cell (its walks stop at the
// first failure), so each side contributes at most one class of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engines/base_diff.h"
#include "fslevel/fs_op.h"
#include "impl/variant.h"
#include "properties/property.h"

namespace daxcheck::fslevel {

// What one side's walks found in a cell: the class and its shrunk counterexample.
struct FsFound {
    std::string cls;  // failure_class(property, message)
    std::vector<Op> counterexample;
};

// What became of a class on the other side. Hidden: its counterexample
// fails there with another class, at or before the step it fails at on its
// own side, and no search there reaches it: a replay stops at its first
// failure (the filesystem level cannot go past it), so whether the other
// side has the class is not seen; a patch's class is then not called new,
// nor a base's fixed.
enum class FsClassChange { New, Fixed, Still, Hidden };
std::string to_string(FsClassChange c);  // "new", "fixed", "still failing", "not seen (another failure)"

struct FsClassDiff {
    std::string cls;
    FsClassChange change = FsClassChange::Still;
    // A sequence that shows it: the side's own counterexample, or for a base
    // class still failing on the patch, the patch's.
    std::vector<Op> counterexample;
    bool from_base = false;  // found by the base's walks (else the patch's)
    // Hidden: the failure that hid it ("v6.15 fails on it first, after #2
    // (...): ..."); New and Fixed: what was looked at on the other side.
    std::string note;
};

struct FsCellDiff {
    CellChange change = CellChange::Passing;
    std::vector<FsClassDiff> classes;  // the patch's first, then the base's
};

// The universe a search for `ops`' class looks in: `full`'s PMD order,
// pfns and pins, with only the files `ops` name and the offsets they reach
// (rounded up to whole PMD blocks). Its operations are all legal in `full`.
model::Universe spanned_universe(const model::Universe& full, const std::vector<Op>& ops);

// Compares one cell (property `p`, the reflink profile or not, universe `u`)
// on `patch` and `base`, given what each side's walks found (nullopt: it
// passed). Runs the replays and searches described above; each search is
// bounded by kCrossSearchStates states, so this returns in seconds.
FsCellDiff diff_fs_cell(const Variant& patch, const Variant& base, const Property& p, bool reflink,
                        const model::Universe& u, const std::optional<FsFound>& on_patch,
                        const std::optional<FsFound>& on_base);

// The state budget of each search for the other side's class.
inline constexpr std::uint64_t kCrossSearchStates = 20000;

}  // namespace daxcheck::fslevel
