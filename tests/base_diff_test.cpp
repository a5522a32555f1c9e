// Failure classes and the comparison with a base (issue 16), on two real
// patches: the 6.15-rc1 state of the refcount series (examples/v6_15_rc1.cpp,
// built into this binary) and 7.1's dax_folio_reset_order() refactor, both
// against v6.15.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli/replay_command.h"
#include "cli/run_command.h"
#include "engines/explorer.h"
#include "harness/op_text.h"
#include "properties/failure_class.h"
#include "properties/warnings.h"

namespace daxcheck {
namespace {

const char kStaleOrder[] = "stale folio order";
const char kStaleShare[] = "pfns free -> Shared";

std::vector<model::Op> ops(std::initializer_list<const char*> lines) {
    std::vector<model::Op> out;
    for (const char* l : lines) out.push_back(std::get<model::Op>(parse_op(l)));
    return out;
}

bool mentions(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

RunOptions options(const char* variant) {
    RunOptions o;
    o.variants = {find_variant(variant)};
    for (const auto& p : all_properties()) o.properties.push_back(&p);
    o.profiles = all_profiles();
    o.cell.seed = 1;
    o.base = find_variant("v6.15");
    return o;
}

TEST(FailureClass, IgnoresNumbersFilesAndLength) {
    const Variant& v = *find_variant("v6.15");
    const Property& p = *find_property("refinement");
    model::Universe u;
    const auto a = failure_class_of(v, p, u, ops({"associate A 1 pfn=0 order=0 shared=0", "truncate A 1"}));
    const auto b = failure_class_of(v, p, u, ops({"associate B 3 pfn=2 order=0 shared=0", "pin 2",
                                                  "disassociate B 3"}));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->key(), b->key());
    EXPECT_EQ(a->key(), "refinement | pfns free -> Shared");
    // Another cause in the same property is another class.
    const auto c = failure_class_of(v, p, u, ops({"associate A 0 pfn=0 order=1 shared=0",
                                                  "associate B 0 pfn=0 order=0 shared=1"}));
    ASSERT_TRUE(c);
    EXPECT_NE(c->key(), a->key());
    EXPECT_TRUE(mentions(c->key(), "dax_associate_entry: WARN_ON_ONCE(dax_entry_order(entry) != folio_order(folio))"));
    // A passing list has no class.
    EXPECT_FALSE(failure_class_of(v, p, u, ops({"associate A 0 pfn=0 order=0 shared=0"})));
}

TEST(FailureClass, ACountsNounIsOneClassInTheSingularAndThePlural) {
    // v6.2's unmount BUG at the filesystem level read as two classes by the
    // entries' page count ("cover 1 page" / "cover 2 pages").
    const std::string one = "after #4 (read-fault A 0): A's mapping->nrpages is 2 where its entries cover 1 page: "
                            "evicting A hits BUG_ON(inode->i_data.nrpages) in clear_inode";
    const std::string two = "after #5 (read-fault B 0): B's mapping->nrpages is 3 where its entries cover 2 pages: "
                            "evicting B hits BUG_ON(inode->i_data.nrpages) in clear_inode";
    EXPECT_EQ(message_shape(one), message_shape(two));
    EXPECT_EQ(message_shape("2 pins held, 3 pages, 1 is"), "N pin held, N page, N is");
    EXPECT_EQ(message_shape("4 pagesize"), "N pagesize");
}

TEST(FailureClass, APortThatStoppedIsNamedBesideItsBrokenPfns) {
    // The unpin of a former tail of a shared PMD entry hits v6.15+debug_vm's
    // BUG_ON while pfn 1 also breaks the relation: the class names both, as
    // the failure line does (finding 16f: it read "pfns shared -> Owned").
    const Variant& v = *find_variant("v6.15+debug_vm");
    const Property& p = *find_property("pin-warning");
    model::Universe u;
    const auto c = failure_class_of(v, p, u, ops({"associate A 0 pfn=1 order=0 shared=0", "pin 1",
                                                  "associate A 2 pfn=0 order=1 shared=1", "unpin 1"}));
    ASSERT_TRUE(c);
    EXPECT_TRUE(mentions(c->key(), "the port stopped: BUG_ON(folio_ref_count(folio) == N) in folio_put_testzero:N"))
        << c->key();
    EXPECT_FALSE(c->pfn_pairs.empty()) << c->key();
}

TEST(FailureClass, TheExplorerSearchesPastKnownClasses) {
    // rc1's shortest refinement failure is 6.15's stale share; with that class
    // known, the shortest one left is the stale folio order.
    const Variant& v = *find_variant("v6.15-rc1");
    const Property& p = *find_property("refinement");
    ExploreOptions o;
    o.universe.files = 2, o.universe.pfns = 3, o.universe.offsets = 3, o.universe.max_pins = 1;
    o.profile = Profile::Exclusive;
    o.max_depth = 4;
    const ExploreResult first = explore(v, p, o);
    ASSERT_TRUE(first.found());
    const auto c1 = failure_class_of(v, p, o.universe, first.counterexample);
    ASSERT_TRUE(c1);
    EXPECT_EQ(c1->key(), "refinement | pfns free -> Shared");
    o.failures.known = {*c1};
    const ExploreResult second = explore(v, p, o);
    ASSERT_TRUE(second.found());
    const auto c2 = failure_class_of(v, p, o.universe, second.counterexample);
    ASSERT_TRUE(c2);
    EXPECT_TRUE(mentions(c2->key(), kStaleOrder)) << c2->key();
    EXPECT_EQ(second.counterexample.size(), 2u);
}

TEST(FailureClass, RunFindsTheClassBehindTheFirst) {
    RunOptions o = options("v6.15-rc1");
    o.properties = {find_property("refinement")};
    o.profiles = {Profile::Exclusive};
    o.base = nullptr;
    o.classes = 1;
    auto one = run_cells(o);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_TRUE(one[0].more_classes.empty());
    o.classes = 5;
    auto all = run_cells(o);
    std::vector<std::string> keys;
    for (const auto& c : all[0].found_classes(o.cell.universe)) keys.push_back(c.cls.key());
    EXPECT_GE(keys.size(), 2u);
    EXPECT_TRUE(std::any_of(keys.begin(), keys.end(), [](auto& k) { return mentions(k, kStaleOrder); }));
    EXPECT_TRUE(std::any_of(keys.begin(), keys.end(), [](auto& k) { return k == "refinement | pfns free -> Shared"; }));
    // Distinct, and each counterexample fails with its own class.
    for (const auto& c : all[0].found_classes(o.cell.universe)) {
        EXPECT_EQ(std::count(keys.begin(), keys.end(), c.cls.key()), 1);
        const auto again = failure_class_of(*o.variants[0], *o.properties[0], c.universe, c.counterexample);
        ASSERT_TRUE(again);
        EXPECT_EQ(again->key(), c.cls.key());
    }
}

TEST(BaseDiff, Rc1AgainstV615NewIsTheStaleFolioOrderOnly) {
    const RunOptions o = options("v6.15-rc1");
    const auto rows = run_cells(o);
    const auto diffs = diff_with_base(o, rows);
    ASSERT_EQ(diffs.size(), rows.size());
    std::size_t stale_cells = 0;
    for (const auto& d : diffs) {
        const std::string cell = d.row->property->name + "/" + to_string(d.row->profile);
        EXPECT_FALSE(d.error) << cell;
        bool stale_here = false;
        for (const auto& c : d.diff.classes) {
            EXPECT_NE(c.change, ClassChange::Fixed) << cell << ": " << c.cls.key();
            if (c.change == ClassChange::New) {
                EXPECT_TRUE(mentions(c.cls.key(), kStaleOrder)) << cell << ": " << c.cls.key();
                stale_here = true;
            }
            if (c.change == ClassChange::StillWithNew) {
                for (const auto& part : c.new_parts) EXPECT_TRUE(mentions(part, kStaleOrder)) << cell << ": " << part;
                stale_here = true;
            }
        }
        // A cell changes exactly where the stale order shows.
        EXPECT_EQ(is_regression(d.diff.change), stale_here) << cell;
        stale_cells += stale_here;
    }
    EXPECT_GE(stale_cells, 4u);  // refinement and drain, both profiles, at least
    EXPECT_TRUE(base_diff_regressed(diffs));
}

TEST(BaseDiff, V71AgainstV615FixesTheStaleShare) {
    RunOptions o = options("v7.1");
    o.properties = {find_property("refinement"), find_property("drain")};
    const auto rows = run_cells(o);
    const auto diffs = diff_with_base(o, rows);
    for (const auto& d : diffs) {
        const std::string cell = d.row->property->name + "/" + to_string(d.row->profile);
        bool stale_share_seen = false, stale_share_fixed = false;
        for (const auto& c : d.diff.classes) {
            if (c.cls.key() == d.row->property->name + " | " + kStaleShare) {
                stale_share_seen = true;
                stale_share_fixed = c.change == ClassChange::Fixed;
            }
            // Nothing 7.1 adds is the stale share.
            if (c.change == ClassChange::New) {
                EXPECT_FALSE(mentions(c.cls.key(), kStaleShare)) << cell;
            }
        }
        // 6.15's drain/reflink cell has more than --classes classes; where its
        // search reached the stale share, 7.1 has it fixed.
        if (cell != "drain/reflink") {
            EXPECT_TRUE(stale_share_seen) << cell;
        }
        EXPECT_EQ(stale_share_fixed, stale_share_seen) << cell;
    }
}

TEST(BaseDiff, AVersionAgainstItselfChangesNothing) {
    RunOptions o = options("v6.15");
    const auto rows = run_cells(o);
    const auto diffs = diff_with_base(o, rows);
    for (const auto& d : diffs) {
        EXPECT_TRUE(d.diff.change == CellChange::SameCause || d.diff.change == CellChange::Passing)
            << d.row->property->name << "/" << to_string(d.row->profile) << ": " << to_string(d.diff.change);
        for (const auto& c : d.diff.classes) EXPECT_EQ(c.change, ClassChange::Still) << c.cls.key();
    }
    EXPECT_FALSE(base_diff_regressed(diffs));
}

// 6.15 deleted two of 6.2's WARN_ON_ONCEs and moved the third to the folio
// (KERNEL-HISTORY); a patch that deletes a check and its declaration passes
// misuse-detected, so --base has to say so.
TEST(BaseDiff, NamesTheChecksAPatchDropsChangesOrAdds) {
    const Variant& v62 = *find_variant("v6.2");
    const Variant& v615 = *find_variant("v6.15");
    const CheckDiff down = diff_checks(v615, v62);
    ASSERT_EQ(down.dropped.size(), 2u);
    EXPECT_TRUE(mentions(down.dropped[0], "truncate-of-a-pinned-page: WARN_ON_ONCE(trunc")) << down.dropped[0];
    EXPECT_TRUE(mentions(down.dropped[1], "mapping-mismatch: ")) << down.dropped[1];
    ASSERT_EQ(down.changed.size(), 1u);
    EXPECT_EQ(down.changed[0], "second-exclusive-owner: WARN_ON_ONCE(page->mapping) in dax_associate_entry -> "
                               "WARN_ON_ONCE(folio->mapping) in dax_associate_entry");
    EXPECT_TRUE(down.added.empty());
    const CheckDiff up = diff_checks(v62, v615);
    EXPECT_EQ(up.added, down.dropped);
    EXPECT_EQ(up.changed.size(), 1u);
    EXPECT_TRUE(up.dropped.empty());
    EXPECT_TRUE(diff_checks(v62, v62).empty());

    // One check deleted from an otherwise equal port: that one only.
    Variant patch = v62;
    patch.checks.erase(patch.checks.begin() + 1);
    const CheckDiff one = diff_checks(patch, v62);
    EXPECT_EQ(one.dropped, std::vector<std::string>{describe(v62.checks[1])});
    EXPECT_TRUE(one.changed.empty());
    EXPECT_TRUE(one.added.empty());
    // The same kind declared twice pairs the unchanged one with itself.
    patch = v62;
    patch.checks.push_back(v62.checks[0]);
    patch.checks.back().condition = "trunc";
    const CheckDiff twice = diff_checks(patch, v62);
    EXPECT_TRUE(twice.dropped.empty());
    EXPECT_TRUE(twice.changed.empty());
    EXPECT_EQ(twice.added, std::vector<std::string>{describe(patch.checks.back())});
}

std::pair<int, std::string> replay_output(const std::vector<std::string>& paths, const ReplayOptions& o) {
    testing::internal::CaptureStdout();
    const int rc = replay_command(paths, o);
    return {rc, testing::internal::GetCapturedStdout()};
}

const std::string kCorpus = std::string(DAXCHECK_SOURCE_DIR) + "/corpus";

TEST(ReplayAPort, TheWholeCorpusWithItsBasesExpectations) {
    ReplayOptions o;
    o.variant = "v6.15-rc1";
    const auto [rc, out] = replay_output({kCorpus}, o);
    // Every file with a v6.15 line is replayed on rc1 against it, and said so.
    EXPECT_NE(out.find("v6.15-rc1            fail (expected fail, v6.15's expectation)"), std::string::npos) << out;
    // Files that name neither are skipped with the reason.
    EXPECT_NE(out.find("no expect: line for it or its base v6.15"), std::string::npos) << out;
    EXPECT_NE(out.find(" skipped\n"), std::string::npos) << out;
    (void)rc;
}

TEST(ReplayAPort, AgainstItsBaseByClass) {
    ReplayOptions o;
    o.variant = "v6.15-rc1";
    o.base = "";  // its own base
    const auto [rc, out] = replay_output({kCorpus}, o);
    EXPECT_NE(out.find("v6.15-rc1 against v6.15, by failure class:"), std::string::npos) << out;
    EXPECT_NE(out.find("still failing (same cause)"), std::string::npos) << out;
    // rc1 keeps every 6.15 finding of the corpus: nothing fixed.
    EXPECT_EQ(out.find("fixed "), std::string::npos) << out;
    EXPECT_EQ(rc, out.find("<-") == std::string::npos ? 0 : 1) << out;
}

}  // namespace
}  // namespace daxcheck
