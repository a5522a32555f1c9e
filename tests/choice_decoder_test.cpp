// The RapidCheck path's choice decoder (engines/choice_decoder.h) and the
// model-before tracker it reads (harness/model_before.h): every decoded
// operation is legal (or a misuse a check can see, where allowed), choice 0 is
// the simplest operation, decoding is deterministic, and run_cell built on it
// still catches a test-only buggy port (tests/ports/lose_share_port.cpp) with
// a shrunk counterexample.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "engines/choice_decoder.h"
#include "harness/model_before.h"
#include "engines/rc_runner.h"
#include "engines/replay.h"
#include "harness/op_text.h"
#include "tests/test_helpers.h"

using namespace daxcheck;
using namespace daxcheck::model;

using daxcheck::test::ops_text;

namespace {

Universe universe(unsigned files, std::uint64_t pfns, std::uint64_t offsets, unsigned pmd_order,
                  unsigned max_pins) {
    Universe u;
    u.files = files;
    u.pfns = pfns;
    u.offsets = offsets;
    u.pmd_order = pmd_order;
    u.max_pins = max_pins;
    return u;
}

// The operations `choices` decode to from the initial state, each applied to
// the model (the decoder's contract needs no port); ends where decoding does.
std::vector<Op> decode_all(const ChoiceDecoder& d, const Universe& u,
                           const std::vector<std::uint32_t>& choices) {
    ModelState s = initial_state(u);
    ModelBefore before(s);
    std::vector<Op> ops;
    for (std::uint32_t c : choices) {
        const auto op = d.decode(before, c);
        if (!op) break;
        ops.push_back(*op);
        const auto change = before.change_of(*op);
        s = apply(std::move(s), *op);
        before.catch_up(s, change);
    }
    return ops;
}

std::vector<Pfn> scan(const ModelState& s, bool pins) {
    std::vector<Pfn> out;
    for (Pfn p = 0; p < s.pfns.size(); p++)
        if (pins ? s.pfns[p].pins > 0 : !s.pfns[p].owners.empty()) out.push_back(p);
    return out;
}

}  // namespace

TEST(ChoiceDecoder, EveryDecodedOperationIsLegalOrADetectedMisuse) {
    const Universe universes[] = {Universe{}, universe(2, 3, 3, 1, 2), universe(3, 64, 40, 2, 1),
                                  universe(1, 4, 4, 1, 0), universe(4, 4096, 4096, 9, 2)};
    std::mt19937 rng(7);
    for (const Universe& u : universes)
        for (Profile profile : all_profiles())
            for (bool misuse : {false, true}) {
                const ChoiceDecoder d(u, profile, misuse);
                std::array<int, std::variant_size_v<Op>> kinds{};  // by Op alternative
                int misuses = 0;
                for (int list = 0; list < 200; list++) {
                    ModelState s = initial_state(u);
                    ModelBefore before(s);
                    std::vector<Pfn> changed;
                    for (int i = 0; i < 60; i++) {
                        const auto op = d.decode(before, static_cast<std::uint32_t>(rng()));
                        ASSERT_TRUE(op) << "a state with no possible operation";
                        const bool legal = is_legal(s, *op);
                        ASSERT_TRUE(legal || (misuse && misuse_check(s, *op)))
                            << to_text(*op) << ": " << illegal_reason(s, *op).value_or("");
                        if (!legal) misuses++;
                        if (const auto* a = std::get_if<Associate>(&*op))
                            ASSERT_TRUE(profile == Profile::Reflink || !a->shared);
                        kinds[op->index()]++;
                        const auto change = before.change_of(*op);
                        for (std::uint64_t k = 0; k < change.count; k++)
                            changed.push_back(change.first + k);
                        s = apply(std::move(s), *op);
                        before.catch_up(s, change);
                        ASSERT_EQ(before.state(), s);
                        ASSERT_EQ(before.pinned(), scan(s, true));
                        ASSERT_EQ(before.owned(), scan(s, false));
                    }
                    std::sort(changed.begin(), changed.end());
                    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
                    before.reset(changed);
                    ASSERT_EQ(before.state(), initial_state(u));
                    ASSERT_TRUE(before.pinned().empty() && before.owned().empty());
                }
                // Every legal kind comes up, and misuse where it is allowed.
                for (std::size_t k : {0, 1, 2}) EXPECT_GT(kinds[k], 0) << k;
                if (u.max_pins > 0) EXPECT_GT(kinds[3] * kinds[4], 0);
                EXPECT_EQ(misuses > 0, misuse);
            }
}

TEST(ChoiceDecoder, ChoiceZeroIsTheSimplestOperation) {
    const Universe u;
    for (Profile profile : all_profiles())
        for (bool misuse : {false, true}) {
            const ChoiceDecoder d(u, profile, misuse);
            // From the start: file A, offset 0, pfn 0, PTE, exclusive.
            EXPECT_EQ(ops_text(decode_all(d, u, {0})), "associate A 0 pfn=0 order=0 shared=0\n");
            // Then the next free offset and pfn.
            EXPECT_EQ(ops_text(decode_all(d, u, {0, 0})),
                      "associate A 0 pfn=0 order=0 shared=0\n"
                      "associate A 1 pfn=1 order=0 shared=0\n");
        }
}

TEST(ChoiceDecoder, LowerChoicesNameKindsNoLaterInTheOrderOfSimplicity) {
    // With an entry mapped every legal kind is possible: the kinds come in
    // the order associate, disassociate, truncate, pin, unpin as the choice grows.
    const Universe u;
    const ChoiceDecoder d(u, Profile::Reflink, false);
    std::vector<std::size_t> seen;
    for (std::uint64_t c = 0; c <= 0xffffffffu; c += 0x01000000u) {
        const std::uint32_t pin = 0xD0000000u;
        const auto ops = decode_all(d, u, {0, pin, static_cast<std::uint32_t>(c)});
        ASSERT_EQ(ops.size(), 3u);
        seen.push_back(ops[2].index());
    }
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end())) << ::testing::PrintToString(seen);
    EXPECT_EQ(seen.front(), Op{Associate{}}.index());
    EXPECT_EQ(seen.back(), Op{Unpin{}}.index());
}

TEST(ChoiceDecoder, TheSameChoicesDecodeToTheSameOperations) {
    const Universe u = universe(3, 8, 8, 2, 2);
    std::mt19937 rng(11);
    std::vector<std::uint32_t> choices(500);
    for (auto& c : choices) c = static_cast<std::uint32_t>(rng());
    const ChoiceDecoder a(u, Profile::Reflink, true), b(u, Profile::Reflink, true);
    const auto ops = decode_all(a, u, choices);
    EXPECT_EQ(ops.size(), choices.size());
    EXPECT_EQ(ops, decode_all(a, u, choices));
    EXPECT_EQ(ops, decode_all(b, u, choices));
}

TEST(ChoiceDecoder, RunCellCatchesTheKthSharerBugWithAShrunkCounterexample) {
    const Property& p = *find_property("refinement");
    for (const char* name : {"test-lose-share-k3", "test-lose-share-k4"}) {
        const Variant& v = *find_variant(name);
        for (std::uint64_t seed : {1, 2, 3}) {
            CellConfig cfg;
            cfg.seed = seed;
            cfg.tests = 300;
            const CellResult r = run_cell(v, p, Profile::Reflink, cfg);
            ASSERT_EQ(r.verdict, CellResult::Verdict::Fail) << name << " seed " << seed;
            // The K-th sharer needs K associations of one pfn and a release.
            EXPECT_LE(r.counterexample.size(), 6u) << ops_text(r.counterexample);
            const auto again = replay(v, p, cfg.universe, r.counterexample);
            EXPECT_FALSE(again.invalid);
            EXPECT_TRUE(again.trace.failed()) << ops_text(r.counterexample);
            // Same seed, same result.
            const CellResult twice = run_cell(v, p, Profile::Reflink, cfg);
            EXPECT_EQ(twice.counterexample, r.counterexample);
            EXPECT_EQ(twice.tests_run, r.tests_run);
            EXPECT_EQ(twice.generation, r.generation);
        }
        // Without sharers there is nothing to find; the released port passes.
        EXPECT_EQ(run_cell(v, p, Profile::Exclusive, {Universe{}, 200, 1}).verdict,
                  CellResult::Verdict::Pass);
    }
    EXPECT_EQ(run_cell(*find_variant("v6.2"), p, Profile::Reflink, {Universe{}, 300, 1}).verdict,
              CellResult::Verdict::Pass);
}
