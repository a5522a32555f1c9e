// Value simplification keeps a counterexample failing and legal while
// renaming files, offsets and pfns to the smallest values.
#include <gtest/gtest.h>

#include "harness/op_text.h"
#include "engines/replay.h"
#include "engines/simplify.h"

using namespace daxcheck;
using namespace daxcheck::model;

TEST(Simplify, RenamesToSmallestValues) {
    const Variant& v = *find_variant("v10-only-inverted");
    const Property& p = *find_property("no-spurious-warn");
    const std::vector<Op> ops = {Associate{2, 2, 3, 0, false}, Truncate{2, 2},
                                 Associate{0, 3, 3, 0, false}};
    ASSERT_TRUE(replay(v, p, Universe{}, ops).trace.failed());
    const auto simple = simplify_values(v, p, Universe{}, ops);
    std::string text;
    for (const auto& op : simple) text += to_text(op) + "\n";
    EXPECT_EQ(text,
              "associate A 0 pfn=0 order=0 shared=0\ntruncate A 0\n"
              "associate B 0 pfn=0 order=0 shared=0\n");
    EXPECT_TRUE(replay(v, p, Universe{}, simple).trace.failed());
}

TEST(Simplify, LeavesAPassingListAlone) {
    const Variant& v = *find_variant("v10-fixed");
    const Property& p = *find_property("refinement");
    const std::vector<Op> ops = {Associate{1, 2, 3, 0, true}};
    EXPECT_EQ(simplify_values(v, p, Universe{}, ops), ops);
}
