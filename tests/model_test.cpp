// The model alone: legality, transitions and warning rules of SPEC 2, 3, 5.
#include <gtest/gtest.h>

#include "model/state.h"

using namespace daxcheck::model;

namespace {

ModelState run(ModelState s, std::initializer_list<Op> ops) {
    for (const auto& op : ops) {
        EXPECT_TRUE(is_legal(s, op)) << illegal_reason(s, op).value_or("");
        s = apply(std::move(s), op);
    }
    return s;
}

}  // namespace

TEST(Model, InitialStateIsEmpty) {
    const ModelState s = initial_state(Universe{});
    ASSERT_EQ(s.pfns.size(), 4u);
    ASSERT_EQ(s.files.size(), 3u);
    for (const auto& p : s.pfns) EXPECT_EQ(p, PfnState{});
}

TEST(Model, UniverseWithPmdOrderNine) {
    const Universe u = Universe::with_pmd_order(9);
    EXPECT_EQ(u.pfns, 1024u);
    EXPECT_EQ(u.pages(9), 512u);
    EXPECT_EQ(universe_problem(u), "");
    EXPECT_NE(universe_problem(Universe{.files = 0}), "");
}

TEST(Model, ExclusiveAssociateNeedsFreePfn) {
    ModelState s = run(initial_state({}), {Associate{0, 0, 2, 0, false}});
    EXPECT_EQ(s.pfns[2].owners, (std::vector<Owner>{{0, 0}}));
    EXPECT_FALSE(s.pfns[2].shared);
    const Op second = Associate{1, 0, 2, 0, false};
    EXPECT_FALSE(is_legal(s, second));
    EXPECT_EQ(misuse_check(s, second), DefensiveCheck::SecondExclusiveOwner);
    EXPECT_TRUE(is_legal(s, Associate{1, 0, 2, 0, true}));
}

TEST(Model, SharedFlagClearsWhenLastOwnerLeaves) {
    ModelState s = run(initial_state({}), {Associate{0, 0, 1, 0, false}, Associate{1, 3, 1, 0, true},
                                           Associate{0, 2, 1, 0, true}});
    EXPECT_EQ(s.pfns[1].owners.size(), 3u);  // reflink inside file A too
    EXPECT_TRUE(s.pfns[1].shared);
    s = run(std::move(s), {Disassociate{0, 0}, Truncate{1, 3}});
    EXPECT_EQ(s.pfns[1].owners, (std::vector<Owner>{{0, 2}}));
    EXPECT_TRUE(s.pfns[1].shared);  // k = 1, still shared
    s = run(std::move(s), {Disassociate{0, 2}});
    EXPECT_EQ(s.pfns[1], PfnState{});
}

TEST(Model, PmdEntryCoversAlignedRange) {
    ModelState s = initial_state({});
    EXPECT_FALSE(is_legal(s, Associate{0, 1, 0, 1, false}));  // offset not aligned
    EXPECT_FALSE(is_legal(s, Associate{0, 0, 1, 1, false}));  // pfn not aligned
    EXPECT_FALSE(is_legal(s, Associate{0, 0, 0, 2, false}));  // not the PMD order
    s = run(std::move(s), {Associate{0, 2, 2, 1, false}});
    EXPECT_EQ(s.pfns[2].owners, (std::vector<Owner>{{0, 2}}));
    EXPECT_EQ(s.pfns[3].owners, (std::vector<Owner>{{0, 3}}));
    EXPECT_FALSE(is_legal(s, Associate{0, 3, 0, 0, false}));  // offset 3 is covered
    EXPECT_EQ(touched_pfns(s, Truncate{0, 2}), (std::vector<Pfn>{2, 3}));
}

TEST(Model, OutOfRangeIsIllegal) {
    const ModelState s = initial_state({});
    EXPECT_FALSE(is_legal(s, Associate{3, 0, 0, 0, false}));
    EXPECT_FALSE(is_legal(s, Associate{0, 4, 0, 0, false}));
    EXPECT_FALSE(is_legal(s, Associate{0, 0, 4, 0, false}));
    EXPECT_FALSE(is_legal(s, Associate{0, 0, 3, 1, false}));
    EXPECT_FALSE(is_legal(s, Disassociate{0, 0}));
    EXPECT_FALSE(is_legal(s, Pin{9}));
    EXPECT_EQ(misuse_check(s, Associate{0, 4, 0, 0, false}), std::nullopt);
}

TEST(Model, PinsOutliveTheMapping) {
    ModelState s = initial_state({});
    EXPECT_FALSE(is_legal(s, Pin{0}));  // only a mapped page can be pinned
    s = run(std::move(s), {Associate{0, 0, 0, 0, false}, Pin{0}, Pin{0}});
    EXPECT_FALSE(is_legal(s, Pin{0}));  // max_pins = 2
    EXPECT_TRUE(truncates_pinned_page(s, Truncate{0, 0}));
    EXPECT_FALSE(truncates_pinned_page(s, Disassociate{0, 0}));
    s = run(std::move(s), {Truncate{0, 0}});
    EXPECT_EQ(s.pfns[0].pins, 2u);
    EXPECT_TRUE(s.pfns[0].owners.empty());
    s = run(std::move(s), {Unpin{0}, Unpin{0}});
    EXPECT_FALSE(is_legal(s, Unpin{0}));
}

TEST(Model, StrayDisassociateIsMisuseOnlyWhereVisible) {
    ModelState s = run(initial_state({}), {Associate{0, 0, 0, 0, false}, Associate{0, 1, 1, 0, true},
                                           Associate{1, 1, 1, 0, true}});
    EXPECT_FALSE(is_legal(s, DisassociateStray{1, 0, 0}));
    EXPECT_EQ(misuse_check(s, DisassociateStray{1, 0, 0}), DefensiveCheck::MappingMismatch);
    EXPECT_EQ(misuse_check(s, DisassociateStray{0, 0, 0}), std::nullopt);  // A holds it
    EXPECT_EQ(misuse_check(s, DisassociateStray{2, 1, 0}), std::nullopt);  // shared: no owner to compare
    EXPECT_EQ(misuse_check(s, DisassociateStray{1, 2, 0}), std::nullopt);  // free page
}

TEST(Model, IllegalOperationLeavesStateAlone) {
    const ModelState s = run(initial_state({}), {Associate{0, 0, 0, 0, false}});
    EXPECT_EQ(apply(s, Associate{1, 0, 0, 0, false}), s);
    EXPECT_EQ(apply(s, DisassociateStray{1, 0, 0}), s);
}

TEST(Model, RemainingEntriesListsEverySlot) {
    const ModelState s = run(initial_state({}), {Associate{0, 0, 0, 0, false}, Associate{2, 2, 2, 1, false}});
    const auto left = remaining_entries(s);
    ASSERT_EQ(left.size(), 2u);
    EXPECT_EQ(left[1], (Disassociate{2, 2}));
}
