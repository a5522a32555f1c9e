// The ports of the released versions keep their known behaviour
// (docs/versions.md sections 1, 3, 4, 5 and 6), bugs included.
#include <gtest/gtest.h>

#include "harness/execution.h"

using namespace daxcheck;
using namespace daxcheck::model;

namespace {

Execution exec_of(const char* variant, Universe u = Universe{}) {
    const Variant* v = find_variant(variant);
    EXPECT_NE(v, nullptr) << variant;
    return Execution(*v, u);
}

const kshim::page& page(const Execution& e, Pfn pfn) { return e.world().memmap[pfn]; }
std::string decoded(const Execution& e, Pfn pfn) { return to_string(e.decode(pfn)); }
const auto* kSentinel = reinterpret_cast<const kshim::address_space*>(0x1);

}  // namespace

TEST(Ports, RegisteredInKernelOrder) {
    std::vector<std::string> names;
    for (const auto& v : variants()) names.push_back(v.name);
    const std::vector<std::string> want = {"pre-reflink", "v10", "v10-only-byvalue",
                                           "v10-only-inverted", "v10-only-postdec", "v10-fixed",
                                           "v12", "v6.0", "v6.2", "v6.15"};
    ASSERT_GE(names.size(), want.size());
    EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + want.size()), want);
}

// A refused registration names the port file and what is wrong (they named
// neither: "variant 'x' is missing a name, associate, disassociate or decode").
TEST(Ports, RefusedRegistrationsNameThePortFileAndTheReason) {
    Variant no_decode = *find_variant("v6.2");
    no_decode.name = "test-no-decode";
    no_decode.decode = nullptr;
    no_decode.port_file = "/tmp/my_patch.cpp";
    EXPECT_FALSE(register_variant(no_decode));
    Variant twice = *find_variant("v6.2");
    twice.port_file = "/tmp/my_other.cpp";
    EXPECT_FALSE(register_variant(twice));
    EXPECT_EQ(find_variant("test-no-decode"), nullptr);
    EXPECT_TRUE(find_variant("v6.2")->port_file.empty());  // the in-tree one stays
    const auto& problems = registration_problems();
    ASSERT_GE(problems.size(), 2u);
    const std::string& a = problems[problems.size() - 2];
    const std::string& b = problems.back();
    EXPECT_EQ(a, "/tmp/my_patch.cpp: variant 'test-no-decode' has no .decode (a variant needs .name, "
                 ".associate, .disassociate and .decode)");
    EXPECT_EQ(b, "/tmp/my_other.cpp: variant 'v6.2' has the name of an in-tree variant: give it a name of "
                 "its own");
    // Two ports with one name: the second is refused, naming both files.
    Variant first = *find_variant("v6.2");
    first.name = "test-twice";
    first.port_file = "/tmp/a.cpp";
    ASSERT_TRUE(register_variant(first));
    Variant second = first;
    second.port_file = "/tmp/b.cpp";
    EXPECT_FALSE(register_variant(second));
    EXPECT_EQ(registration_problems().back(), "/tmp/b.cpp: variant 'test-twice' is registered twice (/tmp/a.cpp "
                                              "registers it too): give one of them a name of its own");
}

TEST(Ports, AFaultPathComesDownTheChainOfBases) {
    // A port on a port on v6.15 runs under 6.15's fault path; a chain that
    // ends without one, names no variant or loops gives none and says why.
    const FaultPath* v615 = fault_path_of(*find_variant("v6.15"));
    ASSERT_NE(v615, nullptr);
    const std::vector<std::pair<const char*, const char*>> names = {
        {"rfc", "v6.15"},      {"fix", "rfc"},         {"orphan", ""},     {"lost", "nope"},
        {"loop-a", "loop-b"}, {"loop-b", "loop-a"}, {"mid", "orphan"}};
    std::vector<Variant> ports(names.size());
    for (std::size_t i = 0; i < ports.size(); i++) {
        ports[i].name = names[i].first;
        ports[i].base = names[i].second;
    }
    const auto find = [&](const std::string& name) -> const Variant* {
        for (const auto& p : ports)
            if (p.name == name) return &p;
        return find_variant(name);
    };
    std::string why;
    EXPECT_EQ(fault_path_of(ports[0], find, &why), v615);
    EXPECT_EQ(fault_path_of(ports[1], find, &why), v615) << why;
    EXPECT_EQ(fault_path_of(ports[2], find, &why), nullptr);
    EXPECT_EQ(why, "variant 'orphan' has no fault path and names no base (.base = \"v6.15\", say)");
    EXPECT_EQ(fault_path_of(ports[6], find, &why), nullptr);
    EXPECT_EQ(why, "variant 'mid' (base chain mid -> orphan) has no fault path: 'orphan' has none and "
                   "names no base");
    EXPECT_EQ(fault_path_of(ports[3], find, &why), nullptr);
    EXPECT_EQ(why, "variant 'lost' names base 'nope', which is no variant");
    EXPECT_EQ(fault_path_of(ports[4], find, &why), nullptr);
    EXPECT_EQ(why, "variant 'loop-a' (base chain loop-a -> loop-b): 'loop-b' names base 'loop-a', "
                   "which is already in its base chain");
    // A port of its own fault path keeps it, whatever its base.
    ports[1].fault_path = v615;
    ports[1].base = "nope";
    EXPECT_EQ(fault_path_of(ports[1], find, &why), v615);
}

// ---- pre-reflink
TEST(PreReflinkPort, IgnoresTheSharedFlagAndWarnsOnASecondOwner) {
    Execution e = exec_of("pre-reflink");
    EXPECT_TRUE(e.step(Associate{0, 2, 1, 0, true}).warnings.empty());
    EXPECT_EQ(decoded(e, 1), "Owned(A,2)");
    const StepOutcome second = e.step(Associate{1, 0, 1, 0, true});
    ASSERT_EQ(second.warnings.size(), 1u);
    EXPECT_EQ(second.warnings[0].condition, "page->mapping");
    EXPECT_EQ(decoded(e, 1), "Owned(B,0)");  // A's ownership is overwritten
    const StepOutcome release = e.step(Disassociate{0, 2});
    ASSERT_EQ(release.warnings.size(), 1u);
    EXPECT_EQ(release.warnings[0].condition, "page->mapping && page->mapping != mapping");
    EXPECT_EQ(decoded(e, 1), "Free");  // although B still maps it
}

// ---- v12: byvalue fixed, inverted and postdec kept
TEST(V12Port, SetsTheFlagThroughAPointer) {
    Execution e = exec_of("v12");
    e.step(Associate{0, 0, 0, 0, true});
    EXPECT_EQ(page(e, 0).mapping, kSentinel);
    EXPECT_EQ(page(e, 0).index, 1u);
    e.step(Associate{1, 3, 0, 0, true});
    EXPECT_EQ(decoded(e, 0), "Shared(2)");
}

TEST(V12Port, InvertedKeepsAnExclusivePageAndClearsASharedOne) {
    Execution e = exec_of("v12");
    e.step(Associate{0, 3, 0, 0, false});
    e.step(Disassociate{0, 3});
    EXPECT_EQ(decoded(e, 0), "Owned(A,2)");  // postdec on the offset; the page is kept
    e.step(Associate{1, 0, 1, 0, true});
    e.step(Associate{2, 0, 1, 0, true});
    const StepOutcome out = e.step(Disassociate{1, 0});
    ASSERT_EQ(out.warnings.size(), 1u);  // the flag is not B's mapping
    EXPECT_EQ(decoded(e, 1), "Free");    // although C still shares it
}

// ---- v6.0: postdec kept
TEST(V60Port, NAssociationsNeedNPlusOneReleases) {
    Execution e = exec_of("v6.0");
    for (FileId f = 0; f < 3; f++) e.step(Associate{f, 0, 2, 0, true});
    EXPECT_EQ(decoded(e, 2), "Shared(3)");
    for (FileId f = 0; f < 3; f++) e.step(Disassociate{f, 0});
    EXPECT_EQ(page(e, 2).mapping, kSentinel);
    EXPECT_EQ(page(e, 2).index, 0u);
    e.step(DisassociateStray{0, 2, 0});  // the fourth release clears it
    EXPECT_EQ(decoded(e, 2), "Free");
}

TEST(V60Port, NormalOwnerThenSharerCountsTwo) {
    Execution e = exec_of("v6.0");
    e.step(Associate{0, 2, 3, 0, false});
    e.step(Associate{1, 1, 3, 0, true});
    EXPECT_EQ(decoded(e, 3), "Shared(2)");
}

// ---- v6.2: page->share, pre-decrement
TEST(V62Port, ShareCountsEveryOwnerAndReleasesAtZero) {
    Execution e = exec_of("v6.2");
    e.step(Associate{0, 2, 1, 0, false});
    EXPECT_EQ(decoded(e, 1), "Owned(A,2)");
    e.step(Associate{1, 0, 1, 0, true});
    EXPECT_EQ(page(e, 1).share, 2u);
    e.step(Associate{2, 3, 1, 0, true});
    EXPECT_EQ(decoded(e, 1), "Shared(3)");
    e.step(Disassociate{1, 0});
    e.step(Truncate{0, 2});
    EXPECT_EQ(decoded(e, 1), "Shared(1)");
    const StepOutcome last = e.step(Disassociate{2, 3});
    EXPECT_TRUE(last.warnings.empty());
    EXPECT_EQ(page(e, 1).mapping, nullptr);
    EXPECT_EQ(page(e, 1).share, 0u);
    EXPECT_EQ(decoded(e, 1), "Free");
}

// ---- v6.15: folios, idle refcount 0
TEST(V615Port, IdleRefcountIsZero) {
    Execution e = exec_of("v6.15");
    for (Pfn p = 0; p < 4; p++) EXPECT_EQ(page(e, p)._refcount, 0);
    EXPECT_EQ(e.variant().idle_refcount, 0);
}

TEST(V615Port, PmdEntryBecomesACompoundFolioAndSplitsBack) {
    Execution e = exec_of("v6.15");
    EXPECT_TRUE(e.step(Associate{0, 2, 2, 1, false}).warnings.empty());
    EXPECT_TRUE(page(e, 2).head);
    EXPECT_EQ(page(e, 2).compound_order, 1u);
    EXPECT_EQ(page(e, 3).compound_head, &page(e, 2));
    EXPECT_EQ(page(e, 3).mapping, TAIL_MAPPING);
    EXPECT_EQ(decoded(e, 2), "Owned(A,2)");
    EXPECT_EQ(decoded(e, 3), "Owned(A,3)");  // the head's index plus the position
    EXPECT_TRUE(e.step(Truncate{0, 2}).warnings.empty());
    for (Pfn p : {2, 3}) {
        EXPECT_FALSE(page(e, p).head) << p;
        EXPECT_EQ(page(e, p).compound_head, nullptr) << p;
        EXPECT_EQ(page(e, p).compound_order, 0u) << p;
        EXPECT_EQ(page(e, p).mapping, nullptr) << p;
        EXPECT_EQ(page(e, p).share, 0u) << p;
        EXPECT_EQ(decoded(e, p), "Free") << p;
    }
}

TEST(V615Port, APinOnATailCountsOnTheHead) {
    Execution e = exec_of("v6.15");
    e.step(Associate{0, 0, 0, 1, false});
    e.step(Pin{1});
    EXPECT_EQ(page(e, 0)._refcount, 1);
    EXPECT_EQ(page(e, 1)._refcount, 0);
    e.step(Unpin{1});
    EXPECT_EQ(page(e, 0)._refcount, 0);
}

TEST(V615Port, SplittingAPinnedFolioWarns) {
    Execution e = exec_of("v6.15");
    e.step(Associate{0, 0, 0, 1, false});
    e.step(Pin{1});
    const StepOutcome out = e.step(Disassociate{0, 0});  // invalidate, not even truncate
    ASSERT_EQ(out.warnings.size(), 1u);
    EXPECT_EQ(out.warnings[0].function, "dax_folio_put");
    EXPECT_EQ(out.warnings[0].condition, "folio_ref_count(new_folio)");
}

TEST(V615Port, SharedPathCountsOnTheFolio) {
    Execution e = exec_of("v6.15");
    e.step(Associate{0, 0, 0, 1, true});  // the first association takes the normal path
    EXPECT_EQ(decoded(e, 1), "Owned(A,1)");
    e.step(Associate{1, 2, 0, 1, true});
    EXPECT_EQ(page(e, 0).mapping, nullptr);
    EXPECT_EQ(decoded(e, 0), "Shared(2)");
    EXPECT_EQ(decoded(e, 1), "Shared(2)");
    e.step(Disassociate{0, 0});
    EXPECT_EQ(decoded(e, 1), "Shared(1)");
    e.step(Disassociate{1, 2});
    EXPECT_EQ(decoded(e, 0), "Free");
    EXPECT_EQ(decoded(e, 1), "Free");
}

// A finding (impl/expectations.cpp): an order-0 put leaves index as a share.
TEST(V615Port, OrderZeroReleaseLeavesTheIndexAsAShareCount) {
    Execution e = exec_of("v6.15");
    e.step(Associate{0, 3, 1, 0, false});
    e.step(Truncate{0, 3});
    EXPECT_EQ(page(e, 1).mapping, nullptr);
    EXPECT_EQ(page(e, 1).share, 3u);
    EXPECT_EQ(decoded(e, 1), "Shared(3)");
    e.step(Associate{1, 0, 1, 0, true});  // a phantom sharer is counted
    EXPECT_EQ(decoded(e, 1), "Shared(4)");
}

TEST(V615Port, TailPfnsDecodeAtKernelPmdOrder) {
    Execution e = exec_of("v6.15", Universe::with_pmd_order(9));
    e.step(Associate{0, 512, 512, 9, false});
    EXPECT_EQ(decoded(e, 512 + 300), "Owned(A,812)");
    EXPECT_EQ(page(e, 1023).compound_head, &page(e, 512));
    e.step(Truncate{0, 512});
    EXPECT_EQ(decoded(e, 1023), "Free");
}

TEST(V615Port, ACopiedWorldKeepsItsOwnFolios) {
    Execution original = exec_of("v6.15");
    original.step(Associate{0, 0, 0, 1, false});
    Execution copy = original;
    EXPECT_EQ(copy.world().memmap[1].compound_head, &copy.world().memmap[0]);
    copy.step(Truncate{0, 0});
    EXPECT_EQ(decoded(copy, 1), "Free");
    EXPECT_EQ(decoded(original, 1), "Owned(A,1)");
}
