// Global minimisation: the universe a counterexample spans, a shorter
// counterexample found where the shrinker stopped at a longer one, a proof
// of minimality for a known-shortest one, and a search cut by its budget.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "engines/minimise.h"
#include "harness/op_text.h"
#include "impl/expectations.h"
#include "engines/replay.h"

using namespace daxcheck;
using namespace daxcheck::model;

namespace {

std::vector<Op> ops(std::initializer_list<const char*> lines) {
    std::vector<Op> out;
    for (const char* line : lines) {
        auto parsed = parse_op(line);
        EXPECT_TRUE(std::holds_alternative<Op>(parsed)) << line;
        if (auto* op = std::get_if<Op>(&parsed)) out.push_back(*op);
    }
    return out;
}

Universe default_universe() { return Universe{}; }  // 3 files, 4 pfns, 4 offsets, order 1, 2 pins

}  // namespace

TEST(SpannedUniverse, CountsUpToTheLargestFilePfnOffsetAndPinsPlusOneWithinTheFullUniverse) {
    const auto u = spanned_universe(default_universe(),
                                    ops({"associate B 2 pfn=2 order=1 shared=0", "pin 3", "pin 3",
                                         "disassociate B 2"}));
    EXPECT_EQ(u.files, 3u);    // B, plus one
    EXPECT_EQ(u.pfns, 4u);     // pfns 2-3, plus one, capped at the full 4
    EXPECT_EQ(u.offsets, 4u);  // the same for offsets
    EXPECT_EQ(u.pmd_order, 1u);
    EXPECT_EQ(u.max_pins, 2u);  // two pins on pfn 3, plus one, capped at 2
    const auto one = spanned_universe(default_universe(), ops({"associate A 0 pfn=0 order=0 shared=1"}));
    EXPECT_EQ(one.files, 2u);
    EXPECT_EQ(one.pfns, 2u);
    EXPECT_EQ(one.offsets, 2u);
    EXPECT_EQ(one.max_pins, 1u);
}

// v10-only-byvalue fails on its first shared association: a three-operation
// counterexample (what a local shrinker could stop at) has a one-operation one
// in the universe it spans.
TEST(Minimise, FindsAShorterCounterexampleThanTheShrinker) {
    const Variant& v = *find_variant("v10-only-byvalue");
    const Property& p = *find_property("refinement");
    const auto longer = ops({"associate A 0 pfn=1 order=0 shared=0", "disassociate A 0",
                             "associate B 1 pfn=0 order=0 shared=1"});
    ASSERT_TRUE(replay(v, p, default_universe(), longer).trace.failed());
    const Minimisation m = minimise_globally(v, p, Profile::Reflink, default_universe(), longer);
    ASSERT_EQ(m.shorter.size(), 1u);
    EXPECT_TRUE(m.proven_shortest);
    EXPECT_EQ(m.original_length, 3u);
    EXPECT_TRUE(replay(v, p, default_universe(), m.shorter).trace.failed());
}

// postdec's known minimum is two operations: nothing shorter exists, and the
// search says so.
TEST(Minimise, ProvesAKnownShortestCounterexampleShortest) {
    const Variant& v = *find_variant("v10-only-postdec");
    const Property& p = *find_property("refinement");
    const auto minimal = ops({"associate A 0 pfn=0 order=0 shared=1", "truncate A 0"});
    ASSERT_TRUE(replay(v, p, default_universe(), minimal).trace.failed());
    const Minimisation m = minimise_globally(v, p, Profile::Reflink, default_universe(), minimal);
    EXPECT_TRUE(m.shorter.empty());
    EXPECT_TRUE(m.proven_shortest);
}

TEST(Minimise, AStateBudgetStopsTheSearchWithoutAClaim) {
    const Variant& v = *find_variant("v10-only-byvalue");
    const Property& p = *find_property("refinement");
    const auto longer = ops({"associate A 0 pfn=1 order=0 shared=0", "disassociate A 0",
                             "associate B 1 pfn=0 order=0 shared=1"});
    const Minimisation m =
        minimise_globally(v, p, Profile::Reflink, default_universe(), longer, /*state_budget=*/1);
    EXPECT_TRUE(m.shorter.empty());
    EXPECT_FALSE(m.proven_shortest);
    EXPECT_EQ(m.search.stop, ExploreStop::StateBudget);
}

// v12's shortest failure needs a non-zero offset (at offset 0 its two bugs
// cancel), which the shrinker's values never use: the margin of one offset
// lets the search find it.
TEST(Minimise, LooksOneValueBeyondWhatTheShrunkListUses) {
    const Variant& v = *find_variant("v12");
    const Property& p = *find_property("refinement");
    const auto shrunk = ops({"associate A 0 pfn=0 order=0 shared=1",
                             "associate B 0 pfn=0 order=0 shared=1", "disassociate B 0"});
    ASSERT_TRUE(replay(v, p, default_universe(), shrunk).trace.failed());
    const Minimisation m = minimise_globally(v, p, Profile::Reflink, default_universe(), shrunk);
    ASSERT_EQ(m.shorter.size(), 2u);
    EXPECT_TRUE(m.proven_shortest);
}

// A 512-page entry spans a universe too wide to search: the minimisation
// says it skipped rather than running for minutes.
TEST(Minimise, SkipsAUniverseTooLargeToSearch) {
    const Variant& v = *find_variant("v10-only-postdec");
    const Property& p = *find_property("refinement");
    const Universe full = Universe::with_pmd_order(9);
    const auto longer = ops({"associate A 0 pfn=0 order=9 shared=1", "pin 3", "truncate A 0"});
    const Minimisation m = minimise_globally(v, p, Profile::Reflink, full, longer);
    EXPECT_TRUE(m.skipped);
    EXPECT_TRUE(m.shorter.empty());
    EXPECT_FALSE(m.proven_shortest);
}

// Issue 17: the search's memory budget holds, measured. A forked child runs
// the minimisation of a v6.15 pin-warning counterexample in the widest
// universe it searches (4 files x 32 pfns x 32 offsets: every state has
// about 8,000 children, and the shortest failure lies past the first few
// thousand states of depth 2), with no state budget and a 24 MB memory
// budget, under an address-space cap; the parent reads the child's peak RSS.
TEST(Minimise, ItsMemoryBudgetHoldsInAWideUniverse) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "ASan's shadow memory and redzones are not the search's";
#endif
    constexpr std::uint64_t kBudget = std::uint64_t{24} << 20;
    const Universe full{.files = 4, .pfns = 32, .offsets = 32, .pmd_order = 1, .max_pins = 1};
    const auto failing = ops({"associate A 0 pfn=0 order=1 shared=0", "associate D 30 pfn=30 order=0 shared=0",
                              "pin 1", "truncate A 0"});
    const auto status_kb = [](const char* key) {  // from /proc/self/status
        std::ifstream in("/proc/self/status");
        std::string word;
        while (in >> word)
            if (word == key) {
                long kb = 0;
                in >> kb;
                return kb;
            }
        return 0L;
    };
    const long rss_kb = status_kb("VmRSS:");
    const long size_kb = status_kb("VmSize:");
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        const rlimit cap{static_cast<rlim_t>(size_kb + (1L << 20)) * 1024,
                         static_cast<rlim_t>(size_kb + (1L << 20)) * 1024};
        setrlimit(RLIMIT_AS, &cap);
        const Minimisation m = minimise_globally(*find_variant("v6.15"), *find_property("pin-warning"),
                                                 Profile::Exclusive, full, failing, 0, kBudget);
        _exit(m.universe.files * m.universe.pfns * m.universe.offsets == 4096 &&
                      m.search.stop == ExploreStop::MemoryBudget
                  ? 0
                  : 1);
    }
    int status = 0;
    rusage usage{};
    ASSERT_EQ(wait4(child, &status, 0, &usage), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "the search did not stop at its memory budget";
    const long grown_kb = usage.ru_maxrss - rss_kb;
    EXPECT_LE(grown_kb * 1024, static_cast<long>(kBudget * 11 / 10))
        << grown_kb / 1024 << " MB for a " << (kBudget >> 20) << " MB budget";
}
