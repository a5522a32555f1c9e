// Deterministic replay: the known minimal counterexamples fail the buggy
// variant and pass the fixed one; illegal lists are reported, not run.
#include <gtest/gtest.h>

#include "harness/op_text.h"
#include "engines/replay.h"

using namespace daxcheck;
using namespace daxcheck::model;

namespace {
ReplayResult run(const char* variant, const char* property, std::vector<Op> ops) {
    return replay(*find_variant(variant), *find_property(property), Universe{}, ops);
}
}  // namespace

TEST(Replay, ByvalueFailsInOneOperation) {
    const std::vector<Op> ops = {Associate{0, 0, 0, 0, true}};
    EXPECT_TRUE(run("v10-only-byvalue", "refinement", ops).trace.failed());
    EXPECT_FALSE(run("v10-fixed", "refinement", ops).trace.failed());
}

TEST(Replay, PostdecAndInvertedFailInTwo) {
    const std::vector<Op> shared = {Associate{0, 0, 0, 0, true}, Disassociate{0, 0}};
    const std::vector<Op> exclusive = {Associate{0, 0, 0, 0, false}, Disassociate{0, 0}};
    EXPECT_TRUE(run("v10-only-postdec", "refinement", shared).trace.failed());
    EXPECT_FALSE(run("v10-only-postdec", "refinement", exclusive).trace.failed());
    EXPECT_TRUE(run("v10-only-inverted", "refinement", exclusive).trace.failed());
    EXPECT_FALSE(run("v10-fixed", "refinement", shared).trace.failed());
    EXPECT_FALSE(run("v10-fixed", "refinement", exclusive).trace.failed());
}

TEST(Replay, TraceShowsModelDecodeAndRawFields) {
    const auto r = run("v10-only-postdec", "refinement",
                       {Associate{0, 0, 0, 0, true}, Truncate{0, 0}});
    ASSERT_EQ(r.trace.steps.size(), 2u);
    const auto& last = r.trace.steps[1];
    ASSERT_TRUE(last.failure.has_value());
    ASSERT_EQ(last.pfns.size(), 1u);
    EXPECT_EQ(last.pfns[0].model, "free");
    EXPECT_EQ(last.pfns[0].raw, "mapping=0x1 index=0 ref=1");
    EXPECT_TRUE(last.pfns[0].mismatch);
    EXPECT_NE(r.trace.failure().find("after #2"), std::string::npos);
}

TEST(Replay, PinnedTruncateWarningIsAllowed) {
    const std::vector<Op> ops = {Associate{0, 0, 0, 0, false}, Pin{0}, Truncate{0, 0}};
    const auto r = run("v10-fixed", "no-spurious-warn", ops);
    EXPECT_FALSE(r.trace.failed()) << r.trace.failure();
    EXPECT_EQ(r.trace.steps[2].warnings.size(), 1u);
}

TEST(Replay, IllegalListIsReportedWithItsLine) {
    const auto r = run("v10-fixed", "refinement", {Disassociate{0, 0}});
    ASSERT_TRUE(r.invalid.has_value());
    EXPECT_NE(r.invalid->find("operation 1"), std::string::npos);
}
