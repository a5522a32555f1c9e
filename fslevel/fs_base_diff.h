// A patch against its base at the filesystem level (SPEC 8; the function
// level's engines/base_diff.h): one cell's failure on the patched variant
// and on the base, by failure class (failure_class(), reachability.h), and
// what changed. A class counts as present on a side when that side's walks
// found it, when the other side's counterexample for it fails there with the
// same class (going on past that side's own earlier failures of other
// classes), or when a breadth-first search there reaches it (up to two
// operations longer than that counterexample, in the files and offsets it
// spans): so a class one side's walks happened to miss is not called fixed
// or new; nor is one the search could not rule out (FsClassChange::NotSeen).
//
// Each side brings the classes its walks found (one per search: --classes N
// searches again with the classes found so far passed over).
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
    // The classes its side found before it (--classes): its counterexample
    // shows it past them, and is replayed on the other side past them too.
    std::vector<std::string> before;
};

// What became of a class on the other side. New or Fixed: the other side
// runs its counterexample to the end without a failure, or fails it with
// another class and, going on past its own failures without losing the
// model, runs it to its end without the class, or the search followed it
// past that failure; in each case no sequence the search tried reached it
// there. NotSeen: the other side
// fails the counterexample with another class and no search followed it to
// its end (an illegal derived call or a BUG_ON, past which the model no
// longer describes the port, or the state budget ran out first): a patch's
// class is then not called new, nor a base's fixed.
enum class FsClassChange { New, Fixed, Still, NotSeen };
std::string to_string(FsClassChange c);  // "new", "fixed", "still failing", "not seen"

struct FsClassDiff {
    std::string cls;
    FsClassChange change = FsClassChange::Still;
    std::vector<Op> counterexample;  // the finding side's own sequence
    bool from_base = false;          // found by the base's walks (else the patch's)
    // A sequence that shows it on the other side, when it is not
    // `counterexample` (a search found it there).
    std::vector<Op> on_other;
    // What was seen on the other side: where a search found it, what it
    // covered, or what kept it from being seen.
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
// on `patch` and `base`, given the classes each side's walks found (empty:
// it passed). Runs the replays and searches described above for each class
// only one side found; each search is bounded by kCrossSearchStates states,
// so this returns in seconds per class. The classes whose searches look on
// the same side in the same spanned universe share one search
// (ReachOptions::target_classes), as deep as the deepest of them needs;
// each class's verdict is what a search for it alone would give.
FsCellDiff diff_fs_cell(const Variant& patch, const Variant& base, const Property& p, bool reflink,
                        const model::Universe& u, const std::vector<FsFound>& on_patch,
                        const std::vector<FsFound>& on_base);

// The state budget of each search for the other side's class.
inline constexpr std::uint64_t kCrossSearchStates = 20000;

}  // namespace daxcheck::fslevel
