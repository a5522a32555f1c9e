// pin-warning, drain, order-independence and misuse-detected on hand-written
// operation lists: each catches the bug it exists for and passes the fixed
// variant. Ports that break a property no in-tree port breaks are built here
// from v10-fixed's functions, unregistered (so the verdict table never sees
// them).
#include <gtest/gtest.h>

#include "engines/replay.h"

using namespace daxcheck;
using namespace daxcheck::model;

namespace {

Trace run(const Variant& v, const char* property, const std::vector<Op>& ops) {
    const auto r = replay(v, *find_property(property), Universe{}, ops);
    EXPECT_FALSE(r.invalid) << *r.invalid;
    return r.trace;
}
Trace run(const char* variant, const char* property, const std::vector<Op>& ops) {
    return run(*find_variant(variant), property, ops);
}

// v10-fixed with its disassociate called with a different trunc flag.
void (*g_fixed_disassociate)(void*, kshim::address_space*, bool) = nullptr;
void disassociate_always_trunc(void* e, kshim::address_space* m, bool) {
    g_fixed_disassociate(e, m, true);
}
void disassociate_never_trunc(void* e, kshim::address_space* m, bool) {
    g_fixed_disassociate(e, m, false);
}
Variant fixed_with(const char* name, void (*disassociate)(void*, kshim::address_space*, bool)) {
    Variant v = *find_variant("v10-fixed");
    g_fixed_disassociate = v.disassociate;
    v.name = name;
    v.disassociate = disassociate;
    return v;
}

// An order-dependent port: page->index counts owners, page->mapping is the
// first one, and only that file clears it on the last release. Whoever leaves
// last decides whether the page ends free.
using namespace kshim;
void first_owner_associate(void* entry, address_space* mapping, vm_area_struct*, unsigned long,
                           bool) {
    unsigned long pfn;
    for_each_mapped_pfn(entry, pfn) {
        struct page* page = pfn_to_page(pfn);
        if (!page->mapping) page->mapping = mapping;
        page->index++;
    }
}
void first_owner_disassociate(void* entry, address_space* mapping, bool) {
    unsigned long pfn;
    for_each_mapped_pfn(entry, pfn) {
        struct page* page = pfn_to_page(pfn);
        if (--page->index > 0) continue;
        if (page->mapping == mapping) page->mapping = NULL;
    }
}
Decoded first_owner_decode(unsigned long pfn) {
    const struct page* page = pfn_to_page(pfn);
    if (!page->mapping && page->index == 0) return Decoded::free();
    if (!page->mapping) return Decoded::invalid("count without a mapping");
    if (page->index == 0) return Decoded::invalid("mapping without a count");
    return Decoded::shared(page->index);
}
Variant first_owner_clears() {
    Variant v;
    v.name = "test-first-owner-clears";
    v.associate = first_owner_associate;
    v.disassociate = first_owner_disassociate;
    v.decode = first_owner_decode;
    return v;
}

const Associate kExclusiveA{0, 0, 0, 0, false};  // associate A 0 pfn=0 order=0 shared=0
const Associate kSharedA{0, 0, 0, 0, true};
const Associate kSharedB{1, 0, 0, 0, true};

}  // namespace

// ---- Execution copies (order-independence releases on copies)

TEST(ExecutionCopy, CopyIsIndependentAndKeepsItsOwnFolios) {
    const Variant& v = *find_variant("v6.15");
    Execution original(v, Universe{});
    original.step(Associate{0, 0, 0, 1, false});  // a PMD folio: pfn 1 is a tail of pfn 0
    Execution copy = original;
    EXPECT_EQ(copy.raw_fields(1), original.raw_fields(1));
    EXPECT_NE(copy.raw_fields(1).find("tail of pfn 0"), std::string::npos);
    EXPECT_EQ(copy.decode(1), Decoded::owned(0, 1));
    copy.step(Disassociate{0, 0});
    EXPECT_EQ(copy.decode(0), Decoded::free());
    EXPECT_EQ(copy.decode(1), Decoded::free());
    EXPECT_EQ(original.decode(1), Decoded::owned(0, 1));  // untouched by the copy
    EXPECT_NE(original.raw_fields(1).find("tail of pfn 0"), std::string::npos);
    EXPECT_EQ(original.model().files[0].slots.size(), 1u);
}

// ---- pin-warning

TEST(PinWarning, DeclaredCheckFiresOnPinnedTruncateOnly) {
    EXPECT_FALSE(run("v10-fixed", "pin-warning", {kExclusiveA, Pin{0}, Truncate{0, 0}}).failed());
    EXPECT_FALSE(run("v10-fixed", "pin-warning", {kExclusiveA, Pin{0}, Disassociate{0, 0}}).failed());
    EXPECT_FALSE(run("v10-fixed", "pin-warning", {kExclusiveA, Truncate{0, 0}}).failed());
}

TEST(PinWarning, DeclaredButSilentFails) {
    const Variant silent = fixed_with("test-never-trunc", disassociate_never_trunc);
    const auto t = run(silent, "pin-warning", {kExclusiveA, Pin{0}, Truncate{0, 0}});
    ASSERT_TRUE(t.failed());
    EXPECT_NE(t.failure().find("raised no warning"), std::string::npos) << t.failure();
}

TEST(PinWarning, WarningOnInvalidateFails) {
    const Variant eager = fixed_with("test-always-trunc", disassociate_always_trunc);
    const auto t = run(eager, "pin-warning", {kExclusiveA, Pin{0}, Disassociate{0, 0}});
    ASSERT_TRUE(t.failed());
    EXPECT_NE(t.failure().find("invalidate"), std::string::npos) << t.failure();
    EXPECT_FALSE(run(eager, "pin-warning", {kExclusiveA, Pin{0}, Truncate{0, 0}}).failed());
}

TEST(PinWarning, UndeclaredWarningForAPinFails) {
    // 6.15 declares no pin check, yet its split warns for a pinned PMD page.
    const std::vector<Op> pmd = {Associate{0, 0, 0, 1, false}, Pin{1}, Disassociate{0, 0}};
    EXPECT_TRUE(run("v6.15", "pin-warning", pmd).failed());
    EXPECT_FALSE(run("v6.15", "pin-warning", {kExclusiveA, Pin{0}, Truncate{0, 0}}).failed());
}

// ---- drain

TEST(Drain, PostdecLeavesTheLastSharersPageFlagged) {
    const auto t = run("v10-only-postdec", "drain", {kSharedA});
    ASSERT_TRUE(t.failed());
    EXPECT_NE(t.failure().find("not Free"), std::string::npos) << t.failure();
    EXPECT_FALSE(run("v10-fixed", "drain", {kSharedA}).failed());
    EXPECT_FALSE(run("v10-only-postdec", "drain", {kExclusiveA}).failed());
}

TEST(Drain, InvertedKeepsAnExclusivePage) {
    EXPECT_TRUE(run("v10-only-inverted", "drain", {kExclusiveA}).failed());
    EXPECT_FALSE(run("v10-fixed", "drain", {kExclusiveA}).failed());
}

TEST(Drain, WarningWhileDrainingFails) {
    // byvalue: B is the page's recorded owner; A, drained first, is not.
    const std::vector<Op> ops = {Associate{1, 0, 0, 0, false}, kSharedA};
    const auto t = run("v10-only-byvalue", "drain", ops);
    ASSERT_TRUE(t.failed());
    EXPECT_NE(t.failure().find("WARN_ON_ONCE"), std::string::npos) << t.failure();
    EXPECT_FALSE(run("v10-fixed", "drain", ops).failed());
}

TEST(Drain, PinsMayOutliveTheDrain) {
    EXPECT_FALSE(run("v10-fixed", "drain", {kSharedA, kSharedB, Pin{0}}).failed());
}

// ---- order-independence

TEST(OrderIndependence, FixedPortIsOrderIndependent) {
    const std::vector<Op> ops = {kExclusiveA, kSharedB, Associate{2, 1, 0, 0, true},
                                 Associate{0, 2, 2, 1, false}, Associate{1, 2, 2, 1, true}};
    EXPECT_FALSE(run("v10-fixed", "order-independence", ops).failed());
    EXPECT_FALSE(run("v6.2", "order-independence", ops).failed());
}

TEST(OrderIndependence, PortWhereTheLastToLeaveDecidesFails) {
    const Variant v = first_owner_clears();
    const auto t = run(v, "order-independence", {kSharedA, kSharedB});
    ASSERT_TRUE(t.failed());
    EXPECT_NE(t.failure().find("but releasing"), std::string::npos) << t.failure();
    EXPECT_FALSE(run(v, "order-independence", {kSharedA}).failed());
}

TEST(OrderIndependence, ReleasesRunOnCopies) {
    // The end check releases on copies: the execution it is given is unchanged.
    Execution exec(*find_variant("v10-fixed"), Universe{});
    for (const Op& op : std::vector<Op>{kSharedA, kSharedB, Pin{0}}) exec.step(op);
    const ModelState model_before = exec.model();
    const std::string raw_before = exec.raw_fields(0);
    const long steps_before = exec.steps();
    EXPECT_FALSE(find_property("order-independence")->at_end(exec));
    EXPECT_EQ(exec.model(), model_before);
    EXPECT_EQ(exec.raw_fields(0), raw_before);
    EXPECT_EQ(exec.steps(), steps_before);
}

// ---- misuse-detected

TEST(MisuseDetected, FixedFlagsBothMisuses) {
    EXPECT_FALSE(run("v10-fixed", "misuse-detected",
                     {kExclusiveA, Associate{1, 0, 0, 0, false}}).failed());
    EXPECT_FALSE(run("v10-fixed", "misuse-detected",
                     {kExclusiveA, DisassociateStray{1, 0, 0}}).failed());
    EXPECT_FALSE(run("v10-fixed", "misuse-detected",
                     {Associate{0, 0, 0, 1, false}, Associate{1, 1, 1, 0, false}}).failed());
}

TEST(MisuseDetected, InvertedMissesAStrayRelease) {
    const auto t = run("v10-only-inverted", "misuse-detected", {kExclusiveA, DisassociateStray{1, 0, 0}});
    ASSERT_TRUE(t.failed());
    EXPECT_NE(t.failure().find("mapping-mismatch"), std::string::npos) << t.failure();
}

TEST(MisuseDetected, ByvalueMissesASecondExclusiveOwnerOfASharedPage) {
    const std::vector<Op> ops = {kSharedA, Associate{1, 0, 0, 0, false}};
    EXPECT_TRUE(run("v10-only-byvalue", "misuse-detected", ops).failed());
    EXPECT_FALSE(run("v10-fixed", "misuse-detected", ops).failed());
}

TEST(MisuseDetected, APfnAnEarlierMisuseChangedIsNotJudged) {
    // After B's misuse the port records B as the owner; the model still says A,
    // so B's stray release looks like a mismatch to the model only.
    const std::vector<Op> ops = {kExclusiveA, Associate{1, 0, 0, 0, false},
                                 DisassociateStray{1, 0, 0}};
    EXPECT_FALSE(run("v10-fixed", "misuse-detected", ops).failed());
}

TEST(MisuseDetected, PortsWithoutTheCheckAreNotJudged) {
    // 6.15 declares no mapping-mismatch check.
    EXPECT_FALSE(run("v6.15", "misuse-detected", {kExclusiveA, DisassociateStray{1, 0, 0}}).failed());
}
