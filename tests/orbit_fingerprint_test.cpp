// The explorer's per-transition shortcuts (issue 18): a child's fingerprint
// updated from its parent's equals the one taken from scratch, is the same
// for every state of an orbit and differs between orbits; undoing a step
// copies back exactly the state before it. Random walks over every kind of
// operation (misuse included) and ports with compound folios (6.15 on).
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "engines/explorer.h"
#include "engines/orbit_fingerprint.h"
#include "engines/state_pack.h"
#include "harness/op_text.h"

using namespace daxcheck;

namespace {

// Files, pfns, offsets, PMD order, pins: two files and two PMD blocks.
model::Universe universe() { return {2, 4, 2, 1, 1}; }

PackedState packed(const Execution& e) {
    PackedState out;
    pack_state(e, relabellings(e.model().universe, false)[0], out);
    return out;
}

}  // namespace

namespace {

// `cache_entries` 0: the base's pfn hashes are computed again per child, as
// in a universe too wide to keep them.
void incremental_equals_from_scratch(std::size_t cache_entries) {
    const auto u = universe();
    const auto labels = relabellings(u, true);
    ASSERT_EQ(labels.size(), 4u);  // both files and both PMD blocks swap
    std::mt19937_64 rng(18);
    for (const char* name : {"v6.2", "v6.15", "v7.1", "v10", "v10-only-postdec"}) {
        const Variant& v = *find_variant(name);
        const Execution initial(v, u);
        OrbitFingerprint orbit(labels, initial, cache_entries);
        Execution parent(v, u), child(v, u), rep(v, u);
        std::vector<model::Op> ops;
        std::size_t distinct = 0;
        for (int walk = 0; walk < 40; walk++) {
            parent = Execution(v, u);
            for (int step = 0; step < 12; step++) {
                orbit.set_base(parent);
                EXPECT_EQ(orbit.base(), orbit.of(parent)) << name;
                enumerate_ops(parent.model(), Profile::Reflink, true, ops);
                if (ops.empty()) break;
                const PackedState before = packed(parent);
                Fingerprint previous = orbit.base();
                // Every child of the parent, undone after each.
                copy_state(parent, child);
                for (const model::Op& op : ops) {
                    const StepOutcome outcome = child.step(op);
                    const Fingerprint scratch = orbit.of(child);
                    if (outcome.legal) {
                        EXPECT_EQ(orbit.child(child, op_slot(op)), scratch) << name;
                    }
                    // The canonical representative is in the same orbit.
                    PackedState canonical;
                    CanonicalScratch buffers;
                    pack_canonical(child, labels, canonical, buffers);
                    unpack_state({canonical.data(), canonical.size()}, rep);
                    EXPECT_EQ(orbit.of(rep), scratch) << name;
                    distinct += !(scratch == previous);
                    previous = scratch;
                    if (outcome.legal) undo_step(parent, child, op_slot(op));
                    else copy_state(parent, child);
                    EXPECT_EQ(packed(child), before) << name;
                }
                const model::Op& op = ops[rng() % ops.size()];
                parent.step(op);
            }
        }
        EXPECT_GT(distinct, 100u) << name;  // fingerprints tell children apart
    }
}

}  // namespace

TEST(OrbitFingerprint, IncrementalEqualsFromScratchAndUndoRestores) {
    incremental_equals_from_scratch(OrbitFingerprint::kCacheEntries);
}

TEST(OrbitFingerprint, IncrementalEqualsFromScratchWithoutTheParentsCache) {
    incremental_equals_from_scratch(0);
}

namespace {

// Every state of a breadth-first search to `depth` by hand, deduplicating on
// canonical encodings: the number of distinct fingerprints, taken from
// scratch, and of distinct orbits.
std::pair<std::size_t, std::size_t> fingerprints_and_orbits(const Variant& v, bool with_misuse,
                                                            unsigned depth) {
    const auto u = universe();
    const auto labels = relabellings(u, true);
    const Execution initial(v, u);
    OrbitFingerprint orbit(labels, initial);
    std::set<PackedState> seen_bytes;
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen_fps;
    CanonicalScratch buffers;
    std::vector<PackedState> level{{}};
    pack_canonical(initial, labels, level[0], buffers);
    seen_bytes.insert(level[0]);
    seen_fps.insert({orbit.of(initial).hi, orbit.of(initial).lo});
    Execution e(v, u), c(v, u);
    std::vector<model::Op> ops;
    for (unsigned d = 0; d < depth; d++) {
        std::vector<PackedState> next;
        for (const PackedState& s : level) {
            unpack_state({s.data(), s.size()}, e);
            enumerate_ops(e.model(), Profile::Reflink, with_misuse, ops);
            for (const auto& op : ops) {
                copy_state(e, c);
                c.step(op);
                PackedState canonical;
                pack_canonical(c, labels, canonical, buffers);
                const Fingerprint fp = orbit.of(c);
                seen_fps.insert({fp.hi, fp.lo});
                if (seen_bytes.insert(canonical).second) next.push_back(canonical);
            }
        }
        level = std::move(next);
    }
    return {seen_fps.size(), seen_bytes.size()};
}

}  // namespace

TEST(OrbitFingerprint, DifferentOrbitsGetDifferentFingerprints) {
    // As many distinct fingerprints as the explorer counts orbits.
    ExploreOptions o;
    o.universe = universe();
    o.max_depth = 3;
    const Variant& v = *find_variant("v6.2");
    const auto r = explore(v, *find_property("refinement"), o);
    ASSERT_EQ(r.stop, ExploreStop::DepthLimit);
    const auto [fps, orbits] = fingerprints_and_orbits(v, false, 3);
    EXPECT_EQ(orbits, r.states);
    EXPECT_EQ(fps, orbits);
}

TEST(OrbitFingerprint, StaleFieldsAndMisuseTellOrbitsApart) {
    // 6.15-on ports leave page->mapping and folio heads behind, and misuse
    // taints pfns: states that differ only there are different orbits.
    for (const char* name : {"v6.15", "v7.1"}) {
        const auto [fps, orbits] = fingerprints_and_orbits(*find_variant(name), true, 4);
        EXPECT_EQ(fps, orbits) << name;
        EXPECT_GT(orbits, 1000u) << name;
    }
}

TEST(OrbitFingerprint, AStepChangesSlotsAndEntriesOnlyAtItsOwnPosition) {
    // The child's fingerprint and undo_step look at op_slot(op) alone: every
    // in-tree port, PTE and PMD orders up to 2, misuse included, leaves
    // every other model slot and xarray entry as it was.
    std::mt19937_64 rng(18);
    std::size_t checked = 0;
    for (unsigned pmd_order : {0u, 1u, 2u}) {
        const model::Universe u{2, 8, 8, pmd_order, 1};
        for (const Variant& v : variants()) {
            Execution e(v, u);
            std::vector<model::Op> ops;
            for (int step = 0; step < 300; step++) {
                if (step % 30 == 0) e = Execution(v, u);  // walks of 30 operations
                enumerate_ops(e.model(), Profile::Reflink, true, ops);
                if (ops.empty()) {
                    e = Execution(v, u);
                    continue;
                }
                const model::Op op = ops[rng() % ops.size()];
                const model::ModelState before = e.model();
                const auto xarray_before = e.world().i_pages;
                e.step(op);
                const SlotRef at = op_slot(op);
                for (std::size_t f = 0; f < before.files.size(); f++) {
                    auto slots = before.files[f].slots, now_slots = e.model().files[f].slots;
                    auto entries = xarray_before[f], now_entries = e.world().i_pages[f];
                    if (static_cast<int>(f) == at.file) {
                        slots.erase(at.offset);
                        now_slots.erase(at.offset);
                        entries.erase(at.offset);
                        now_entries.erase(at.offset);
                    }
                    EXPECT_TRUE(slots == now_slots) << v.name << " " << to_text(op);
                    EXPECT_TRUE(entries == now_entries) << v.name << " " << to_text(op);
                }
                checked++;
            }
        }
    }
    EXPECT_GT(checked, 10000u);
}
