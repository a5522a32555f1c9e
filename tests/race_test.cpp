// The interleaving explorer (race/, issue 15): the scheduler, the enumerator's
// counts, the linearizability check, shrinking, the corpus round trip, and
// that `race` catches the test-only port whose share increment is split while
// the ones that serialise the update pass. Compiled in the concurrency build
// (cmake/race.cmake), so page fields are scheduling points here.
#include <gtest/gtest.h>

#include "engines/corpus_file.h"
#include "impl/expectations.h"
#include "race/prefixes.h"
#include "race/race_corpus.h"
#include "race/race_text.h"

namespace {

using namespace daxcheck;
using namespace daxcheck::race;

std::uint64_t binomial(unsigned n, unsigned k) {
    std::uint64_t r = 1;
    for (unsigned i = 1; i <= k; i++) r = r * (n - k + i) / i;
    return r;
}

// Operation t of a test: `steps` stores into pfn `pfn`'s index field.
std::function<void()> stores(kshim::kernel_world& w, unsigned long pfn, unsigned steps) {
    return [&w, pfn, steps] {
        for (unsigned i = 0; i < steps; i++) w.memmap[pfn].index = i + 1;
    };
}

// An operation that increments pfn `pfn`'s share under `lock`.
std::function<void()> locked_increment(kshim::kernel_world& w, kshim::spinlock_t& lock, unsigned long pfn) {
    return [&w, &lock, pfn] {
        kshim::spin_lock(&lock);
        w.memmap[pfn].share = w.memmap[pfn].share + 1;
        kshim::spin_unlock(&lock);
    };
}

EnumerateStats count_runs(kshim::kernel_world& w, unsigned m, unsigned n, unsigned long pfn_b,
                          EnumerateOptions o) {
    kshim::world_scope scope(w);
    const std::array<std::function<void()>, 2> ops = {stores(w, 0, m), stores(w, pfn_b, n)};
    return enumerate([&](const auto& choose) { return run_interleaved(ops, choose); }, o,
                     [](const RunResult&) { return true; });
}

TEST(RaceScheduler, FollowsTheScheduleAndRecordsEachAccess) {
    kshim::kernel_world w(2, 2, 1, 1);
    kshim::world_scope scope(w);
    const std::array<std::function<void()>, 2> ops = {stores(w, 0, 2), stores(w, 1, 2)};
    const RunResult r = run_interleaved(ops, follow({1, 0, 0, 1}));
    ASSERT_EQ(r.steps.size(), 4u);
    EXPECT_EQ(schedule_of(r), (std::vector<int>{1, 0, 0, 1}));
    EXPECT_EQ(r.steps[0].access.address, &w.memmap[1].index);
    EXPECT_EQ(r.steps[0].access.value, 1u);
    EXPECT_EQ(r.steps[0].access.kind, kshim::access_kind::store);
    EXPECT_EQ(std::string(r.steps[0].access.field), "index");
    EXPECT_EQ(w.memmap[0].index, 2u);
    // 1 -> 0 while 1 could go on; after 0's last step 1 goes on with no decision.
    EXPECT_EQ(preemptions(r), 1u);
}

TEST(RaceScheduler, ABugStopsOnlyItsOperation) {
    kshim::kernel_world w(2, 2, 1, 1);
    kshim::world_scope scope(w);
    const std::array<std::function<void()>, 2> ops = {
        [&] {
            w.memmap[0].index = 1;
            BUG_ON(true);
        },
        stores(w, 1, 3)};
    const RunResult r = run_interleaved(ops, follow({0, 1, 1, 1}));
    ASSERT_TRUE(r.bug[0].has_value());
    EXPECT_FALSE(r.bug[1].has_value());
    EXPECT_EQ(w.memmap[1].index, 3u);
}

TEST(RaceScheduler, ALockHeldByOneOperationKeepsTheOtherWaiting) {
    kshim::kernel_world w(2, 2, 1, 1);
    kshim::world_scope scope(w);
    kshim::spinlock_t lock;
    const std::array<std::function<void()>, 2> ops = {locked_increment(w, lock, 0), locked_increment(w, lock, 0)};
    std::uint64_t runs = 0;
    EnumerateOptions o;
    o.sleep_sets = false;
    enumerate([&](const auto& choose) {
        w.memmap[0].share = 0;
        return run_interleaved(ops, choose);
    }, o, [&](const RunResult& r) {
        runs++;
        EXPECT_FALSE(r.deadlock);
        EXPECT_EQ(w.memmap[0].share, 2u);  // never a lost update under the lock
        return true;
    });
    EXPECT_EQ(runs, 2u);  // who takes the lock first; nothing interleaves inside it
}

// A schedule the run could not follow is told apart from one it did: follow()
// picks another operation where the one named cannot run, and keeps going
// past its end.
TEST(RaceScheduler, ScheduleMismatchSaysWhereTheRunLeftTheSchedule) {
    kshim::kernel_world w(2, 2, 1, 1);
    kshim::world_scope scope(w);
    const std::array<std::function<void()>, 2> ops = {stores(w, 0, 2), stores(w, 1, 2)};
    const auto mismatch = [&](const std::vector<int>& schedule) {
        return schedule_mismatch(schedule, run_interleaved(ops, follow(schedule)));
    };
    EXPECT_FALSE(mismatch({1, 0, 0, 1}));
    const auto finished = mismatch({0, 0, 0, 1});  // operation 0 has two steps
    ASSERT_TRUE(finished);
    EXPECT_EQ(finished->kind, ScheduleMismatch::Kind::Finished);
    EXPECT_EQ(finished->step, 2u);
    EXPECT_EQ(finished->named, 0);
    const auto short_one = mismatch({1, 0, 0});
    ASSERT_TRUE(short_one);
    EXPECT_EQ(short_one->kind, ScheduleMismatch::Kind::TooShort);
    EXPECT_EQ(short_one->step, 3u);
    EXPECT_EQ(short_one->run_steps, 4u);
    const auto long_one = mismatch({1, 0, 0, 1, 1});
    ASSERT_TRUE(long_one);
    EXPECT_EQ(long_one->kind, ScheduleMismatch::Kind::TooLong);
    EXPECT_EQ(long_one->run_steps, 4u);

    // Operation 1 cannot take the lock operation 0 holds.
    kshim::spinlock_t lock;
    const std::array<std::function<void()>, 2> locking = {locked_increment(w, lock, 0), locked_increment(w, lock, 0)};
    const std::vector<int> schedule = {0, 1, 0, 0, 1, 1, 1};
    const auto waits = schedule_mismatch(schedule, run_interleaved(locking, follow(schedule)));
    ASSERT_TRUE(waits);
    EXPECT_EQ(waits->kind, ScheduleMismatch::Kind::Waits);
    EXPECT_EQ(waits->step, 1u);
    EXPECT_EQ(waits->named, 1);
}

TEST(RaceEnumerator, WithoutReductionTwoOperationsOfMAndNStepsGiveMPlusNChooseM) {
    kshim::kernel_world w(2, 2, 1, 1);
    EnumerateOptions none;
    none.sleep_sets = false;
    for (auto [m, n] : {std::pair{1u, 1u}, {2u, 3u}, {3u, 3u}, {4u, 2u}, {5u, 4u}}) {
        const EnumerateStats s = count_runs(w, m, n, 1, none);
        EXPECT_EQ(s.runs, binomial(m + n, m)) << m << " and " << n << " steps";
        EXPECT_EQ(s.redundant, 0u);
    }
}

TEST(RaceEnumerator, SleepSetsRunIndependentOperationsOnce) {
    kshim::kernel_world w(2, 2, 1, 1);
    EXPECT_EQ(count_runs(w, 3, 3, 1, EnumerateOptions{}).runs, 1u);  // different pfns: no conflict
    // The same field: every interleaving can differ, none is cut.
    EXPECT_EQ(count_runs(w, 2, 2, 0, EnumerateOptions{}).runs, binomial(4, 2));
}

TEST(RaceEnumerator, APreemptionBoundLimitsTheSwitches) {
    kshim::kernel_world w(2, 2, 1, 1);
    EnumerateOptions o;
    o.sleep_sets = false;
    o.preemption_bound = 0;
    EXPECT_EQ(count_runs(w, 3, 3, 0, o).runs, 2u);  // the two serial orders
    o.preemption_bound = 1;
    // One preemption: the first operation stops after i of its m steps
    // (i = 1..m-1), the other runs to its end, then the first finishes; and
    // the same the other way round, plus the two serial orders.
    EXPECT_EQ(count_runs(w, 3, 3, 0, o).runs, 2u + 2u + 2u);
    o.max_runs = 3;
    const EnumerateStats s = count_runs(w, 3, 3, 0, o);
    EXPECT_TRUE(s.budget_hit);
    EXPECT_EQ(s.runs, 3u);
}

TEST(RaceLinearizability, EndingWhereASerialOrderEndsIsLinearizable) {
    Outcome ab{{"Shared(2) ref=1"}, {}, {}, false};
    Outcome ba = ab;
    Outcome run = ab;
    EXPECT_FALSE(not_linearizable(run, ab, ba));
    run.pfns = {"Shared(1) ref=1"};
    ASSERT_TRUE(not_linearizable(run, ab, ba));
    EXPECT_NE(not_linearizable(run, ab, ba)->find("matches neither serial order"), std::string::npos);
    ba.pfns = {"Shared(1) ref=1"};  // one serial order ends there: fine
    EXPECT_FALSE(not_linearizable(run, ab, ba));
    run.warnings = {"WARN_ON_ONCE(page->mapping) in dax_associate_entry"};
    ASSERT_TRUE(not_linearizable(run, ab, ba));
    EXPECT_NE(not_linearizable(run, ab, ba)->find("which neither serial order fires"), std::string::npos);
    ab.warnings = run.warnings;  // one serial order warns the same: fine
    EXPECT_FALSE(not_linearizable(run, ab, ba));
    run.bugs = {"BUG_ON(x) in f:1"};
    EXPECT_TRUE(not_linearizable(run, ab, ba));
}

model::Universe small() { return default_race_universe(); }

RaceResult run_race(const std::string& name, bool fs, unsigned depth) {
    const Variant* v = find_variant(name);
    EXPECT_NE(v, nullptr) << name;
    const PrefixSource p = fs ? fs_prefixes(*v, small(), depth, 1) : function_prefixes(*v, small(), depth, 1);
    return race::race(*v, p, RaceOptions{});
}

TEST(Race, ASplitShareIncrementIsCaughtWithTwoOperations) {
    for (bool fs : {false, true}) {
        SCOPED_TRACE(fs ? "fs level" : "function level");
        const RaceResult r = run_race("test-race-split-share", fs, 2);
        ASSERT_TRUE(r.failure) << "the lost update was not found";
        EXPECT_NE(r.failure->pair.a.file, r.failure->pair.b.file);
        EXPECT_NE(r.failure->why.find("matches neither serial order"), std::string::npos) << r.failure->why;
        EXPECT_FALSE(race_expectation_for(*find_variant("test-race-split-share"), fs).pass);
    }
}

TEST(Race, ALockBothFilesTakePasses) {
    for (const char* name : {"test-race-common-lock", "test-race-page-lock"})
        for (bool fs : {false, true}) {
            SCOPED_TRACE(std::string(name) + (fs ? " fs level" : " function level"));
            const RaceResult r = run_race(name, fs, 2);
            EXPECT_FALSE(r.failure) << failure_text(*r.failure);
            EXPECT_GT(r.stats.interleavings, 0u);
            EXPECT_EQ(r.stats.budget_hits, 0u);
            EXPECT_TRUE(race_expectation_for(*find_variant(name), fs).pass);
        }
}

TEST(Race, EveryInTreeVariantGetsItsExpectedVerdict) {
    for (const auto& name : in_tree_variant_order())
        for (bool fs : {false, true}) {
            SCOPED_TRACE(name + (fs ? " fs level" : " function level"));
            const RaceResult r = run_race(name, fs, 2);
            EXPECT_EQ(!r.failure, race_expectation_for(*find_variant(name), fs).pass);
        }
}

TEST(Race, TheFailureIsShrunk) {
    // 6.2's lost update needs no prefix: two shared associations of a free pfn.
    const RaceResult r = run_race("v6.2", false, 2);
    ASSERT_TRUE(r.failure);
    EXPECT_TRUE(r.failure->prefix.empty());
    EXPECT_EQ(r.failure->preemptions, 1u);
    EXPECT_LE(r.failure->schedule.size(), 8u);
    // The same search with more prefix states to choose from finds no shorter one.
    const Variant& v = *find_variant("v6.2");
    const RaceResult deeper = race::race(v, function_prefixes(v, small(), 3, 7), RaceOptions{});
    ASSERT_TRUE(deeper.failure);
    EXPECT_EQ(deeper.failure->schedule.size(), r.failure->schedule.size());
}

TEST(Race, ACorpusFileRoundTripsAndReplays) {
    for (bool fs : {false, true}) {
        SCOPED_TRACE(fs ? "fs level" : "function level");
        const RaceResult r = run_race("v7.2", fs, 2);
        ASSERT_TRUE(r.failure);
        const Variant& v = *find_variant("v7.2");
        CorpusFile f = race_corpus_file(v, small(), fs, *r.failure, "a lost share update");
        const CorpusParse parsed = parse_corpus("race.dax", corpus_text(f));
        ASSERT_TRUE(parsed.file) << parsed.errors.front().text();
        ASSERT_TRUE(parsed.file->race);
        EXPECT_EQ(parsed.file->race->schedule, r.failure->schedule);
        std::string error;
        const auto prefix = prefix_of(v, *parsed.file, error);
        ASSERT_TRUE(prefix) << error;
        const auto again = check_interleaving(v, prefix->world, prefix->pairs.front(),
                                              parsed.file->race->schedule);
        ASSERT_TRUE(again) << "the recorded interleaving did not fail again";
        EXPECT_EQ(again->outcome.pfns, r.failure->outcome.pfns);
        // A port that serialises the update keeps the same race linearizable.
        const Variant& locked = *find_variant("test-race-common-lock");
        const auto locked_prefix = prefix_of(locked, *parsed.file, error);
        ASSERT_TRUE(locked_prefix) << error;
        EXPECT_FALSE(replay_race(locked, *parsed.file, *locked_prefix, RaceOptions{}));
    }
}

// A race file's schedule is a run of the first expect: line's variant, every
// step of it: anything else is an error naming what is wrong, never another
// interleaving replayed in its place. On another variant's code it names no
// interleaving, and replay runs every one.
TEST(RaceCorpus, AScheduleThatIsNotARunIsAnError) {
    const std::string text =
        "universe: files=2 pfns=2 offsets=2 pmd-order=1 max-pins=1\nproperty: race\nprofile: reflink\n"
        "shows: x\nexpect: v6.2 fail\nexpect: v6.15 fail\n\n"
        "race: associate A 0 pfn=0 order=0 shared=1 || associate B 0 pfn=0 order=0 shared=1\n";
    const auto error_for = [&](const std::string& schedule) -> std::optional<std::string> {
        const CorpusParse parsed = parse_corpus("race.dax", text + "schedule: " + schedule + "\n");
        EXPECT_TRUE(parsed.file) << parsed.errors.front().text();
        if (!parsed.file) return "unparsed";
        EXPECT_EQ(parsed.file->race->schedule_line, 9);
        EXPECT_EQ(recorded_variant(*parsed.file), "v6.2");
        const Variant& v = *find_variant("v6.2");
        std::string error;
        const auto prefix = prefix_of(v, *parsed.file, error);
        EXPECT_TRUE(prefix) << error;
        return prefix ? schedule_error(v, *parsed.file, *prefix) : "no prefix";
    };
    EXPECT_EQ(error_for("A A A A B B B A"), std::nullopt);  // corpus/race-lost-share-update.dax
    const std::pair<std::string, std::string> bad[] = {
        {"A", "it names 1 step, but the run has 8 steps"},
        {"A A A A B B B A A", "it names 9 steps, but the run ends after 8 steps"},
        {"A A A A A A A A", "step 6 names A (associate A 0 pfn=0 order=0 shared=1), which has finished"},
        {"B B B B B B B B", "names B (associate B 0 pfn=0 order=0 shared=1), which has finished"},
    };
    for (const auto& [schedule, message] : bad) {
        SCOPED_TRACE(schedule);
        const auto error = error_for(schedule);
        ASSERT_TRUE(error);
        EXPECT_NE(error->find(message), std::string::npos) << *error;
    }

    // 6.15's code makes more steps: the schedule is no run there, and the
    // replay still fails through the interleavings it does have.
    const CorpusParse parsed = parse_corpus("race.dax", text + "schedule: A A A A B B B A\n");
    ASSERT_TRUE(parsed.file);
    const Variant& other = *find_variant("v6.15");
    std::string error;
    const auto prefix = prefix_of(other, *parsed.file, error);
    ASSERT_TRUE(prefix) << error;
    EXPECT_TRUE(schedule_error(other, *parsed.file, *prefix));
    EXPECT_TRUE(replay_race(other, *parsed.file, *prefix, RaceOptions{}));
}

TEST(RaceCorpus, MalformedRaceLinesNameTheLine) {
    const std::string head =
        "universe: files=2 pfns=2 offsets=2\nproperty: race\nshows: x\nexpect: v6.2 fail\n\n";
    struct Case {
        std::string body;
        int line;
        std::string message;
    } cases[] = {
        {"race: associate A 0 pfn=0 order=0 shared=1 || associate A 1 pfn=0 order=0 shared=1\nschedule: A\n", 6,
         "of one file"},
        {"race: associate A 0 pfn=0 order=0 shared=1\nschedule: A\n", 6, "separated by '||'"},
        {"race: associate A 0 pfn=0 order=0 shared=1 || associate B 0 pfn=0 order=0 shared=1\nschedule: A C\n",
         7, "names the file of each step"},
        {"race: associate A 0 pfn=0 order=0 shared=1 || pin 0\nschedule: A\n", 6, "associate, disassociate or truncate"},
        {"race: associate A 0 pfn=0 order=0 shared=1 || associate B 0 pfn=0 order=0 shared=1\n", 6,
         "needs a 'schedule:' line"},
        {"race: associate A 0 pfn=0 order=0 shared=1 || associate B 0 pfn=0 order=0 shared=1\nschedule: C\n",
         7, "names the file of each step"},
        {"race: frobnicate A || associate B 0 pfn=0 order=0 shared=1\nschedule: A B\n", 6, "frobnicate"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.body);
        const CorpusParse parsed = parse_corpus("bad.dax", head + c.body);
        ASSERT_FALSE(parsed.file);
        EXPECT_EQ(parsed.errors.front().line, c.line) << parsed.errors.front().text();
        EXPECT_NE(parsed.errors.front().message.find(c.message), std::string::npos)
            << parsed.errors.front().text();
        // One mistake, one error: no "no operations", "'schedule:' before its
        // 'race:' line" or "needs a 'schedule:' line" that follow from it.
        EXPECT_EQ(parsed.errors.size(), 1u) << parsed.errors.back().text();
    }
}

}  // namespace
