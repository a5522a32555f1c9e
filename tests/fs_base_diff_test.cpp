// A patch against its base at the filesystem level (fslevel/fs_base_diff.h):
// the test-only port that loses a pfn's third share (tests/ports/
// lose_share_port.cpp, v6.2 with one injected bug) against v6.2, both ways,
// and 6.15, which fails 6.2's unmount BUG sequence earlier with another class.
#include <gtest/gtest.h>

#include "fslevel/fs_base_diff.h"
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
FsFound found(const char* variant, const std::vector<Op>& seq) {
    const FsReplayResult r = replay(*find_variant(variant), refinement(), kUniverse, seq);
    EXPECT_TRUE(r.trace.failed()) << variant;
    return {failure_class("refinement", r.trace.failure()), seq};
}

FsCellDiff diff(const char* patch, const char* base, std::optional<FsFound> on_patch,
                std::optional<FsFound> on_base) {
    return diff_fs_cell(*find_variant(patch), *find_variant(base), refinement(), true, kUniverse, on_patch, on_base);
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

// 6.15 stops at #2 of the nrpages sequence (an empty entry's struct page):
// whether it still has 6.2's BUG is not seen, so it is not called fixed.
TEST(FsBaseDiff, AClassBehindAnEarlierFailureIsNotCalledFixed) {
    const FsCellDiff d = diff("v6.15", "v6.2", found("v6.15", kNrpages), found("v6.2", kNrpages));
    ASSERT_EQ(d.classes.size(), 2u);
    EXPECT_EQ(d.classes[0].change, FsClassChange::New) << d.classes[0].cls;
    EXPECT_EQ(d.classes[1].change, FsClassChange::Hidden) << d.classes[1].cls;
    EXPECT_NE(d.classes[1].hidden_by.find("v6.15 fails on it first, after #2"), std::string::npos)
        << d.classes[1].hidden_by;
    EXPECT_EQ(d.change, CellChange::DifferentCause);
}

}  // namespace
}  // namespace daxcheck::fslevel
