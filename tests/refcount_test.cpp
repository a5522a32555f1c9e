// SPEC 9 (issue 14): the reference-count part of `refinement` fails a port
// whose counts drift, in a minimal counterexample with a message about
// reference counts, and passes the ports that keep them; the free path runs
// the version's checks; `explore` terminates on 6.15. Uses the test-only port
// tests/ports/tail_pin_drift_port.cpp (this binary only).
#include <gtest/gtest.h>

#include "engines/base_diff.h"
#include "engines/explorer.h"
#include "engines/minimise.h"
#include "engines/op_enumeration.h"
#include "engines/rc_runner.h"
#include "engines/replay.h"
#include "engines/state_pack.h"
#include "engines/swarm.h"
#include "harness/op_text.h"
#include "tests/test_helpers.h"
#include "impl/expectations.h"
#include "properties/refcount_relation.h"
#include "properties/relation.h"

#include <cstdlib>
#include <deque>
#include <random>
#include <set>

using namespace daxcheck;

using daxcheck::test::ops_text;

namespace {

const Variant& variant(const std::string& name) {
    const Variant* v = find_variant(name);
    EXPECT_TRUE(v) << name;
    return *v;
}

// An explore of `u` in `profile`, stopped after `seconds` at the latest.
ExploreOptions explore_options(const model::Universe& u, Profile profile, double seconds) {
    ExploreOptions o;
    o.universe = u;
    o.profile = profile;
    o.time_budget_s = seconds;
    return o;
}

std::vector<model::Op> ops_of(const std::vector<std::string>& lines) {
    std::vector<model::Op> ops;
    for (const auto& l : lines) ops.push_back(std::get<model::Op>(parse_op(l)));
    return ops;
}

}  // namespace

TEST(Refcount, TailPinDriftFailsRefinementWithAReferenceCountMessageInAMinimalCounterexample) {
    const Variant& v = variant("test-tail-pin-drift");
    const Property& p = *find_property("refinement");
    for (std::uint64_t seed : {1, 2, 3}) {
        CellConfig cfg;
        cfg.seed = seed;
        cfg.tests = 300;
        const CellResult r = run_cell(v, p, Profile::Exclusive, cfg);
        ASSERT_EQ(r.verdict, CellResult::Verdict::Fail) << "seed " << seed;
        const Minimisation m =
            minimise_globally(v, p, Profile::Exclusive, cfg.universe, r.counterexample);
        const auto& shortest = m.shorter.empty() ? r.counterexample : m.shorter;
        EXPECT_TRUE(m.proven_shortest) << ops_text(shortest);
        // associate a PMD entry, pin a tail page, release the entry
        EXPECT_EQ(shortest.size(), 3u) << ops_text(shortest);
        const ReplayResult replayed = replay(v, p, cfg.universe, shortest);
        EXPECT_NE(replayed.trace.failure().find("reference count"), std::string::npos)
            << replayed.trace.failure();
    }
}

TEST(Refcount, TheDriftReadsAsACountOnTheFormerHead) {
    const auto ops = ops_of({"associate A 0 pfn=0 order=1 shared=0", "pin 1", "truncate A 0"});
    const ReplayResult r = replay(variant("test-tail-pin-drift"), *find_property("refinement"),
                                  model::Universe{}, ops);
    EXPECT_EQ(r.trace.failure(),
              "after #3: pfn 0: reference count 1 in its own count must be 0 (idle 0 + 0 pins held on the "
              "pages it covers): a reference counted where no pin is held");
    // Unpinning then drives the former tail below zero, which says so.
    const auto more = ops_of({"associate A 0 pfn=0 order=1 shared=0", "pin 1", "truncate A 0",
                              "unpin 1"});
    Execution e(variant("test-tail-pin-drift"), model::Universe{});
    for (const auto& op : more) e.step(op);
    EXPECT_EQ(e.refcount(1).count, -1);
}

TEST(Refcount, UnderDebugVmTheUnpinOfTheFormerTailIsABugNotAnAbort) {
    const auto ops = ops_of({"associate A 0 pfn=0 order=1 shared=0", "pin 1", "truncate A 0",
                             "unpin 1"});
    const ReplayResult r = replay(variant("test-tail-pin-drift+debug_vm"),
                                  *find_property("order-independence"), model::Universe{}, ops);
    EXPECT_NE(r.trace.failure().find("folio_ref_count(folio) == 0"), std::string::npos)
        << r.trace.failure();
}

// --base at the function level: a class the other side cannot show is "not
// seen", never fixed or new. The drift's later class (the unpin driving the
// former tail below zero, at #4) meets the BUG_ON of folio_put_testzero on
// the +debug_vm build at that very step: before, it read "fixed".
TEST(BaseDiff, AClassBehindTheOtherSidesBugOnIsNotSeen) {
    const Variant& base = variant("test-tail-pin-drift");
    const Variant& patch = variant("test-tail-pin-drift+debug_vm");
    const Property& p = *find_property("refinement");
    const auto ops = ops_of({"associate A 0 pfn=0 order=1 shared=0", "pin 1", "truncate A 0", "unpin 1"});
    const auto along = failures_along(base, p, model::Universe{}, ops);
    ASSERT_EQ(along.size(), 3u);  // #3: counted where no pin is held; #4: below zero; the end
    ASSERT_EQ(along[1].step, 4u);
    const FoundClass below_zero{along[1].cls, ops, model::Universe{}};
    const CellDiff d = diff_cell(patch, base, p, Profile::Exclusive, {}, {below_zero});
    ASSERT_EQ(d.classes.size(), 1u);
    EXPECT_EQ(d.classes[0].change, ClassChange::NotSeen) << to_string(d.classes[0].change);
    EXPECT_NE(d.classes[0].note.find("test-tail-pin-drift+debug_vm stops the port at #4"), std::string::npos)
        << d.classes[0].note;
    // The patch fails that sequence too: the cell is not fixed.
    EXPECT_NE(d.change, CellChange::Fixed) << to_string(d.change);
}

// A class told by its message alone (a reference count) is hidden where the
// other side fails the same step with another message: the stale-head port
// breaks the relation at the release where the drift port miscounts. A
// class with broken pfns is not hidden so (they are classified whatever the
// message): going the other way, the stale mapping is fixed.
TEST(BaseDiff, AReferenceCountBehindAnotherFailureOfTheSameStepIsNotSeen) {
    const Variant& drift = variant("test-tail-pin-drift");
    const Variant& stale = variant("test-tail-pin-drift-stale-head");
    const Property& p = *find_property("refinement");
    const auto ops = ops_of({"associate A 0 pfn=0 order=1 shared=0", "pin 1", "truncate A 0"});
    const auto on_drift = failures_along(drift, p, model::Universe{}, ops);
    const auto on_stale = failures_along(stale, p, model::Universe{}, ops);
    ASSERT_FALSE(on_drift.empty());
    ASSERT_FALSE(on_stale.empty());
    ASSERT_EQ(on_drift[0].step, 3u);
    ASSERT_EQ(on_stale[0].step, 3u);
    const FoundClass count{on_drift[0].cls, ops, model::Universe{}};
    const FoundClass mapping{on_stale[0].cls, ops, model::Universe{}};
    ASSERT_TRUE(count.cls.warning_sites.empty() && count.cls.pfn_pairs.empty()) << count.cls.key();
    ASSERT_FALSE(mapping.cls.pfn_pairs.empty()) << mapping.cls.key();
    const CellDiff d = diff_cell(stale, drift, p, Profile::Exclusive, {mapping}, {count});
    ASSERT_EQ(d.classes.size(), 2u);
    EXPECT_EQ(d.classes[0].change, ClassChange::New) << d.classes[0].cls.key();
    EXPECT_EQ(d.classes[1].change, ClassChange::NotSeen) << d.classes[1].cls.key();
    EXPECT_NE(d.classes[1].note.find("test-tail-pin-drift-stale-head fails this sequence at #3 with"),
              std::string::npos) << d.classes[1].note;
    EXPECT_EQ(d.change, CellChange::NewFailure) << to_string(d.change);
    const CellDiff back = diff_cell(drift, stale, p, Profile::Exclusive, {count}, {mapping});
    ASSERT_EQ(back.classes.size(), 2u);
    EXPECT_EQ(back.classes[0].change, ClassChange::NotSeen) << back.classes[0].cls.key();
    EXPECT_EQ(back.classes[1].change, ClassChange::Fixed) << back.classes[1].cls.key();
}

TEST(Refcount, PortsThatKeepTheirCountsPassEveryProperty) {
    for (const char* name : {"v6.2", "v10-fixed"})
        for (const auto& p : all_properties())
            for (Profile profile : all_profiles()) {
                CellConfig cfg;
                cfg.tests = 100;
                const CellResult r = run_cell(variant(name), p, profile, cfg);
                EXPECT_EQ(r.verdict, CellResult::Verdict::Pass)
                    << name << " " << p.name << " " << to_string(profile) << ": " << r.message;
                SwarmOptions o;
                o.walks = 300;
                o.threads = 1;
                const auto s = run_swarm_cell(variant(name), p, profile, o);
                EXPECT_EQ(s.cell.verdict, CellResult::Verdict::Pass)
                    << name << " " << p.name << " swarm: " << s.cell.message;
            }
}

// The free path (SPEC 9): a large fsdax folio whose last reference goes
// trips 7.1's VM_WARN_ON_ONCE(folio_test_large(folio)) under CONFIG_DEBUG_VM
// only; 7.2's fix leaves fsdax folios alone.
TEST(Refcount, TheFreePathRunsTheVersionsChecks) {
    const auto ops = ops_of({"associate A 0 pfn=0 order=1 shared=0", "pin 0", "unpin 0"});
    auto warnings_on_unpin = [&](const std::string& name) {
        Execution e(variant(name), model::Universe{});
        StepOutcome last;
        for (const auto& op : ops) last = e.step(op);
        std::vector<std::string> out;
        for (const auto& w : last.warnings) out.push_back(std::string(w.function) + ": " + std::string(w.condition));
        return out;
    };
    EXPECT_EQ(warnings_on_unpin("v7.1+debug_vm"),
              std::vector<std::string>{"free_zone_device_folio: folio_test_large(folio)"});
    EXPECT_TRUE(warnings_on_unpin("v7.1").empty());
    EXPECT_TRUE(warnings_on_unpin("v7.2+debug_vm").empty());
    EXPECT_TRUE(warnings_on_unpin("v6.15+debug_vm").empty());
}

// Counts that drift with every pin made the state space unbounded; states
// whose counts left the model are no longer expanded, so the search ends.
TEST(Refcount, ExploreExhaustsASmallUniverseOnV615) {
    const ExploreOptions o = explore_options({2, 2, 2, 1, 1}, Profile::Exclusive, 60);
    const ExploreResult r =
        explore(variant("v6.15"), *find_property("order-independence"), o);
    EXPECT_EQ(r.stop, ExploreStop::Exhausted) << to_string(r.stop);
    EXPECT_TRUE(r.exhausted);
    EXPECT_GT(r.off_model_transitions, 0u);
}

// --off-model once: the fields 6.15 leaves behind multiply the states of
// order-independence/reflink (the default rule does not exhaust this
// universe in minutes); expanding each off-model state once bounds them.
TEST(Refcount, OffModelOnceExhaustsWhatLeftoverFieldsMultiply) {
    ExploreOptions o = explore_options({2, 3, 2, 1, 1}, Profile::Reflink, 120);
    o.off_model = ExploreOptions::OffModel::Once;
    const ExploreResult r = explore(variant("v6.15"), *find_property("order-independence"), o);
    EXPECT_EQ(r.stop, ExploreStop::Exhausted) << to_string(r.stop);
    EXPECT_GT(r.off_model_transitions, 0u);
}

// An off-model state is still expanded once: what its next operation does is
// found. Here the unpin after a pin drifted to the former head is a BUG
// (CONFIG_DEBUG_VM), four operations in, as with the default rule.
TEST(Refcount, OffModelOnceStillFindsWhatFollowsTheFirstDrift) {
    ExploreOptions o = explore_options({2, 4, 2, 1, 1}, Profile::Reflink, 60);
    o.max_depth = 6;
    const Property& p = *find_property("order-independence");
    const ExploreResult pins = explore(variant("v6.15+debug_vm"), p, o);
    o.off_model = ExploreOptions::OffModel::Once;
    const ExploreResult once = explore(variant("v6.15+debug_vm"), p, o);
    ASSERT_TRUE(pins.found()) << to_string(pins.stop);
    ASSERT_TRUE(once.found()) << to_string(once.stop);
    EXPECT_EQ(ops_text(once.counterexample), ops_text(pins.counterexample));
    EXPECT_NE(once.failure.value_or("").find("folio_ref_count"), std::string::npos)
        << once.failure.value_or("");
}

// refcount_drift, which decides what the explorer leaves unexpanded, reads a
// page's own count directly for ports before 6.15. On every in-tree port, along
// random walks with pins, and with a count knocked off by hand, it must give
// what the port's reference-count view gives: the distance of the count
// covering each pfn from idle plus the pins held on the pages it covers.
TEST(Refcount, DriftIsTheDistanceOfTheViewedCountFromIdlePlusPins) {
    const model::Universe u{2, 4, 4, 1, 2};
    const auto expected = [](const Execution& e, model::Pfn p) {
        const RefcountView view = e.refcount(p);
        long want = e.variant().idle_refcount;
        for (std::uint64_t i = 0; i < view.pages; i++) want += e.model().pfns[view.first + i].pins;
        return std::labs(view.count - want);
    };
    for (const std::string& name : in_tree_variant_order()) {
        std::mt19937 rng(11);
        Execution e(variant(name), u);
        std::vector<model::Op> ops;
        long pinned = 0;
        for (int step = 0; step < 40; step++) {
            enumerate_ops(e.model(), Profile::Reflink, false, ops);
            e.step(ops[rng() % ops.size()]);
            for (model::Pfn p = 0; p < u.pfns; p++) {
                EXPECT_EQ(refcount_drift(e, {p}), expected(e, p)) << name << " step " << step;
                pinned += e.model().pfns[p].pins;
            }
        }
        EXPECT_GT(pinned, 0) << name;  // the walks held pins
        const model::Pfn head = e.refcount(0).first;
        e.mutable_world().memmap[head]._refcount += 5;
        EXPECT_GT(expected(e, 0), 0) << name;
        EXPECT_EQ(refcount_drift(e, {0}), expected(e, 0)) << name;
    }
}

// The explorer counts a child's off-model pfns incrementally (the parent's
// count, updated for the step's pfns). A search that recounts every pfn of
// every state from scratch must keep exactly the same states and leave the
// same transitions unexpanded: a rule that cut too much (every child of an
// off-model state, say, including those back on the model) or a count that
// missed a pfn would differ.
TEST(Refcount, OffModelOnceKeepsTheStatesAFromScratchSearchKeeps) {
    const model::Universe u{2, 2, 2, 1, 1};
    const Variant& v = variant("v6.15");
    const Property& p = *find_property("order-independence");
    const auto off_model_pfns = [](const Execution& e) {
        long n = 0;
        for (model::Pfn q = 0; q < e.model().pfns.size(); q++)
            n += !e.misuse_tainted(q) && !pfn_refines(e, q);
        return n;
    };
    const Relabelling identity = relabellings(u, false).front();
    PackedState packed;
    const auto key = [&](const Execution& e) {
        pack_state(e, identity, packed);
        return std::basic_string<std::uint8_t>(packed.begin(), packed.end());
    };
    Execution x(v, u), y(v, u);
    std::set<std::basic_string<std::uint8_t>> seen{key(x)};
    std::deque<std::basic_string<std::uint8_t>> frontier{key(x)};
    std::uint64_t transitions = 0, unkept = 0, back_on_model = 0;
    while (!frontier.empty()) {
        unpack_state(frontier.front(), x);
        frontier.pop_front();
        const long parent_off = off_model_pfns(x);
        for_each_op(x.model(), Profile::Reflink, p.with_misuse, [&](const model::Op& op) {
            transitions++;
            copy_state(x, y);
            y.step(op);
            const long child_off = off_model_pfns(y);
            if (parent_off > 0 && child_off > 0) {
                unkept++;
                return true;
            }
            if (parent_off > 0) back_on_model++;
            if (seen.insert(key(y)).second) frontier.push_back(key(y));
            return true;
        });
    }
    ASSERT_GT(unkept, 0u);
    ASSERT_GT(back_on_model, 0u);  // the universe has off -> on -> off paths
    ExploreOptions o = explore_options(u, Profile::Reflink, 60);
    o.symmetry = false;
    o.off_model = ExploreOptions::OffModel::Once;
    for (unsigned threads : {1u, 2u}) {  // the same for any number of threads
        o.threads = threads;
        const ExploreResult r = explore(v, p, o);
        ASSERT_EQ(r.stop, ExploreStop::Exhausted) << to_string(r.stop);
        EXPECT_EQ(r.states, seen.size()) << threads;
        EXPECT_EQ(r.transitions, transitions) << threads;
        EXPECT_EQ(r.off_model_transitions, unkept) << threads;
    }
}

// Under --off-model once a state that is not kept is still end-checked:
// drain's failure classes on v10-only-byvalue include sequences that end in
// two off-model states, and `once` finds the same classes at the same
// lengths as the default rule.
TEST(Refcount, OffModelOnceEndChecksTheStatesItDoesNotKeep) {
    ExploreOptions o = explore_options({2, 2, 2, 1, 1}, Profile::Reflink, 60);
    const Property& p = *find_property("drain");
    const Variant& v = variant("v10-only-byvalue");
    std::vector<std::size_t> lengths[2];
    for (int once = 0; once < 2; once++) {
        o.off_model = once ? ExploreOptions::OffModel::Once : ExploreOptions::OffModel::WithinPins;
        o.failures = ClassFilter{};
        for (int n = 0; n < 3; n++) {
            const ExploreResult r = explore(v, p, o);
            if (!r.found()) break;
            lengths[once].push_back(r.counterexample.size());
            const auto c = failure_class_of(v, p, o.universe, r.counterexample);
            ASSERT_TRUE(c.has_value());
            o.failures.known.push_back(*c);
        }
    }
    EXPECT_EQ(lengths[1], lengths[0]);
    EXPECT_EQ(lengths[0].size(), 3u);
}

// Under --off-model once the unexpanded states whose end check passed are
// remembered for every thread (end_passed_ in engines/explorer.cpp); one
// whose check failed never is, and each worker keeps the smallest key of an
// unkept state that failed, the smallest of all winning as for any failure.
// On two threads each failure class must come out as on one. Which thread
// reaches what is up to the scheduler, so this samples orders rather than
// forcing one: the universe's levels hold more than the 64 parents a thread
// takes at a time (80 at depth 1), so both threads expand the failing level,
// and ten runs catch a wrong merge of the workers' keys (only the first
// worker's read) in most sessions. At least one class here ends in a state
// that was not kept (off the model, and its parent too), so that path is
// the one exercised.
TEST(Refcount, OffModelOnceUnkeptEndFailuresAreTheSameOnTwoThreads) {
    const model::Universe u{2, 4, 4, 1, 1};
    ExploreOptions o = explore_options(u, Profile::Reflink, 60);
    o.off_model = ExploreOptions::OffModel::Once;
    const Property& p = *find_property("drain");
    const Variant& v = variant("v10-only-byvalue");
    const auto off_model_pfns = [](const Execution& e) {
        long n = 0;
        for (model::Pfn q = 0; q < e.model().pfns.size(); q++)
            n += !e.misuse_tainted(q) && !pfn_refines(e, q);
        return n;
    };
    std::vector<ExploreResult> one;
    std::vector<FailureClass> classes;
    o.threads = 1;
    for (int n = 0; n < 3; n++) {
        one.push_back(explore(v, p, o));
        ASSERT_TRUE(one.back().found()) << n;
        const auto c = failure_class_of(v, p, u, one.back().counterexample);
        ASSERT_TRUE(c.has_value());
        classes.push_back(*c);
        o.failures.known.push_back(*c);
    }
    bool ends_unkept = false;
    for (const ExploreResult& r : one) {
        Execution e(v, u);
        long before = 0;
        for (const model::Op& op : r.counterexample) {
            before = off_model_pfns(e);
            e.step(op);
        }
        ends_unkept = ends_unkept || (before > 0 && off_model_pfns(e) > 0);
    }
    ASSERT_TRUE(ends_unkept);
    o.threads = 2;
    for (int run = 0; run < 10; run++) {
        o.failures = ClassFilter{};
        for (std::size_t n = 0; n < one.size(); n++) {
            const ExploreResult r = explore(v, p, o);
            EXPECT_EQ(ops_text(r.counterexample), ops_text(one[n].counterexample)) << run << " " << n;
            EXPECT_EQ(r.failure, one[n].failure) << run << " " << n;
            EXPECT_EQ(r.transitions, one[n].transitions) << run << " " << n;
            EXPECT_EQ(r.off_model_transitions, one[n].off_model_transitions) << run << " " << n;
            o.failures.known.push_back(classes[n]);
        }
    }
}

// A patch that deletes a check together with its declaration is held to
// fewer checks: a base class it passes only for that reads "fixed, by a
// dropped check", with what the patch held to the base's checks still fails.
// (v7.2 without its declared second-exclusive-owner check, a test-only copy.)
TEST(BaseDiff, AClassFixedOnlyByADroppedCheckSaysSo) {
    const Variant& base = variant("v7.2");
    Variant patch = base;
    patch.name = "v7.2-without-second-exclusive-owner";
    std::erase_if(patch.checks, [](const DeclaredCheck& d) {
        return d.check == model::DefensiveCheck::SecondExclusiveOwner;
    });
    ASSERT_LT(patch.checks.size(), base.checks.size());
    const Property& p = *find_property("misuse-detected");
    const auto ops = ops_of({"associate A 0 pfn=1 order=0 shared=0", "associate A 2 pfn=0 order=1 shared=0"});
    const auto on_base = failures_along(base, p, model::Universe{}, ops);
    ASSERT_FALSE(on_base.empty());
    ASSERT_TRUE(failures_along(patch, p, model::Universe{}, ops).empty());
    const FoundClass found{on_base[0].cls, ops, model::Universe{}};
    const CellDiff d = diff_cell(patch, base, p, Profile::Exclusive, {}, {found});
    ASSERT_EQ(d.classes.size(), 1u);
    EXPECT_EQ(d.classes[0].change, ClassChange::Fixed);
    EXPECT_TRUE(d.classes[0].by_dropped_check);
    EXPECT_NE(d.classes[0].note.find("held to v7.2's checks, v7.2-without-second-exclusive-owner still fails"),
              std::string::npos) << d.classes[0].note;
    EXPECT_EQ(d.change_text(), "fixed, by a dropped check");
}
