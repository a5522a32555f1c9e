// Paths no generated sequence takes, found by ./daxcheck coverage: each
// port's decode of field combinations its own encoding never produces (the
// Invalid answers), 6.15's early return for zero and empty entries, and the
// model's rejection of malformed operations and field-by-field comparisons.
#include <gtest/gtest.h>

#include "impl/shim/kernel.h"
#include "impl/variant.h"
#include "model/state.h"

using namespace daxcheck;
using namespace daxcheck::model;

namespace {

// A pointer that is neither NULL, a sentinel, nor a file's address_space.
kshim::address_space* stranger() {
    static kshim::address_space junk{};
    return &junk;
}
kshim::address_space* flag_pointer() { return reinterpret_cast<kshim::address_space*>(0x1UL); }

struct World {
    kshim::kernel_world world;
    kshim::world_scope scope;
    explicit World(const Variant& v) : world(8, 2, 1, v.idle_refcount), scope(world) {}
    kshim::page& page(unsigned long pfn) { return world.memmap[pfn]; }
};

bool invalid(const Decoded& d, const std::string& part) {
    return d.kind == Decoded::Kind::Invalid && d.reason.find(part) != std::string::npos;
}

const std::vector<std::string> kPortsBefore615 = {
    "pre-reflink", "v10", "v10-only-byvalue", "v10-only-inverted", "v10-only-postdec",
    "v10-fixed",   "v12", "v6.0",             "v6.2"};

}  // namespace

TEST(DecodeInvalid, NoMappingButAnIndex) {
    for (const auto& name : kPortsBefore615) {
        const Variant& v = *find_variant(name);
        World w(v);
        w.page(0).index = 5;
        EXPECT_TRUE(invalid(v.decode(0), "no mapping but index=5")) << name;
    }
}

TEST(DecodeInvalid, MappingThatIsNoFile) {
    for (const auto& name : kPortsBefore615) {
        const Variant& v = *find_variant(name);
        World w(v);
        w.page(0).mapping = stranger();
        EXPECT_TRUE(invalid(v.decode(0), "mapping is")) << name;
    }
    const Variant& v615 = *find_variant("v6.15");
    World w(v615);
    w.page(0).mapping = stranger();
    EXPECT_TRUE(invalid(v615.decode(0), "folio mapping is not a file's address_space"));
}

TEST(DecodeInvalid, SharedFlagWithACountOfZero) {
    for (const char* name : {"v10", "v10-fixed", "v12", "v6.0"}) {
        const Variant& v = *find_variant(name);
        World w(v);
        w.page(0).mapping = flag_pointer();
        EXPECT_TRUE(invalid(v.decode(0), "CoW flag with a share count of 0")) << name;
    }
    const Variant& v62 = *find_variant("v6.2");
    World w(v62);
    w.page(0).mapping = flag_pointer();
    EXPECT_TRUE(invalid(v62.decode(0), "shared flag with a share count of 0"));
}

TEST(DecodeInvalid, FolioShapesThat615NeverLeaves) {
    const Variant& v = *find_variant("v6.15");
    {
        World w(v);  // a tail whose head is no large folio
        w.page(1).compound_head = &w.page(0);
        EXPECT_TRUE(invalid(v.decode(1), "tail of a page that heads no large folio"));
    }
    {
        World w(v);  // a tail past its head's order
        w.page(0).head = true;
        w.page(0).compound_order = 1;
        w.page(3).compound_head = &w.page(0);
        EXPECT_TRUE(invalid(v.decode(3), "tail beyond its head's folio order"));
    }
    {
        World w(v);  // an order-0 folio that kept an order
        w.page(0).compound_order = 1;
        EXPECT_TRUE(invalid(v.decode(0), "order-0 page with a stale folio order 1"));
    }
    {
        World w(v);  // a large folio nobody owns
        w.page(0).head = true;
        w.page(0).compound_order = 1;
        w.page(1).compound_head = &w.page(0);
        EXPECT_TRUE(invalid(v.decode(0), "large folio with no owner"));
    }
}

TEST(Port615, ZeroAndEmptyEntriesAreIgnored) {
    const Variant& v = *find_variant("v6.15");
    World w(v);
    kshim::vm_area_struct vma{};
    for (unsigned long flags : {kshim::DAX_ZERO_PAGE, kshim::DAX_EMPTY}) {
        void* entry = kshim::dax_make_entry(0, flags);
        v.associate(entry, kshim::file_mapping(0), &vma, 0, false);
        EXPECT_EQ(v.decode(0), Decoded::free());
        v.disassociate(entry, kshim::file_mapping(0), true);
        EXPECT_EQ(v.decode(0), Decoded::free());
    }
    EXPECT_TRUE(w.world.warnings.empty());
}

TEST(ModelEdges, MalformedOperationsAreIllegal) {
    const Universe u;  // 3 files, 4 pfns, 4 offsets, PMD order 1
    ModelState s = initial_state(u);
    EXPECT_TRUE(illegal_reason(s, Associate{0, 0, 4, 0, false}));   // pfn past the end
    EXPECT_TRUE(illegal_reason(s, Associate{0, 0, 5, 0, false}));
    EXPECT_TRUE(illegal_reason(s, Associate{0, 4, 0, 0, false}));   // offset past the end
    EXPECT_TRUE(illegal_reason(s, Disassociate{7, 0}));             // no such file
    EXPECT_TRUE(illegal_reason(s, Truncate{7, 0}));
    EXPECT_TRUE(illegal_reason(s, Unpin{9}));                       // pfn outside
    EXPECT_TRUE(illegal_reason(s, Pin{9}));
    EXPECT_FALSE(entry_of(s, Disassociate{7, 0}));
    EXPECT_TRUE(touched_pfns(s, Pin{9}).empty());
    EXPECT_TRUE(touched_pfns(s, Unpin{9}).empty());
    EXPECT_FALSE(truncates_pinned_page(s, Truncate{0, 0}));        // no entry there
    // Misuse that no check can see: a malformed stray, a stray of an entry the file holds.
    EXPECT_FALSE(misuse_check(s, DisassociateStray{7, 0, 0}));
    EXPECT_FALSE(misuse_check(s, DisassociateStray{0, 1, 1}));     // misaligned PMD
    s = apply(std::move(s), Associate{0, 0, 0, 0, false});
    EXPECT_FALSE(misuse_check(s, DisassociateStray{0, 0, 0}));
    // A stray is never legal: apply leaves the state as it was.
    EXPECT_EQ(apply(s, DisassociateStray{1, 0, 0}), s);
}

TEST(ModelEdges, UniverseLimits) {
    auto problem = [](auto change) {
        Universe u;
        change(u);
        return universe_problem(u);
    };
    EXPECT_EQ(problem([](Universe&) {}), "");
    EXPECT_NE(problem([](Universe& u) { u.files = 0; }), "");
    EXPECT_NE(problem([](Universe& u) { u.files = 27; }), "");
    EXPECT_NE(problem([](Universe& u) { u.pmd_order = 0; }), "");
    EXPECT_NE(problem([](Universe& u) { u.pmd_order = 13; }), "");
    EXPECT_NE(problem([](Universe& u) { u.pfns = 0; }), "");
    EXPECT_NE(problem([](Universe& u) { u.pfns = (1 << 20) + 1; }), "");
    EXPECT_NE(problem([](Universe& u) { u.offsets = 0; }), "");
    EXPECT_NE(problem([](Universe& u) { u.offsets = (1 << 20) + 1; }), "");
    EXPECT_NE(problem([](Universe& u) { u.max_pins = 1001; }), "");
}

// The defaulted comparisons stop at the first field that differs: one
// comparison per field.
TEST(ModelEdges, ComparisonsFieldByField) {
    const Associate a{1, 2, 2, 1, true};
    EXPECT_EQ(a, a);
    EXPECT_NE(a, (Associate{0, 2, 2, 1, true}));
    EXPECT_NE(a, (Associate{1, 0, 2, 1, true}));
    EXPECT_NE(a, (Associate{1, 2, 0, 1, true}));
    EXPECT_NE(a, (Associate{1, 2, 2, 0, true}));
    EXPECT_NE(a, (Associate{1, 2, 2, 1, false}));
    EXPECT_NE((Disassociate{1, 2}), (Disassociate{0, 2}));
    EXPECT_NE((Disassociate{1, 2}), (Disassociate{1, 0}));
    EXPECT_EQ((Truncate{1, 2}), (Truncate{1, 2}));
    EXPECT_NE((Truncate{1, 2}), (Truncate{0, 2}));
    EXPECT_NE((Truncate{1, 2}), (Truncate{1, 0}));
    EXPECT_EQ(Pin{1}, Pin{1});
    EXPECT_NE(Pin{1}, Pin{0});
    EXPECT_EQ(Unpin{1}, Unpin{1});
    EXPECT_NE(Unpin{1}, Unpin{0});
    const DisassociateStray d{1, 2, 1};
    EXPECT_EQ(d, d);
    EXPECT_NE(d, (DisassociateStray{0, 2, 1}));
    EXPECT_NE(d, (DisassociateStray{1, 0, 1}));
    EXPECT_NE(d, (DisassociateStray{1, 2, 0}));

    EXPECT_LT((Owner{0, 5}), (Owner{1, 0}));
    EXPECT_GT((Owner{1, 0}), (Owner{0, 5}));
    EXPECT_LT((Owner{1, 0}), (Owner{1, 5}));
    EXPECT_EQ((Owner{1, 5} <=> Owner{1, 5}), std::strong_ordering::equal);
    const PfnState p{{Owner{0, 0}}, true, 1};
    EXPECT_EQ(p, p);
    EXPECT_NE(p, (PfnState{{}, true, 1}));
    EXPECT_NE(p, (PfnState{{Owner{0, 0}}, false, 1}));
    EXPECT_NE(p, (PfnState{{Owner{0, 0}}, true, 0}));
    const Slot slot{2, 1, true};
    EXPECT_EQ(slot, slot);
    EXPECT_NE(slot, (Slot{0, 1, true}));
    EXPECT_NE(slot, (Slot{2, 0, true}));
    EXPECT_NE(slot, (Slot{2, 1, false}));
    FileState f;
    f.slots[0] = slot;
    EXPECT_NE(f, FileState{});
    Universe u;
    EXPECT_EQ(u, Universe{});
    for (auto change : std::vector<void (*)(Universe&)>{
             [](Universe& x) { x.files++; }, [](Universe& x) { x.pfns++; },
             [](Universe& x) { x.offsets++; }, [](Universe& x) { x.pmd_order++; },
             [](Universe& x) { x.max_pins++; }}) {
        Universe other;
        change(other);
        EXPECT_NE(u, other);
    }
    const ModelState s = initial_state(u);
    EXPECT_EQ(s, s);
    Universe bigger;
    bigger.pfns = 8;
    EXPECT_NE(s, initial_state(bigger));
    ModelState pinned = s;
    pinned.pfns[0].pins = 1;
    EXPECT_NE(s, pinned);
    ModelState filed = s;
    filed.files[0] = f;
    EXPECT_NE(s, filed);
}
