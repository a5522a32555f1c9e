// Execution's changed-pfn tracking, which lets refinement and the swarm walker
// skip unchanged pfns: a port that writes a page its operation does not touch
// must still be caught, after that step and at the end, and reset() must undo
// the write.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "engines/op_enumeration.h"
#include "harness/op_text.h"
#include "properties/property.h"

using namespace daxcheck;

namespace {

constexpr unsigned long kPfns = 200;  // more than any "check everything" cut-off
const Variant* g_base = nullptr;

// v6.2, plus a stray write: the page 100 pfns on claims the mapping.
void stray_associate(void* entry, kshim::address_space* mapping, kshim::vm_area_struct* vma,
                     unsigned long address, bool shared) {
    g_base->associate(entry, mapping, vma, address, shared);
    kshim::pfn_to_page((kshim::dax_to_pfn(entry) + 100) % kPfns)->mapping = mapping;
}

Variant stray_variant() {
    g_base = find_variant("v6.2");
    Variant v = *g_base;
    v.name = "test-stray-write";
    v.associate = stray_associate;
    return v;
}

// v6.2, plus a write to the zero page for a zero-page entry (what a loop over
// a zero entry's "pfns" does: the bug test-order-plus-one had at first).
void zero_page_associate(void* entry, kshim::address_space* mapping, kshim::vm_area_struct* vma,
                         unsigned long address, bool shared) {
    g_base->associate(entry, mapping, vma, address, shared);
    if (kshim::dax_is_zero_entry(entry)) kshim::pfn_to_page(kshim::dax_to_pfn(entry))->mapping = mapping;
}

model::Universe big() {
    model::Universe u;
    u.pfns = u.offsets = kPfns;
    return u;
}

}  // namespace

TEST(ChangedPfns, AStrayWriteIsCheckedAfterTheStepAndAtTheEnd) {
    const Variant v = stray_variant();
    const Property& refinement = *find_property("refinement");
    Execution exec(v, big());
    const model::ModelState before = exec.model();
    const model::Op op = model::Associate{0, 3, 3, 0, false};
    const StepOutcome outcome = exec.step(op);
    const auto& step = exec.step_pfns();
    EXPECT_NE(std::find(step.begin(), step.end(), 103u), step.end());
    const auto why = refinement.after_step(StepView{before, op, outcome, exec});
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("pfn 103"), std::string::npos) << *why;
    ASSERT_TRUE(exec.tracks_changes());
    EXPECT_TRUE(refinement.at_end(exec));
}

TEST(ChangedPfns, ResetUndoesEveryChangedPage) {
    const Variant v = stray_variant();
    Execution exec(v, big());
    const Execution fresh(v, big());
    exec.step(model::Associate{1, 2, 6, 1, true});
    exec.step(model::Pin{7});
    exec.reset();
    EXPECT_TRUE(exec.changed_pfns().empty());
    EXPECT_EQ(exec.model(), fresh.model());
    for (model::Pfn p = 0; p < kPfns; p++) EXPECT_EQ(exec.decode(p), fresh.decode(p)) << p;
    EXPECT_EQ(exec.world().memmap[106].mapping, nullptr);
    EXPECT_FALSE(find_property("refinement")->at_end(exec));
}

TEST(ChangedPfns, RestoringStateInPlaceFallsBackToEveryPfn) {
    const Variant v = stray_variant();
    Execution exec(v, big());
    exec.mutable_world().memmap[150].mapping = kshim::file_mapping(0);
    EXPECT_FALSE(exec.tracks_changes());
    EXPECT_TRUE(find_property("refinement")->at_end(exec));
}

// Issue 17, item 9: a misuse taints the pfns whose decode it changes (a tail
// read through its head), and a later legal step on an entry over a tainted
// pfn taints what it changes, so misuse-detected never judges a page whose
// fields the model no longer describes.
TEST(MisuseTaint, FollowsDecodeChangesAndLegalStepsOverTaintedPfns) {
    const daxcheck::Variant& v = *daxcheck::find_variant("v6.15");
    daxcheck::model::Universe u;  // the default universe: files 3, pfns 4, offsets 4
    daxcheck::Execution exec(v, u);
    using namespace daxcheck::model;
    exec.step(Associate{0, 0, 2, 1, true});
    exec.step(Associate{1, 0, 2, 1, true});
    const auto misuse = exec.step(Associate{2, 0, 2, 0, false});  // illegal: pfn 2 is owned
    ASSERT_FALSE(misuse.legal);
    EXPECT_TRUE(exec.misuse_tainted(2));
    // pfn 3's raw fields did not change, but it reads through the head now.
    EXPECT_TRUE(exec.misuse_tainted(3));
    EXPECT_FALSE(exec.misuse_tainted(0));
    exec.step(Truncate{0, 0});  // legal, over tainted pfns
    EXPECT_TRUE(exec.misuse_tainted(3));
    EXPECT_FALSE(exec.misuse_tainted(0));
}

// Execution::step_pfns() is the set every engine checks and undoes: each pfn
// outside it must keep its model state, raw page fields and decode. Random
// walks on every in-tree port, misuse included, in a universe of 4-page
// folios, where a PMD step changes a folio head whose tails it never reaches.
TEST(StepPfns, ListEveryPageWhoseStateFieldsOrDecodeChanged) {
    model::Universe u;
    u.files = 2;
    u.pfns = u.offsets = 16;
    u.pmd_order = 2;
    u.max_pins = 1;
    std::mt19937 rng(11);
    long pmd_steps = 0;
    for (const Variant& v : variants())
        for (int walk = 0; walk < 20; walk++) {
            Execution exec(v, u);
            for (int i = 0; i < 30; i++) {
                std::vector<model::Op> ops;
                enumerate_ops(exec.model(), Profile::Reflink, true, ops);
                if (ops.empty()) break;
                const model::Op op = ops[rng() % ops.size()];
                const model::ModelState model_before = exec.model();
                std::vector<std::string> fields;
                std::vector<Decoded> decoded;
                for (model::Pfn p = 0; p < u.pfns; p++) {
                    fields.push_back(exec.raw_fields(p));
                    decoded.push_back(exec.decode(p));
                }
                if (exec.step(op).kernel_bug) break;  // the walk ends there, as in swarm
                if (const auto e = model::entry_of(model_before, op); e && e->order) pmd_steps++;
                const auto& step = exec.step_pfns();
                for (model::Pfn p = 0; p < u.pfns; p++) {
                    if (std::find(step.begin(), step.end(), p) != step.end()) continue;
                    ASSERT_EQ(exec.model().pfns[p], model_before.pfns[p])
                        << v.name << ": pfn " << p << " after " << to_text(op);
                    ASSERT_EQ(exec.raw_fields(p), fields[p])
                        << v.name << ": pfn " << p << " after " << to_text(op);
                    ASSERT_EQ(exec.decode(p), decoded[p])
                        << v.name << ": pfn " << p << " after " << to_text(op);
                }
            }
        }
    EXPECT_GT(pmd_steps, 100);
}

// A reused execution (the walks of swarm and --level fs) once kept the zero
// page a port wrote: the next walk's first fault warned on a page->mapping
// it never set, and the shrunk counterexample passed on a fresh replay.
TEST(ChangedPfns, ResetUndoesAWriteToTheZeroPage) {
    stray_variant();  // sets g_base
    Variant v = *g_base;
    v.name = "test-zero-page-write";
    v.associate = zero_page_associate;
    Execution exec(v, big());
    const Execution fresh(v, big());
    exec.step(model::AssociateZero{0, 4, 0, false});
    ASSERT_EQ(exec.world().zero_page.mapping, kshim::file_mapping(0)) << "the port did not write the zero page";
    ASSERT_TRUE(exec.tracks_changes());
    exec.reset();
    EXPECT_EQ(exec.world().zero_page.mapping, fresh.world().zero_page.mapping);
    EXPECT_EQ(exec.world().zero_page.index, fresh.world().zero_page.index);
    EXPECT_EQ(exec.world().zero_page._refcount, fresh.world().zero_page._refcount);
}
