// A timed run's failing walk is the one its reproduce line (--walks w+1)
// finds, however the threads were scheduled (findings-16 item 6): the
// filesystem level's run_walks and the function level's run_swarm_cell hand
// walks out in order. A test-only property stalls every thread but the
// test's own on each step, so that thread falls far behind; it fails any
// step whose operation text hashes to 0 mod kRare, a fixed set of walks.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "engines/swarm.h"
#include "fslevel/fs_text.h"
#include "fslevel/fs_walk.h"
#include "harness/op_text.h"

using namespace daxcheck;

namespace {

std::thread::id g_fast_thread;
constexpr std::size_t kRare = 97;

std::optional<std::string> rare_failure(const StepView& s) {
    if (std::this_thread::get_id() != g_fast_thread) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    const std::string text = to_text(s.op);
    if (std::hash<std::string>{}(text) % kRare == 0) return "rare operation " + text;
    return std::nullopt;
}

Property stalling_property() {
    Property p;
    p.name = "test-rare-operation";
    p.summary = "fails on a few operations; stalls every thread but the test's";
    p.after_step = rare_failure;
    return p;
}

}  // namespace

TEST(WalkOrder, FsTimedRunReportsTheWalkItsReproduceLineFinds) {
    g_fast_thread = std::this_thread::get_id();
    const Property p = stalling_property();
    const Variant& v = *find_variant("v6.2");
    const model::Universe u = model::Universe::with_pmd_order(1);
    for (std::uint64_t seed = 1; seed <= 6; seed++) {
        const auto timed = fslevel::run_walks(v, p, true, u, seed, 0, 30, 2);
        ASSERT_TRUE(timed.failing_walk) << "seed " << seed;
        const auto again = fslevel::run_walks(v, p, true, u, seed, *timed.failing_walk + 1, 0, 1);
        ASSERT_TRUE(again.failing_walk) << "seed " << seed;
        EXPECT_EQ(*again.failing_walk, *timed.failing_walk) << "seed " << seed;
        EXPECT_EQ(again.counterexample, timed.counterexample) << "seed " << seed;
    }
}

TEST(WalkOrder, SwarmTimedRunReportsTheWalkItsReproduceLineFinds) {
    g_fast_thread = std::this_thread::get_id();
    const Property p = stalling_property();
    const Variant& v = *find_variant("v6.2");
    for (std::uint64_t seed = 1; seed <= 6; seed++) {
        SwarmOptions timed;
        timed.seed = seed;
        timed.threads = 2;
        timed.seconds = 30;
        const auto a = run_swarm_cell(v, p, Profile::Reflink, timed);
        ASSERT_TRUE(a.failing_walk) << "seed " << seed;
        SwarmOptions fixed = timed;
        fixed.threads = 1;
        fixed.walks = *a.failing_walk + 1;
        const auto b = run_swarm_cell(v, p, Profile::Reflink, fixed);
        ASSERT_TRUE(b.failing_walk) << "seed " << seed;
        EXPECT_EQ(*b.failing_walk, *a.failing_walk) << "seed " << seed;
        EXPECT_EQ(b.cell.counterexample, a.cell.counterexample) << "seed " << seed;
    }
}

TEST(WalkOrder, SwarmSecondsHoldInAWideUniverse) {
    // One read of the clock per walk: a wide universe's walks are long, and
    // 16 of them per thread (the check before) overran --seconds by seconds.
    g_fast_thread = std::this_thread::get_id();
    model::Universe wide = model::Universe::with_pmd_order(9);
    wide.files = 26;
    wide.pfns = 1 << 16;
    wide.offsets = 1 << 16;
    SwarmOptions o;
    o.universe = wide;
    o.seed = 3;
    o.threads = 2;
    o.seconds = 0.001;
    const Property& p = *find_property("order-independence");
    const Variant& v = *find_variant("v6.2");
    const auto r = run_swarm_cell(v, p, Profile::Reflink, o);
    // The first walk always runs, then each thread stops before its next one.
    EXPECT_LE(r.walks, 3u);
}
