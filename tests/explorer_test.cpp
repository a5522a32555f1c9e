// The exhaustive explorer: state packing round trips, the operations it
// tries, the shortest counterexamples of the v10 bugs, exhaustion of the
// small universe by v10-fixed, and symmetry reduction.
#include <gtest/gtest.h>

#include <random>
#include <tuple>

#include "engines/explorer.h"
#include "harness/op_text.h"
#include "engines/state_pack.h"
#include "impl/expectations.h"
#include "engines/replay.h"

using namespace daxcheck;
using namespace daxcheck::model;

namespace {

// The small universe: 2 files, 3 pfns, offsets 0-2, PMD order 1, 2 pins.
Universe small_universe() {
    Universe u;
    u.files = 2;
    u.pfns = 3;
    u.offsets = 3;
    u.pmd_order = 1;
    u.max_pins = 2;
    return u;
}

const Variant& variant(const std::string& name) {
    const Variant* v = find_variant(name);
    EXPECT_NE(v, nullptr) << name;
    return *v;
}

ExploreResult run(const std::string& v, const std::string& p, Profile profile,
                  const Universe& u = small_universe(), bool symmetry = true,
                  unsigned depth = 1000) {
    ExploreOptions o;
    o.universe = u;
    o.profile = profile;
    o.symmetry = symmetry;
    o.max_depth = depth;
    return explore(variant(v), *find_property(p), o);
}

std::string text(const std::vector<Op>& ops) {
    std::string out;
    for (const auto& op : ops) out += to_text(op) + "\n";
    return out;
}

// Every candidate operation of a state, legal or not: what enumerate_ops
// must filter exactly as the model does.
std::vector<Op> all_candidates(const ModelState& s) {
    const Universe& u = s.universe;
    std::vector<Op> out;
    for (FileId f = 0; f < u.files; f++)
        for (Order order : {Order{0}, static_cast<Order>(u.pmd_order)})
            for (PageOffset o = 0; o < u.offsets; o++)
                for (Pfn p = 0; p < u.pfns; p++)
                    for (bool shared : {false, true})
                        out.push_back(Associate{f, o, p, order, shared});
    for (FileId f = 0; f < u.files; f++)
        for (PageOffset o = 0; o < u.offsets; o++) {
            out.push_back(Disassociate{f, o});
            out.push_back(Truncate{f, o});
        }
    for (Pfn p = 0; p < u.pfns; p++) {
        out.push_back(Pin{p});
        out.push_back(Unpin{p});
    }
    for (FileId f = 0; f < u.files; f++)
        for (Order order : {Order{0}, static_cast<Order>(u.pmd_order)})
            for (Pfn p = 0; p < u.pfns; p++) {
                out.push_back(DisassociateStray{f, p, order});
                out.push_back(TruncateStray{{f, p, order}});
            }
    return out;
}

bool allowed(const ModelState& s, const Op& op, Profile profile, bool misuse) {
    if (auto* a = std::get_if<Associate>(&op); a && a->shared && profile == Profile::Exclusive)
        return false;
    return is_legal(s, op) || (misuse && misuse_check(s, op));
}

}  // namespace

TEST(StatePack, RoundTripsAndRelabelsAlongRandomWalks) {
    Universe u = small_universe();
    u.files = 3;
    u.pfns = 4;  // two full PMD blocks: file and block relabellings
    const auto labels = relabellings(u, true);
    ASSERT_EQ(labels.size(), 6u * 2u);
    std::mt19937 rng(7);
    for (const char* name : {"v10", "v10-fixed"}) {
        Execution exec(variant(name), u), back(variant(name), u);
        std::vector<Op> ops;
        for (int step = 0; step < 400; step++) {
            enumerate_ops(exec.model(), Profile::Reflink, true, ops);
            ASSERT_FALSE(ops.empty());
            exec.step(ops[rng() % ops.size()]);
            PackedState packed, again;
            pack_state(exec.model(), exec.world(), labels[0], packed);
            unpack_state({packed.data(), packed.size()}, back.mutable_model(),
                         back.mutable_world());
            EXPECT_EQ(back.model(), exec.model()) << name << " step " << step;
            pack_state(back.model(), back.world(), labels[0], again);
            EXPECT_EQ(again, packed);
            for (Pfn p = 0; p < u.pfns; p++) EXPECT_EQ(back.decode(p), exec.decode(p));
            // A relabelled state unpacks to a state whose identity packing is the same.
            for (const auto& r : labels) {
                pack_state(exec.model(), exec.world(), r, packed);
                unpack_state({packed.data(), packed.size()}, back.mutable_model(),
                             back.mutable_world());
                pack_state(back.model(), back.world(), labels[0], again);
                EXPECT_EQ(again, packed);
            }
        }
    }
}

TEST(StatePack, KeepsWhichPfnsAMisuseTouched) {
    const Universe u = small_universe();
    const auto identity = relabellings(u, false).front();
    Execution exec(variant("v10"), u), back(variant("v10"), u);
    exec.step(Associate{0, 0, 1, 0, false});
    exec.step(Associate{1, 1, 1, 0, false});  // misuse: pfn 1 already owned
    ASSERT_TRUE(exec.misuse_tainted(1));
    PackedState packed, untainted;
    pack_state(exec, identity, packed);
    unpack_state({packed.data(), packed.size()}, back);
    for (Pfn p = 0; p < u.pfns; p++) EXPECT_EQ(back.misuse_tainted(p), exec.misuse_tainted(p));
    EXPECT_EQ(back.first_misuse(1), Execution::kEarlierMisuse);
    // The taint is part of the state: without it the encoding differs.
    pack_state(exec.model(), exec.world(), identity, untainted);
    EXPECT_NE(packed, untainted);
}

TEST(Explorer, EnumeratesExactlyTheAllowedOperations) {
    const Universe u = small_universe();
    std::mt19937 rng(3);
    for (bool misuse : {false, true})
        for (Profile profile : all_profiles()) {
            Execution exec(variant("v10-fixed"), u);
            std::vector<Op> ops;
            for (int step = 0; step < 200; step++) {
                enumerate_ops(exec.model(), profile, misuse, ops);
                std::vector<std::string> got, want;
                for (const auto& op : ops) got.push_back(to_text(op));
                for (const auto& op : all_candidates(exec.model()))
                    if (allowed(exec.model(), op, profile, misuse)) want.push_back(to_text(op));
                std::sort(got.begin(), got.end());
                std::sort(want.begin(), want.end());
                ASSERT_EQ(got, want) << "step " << step;
                exec.step(ops[rng() % ops.size()]);
            }
        }
}

// Property::end_only_reads lets the explorer run an end check on the state
// in place (child_end_fails in engines/explorer.cpp): a check marked so must
// change nothing (model, page fields, xarrays, warnings) on any in-tree
// port, along random walks with pins and PMD entries. drain, which runs
// operations at the end, shows that the comparison sees a change.
TEST(Explorer, EndChecksMarkedReadOnlyChangeNothing) {
    const Universe u = small_universe();
    const Relabelling identity = relabellings(u, false).front();
    // Whether p's end check changed the state at some point of a walk.
    const auto end_check_writes = [&](const Property& p, const Variant& v, unsigned seed) {
        std::mt19937 rng(seed);
        Execution exec(v, u);
        std::vector<Op> ops;
        PackedState before, after;
        for (int step = 0; step < 12; step++) {
            enumerate_ops(exec.model(), Profile::Reflink, false, ops);
            exec.step(ops[rng() % ops.size()]);
            pack_state(exec.model(), exec.world(), identity, before);
            const std::size_t warnings = exec.world().warnings.size();
            p.at_end(exec);
            pack_state(exec.model(), exec.world(), identity, after);
            if (after != before || exec.world().warnings.size() != warnings) return true;
        }
        return false;
    };
    int marked = 0;
    for (const Property& p : all_properties()) {
        if (!p.end_only_reads) continue;
        ASSERT_TRUE(p.at_end) << p.name;
        marked++;
        for (const std::string& name : in_tree_variant_order())
            for (unsigned seed = 0; seed < 5; seed++)
                EXPECT_FALSE(end_check_writes(p, variant(name), seed)) << p.name << " " << name;
    }
    EXPECT_GT(marked, 0);
    bool drain_writes = false;
    for (unsigned seed = 0; seed < 5; seed++)
        drain_writes = drain_writes || end_check_writes(*find_property("drain"), variant("v6.2"), seed);
    EXPECT_TRUE(drain_writes);
}

TEST(Explorer, FindsTheKnownShortestCounterexamples) {
    struct Case {
        const char* variant;
        Profile profile;
        std::size_t length;
    };
    for (const Case& c : {Case{"v10-only-byvalue", Profile::Reflink, 1},
                          Case{"v10-only-inverted", Profile::Exclusive, 2},
                          Case{"v10-only-postdec", Profile::Reflink, 2},
                          Case{"v10", Profile::Exclusive, 2}, Case{"v10", Profile::Reflink, 1}})
        for (bool symmetry : {true, false}) {
            const auto r = run(c.variant, "refinement", c.profile, small_universe(), symmetry);
            ASSERT_TRUE(r.found()) << c.variant << " " << to_string(r.stop) << " " << r.error;
            EXPECT_EQ(r.counterexample.size(), c.length) << c.variant << "\n"
                                                         << text(r.counterexample);
            EXPECT_EQ(r.depth_completed, c.length - 1);
            const auto again = replay(variant(c.variant), *find_property("refinement"),
                                      small_universe(), r.counterexample);
            EXPECT_FALSE(again.invalid);
            EXPECT_TRUE(again.trace.failed()) << text(r.counterexample);
            // Only the last operation breaks it: the list is not padded.
            for (std::size_t i = 0; i + 1 < again.trace.steps.size(); i++)
                EXPECT_FALSE(again.trace.steps[i].failure);
        }
}

TEST(Explorer, EveryExpectedFailureIsFoundAndReplays) {
    // Every known failure needs at most 4 operations, so depth 5 bounds the
    // search. misuse-detected included: the packed state says which pfns an
    // earlier misuse touched.
    for (const auto& row : expected_failures()) {
        const auto r = run(row.variant, row.property, *parse_profile(row.profile),
                           small_universe(), true, 5);
        ASSERT_TRUE(r.found()) << row.variant << " " << row.property << " " << row.profile << ": "
                               << to_string(r.stop) << " " << r.error;
        EXPECT_LE(r.counterexample.size(), 4u);
        const auto again =
            replay(variant(row.variant), *find_property(row.property),
                   small_universe(), r.counterexample);
        EXPECT_TRUE(again.trace.failed()) << text(r.counterexample);
    }
}

// The small universe takes seconds per cell (./daxcheck explore
// reports it); the test exhausts a slightly smaller one, also under ASan.
Universe test_universe() {
    Universe u = small_universe();
    u.offsets = 2;
    u.max_pins = 1;
    return u;
}

TEST(Explorer, FixedVariantExhaustsTheTestUniverse) {
    for (const auto& property : {"refinement", "no-spurious-warn"})
        for (Profile profile : all_profiles()) {
            const auto r = run("v10-fixed", property, profile, test_universe());
            EXPECT_EQ(r.stop, ExploreStop::Exhausted) << property << " " << to_string(profile)
                                                       << ": " << text(r.counterexample);
            EXPECT_TRUE(r.exhausted);
            EXPECT_GT(r.states, 100u);
            EXPECT_GT(r.transitions, r.states);
        }
}

TEST(Explorer, SymmetryKeepsVerdictsAndStoresFewerStates) {
    Universe u = test_universe();
    u.pfns = 4;  // two full blocks, so both kinds of relabelling apply
    u.max_pins = 0;
    for (const auto& v : {"v10-fixed", "v10-only-postdec", "v10-only-inverted"})
        for (Profile profile : all_profiles()) {
            const auto with = run(v, "refinement", profile, u, true);
            const auto without = run(v, "refinement", profile, u, false);
            EXPECT_EQ(with.stop, without.stop) << v << " " << to_string(profile);
            if (std::string(v) == "v10-fixed") {
                EXPECT_EQ(with.stop, ExploreStop::Exhausted);
                EXPECT_EQ(with.symmetry_group, 4u);
            }
            EXPECT_EQ(with.counterexample.size(), without.counterexample.size());
            if (with.stop == ExploreStop::Exhausted) {
                EXPECT_LT(with.states, without.states);
                // Each stored orbit counts the states it stands for: together all of them.
                EXPECT_EQ(with.concrete_states, without.states);
                EXPECT_EQ(with.depth_completed, without.depth_completed);
            }
        }
}

TEST(Explorer, DepthLimitStopsCleanly) {
    const auto r = run("v10-fixed", "refinement", Profile::Reflink, small_universe(), true, 3);
    EXPECT_EQ(r.stop, ExploreStop::DepthLimit);
    EXPECT_EQ(r.depth_completed, 3u);
    EXPECT_FALSE(r.exhausted);
    ASSERT_EQ(r.states_per_depth.size(), 4u);
    EXPECT_EQ(r.states_per_depth[0], 1u);
}

TEST(Explorer, MemoryBudgetStopsCleanly) {
    ExploreOptions o;
    o.universe = small_universe();
    o.memory_budget_bytes = 1 << 20;
    const auto r = explore(variant("v10-fixed"), *find_property("refinement"), o);
    EXPECT_EQ(r.stop, ExploreStop::MemoryBudget);
    EXPECT_FALSE(r.exhausted);
    EXPECT_GE(r.memory_bytes, o.memory_budget_bytes);
}

TEST(Explorer, ThreadsGiveTheSameResultsAndCounterexamples) {
    for (const auto& [v, p, profile] :
         {std::tuple{"v10-fixed", "refinement", Profile::Reflink},
          std::tuple{"v10-only-postdec", "refinement", Profile::Reflink},
          std::tuple{"v10-only-inverted", "refinement", Profile::Exclusive},
          std::tuple{"v10", "no-spurious-warn", Profile::Reflink},
          std::tuple{"v10-only-postdec", "drain", Profile::Reflink},  // an end check fails
          std::tuple{"pre-reflink", "drain", Profile::Reflink},
          std::tuple{"v10", "misuse-detected", Profile::Reflink}}) {
        ExploreOptions o;
        o.universe = test_universe();
        o.profile = profile;
        const auto one = explore(variant(v), *find_property(p), o);
        o.threads = 2;
        const auto two = explore(variant(v), *find_property(p), o);
        EXPECT_EQ(one.stop, two.stop) << v << " " << p;
        // Ids follow the smallest discovery key, so even the counterexample
        // and the counts of a stopped search do not depend on the threads.
        EXPECT_EQ(text(one.counterexample), text(two.counterexample)) << v << " " << p;
        EXPECT_EQ(one.states, two.states) << v << " " << p;
        EXPECT_EQ(one.transitions, two.transitions) << v << " " << p;
        EXPECT_EQ(one.concrete_states, two.concrete_states) << v << " " << p;
        EXPECT_EQ(one.depth_completed, two.depth_completed) << v << " " << p;
        EXPECT_EQ(one.states_per_depth, two.states_per_depth) << v << " " << p;
    }
}
