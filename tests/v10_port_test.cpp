// The v10 port keeps each posted bug, one toggle at a time (docs/versions.md 2).
#include <gtest/gtest.h>

#include <climits>

#include "harness/execution.h"

using namespace daxcheck;
using namespace daxcheck::model;

namespace {

Execution exec_of(const char* variant) {
    const Variant* v = find_variant(variant);
    EXPECT_NE(v, nullptr) << variant;
    return Execution(*v, Universe{});
}

const kshim::page& page_at(const Execution& e, Pfn pfn) { return e.world().memmap[pfn]; }
const auto* kCowFlag = reinterpret_cast<const kshim::address_space*>(0x1);

}  // namespace

TEST(V10Port, AllVariantsRegistered) {
    for (const char* name :
         {"v10", "v10-only-byvalue", "v10-only-inverted", "v10-only-postdec", "v10-fixed"})
        EXPECT_NE(find_variant(name), nullptr) << name;
}

TEST(V10Port, ByvalueNeverSetsTheFlag) {
    Execution e = exec_of("v10-only-byvalue");
    e.step(Associate{0, 0, 0, 0, true});
    EXPECT_EQ(page_at(e, 0).mapping, nullptr);  // the flag went into a copy
    EXPECT_EQ(page_at(e, 0).index, 1u);
    Execution fixed = exec_of("v10-fixed");
    fixed.step(Associate{0, 0, 0, 0, true});
    EXPECT_EQ(page_at(fixed, 0).mapping, kCowFlag);
}

TEST(V10Port, InvertedWrapsIndexFromZero) {
    Execution e = exec_of("v10-only-inverted");
    e.step(Associate{0, 0, 0, 0, false});
    e.step(Disassociate{0, 0});
    // index-- from 0 wraps (unsigned, no UB) and the page is kept.
    EXPECT_EQ(page_at(e, 0).index, ULONG_MAX);
    EXPECT_EQ(page_at(e, 0).mapping, kshim::file_mapping(0));
    EXPECT_EQ(to_string(e.decode(0)), "Owned(A," + std::to_string(ULONG_MAX) + ")");
}

TEST(V10Port, PostdecNeedsOneMoreRelease) {
    Execution e = exec_of("v10-only-postdec");
    e.step(Associate{0, 0, 1, 0, true});
    e.step(Associate{1, 0, 1, 0, true});
    EXPECT_EQ(page_at(e, 1).index, 2u);
    e.step(Disassociate{0, 0});
    e.step(Disassociate{1, 0});
    // Two associations, two releases: still flagged, count 0.
    EXPECT_EQ(page_at(e, 1).mapping, kCowFlag);
    EXPECT_EQ(page_at(e, 1).index, 0u);
    Execution fixed = exec_of("v10-fixed");
    for (const Op& op : {Op{Associate{0, 0, 1, 0, true}}, Op{Associate{1, 0, 1, 0, true}},
                         Op{Disassociate{0, 0}}, Op{Disassociate{1, 0}}})
        fixed.step(op);
    EXPECT_EQ(page_at(fixed, 1).mapping, nullptr);
    EXPECT_EQ(page_at(fixed, 1).index, 0u);
}

TEST(V10Port, NormalOwnerThenSharerCountsTwo) {
    Execution e = exec_of("v10-fixed");
    e.step(Associate{0, 2, 3, 0, false});
    EXPECT_EQ(to_string(e.decode(3)), "Owned(A,2)");
    e.step(Associate{1, 1, 3, 0, true});
    EXPECT_EQ(to_string(e.decode(3)), "Shared(2)");
}

TEST(V10Port, TruncateOfPinnedPageWarnsWithDeclaredCheck) {
    Execution e = exec_of("v10-fixed");
    e.step(Associate{0, 0, 0, 0, false});
    e.step(Pin{0});
    EXPECT_EQ(page_at(e, 0)._refcount, 2);
    const StepOutcome out = e.step(Truncate{0, 0});
    ASSERT_EQ(out.warnings.size(), 1u);
    EXPECT_EQ(out.warnings[0].condition, "trunc && page_ref_count(page) > 1");
    EXPECT_EQ(out.warnings[0].op_number, 3);
    EXPECT_TRUE(e.variant().declares(DefensiveCheck::TruncatePinned));
}

TEST(V10Port, PmdEntryAtKernelOrder) {
    const Variant* v = find_variant("v10-fixed");
    Execution e(*v, Universe::with_pmd_order(9));
    e.step(Associate{0, 512, 512, 9, false});
    EXPECT_EQ(to_string(e.decode(512 + 511)), "Owned(A,1023)");
    e.step(Truncate{0, 512});
    EXPECT_EQ(to_string(e.decode(1023)), "Free");
}
