// A patch against its base at the filesystem level (fslevel/fs_base_diff.h):
// the test-only port that loses a pfn's third share (tests/ports/
// lose_share_port.cpp, v6.2 with one injected bug) against v6.2, both ways;
// 6.15, which fails 6.2's unmount BUG sequence and a 6.0 sequence earlier
// with another class.
#include <gtest/gtest.h>

#include "fslevel/fs_base_diff.h"
#include "fslevel/fs_walk.h"
#include "fslevel/fs_replay.h"
#include "fslevel/fs_text.h"
#include "fslevel/reachability.h"
#include "properties/catalog.h"

namespace daxcheck::fslevel {
namespace {

const model::Universe kUniverse;  // files 3, pfns 4, offsets 4, PMD order 1

std::vector<Op> ops(std::initializer_list<const char*> lines) {
    std::vector<Op> out;
    for (const char* l : lines) out.push_back(std::get<Op>(parse_op(l)));
    return out;
}

// The third sharer of pfn 0 goes uncounted on the buggy port; v6.2 passes it.
const std::vector<Op> kLostShare = ops({"write A 0 2", "reflink A 0 B 0 2", "read-fault B 1", "reflink B 0 B 2 2",
                                        "read-fault A 1", "read-fault B 2 pmd"});
// 6.2's fault path: a PTE fault inside a shared PMD entry, BUG_ON(nrpages) at eviction (#4).
const std::vector<Op> kNrpages = ops({"write A 0 2", "read-fault A 1 pmd", "reflink A 0 B 0 1", "read-fault A 0"});

const Property& refinement() { return *find_property("refinement"); }

// What a side's walks would have reported for `seq`: its class there.
FsFound found(const char* variant, const std::vector<Op>& seq, const char* property = "refinement") {
    const FsReplayResult r = replay(*find_variant(variant), *find_property(property), kUniverse, seq);
    EXPECT_TRUE(r.trace.failed()) << variant;
    return {failure_class(property, r.trace.failure()), seq};
}

FsCellDiff diff(const char* patch, const char* base, std::vector<FsFound> on_patch,
                std::vector<FsFound> on_base, const char* property = "refinement") {
    return diff_fs_cell(*find_variant(patch), *find_variant(base), *find_property(property), true, kUniverse,
                        on_patch, on_base);
}
FsCellDiff diff(const char* patch, const char* base, std::optional<FsFound> on_patch,
                std::optional<FsFound> on_base, const char* property = "refinement") {
    const auto side = [](const std::optional<FsFound>& f) {
        return f ? std::vector<FsFound>{*f} : std::vector<FsFound>{};
    };
    return diff(patch, base, side(on_patch), side(on_base), property);
}

TEST(FsBaseDiff, ABugThePatchAddsIsNewBesideTheInheritedOne) {
    const FsCellDiff d = diff("test-lose-share-k3", "v6.2", found("test-lose-share-k3", kLostShare),
                              found("v6.2", kNrpages));
    EXPECT_EQ(d.change, CellChange::NewFailure);
    ASSERT_EQ(d.classes.size(), 2u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::New) << d.classes[0].cls;
    EXPECT_EQ(d.classes[1].change, FsClassChange::Still) << d.classes[1].cls;
    EXPECT_TRUE(is_regression(d.change));
}

// --classes: the patch's walks found the inherited class first and the one
// it adds on a later search; both are compared, the second is new.
TEST(FsBaseDiff, EveryClassASideFoundIsCompared) {
    const FsCellDiff d = diff("test-lose-share-k3", "v6.2",
                              std::vector<FsFound>{found("test-lose-share-k3", kNrpages),
                                                   found("test-lose-share-k3", kLostShare)},
                              std::vector<FsFound>{found("v6.2", kNrpages)});
    EXPECT_EQ(d.change, CellChange::NewFailure);
    ASSERT_EQ(d.classes.size(), 2u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::Still) << d.classes[0].cls;
    EXPECT_EQ(d.classes[1].change, FsClassChange::New) << d.classes[1].cls;
    EXPECT_TRUE(is_regression(d.change));
}

TEST(FsBaseDiff, TheSameClassOnBothSidesIsTheSameCause) {
    const FsCellDiff d = diff("test-lose-share-k3", "v6.2", found("test-lose-share-k3", kNrpages),
                              found("v6.2", kNrpages));
    EXPECT_EQ(d.change, CellChange::SameCause);
    ASSERT_EQ(d.classes.size(), 1u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::Still);
    EXPECT_FALSE(is_regression(d.change));
}

TEST(FsBaseDiff, TheBugFixedIsFixed) {
    const FsCellDiff d = diff("v6.2", "test-lose-share-k3", std::nullopt, found("test-lose-share-k3", kLostShare));
    EXPECT_EQ(d.change, CellChange::Fixed);
    ASSERT_EQ(d.classes.size(), 1u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::Fixed);
    EXPECT_FALSE(is_regression(d.change));
}

// 6.15 stops at #2 of 6.2's nrpages sequence (an empty entry's struct
// page), but a search in the files and offsets it spans, going past
// failures of other classes, finds 6.15's own way to the same BUG: still
// failing, with that sequence and a note, never "fixed".
// Where the search found the class on the other side past failures of
// several other classes, the note says how many (helper-37: it named the
// first alone, and a reader took it for the only one). 7.2's free page read
// as Shared: 7.1 shows it on a search's sequence past two other classes.
TEST(FsBaseDiff, TheNoteCountsTheFailuresASearchWentPast) {
    const FsFound on_72 = found("v7.2", ops({"truncate A 4", "write-fault A 1", "invalidate A 1 1"}));
    ASSERT_EQ(on_72.cls, "refinement: pfn N: model: free, decode must be Free but is Shared(N)");
    const FsCellDiff d = diff("v7.2", "v7.1", on_72, std::nullopt);
    ASSERT_EQ(d.classes.size(), 1u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::Still) << d.classes[0].note;
    EXPECT_NE(d.classes[0].note.find("found on v7.1 by a search, past earlier failures of 2 other classes, the first "
                                     "after #"),
              std::string::npos)
        << d.classes[0].note;
}

// The other side fails the counterexample early with another class but,
// going on past its own failures (none losing the model), runs it to its
// end without the class: the same evidence as a plain pass of it, so the
// class is new whatever the search's depth (helper-38: 'not seen', while
// replay --base of the same file said new).
TEST(FsBaseDiff, AClassTheOtherSideRunsPastItsOwnFailuresWithoutIsNew) {
    // A later class of 7.2's (--classes): its walks found it past the classes before it.
    FsFound on_72{"refinement: pfn N: model: shared, decode must be Shared(N) but is Owned(F,N)",
                  ops({"write A 0 3", "read-fault A 2", "write A 3 1", "reflink A 2 B 0 2", "reflink A 2 A 0 2",
                       "reflink B 1 C 1 1", "read-fault A 0 pmd", "read-fault C 1"}),
                  {}};
    PastOwnFailures how;
    ASSERT_TRUE(replay_until_class(*find_variant("v7.2"), refinement(), kUniverse, on_72.counterexample, {},
                                   on_72.cls, &how));
    on_72.before = how.passed;
    const FsCellDiff d = diff("v7.2", "v7.1", on_72, std::nullopt);
    ASSERT_EQ(d.classes.size(), 1u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::New) << d.classes[0].note;
    EXPECT_NE(d.classes[0].note.find("going on past its own failures it runs it to its end without the class"),
              std::string::npos)
        << d.classes[0].note;
}

TEST(FsBaseDiff, AClassTheCounterexampleHidesIsSearchedFor) {
    const FsCellDiff d = diff("v6.15", "v6.2", found("v6.15", kNrpages), found("v6.2", kNrpages));
    ASSERT_EQ(d.classes.size(), 2u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::New) << d.classes[0].cls;
    EXPECT_NE(d.classes[0].note.find("v6.2 fails its counterexample with another class"), std::string::npos)
        << d.classes[0].note;
    EXPECT_NE(d.classes[0].note.find("and no sequence of up to"), std::string::npos) << d.classes[0].note;
    EXPECT_EQ(d.classes[1].change, FsClassChange::Still) << d.classes[1].cls;
    EXPECT_TRUE(d.classes[1].from_base);
    EXPECT_EQ(d.classes[1].counterexample, kNrpages);  // the base's own
    ASSERT_FALSE(d.classes[1].on_other.empty());     // 6.15's, from the search
    EXPECT_TRUE(replay(*find_variant("v6.15"), refinement(), kUniverse, d.classes[1].on_other).trace.failed());
    EXPECT_NE(d.classes[1].note.find("found on v6.15 by a search, past an earlier failure of another class"),
              std::string::npos)
        << d.classes[1].note;
    EXPECT_EQ(d.change, CellChange::NewFailure);
}

// 6.15 fails 6.2's other way to the unmount BUG (a PMD fault of a shared
// extent, then a PTE fault inside it) at #3 with its empty-entry class, and
// then, going on past that failure as its own walks would, at #4 with the
// BUG itself: still failing on the very sequence, with no search needed.
TEST(FsBaseDiff, TheOtherSidesOwnEarlierFailuresArePassedOver) {
    const auto bug = ops({"write A 0 2", "reflink A 0 B 0 2", "read-fault A 0 pmd", "read-fault A 0"});
    const FsCellDiff d = diff("v6.15", "v6.2", found("v6.15", ops({"truncate A 1", "read-fault A 0"})),
                              found("v6.2", bug));
    ASSERT_EQ(d.classes.size(), 2u);
    EXPECT_EQ(d.classes[1].change, FsClassChange::Still) << d.classes[1].cls;
    EXPECT_TRUE(d.classes[1].on_other.empty()) << "a search instead of the sequence itself";
    EXPECT_NE(d.classes[1].note.find("v6.15 fails this sequence with it too, past an earlier failure of another "
                                     "class, after #3 (read-fault A 0 pmd)"),
              std::string::npos)
        << d.classes[1].note;
}

// A port's BUG_ON ends the evidence as an illegal call does: 6.15's count
// below zero, on 6.15+debug_vm, stops at VM_BUG_ON_FOLIO on the very unpin.
// Neither the replay nor a search may go past it: not seen, never new
// (helper-36: the prefix check missed "the port stopped", and the search
// went on past such a step).
TEST(FsBaseDiff, AClassBehindTheOtherSidesBugOnIsNotSeen) {
    const auto below_zero = ops({"write A 0 2", "read-fault A 0 pmd", "pin A 1", "invalidate A 0 1", "unpin A 1"});
    // As a class search finds it: past the classes the earlier steps fail with.
    FsFound f{"", below_zero, {}};
    for (FsReplayResult r = replay(*find_variant("v6.15"), refinement(), kUniverse, below_zero);;
         r = replay(*find_variant("v6.15"), refinement(), kUniverse, below_zero, f.before)) {
        ASSERT_TRUE(r.trace.failed());
        const std::string cls = failure_class("refinement", r.trace.failure());
        if (r.trace.failed_step() == below_zero.size()) {
            f.cls = cls;
            break;
        }
        f.before.push_back(cls);
        ASSERT_LT(f.before.size(), 10u);
    }
    ASSERT_NE(f.cls.find("below zero"), std::string::npos) << f.cls;
    const FsCellDiff d = diff("v6.15", "v6.15+debug_vm", std::optional<FsFound>(f), std::optional<FsFound>());
    ASSERT_EQ(d.classes.size(), 1u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::NotSeen) << d.classes[0].cls << ": " << d.classes[0].note;
    EXPECT_NE(d.classes[0].note.find("the port stopped: BUG_ON"), std::string::npos) << d.classes[0].note;
    EXPECT_TRUE(d.classes[0].on_other.empty()) << "a search went past the BUG_ON";
}

// 6.0's CoW-flag class on 6.15: 6.15 stops at #2 of its sequence (the port
// reaches an empty entry's struct page), a failure that keeps the model;
// going on past it, 6.15 runs the sequence to its end without the CoW flag:
// fixed, whatever the search's depth, and the note says what it ran past.
// (It read "not seen" while replay --base of the same file said fixed.)
TEST(FsBaseDiff, AClassTheOtherSideRunsPastItsOwnFailureWithoutIsFixed) {
    const auto cow = ops({"write A 2 1", "write-fault A 1 pmd", "reflink A 0 B 0 1", "write-fault B 0",
                          "invalidate B 0 1"});
    const FsCellDiff d = diff("v6.15", "v6.0", found("v6.15", ops({"truncate A 1", "read-fault A 0"})),
                              found("v6.0", cow));
    ASSERT_EQ(d.classes.size(), 2u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::New) << d.classes[0].cls;
    EXPECT_EQ(d.classes[1].change, FsClassChange::Fixed) << d.classes[1].cls;
    EXPECT_EQ(d.classes[1].counterexample, cow);
    EXPECT_NE(d.classes[1].note.find("v6.15 fails its counterexample with another class, after #2 (write-fault A 1 pmd)"),
              std::string::npos)
        << d.classes[1].note;
    EXPECT_NE(d.classes[1].note.find("going on past its own failures it runs it to its end without the class"),
              std::string::npos)
        << d.classes[1].note;
    EXPECT_EQ(d.change, CellChange::DifferentCause);
}

// v12's "inverted" bug against 6.0: 6.0 shows the same text only on a step
// whose derived call the model finds illegal, which is no evidence (helper-33):
// new, not inherited.
TEST(FsBaseDiff, AClassSeenOnlyAtAnIllegalCallIsNotInherited) {
    const auto inverted = ops({"truncate A 4", "write-fault A 1", "invalidate A 1 1"});
    const FsCellDiff d = diff("v12", "v6.0", found("v12", inverted), std::nullopt);
    ASSERT_EQ(d.classes.size(), 1u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::New) << d.classes[0].cls << ": " << d.classes[0].note;
    EXPECT_EQ(d.change, CellChange::NewFailure);
}

// The universe a search looks in: the files and offsets a sequence uses,
// whole PMD blocks.
TEST(FsBaseDiff, TheSpannedUniverse) {
    const model::Universe u = spanned_universe(kUniverse, kNrpages);
    EXPECT_EQ(u.files, 2u);
    EXPECT_EQ(u.offsets, 2u);
    EXPECT_EQ(u.pfns, kUniverse.pfns);
    EXPECT_EQ(spanned_universe(kUniverse, ops({"read-fault C 2 pmd"})).files, 3u);
    EXPECT_EQ(spanned_universe(kUniverse, ops({"read-fault A 2 pmd"})).offsets, 4u);
    EXPECT_EQ(spanned_universe(kUniverse, ops({"write A 0 1"})).offsets, 2u);
}

// A later class's counterexample shows it only past the classes its side
// found before it: the other side replays it past them too. 6.15 against
// itself, given only the patch side's classes: each is still failing, and
// by its own counterexample (no search needed).
TEST(FsBaseDiff, ALaterClassIsReplayedPastTheClassesBeforeIt) {
    const Variant& v = *find_variant("v6.15");
    const CellClasses cc = run_walks_classes(v, refinement(), true, model::Universe{}, 1, 10000, 0, 1, 4);
    ASSERT_GE(cc.more.size(), 2u);
    std::vector<FsFound> patch;
    for (std::size_t i = 0; i < cc.more.size(); i++)
        patch.push_back({cc.classes[i + 1], cc.more[i].counterexample,
                         {cc.classes.begin(), cc.classes.begin() + static_cast<long>(i + 1)}});
    const FsCellDiff d = diff_fs_cell(v, v, refinement(), true, model::Universe{}, patch, {});
    ASSERT_EQ(d.classes.size(), patch.size());
    for (const auto& c : d.classes) {
        EXPECT_EQ(c.change, FsClassChange::Still) << c.cls << ": " << c.note;
        EXPECT_TRUE(c.on_other.empty()) << c.cls << " needed a search: " << c.note;
    }
    EXPECT_EQ(d.change, CellChange::SameCause);
}

}  // namespace
}  // namespace daxcheck::fslevel
