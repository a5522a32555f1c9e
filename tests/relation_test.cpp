// The representation relation of SPEC section 4, case by case.
#include <gtest/gtest.h>

#include "properties/relation.h"

using namespace daxcheck;
using model::Owner;
using model::PfnState;

namespace {
bool holds(const PfnState& p, const Decoded& d) { return !relation_mismatch(p, d); }
}  // namespace

TEST(Relation, FreePageMustDecodeFree) {
    EXPECT_TRUE(holds({}, Decoded::free()));
    EXPECT_FALSE(holds({}, Decoded::shared(1)));
    EXPECT_FALSE(holds({}, Decoded::owned(0, 0)));
    EXPECT_FALSE(holds({}, Decoded::invalid("stale")));
}

TEST(Relation, OneExclusiveOwnerMustDecodeOwned) {
    const PfnState p{{Owner{1, 2}}, false, 0};
    EXPECT_TRUE(holds(p, Decoded::owned(1, 2)));
    EXPECT_FALSE(holds(p, Decoded::owned(1, 3)));
    EXPECT_FALSE(holds(p, Decoded::owned(0, 2)));
    EXPECT_FALSE(holds(p, Decoded::shared(1)));  // not shared: Owned only
}

TEST(Relation, OneSharedOwnerMayDecodeSharedOne) {
    const PfnState p{{Owner{1, 2}}, true, 0};
    EXPECT_TRUE(holds(p, Decoded::owned(1, 2)));
    EXPECT_TRUE(holds(p, Decoded::shared(1)));
    EXPECT_FALSE(holds(p, Decoded::shared(2)));  // a phantom sharer
    EXPECT_FALSE(holds(p, Decoded::free()));
}

TEST(Relation, SeveralOwnersMustDecodeTheirCount) {
    const PfnState p{{Owner{0, 0}, Owner{0, 1}, Owner{2, 0}}, true, 1};
    EXPECT_TRUE(holds(p, Decoded::shared(3)));
    EXPECT_FALSE(holds(p, Decoded::shared(2)));
    EXPECT_FALSE(holds(p, Decoded::shared(4)));
    EXPECT_FALSE(holds(p, Decoded::owned(0, 0)));
}
