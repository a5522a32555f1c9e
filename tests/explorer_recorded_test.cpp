// The explorer's results recorded before its inner loop was rewritten for
// speed (issue 18): states, concrete states, transitions, depth, states per
// depth, transitions left unexpanded and the counterexample of a few cells,
// as `daxcheck explore --json` printed them on the code of commit 0b87eb0
// (one thread). A faster search must give exactly these figures, with one
// thread and with two. The cells cover symmetry on and off, an end check,
// misuse, compound folios (6.15), PMD order 2, reference-count drift, a
// depth limit and an exhausted universe.
#include <gtest/gtest.h>

#include "engines/explorer.h"
#include "harness/op_text.h"

using namespace daxcheck;

namespace {

struct Recorded {
    const char* variant;
    const char* property;
    Profile profile;
    model::Universe universe;  // files, pfns, offsets, PMD order, max pins
    unsigned depth;
    bool symmetry;
    const char* stop;
    std::uint64_t states, concrete_states, transitions;
    unsigned depth_completed;
    std::uint64_t off_model_transitions;
    std::vector<std::uint64_t> states_per_depth;
    std::vector<std::string> counterexample;
};

const std::vector<Recorded>& recorded() {
    static const std::vector<Recorded> cells = {
    {"v10-fixed", "refinement", Profile::Reflink, {2, 3, 2, 1, 1}, 1000, true,
     "exhausted", 13936, 27736, 165248, 13, 0,
     {1, 14, 140, 624, 1522, 2341, 2762, 2794, 2127, 1081, 408, 114, 8, 0},
     {}},
    {"v6.2", "refinement", Profile::Reflink, {2, 3, 3, 1, 2}, 6, true,
     "depth limit", 147900, 295506, 1013478, 6, 0,
     {1, 20, 316, 2553, 12536, 40339, 92135},
     {}},
    {"v10-only-postdec", "refinement", Profile::Reflink, {2, 3, 3, 1, 2}, 1000, true,
     "counterexample", 74, 146, 96, 1, 0,
     {1, 20},
     {"associate A 0 pfn=0 order=0 shared=1", "disassociate A 0"}},
    {"v10", "misuse-detected", Profile::Reflink, {2, 3, 2, 1, 1}, 5, true,
     "counterexample", 36, 71, 52, 1, 0,
     {1, 14},
     {"associate A 0 pfn=0 order=0 shared=0", "disassociate-stray B pfn=0 order=0"}},
    {"v6.15", "order-independence", Profile::Exclusive, {2, 3, 2, 1, 1}, 6, true,
     "depth limit", 1402, 1402, 7845, 6, 0,
     {1, 14, 59, 145, 265, 404, 514},
     {}},
    {"v10-only-postdec", "drain", Profile::Reflink, {2, 3, 2, 1, 1}, 1000, true,
     "counterexample", 3, 3, 2, 0, 0,
     {1},
     {"associate A 0 pfn=0 order=0 shared=1"}},
    {"v6.15", "refinement", Profile::Reflink, {2, 4, 2, 1, 1}, 5, true,
     "counterexample", 25, 95, 55, 1, 0,
     {1, 10},
     {"associate A 0 pfn=0 order=0 shared=0", "associate B 0 pfn=0 order=1 shared=1"}},
    {"v12", "refinement", Profile::Reflink, {2, 3, 3, 1, 2}, 1000, false,
     "counterexample", 227, 227, 243, 1, 0,
     {1, 40},
     {"associate A 1 pfn=0 order=0 shared=0", "disassociate A 1"}},
    {"v6.2", "no-spurious-warn", Profile::Reflink, {2, 4, 4, 2, 1}, 4, true,
     "depth limit", 148928, 297706, 553637, 4, 0,
     {1, 34, 938, 14085, 133870},
     {}},
    {"v7.1", "pin-warning", Profile::Reflink, {2, 4, 2, 1, 1}, 5, true,
     "counterexample", 359, 1403, 753, 2, 0,
     {1, 10, 145},
     {"associate A 0 pfn=0 order=0 shared=0", "pin 0", "disassociate A 0"}},
    {"v6.15", "order-independence", Profile::Reflink, {2, 2, 2, 1, 1}, 6, true,
     "depth limit", 10083, 10083, 48634, 6, 0,
     {1, 20, 145, 529, 1319, 2809, 5260},
     {}},
    {"v6.15", "no-spurious-warn", Profile::Reflink, {2, 3, 3, 1, 1}, 6, true,
     "counterexample", 36, 71, 56, 1, 0,
     {1, 20},
     {"associate A 0 pfn=0 order=0 shared=0", "associate B 0 pfn=0 order=1 shared=1"}},
    {"v7.2", "drain", Profile::Exclusive, {2, 4, 2, 1, 1}, 6, true,
     "counterexample", 6, 6, 5, 0, 0,
     {1},
     {"associate A 1 pfn=0 order=0 shared=0"}},
    {"v6.15+debug_vm", "order-independence", Profile::Reflink, {2, 4, 2, 1, 1}, 6, true,
     "counterexample", 6832, 6832, 20350, 3, 0,
     {1, 40, 554, 3458},
     {"associate A 0 pfn=1 order=0 shared=0", "pin 1", "associate B 0 pfn=0 order=1 shared=1", "unpin 1"}},
    {"v6.15", "order-independence", Profile::Exclusive, {1, 2, 2, 1, 1}, 8, true,
     "depth limit", 150, 150, 651, 8, 4,
     {1, 5, 10, 15, 25, 31, 25, 20, 18},
     {}},
    };
    return cells;
}

}  // namespace

TEST(ExplorerRecorded, SameFiguresAndCounterexamplesAsBeforeTheRewrite) {
    for (unsigned threads : {1u, 2u})
        for (const Recorded& c : recorded()) {
            const std::string cell = std::string(c.variant) + " / " + c.property + " / " +
                                     to_string(c.profile) + ", " + std::to_string(threads) +
                                     " thread(s)";
            const Variant* v = find_variant(c.variant);
            const Property* p = find_property(c.property);
            ASSERT_NE(v, nullptr) << cell;
            ASSERT_NE(p, nullptr) << cell;
            ExploreOptions o;
            o.universe = c.universe;
            o.profile = c.profile;
            o.max_depth = c.depth;
            o.symmetry = c.symmetry;
            o.threads = threads;
            const ExploreResult r = explore(*v, *p, o);
            EXPECT_EQ(to_string(r.stop), c.stop) << cell << ": " << r.error;
            EXPECT_EQ(r.states, c.states) << cell;
            EXPECT_EQ(r.concrete_states, c.concrete_states) << cell;
            EXPECT_EQ(r.transitions, c.transitions) << cell;
            EXPECT_EQ(r.depth_completed, c.depth_completed) << cell;
            EXPECT_EQ(r.off_model_transitions, c.off_model_transitions) << cell;
            EXPECT_EQ(r.states_per_depth, c.states_per_depth) << cell;
            std::vector<std::string> ops;
            for (const auto& op : r.counterexample) ops.push_back(to_text(op));
            EXPECT_EQ(ops, c.counterexample) << cell;
            EXPECT_EQ(r.failure.has_value(), !c.counterexample.empty()) << cell;
        }
}
