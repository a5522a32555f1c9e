// A patch against its base (issue 16): each cell's failure classes
// (properties/failure_class.h) on the patched variant and on the base, and
// what changed. A class counts as present on a side when that side's search
// found it or when the other side's counterexample for it, replayed on this
// side, fails with the same class (so a class one search happened not to
// reach is not reported as fixed or new). When that replay fails with a
// class sharing a part with it (same sequence, same property), the failure
// is inherited: the parts only the patch shows are new, the parts only the
// base shows are gone.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "properties/failure_class.h"

namespace daxcheck {

// One class a search found in a cell: its shrunk counterexample and the
// universe it fails in.
struct FoundClass {
    FailureClass cls;
    std::vector<model::Op> counterexample;
    model::Universe universe;
};

enum class CellChange {
    Passing,         // neither fails
    NewFailure,      // the base passes and the patch fails, or the patch adds a class beside inherited ones
    Fixed,           // the base fails and the patch passes
    SameCause,       // both fail, the patch with no class the base lacks
    DifferentCause,  // both fail, with no class in common
};
std::string to_string(CellChange c);  // "new failure", "fixed", "still failing (same cause)", ...
// A cell's change from whether each side fails (its own classes or the
// other's found there), how many of the patch's classes the base may lack
// (`fresh`) and how many classes both show (`kept`): the one rule of both
// levels (fslevel/fs_base_diff.h too).
CellChange cell_change(bool patch_fails, bool base_fails, std::size_t fresh, std::size_t kept);
// New failures and changed causes make the exit status non-zero.
bool is_regression(CellChange c);

// StillWithNew: the base fails the same counterexample with a class sharing
// parts with this one; the others (new_parts) are what the patch adds, e.g. a stale
// field the patch leaves on a page an inherited bug also breaks.
// NotSeen: the other side fails the counterexample with another class at the
// very step where this one fails (a step reports one failure: refinement
// checks reference counts only on pfns that keep the relation), or stops
// the port (BUG_ON) at or before it, and the search did not reach the class
// there: whether the other side has it is not seen, so a patch's class is
// not called new, nor a base's fixed.
enum class ClassChange { New, Fixed, Still, StillWithNew, NotSeen };
std::string to_string(ClassChange c);  // "new", "fixed", "still failing", ..., "not seen"

struct ClassDiff {
    FailureClass cls;
    ClassChange change;
    // The counterexample shown for it: the patch's (new, still) or the base's (fixed).
    std::vector<model::Op> counterexample;
    std::vector<std::string> new_parts;   // the parts the base lacks (StillWithNew)
    std::vector<std::string> gone_parts;  // the base's parts the same sequence no longer shows
    // NotSeen: what the other side showed instead, and where ("v7.2 fails
    // it at #3 with refinement | ..., which hides this class there").
    std::string note;
    // The base's searches found it (fixed, or not seen on the patch):
    // `counterexample` is then the base's.
    bool from_base = false;
    // Fixed only because the patch declares fewer or other checks (SPEC 5):
    // held to its base's checks, the patch still fails the base's sequence
    // (`note` says with what).
    bool by_dropped_check = false;
};

struct CellDiff {
    CellChange change = CellChange::Passing;
    // Some class is fixed only by a dropped check (ClassDiff::by_dropped_check).
    bool fixed_by_dropped_check() const;
    // to_string(change), and ", by a dropped check" when some class is.
    std::string change_text() const;
    std::vector<ClassDiff> classes;  // the patch's classes first, then the fixed ones
};

// Compares the classes found on `patch` and on `base` for one property,
// replaying each side's counterexamples on the other.
// A base class neither found on the patch nor shown by its counterexample
// there is searched for on the patch (breadth-first, in the universe its
// counterexample spans, up to two operations longer) before it is called fixed.
CellDiff diff_cell(const Variant& patch, const Variant& base, const Property& p, Profile profile,
                   const std::vector<FoundClass>& patch_found, const std::vector<FoundClass>& base_found);

// The defensive checks (SPEC 5) a patch declares against those of its base.
// The contract holds a port only to the checks it declares, so a patch that
// deletes a WARN_ON_ONCE together with its declaration passes misuse-detected
// where its base is held to it: --base names what it dropped. Checks are
// matched by kind (check_name), function and condition text; one of the same
// kind whose function or condition differs is "changed".
struct CheckDiff {
    std::vector<std::string> dropped;  // describe() of each check the base declares and the patch lacks
    std::vector<std::string> added;    // the patch declares it, the base does not
    std::vector<std::string> changed;  // "<base's> -> <patch's>", the same kind in both
    bool empty() const { return dropped.empty() && added.empty() && changed.empty(); }
};
CheckDiff diff_checks(const Variant& patch, const Variant& base);

}  // namespace daxcheck
