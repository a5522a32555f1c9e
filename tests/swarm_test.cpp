// Swarm mode (engines/swarm.h): finds every known v10 bug and shrinks it to
// its minimal length, passes the fixed ports, finds the K-th-sharer test
// variants (tests/ports/lose_share_port.cpp), and is deterministic.
#include <gtest/gtest.h>

#include "harness/op_text.h"
#include "tests/test_helpers.h"
#include "impl/expectations.h"
#include "engines/swarm.h"

using namespace daxcheck;

using daxcheck::test::ops_text;

namespace {

SwarmOptions walks(std::uint64_t n, std::uint64_t seed = 1, unsigned threads = 2) {
    SwarmOptions o;
    o.seed = seed;
    o.walks = n;
    o.threads = threads;
    return o;
}

SwarmCellResult swarm(const std::string& variant, const std::string& property, Profile profile,
                      const SwarmOptions& o) {
    const Variant* v = find_variant(variant);
    const Property* p = find_property(property);
    EXPECT_TRUE(v && p) << variant << " " << property;
    return run_swarm_cell(*v, *p, profile, o);
}

struct Bug {
    std::string variant;
    Profile profile;
    std::size_t minimal_length;
};

}  // namespace

TEST(Swarm, FindsEachV10BugAndShrinksItToItsMinimalLength) {
    for (const Bug& bug : {Bug{"v10-only-byvalue", Profile::Reflink, 1},
                           Bug{"v10-only-inverted", Profile::Exclusive, 2},
                           Bug{"v10-only-postdec", Profile::Reflink, 2}}) {
        for (std::uint64_t seed : {1, 2, 3}) {
            const auto r = swarm(bug.variant, "refinement", bug.profile, walks(2000, seed));
            ASSERT_EQ(r.cell.verdict, CellResult::Verdict::Fail) << bug.variant << " seed " << seed;
            EXPECT_EQ(r.cell.counterexample.size(), bug.minimal_length)
                << bug.variant << " seed " << seed << ":\n" << ops_text(r.cell.counterexample);
            EXPECT_TRUE(ops_fail(*find_variant(bug.variant), *find_property("refinement"),
                                 model::Universe{}, r.cell.counterexample));
        }
    }
}

TEST(Swarm, ThePostdecCounterexampleReadsLikeRuns) {
    const auto r = swarm("v10-only-postdec", "refinement", Profile::Reflink, walks(2000));
    ASSERT_EQ(r.cell.verdict, CellResult::Verdict::Fail);
    const std::string got = ops_text(r.cell.counterexample);
    EXPECT_TRUE(got == "associate A 0 pfn=0 order=0 shared=1\ntruncate A 0\n" ||
                got == "associate A 0 pfn=0 order=0 shared=1\ndisassociate A 0\n")
        << got;
}

TEST(Swarm, PassesTheFixedPortsForAFixedNumberOfWalks) {
    for (const char* variant : {"v10-fixed", "v6.2"})
        for (const auto& p : all_properties())
            for (Profile profile : all_profiles()) {
                const auto r = swarm(variant, p.name, profile, walks(1000));
                EXPECT_EQ(r.cell.verdict, CellResult::Verdict::Pass)
                    << variant << " / " << p.name << " / " << to_string(profile) << ": "
                    << r.cell.message << "\n" << ops_text(r.cell.counterexample);
                EXPECT_EQ(r.walks, 1000u);
                EXPECT_GT(r.operations, 1000u);
            }
}

TEST(Swarm, FindsTheKthSharerBugForK3AndK4) {
    for (unsigned k : {3u, 4u}) {
        const std::string name = "test-lose-share-k" + std::to_string(k);
        const auto r = swarm(name, "refinement", Profile::Reflink, walks(20000));
        ASSERT_EQ(r.cell.verdict, CellResult::Verdict::Fail) << name;
        EXPECT_EQ(r.cell.counterexample.size(), k) << ops_text(r.cell.counterexample);
        EXPECT_FALSE(expectation_for(*find_variant(name), "refinement", "reflink").pass);
        // The exclusive profile has no sharers: nothing to find.
        EXPECT_EQ(swarm(name, "refinement", Profile::Exclusive, walks(200)).cell.verdict,
                  CellResult::Verdict::Pass);
    }
}

TEST(Swarm, SameSeedAndWalksGiveTheSameResultWhateverTheThreads) {
    const auto a = swarm("test-lose-share-k3", "refinement", Profile::Reflink, walks(3000, 7, 1));
    const auto b = swarm("test-lose-share-k3", "refinement", Profile::Reflink, walks(3000, 7, 2));
    const auto c = swarm("test-lose-share-k3", "refinement", Profile::Reflink, walks(3000, 7, 2));
    ASSERT_EQ(a.cell.verdict, CellResult::Verdict::Fail);
    for (const auto* r : {&b, &c}) {
        EXPECT_EQ(r->failing_walk, a.failing_walk);
        EXPECT_EQ(r->failing_walk_seed, a.failing_walk_seed);
        EXPECT_EQ(r->failing_configuration, a.failing_configuration);
        EXPECT_EQ(r->cell.counterexample, a.cell.counterexample);
        EXPECT_EQ(r->cell.message, a.cell.message);
    }
    // Without a failure every walk runs: the same number of operations.
    const auto d = swarm("v6.2", "refinement", Profile::Reflink, walks(500, 7, 1));
    const auto e = swarm("v6.2", "refinement", Profile::Reflink, walks(500, 7, 2));
    EXPECT_EQ(d.operations, e.operations);
}

TEST(Swarm, TheWalkSeedAloneReproducesTheFailingWalk) {
    const auto r = swarm("v10-only-postdec", "refinement", Profile::Reflink, walks(2000, 5));
    ASSERT_TRUE(r.failing_walk);
    EXPECT_EQ(r.failing_walk_seed, walk_seed(5, *r.failing_walk));
    const auto walk = run_walk(*find_variant("v10-only-postdec"), *find_property("refinement"),
                               Profile::Reflink, model::Universe{}, r.failing_walk_seed);
    EXPECT_TRUE(walk.failure);
    EXPECT_EQ(walk.configuration, r.failing_configuration);
    EXPECT_EQ(walk.ops.size(), r.failing_length);
    SwarmOptions one;
    one.walk_seed = r.failing_walk_seed;
    const auto again = swarm("v10-only-postdec", "refinement", Profile::Reflink, one);
    EXPECT_EQ(again.cell.counterexample, r.cell.counterexample);
}

TEST(Swarm, ShrinkRemovesAnAssociationWithItsRelease) {
    using namespace model;
    // Only the shared association of pfn 0 and its release matter; B's entry
    // and its truncate go together.
    const std::vector<Op> ops = {Associate{1, 2, 3, 0, false}, Associate{0, 1, 1, 0, true},
                                 Pin{3}, Truncate{1, 2}, Unpin{3}, Disassociate{0, 1}};
    const Variant& v = *find_variant("v10-only-postdec");
    const Property& p = *find_property("refinement");
    ASSERT_TRUE(ops_fail(v, p, Universe{}, ops));
    EXPECT_EQ(ops_text(shrink_ops(v, p, Universe{}, ops)),
              "associate A 0 pfn=0 order=0 shared=1\ndisassociate A 0\n");
}
