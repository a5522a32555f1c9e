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

// A cell that breaks at the end shows the operations the end check ran, each
// with its pfns as it left it: v6.15's drain leaves the released page of an
// order-0 entry at offset 1 reading Shared(1) (its index kept in
// folio->share), and the trace shows that page after the release.
TEST(Replay, AnEndFailureShowsTheOperationsTheEndCheckRan) {
    const std::vector<Op> ops = {Associate{0, 1, 0, 0, false}};
    const auto r = run("v6.15", "drain", ops);
    ASSERT_TRUE(r.trace.end_failure.has_value());
    ASSERT_EQ(r.trace.end_steps.size(), 1u);
    const TraceStep& release = r.trace.end_steps[0];
    EXPECT_EQ(release.op, "disassociate A 1");
    ASSERT_EQ(release.pfns.size(), 1u);
    EXPECT_EQ(release.pfns[0].model, "free");
    EXPECT_EQ(release.pfns[0].decode, "Shared(1)");
    EXPECT_TRUE(release.pfns[0].mismatch);
    // The fixed release leaves it Free: no end failure, no end steps kept.
    EXPECT_TRUE(run("v10-fixed", "drain", ops).trace.end_steps.empty());
    // A warning of the release is shown under it.
    const auto pinned = run("v6.15", "drain", {Associate{0, 0, 0, 1, false}, Pin{0}});
    ASSERT_TRUE(pinned.trace.end_failure.has_value());
    ASSERT_EQ(pinned.trace.end_steps.size(), 1u);
    EXPECT_EQ(pinned.trace.end_steps[0].warnings.size(), 1u);
}

// An end check that releases entries only on copies of the execution
// (order-independence) adds no end steps: an observer belongs to the
// execution it watches.
TEST(Replay, AStepObserverIsNotCarriedByACopy) {
    Execution exec(*find_variant("v10-fixed"), Universe{});
    int seen = 0;
    exec.observe_steps([&](const Op&, const StepOutcome&) { seen++; });
    exec.step(Associate{0, 0, 0, 0, false});
    Execution copy = exec;
    copy.step(Disassociate{0, 0});
    EXPECT_EQ(seen, 1);
    exec = copy;  // assigning keeps the target's own observer
    exec.step(Associate{0, 0, 0, 0, false});
    EXPECT_EQ(seen, 2);
}
