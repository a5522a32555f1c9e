// The filesystem level (SPEC 8): the filesystem model, the calls each
// version's fault path derives, and that the level catches the fault-path
// bugs it exists for (test-only ports below; not registered).
#include <gtest/gtest.h>

#include <algorithm>

#include "fslevel/fs_execution.h"
#include "fslevel/fs_replay.h"
#include "fslevel/fs_text.h"
#include "fslevel/fs_walk.h"
#include "fslevel/fs_search_classes.h"
#include "fslevel/reachability.h"
#include "fslevel/xfs_io.h"
#include "harness/op_text.h"
#include "impl/fault/fault_path.h"
#include "properties/catalog.h"

using namespace daxcheck;
using namespace daxcheck::fslevel;

namespace {

model::Universe small() {
    model::Universe u;
    u.files = 2;
    u.pfns = 4;
    u.offsets = 4;
    return u;
}

// explore --level fs's default universe: 2 files, 3 pfns, 3 offsets, PMD order 1.
model::Universe explore_universe() {
    model::Universe u = small();
    u.pfns = u.offsets = 3;
    return u;
}

std::vector<Op> parse(const std::vector<std::string>& lines) {
    std::vector<Op> out;
    for (const auto& l : lines) out.push_back(std::get<Op>(fslevel::parse_op(l)));
    return out;
}

std::vector<std::string> calls_of(const Variant& v, const std::vector<Op>& ops) {
    FsExecution ex(v, small());
    const CallCheck none = [](const StepView&) { return std::optional<std::string>{}; };
    std::vector<std::string> out;
    for (const auto& op : ops)
        for (const auto& c : ex.step(op, none).calls) out.push_back(daxcheck::to_text(c.op));
    return out;
}

// v6.2's associate without the alignment of the fault address to the entry
// (`address & ~(size - 1)`): invisible at the function level, where the
// harness passes each entry's first page.
void associate_unaligned(void* entry, kshim::address_space* mapping, kshim::vm_area_struct* vma,
                         unsigned long address, bool shared) {
    using namespace kshim;
    unsigned long i = 0;
    for (unsigned long pfn = dax_to_pfn(entry); pfn < dax_end_pfn(entry); pfn++, i++) {
        struct page* page = pfn_to_page(pfn);
        if (shared) {
            if (page->mapping != reinterpret_cast<address_space*>(1)) {
                if (page->mapping) page->share = 1;
                page->mapping = reinterpret_cast<address_space*>(1);
            }
            page->share++;
        } else {
            WARN_ON_ONCE(page->mapping);
            page->mapping = mapping;
            page->index = linear_page_index(vma, address) + i;
        }
    }
}

Variant unaligned_variant() {
    Variant v = *find_variant("v6.2");
    v.name = "test-unaligned-fault-address";
    v.associate = associate_unaligned;
    return v;
}

// A fault path that never stores the new entry for a zero page's replacement.
void* insert_forgets_associate(kshim::xa_state* xas, kshim::vm_fault*, const kshim::iomap_iter*,
                               void* entry, unsigned long pfn, unsigned long flags) {
    void* new_entry = kshim::dax_make_entry(pfn, flags);
    kshim::xas_store(xas, kshim::xa_mk_value(kshim::xa_to_value(new_entry) | kshim::DAX_LOCKED));
    (void)entry;
    return new_entry;
}
const FaultPath kForgetful = {"test: stores without releasing or associating", "test only",
                              insert_forgets_associate};

// 6.2's fault path, but replacing a zero-page entry hits a BUG_ON: the fault
// path itself stops, and the model no longer describes the port past it.
void* insert_bugs_over_zero_page(kshim::xa_state* xas, kshim::vm_fault* vmf, const kshim::iomap_iter* iter,
                                 void* entry, unsigned long pfn, unsigned long flags) {
    BUG_ON(kshim::dax_is_zero_entry(entry));
    return kFaultPathV6_2.dax_insert_entry(xas, vmf, iter, entry, pfn, flags);
}
const FaultPath kBugOverZeroPage = {"test: BUG_ON when a block replaces a zero-page entry", "test only",
                                    insert_bugs_over_zero_page};

}  // namespace

TEST(FsModel, IllegalOperationsSayWhy) {
    FsState s = fslevel::initial_state(small());
    EXPECT_NE(illegal_reason(s, Write{5, 0, 1})->find("does not exist"), std::string::npos);
    EXPECT_NE(illegal_reason(s, Write{0, 3, 2})->find("past the universe"), std::string::npos);
    s = plan(s, Write{0, 0, 2}).after;
    EXPECT_NE(illegal_reason(s, Reflink{0, 0, 0, 1, 2})->find("onto itself"), std::string::npos);
    EXPECT_FALSE(illegal_reason(s, Reflink{0, 0, 0, 2, 2}));  // inside one file, apart
    EXPECT_FALSE(illegal_reason(s, Reflink{0, 0, 1, 0, 2}));
    EXPECT_NE(illegal_reason(s, ReadFault{0, 3, false})->find("SIGBUS"), std::string::npos);
    EXPECT_NE(illegal_reason(s, PinPage{0, 0})->find("not mapped"), std::string::npos);
}

TEST(FsModel, ReflinkSharesAndCopyOnWriteUnshares) {
    FsState s = fslevel::initial_state(small());
    s = plan(s, Write{0, 0, 1}).after;
    s = plan(s, Reflink{0, 0, 1, 0, 1}).after;
    EXPECT_EQ(s.files[1].map[0], s.files[0].map[0]);
    EXPECT_EQ(s.refs[s.files[0].map[0]], 2u);
    s = plan(s, WriteFault{1, 0, false}).after;
    EXPECT_NE(s.files[1].map[0], s.files[0].map[0]);
    EXPECT_EQ(s.refs[s.files[0].map[0]], 1u);
}

TEST(FsText, RoundTripsAndNamesErrors) {
    for (const char* line : {"write A 0 2", "reflink A 0 B 1 1", "read-fault B 3 pmd", "write-fault A 0",
                             "truncate A 2", "punch A 0 1", "unshare B 0 2", "invalidate A 1 1",
                             "pin A 0", "unpin A 0"})
        EXPECT_EQ(fslevel::to_text(std::get<Op>(fslevel::parse_op(line))), line);
    EXPECT_NE(std::get<ParseError>(fslevel::parse_op("reflink A 0 B")).message.find("destination offset"),
              std::string::npos);
    EXPECT_NE(std::get<ParseError>(fslevel::parse_op("mkdir A")).message.find("unknown"), std::string::npos);
}

// The calls each version's fault path derives for the 6.0 read-fault finding.
TEST(FsExecution, EachVersionChoosesItsSharedFlag) {
    const auto ops = parse({"write A 0", "reflink A 0 B 0 1", "read-fault A 0", "read-fault B 0"});
    EXPECT_EQ(calls_of(*find_variant("v6.2"), ops),
              (std::vector<std::string>{"grab A 0 order=0", "disassociate A 0",
                                        "associate A 0 pfn=0 order=0 shared=1", "grab B 0 order=0",
                                        "disassociate B 0", "associate B 0 pfn=0 order=0 shared=1"}));
    EXPECT_EQ(calls_of(*find_variant("v6.0"), ops).back(), "associate B 0 pfn=0 order=0 shared=0");
    const Property& warn = *find_property("no-spurious-warn");
    EXPECT_TRUE(fails(*find_variant("v6.0"), warn, small(), ops));
    EXPECT_FALSE(fails(*find_variant("v6.2"), warn, small(), ops));
}

TEST(FsExecution, ReadFaultOfAHoleAssociatesAZeroPageEntry) {
    EXPECT_EQ(calls_of(*find_variant("v6.2"), parse({"truncate A 1", "read-fault A 0"})),
              (std::vector<std::string>{"grab A 0 order=0", "disassociate A 0",
                                        "associate-zero A 0 order=0 shared=0"}));
    // 6.15 looks up the folio of the empty entry before its guard (SPEC 8).
    const auto r = replay(*find_variant("v6.15"), *find_property("refinement"), small(),
                          parse({"truncate A 1", "read-fault A 0"}));
    ASSERT_TRUE(r.trace.failed());
    EXPECT_NE(r.trace.failure().find("empty entry"), std::string::npos);
}

TEST(FsExecution, CatchesAFaultAddressNotAlignedToItsEntry) {
    const Variant bad = unaligned_variant();
    const Property& refinement = *find_property("refinement");
    const auto pmd_inside = parse({"write A 0 2", "read-fault A 1 pmd"});
    EXPECT_TRUE(fails(bad, refinement, small(), pmd_inside));
    EXPECT_FALSE(fails(*find_variant("v6.2"), refinement, small(), pmd_inside));
    // At the first page of the entry the bug is invisible.
    EXPECT_FALSE(fails(bad, refinement, small(), parse({"write A 0 2", "read-fault A 0 pmd"})));
}

TEST(FsExecution, CatchesAFaultPathThatNeverAssociates) {
    Variant v = *find_variant("v6.2");
    v.fault_path = &kForgetful;
    const auto r = replay(v, *find_property("refinement"), small(), parse({"write A 0", "read-fault A 0"}));
    ASSERT_TRUE(r.trace.failed());
    EXPECT_NE(r.trace.failure().find("page cache"), std::string::npos) << r.trace.failure();
}

TEST(Reachability, FindsTheStaleIndexOf615ThroughTheFilesystem) {
    model::Universe u = small();
    ReachOptions o;
    o.max_depth = 3;
    o.target_class = failure_class("drain", "at the end: after draining (disassociate A 1) pfn 0 is "
                                            "Shared(1), not Free (mapping=NULL index=1 ref=0)");
    const auto r = search(*find_variant("v6.15"), *find_property("drain"), u, o);
    ASSERT_TRUE(r.sequence.has_value());
    EXPECT_LE(r.sequence->size(), 2u);
    // v6.2 has no such failure: nothing is found, and the search says how far it went.
    const auto none = search(*find_variant("v6.2"), *find_property("drain"), u, o);
    EXPECT_FALSE(none.sequence.has_value());
    EXPECT_GE(none.depth_completed + (none.budget_hit ? 1 : 0), 1u);
}

// explore --level fs --classes: each later search goes on past the classes
// found before (6.15 fails nearly every first fault with its empty-entry
// class: a search that stopped there would see nothing else). Each later
// class's sequence fails with an earlier class when replayed alone and with
// its own only past those, as a `past:` corpus file replays it.
TEST(Reachability, LaterClassesAreFoundPastTheOnesBefore) {
    const Variant& v = *find_variant("v6.15");
    const Property& p = *find_property("refinement");
    const model::Universe u = explore_universe();
    ReachOptions o;
    o.max_depth = 4;
    o.max_states = 200000;
    const SearchClasses sc = search_classes(v, p, u, o, 5);
    ASSERT_EQ(sc.classes.size(), 5u);
    ASSERT_EQ(sc.more.size(), 4u);
    for (std::size_t i = 0; i < sc.more.size(); i++) {
        SCOPED_TRACE(sc.classes[i + 1]);
        for (std::size_t j = 0; j <= i; j++) EXPECT_NE(sc.classes[i + 1], sc.classes[j]);
        const std::vector<Op>& ops = *sc.more[i].sequence;
        const std::vector<std::string> before(sc.classes.begin(), sc.classes.begin() + static_cast<long>(i + 1));
        const FsReplayResult alone = replay(v, p, u, ops);
        ASSERT_TRUE(alone.trace.failed());
        EXPECT_TRUE(known_class(p.name, alone.trace.failure(), before)) << alone.trace.failure();
        const FsReplayResult past = replay(v, p, u, ops, before);
        ASSERT_TRUE(past.trace.failed());
        EXPECT_EQ(failure_class(p.name, past.trace.failure()), sc.classes[i + 1]);
        // Breadth-first: no later class is found by a shorter sequence than the one before it
        // could be (each search's hit is its shortest).
        EXPECT_GE(ops.size(), sc.first.sequence->size());
    }
    EXPECT_EQ(sc.first.sequence->size(), 2u);
}

// One search for several classes (fs_base_diff's cross searches of a cell
// share one) finds for each class what a search for it alone would: the
// same shortest sequence within that class's own depth, or none. It goes on
// past a hit; a class found only deeper than its own depth is not found.
std::string to_lines(const std::vector<Op>& ops) {
    std::string out;
    for (const Op& op : ops) out += to_text(op) + "; ";
    return out;
}

TEST(Reachability, OneSearchForSeveralClassesFindsWhatEachAloneWould) {
    const Property& p = *find_property("refinement");
    const model::Universe u = explore_universe();
    ReachOptions first;
    first.max_depth = 4;
    first.max_states = 200000;
    const SearchClasses sc = search_classes(*find_variant("v6.15"), p, u, first, 5);
    ASSERT_EQ(sc.classes.size(), 5u);
    std::vector<std::pair<std::string, unsigned>> targets;
    for (std::size_t i = 0; i < sc.classes.size(); i++)
        targets.emplace_back(sc.classes[i], static_cast<unsigned>(2 + i % 3));
    targets.emplace_back("refinement: no failure has this class", 5u);
    for (const char* name : {"v6.15", "v6.0"}) {
        SCOPED_TRACE(name);
        const Variant& v = *find_variant(name);
        ReachOptions several;
        several.max_states = 5000;
        several.max_depth = 5;
        several.hits_at_illegal_steps = false;
        several.target_classes = targets;
        const ReachResult all = search(v, p, u, several);
        EXPECT_FALSE(all.sequence.has_value());
        std::size_t found = 0;
        for (const auto& [cls, depth] : targets) {
            SCOPED_TRACE(cls);
            ReachOptions alone = several;
            alone.target_classes.clear();
            alone.target_class = cls;
            alone.max_depth = depth;
            const ReachResult one = search(v, p, u, alone);
            const auto it = all.found.find(cls);
            ASSERT_EQ(it != all.found.end(), one.sequence.has_value());
            if (one.sequence) {
                EXPECT_EQ(to_lines(it->second), to_lines(*one.sequence));
                EXPECT_LE(one.sequence->size(), depth);
                found++;
            }
        }
        EXPECT_EQ(all.found.size(), found);
        // On 6.15 the search went on past its first hit (its own classes).
        if (std::string(name) == "v6.15") EXPECT_GE(found, 2u);
    }
}

// A known failure that loses the model ends the path there, as a walk past it
// does: a fault path that hits a BUG_ON ("the fault path stopped") leaves a
// state nothing after which is evidence. Every class a search past known ones reports must
// replay with that class (search_classes throws EngineFault when a replay
// disagrees, which it would for a hit found past the BUG).
TEST(Reachability, NothingPastAKnownFailureThatLostTheModelIsAHit) {
    Variant v = *find_variant("v6.2");
    v.fault_path = &kBugOverZeroPage;
    ReachOptions o;
    o.max_depth = 4;
    o.max_states = 200000;
    SearchClasses sc;
    EXPECT_NO_THROW(sc = search_classes(v, *find_property("refinement"), explore_universe(), o, 8));
    bool bug_known = false;
    for (const std::string& c : sc.classes) bug_known = bug_known || c.find("the fault path stopped") != std::string::npos;
    EXPECT_TRUE(bug_known) << "no class lost the model";
    EXPECT_GE(sc.classes.size(), 2u);
}

// `ops` replayed past every class its earlier steps fail with, as explore
// --classes reaches a later class.
FsReplayResult replay_past_earlier_classes(const Variant& v, const Property& p, const model::Universe& u,
                                           const std::vector<Op>& ops) {
    std::vector<std::string> known;
    FsReplayResult r;
    for (r = replay(v, p, u, ops); r.trace.failed() && r.trace.failed_step() < ops.size() && known.size() < 20;
         r = replay(v, p, u, ops, known))
        known.push_back(failure_class(p.name, r.trace.failure()));
    return r;
}

const CallView* find_call(const FsTraceStep& step, const std::string& op) {
    for (const CallView& c : step.calls)
        if (c.op == op) return &c;
    return nullptr;
}

// A call's rows show the pfns its failure names and mark every pfn that
// leaves the model, reference counts too: 6.15 splits an order-3 folio with
// a pin on its last tail; the failure names the head (a reference where no
// pin is held), and the pinned tail (pfn 7) is off as well. Before, the rows
// showed pfns 0-3 in order, marked none, and left pfn 7 out.
TEST(FsReplay, TheRowsShowTheNamedPfnAndMarkReferenceCounts) {
    model::Universe u = small();
    u.files = 1;
    u.pfns = u.offsets = 8;
    u.pmd_order = 3;
    const Property& p = *find_property("refinement");
    const auto r = replay_past_earlier_classes(*find_variant("v6.15"), p, u,
                                               parse({"write A 0 8", "read-fault A 5 pmd", "pin A 7", "invalidate A 6 1"}));
    ASSERT_EQ(r.trace.failed_step(), 4u) << r.trace.failure();
    ASSERT_NE(r.trace.failure().find("): pfn 0: reference count 1"), std::string::npos) << r.trace.failure();
    const CallView* c = find_call(r.trace.steps.back(), "disassociate A 0");
    ASSERT_NE(c, nullptr) << format_trace(r.trace);
    const auto row = [&](model::Pfn pfn) {
        const auto it = std::find_if(c->pfns.begin(), c->pfns.end(), [&](const PfnView& v) { return v.pfn == pfn; });
        return it == c->pfns.end() ? std::optional<PfnView>() : std::optional<PfnView>(*it);
    };
    ASSERT_TRUE(row(0)) << format_trace(r.trace);
    EXPECT_TRUE(row(0)->mismatch) << format_trace(r.trace);
    ASSERT_TRUE(row(7)) << format_trace(r.trace);
    EXPECT_TRUE(row(7)->mismatch) << format_trace(r.trace);
    EXPECT_EQ(c->pfns.size(), 4u);
    EXPECT_EQ(c->more_pfns, 4u);
}

// A BUG_ON is shown under the call that hit it, as a warning is: 6.15 with
// CONFIG_DEBUG_VM unpins a former tail after the split.
TEST(FsReplay, ABugOnIsShownUnderItsCall) {
    const auto r = replay_past_earlier_classes(*find_variant("v6.15+debug_vm"), *find_property("no-spurious-warn"), small(),
                                               parse({"write A 0 3", "read-fault A 0 pmd", "pin A 1", "invalidate A 1 1", "unpin A 1"}));
    ASSERT_EQ(r.trace.failed_step(), 5u) << r.trace.failure();
    const CallView* c = find_call(r.trace.steps.back(), "unpin 1");
    ASSERT_NE(c, nullptr) << format_trace(r.trace);
    ASSERT_EQ(c->warnings.size(), 1u) << format_trace(r.trace);
    EXPECT_EQ(c->warnings[0].rfind("BUG_ON(folio_ref_count(folio) == 0) in folio_put_testzero:", 0), 0u) << c->warnings[0];
    EXPECT_NE(format_trace(r.trace).find("(the port stopped here)"), std::string::npos);
}

// A failure can name a pfn outside the failing call's entry (6.15: a PTE
// fault on a folio's tail leaves its head wrong): the trace shows that pfn,
// which it left out when it listed the entry's pfns alone.
TEST(FsReplay, TheTraceShowsThePfnAFailureNames) {
    const Variant& v = *find_variant("v6.15");
    const Property& p = *find_property("refinement");
    const auto ops = parse({"write A 0 2", "reflink A 0 B 0 2", "read-fault A 0 pmd", "read-fault B 0",
                            "reflink A 0 A 1 1", "read-fault B 1"});
    const FsReplayResult r = replay_past_earlier_classes(v, p, explore_universe(), ops);
    ASSERT_EQ(r.trace.failed_step(), ops.size()) << r.trace.failure();
    const std::string failure = r.trace.failure();
    const std::size_t at = failure.find("): pfn ");
    ASSERT_NE(at, std::string::npos) << failure;
    const model::Pfn named = std::stoul(failure.substr(at + 7));
    const FsTraceStep& last = r.trace.steps.back();
    // The call whose failure is the step's (an earlier one fails with a
    // class passed over).
    const auto failing = std::find_if(last.calls.begin(), last.calls.end(),
                                      [&](const CallView& c) { return c.failure == last.failure; });
    ASSERT_NE(failing, last.calls.end()) << format_trace(r.trace);
    EXPECT_EQ(failing->op, "associate B 1 pfn=1 order=0 shared=0");  // an entry of pfn 1 alone
    const std::string text = format_trace(r.trace);
    EXPECT_NE(text.find("disassociate B 1   <- fails with a class found before (passed over)\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("associate B 1 pfn=1 order=0 shared=0   <- fails\n"), std::string::npos) << text;
    EXPECT_TRUE(std::any_of(failing->pfns.begin(), failing->pfns.end(),
                            [&](const PfnView& pv) { return pv.pfn == named && pv.mismatch; }))
        << "the trace of " << failing->op << " does not show pfn " << named << ": " << failure;
}

// A call that reaches more pfns than a trace shows (an order-3 PMD entry:
// eight) says how many it left out.
TEST(FsReplay, TheTraceSaysHowManyPfnsItLeftOut) {
    model::Universe u = small();
    u.files = 1;
    u.pfns = u.offsets = 8;
    u.pmd_order = 3;
    const auto r = replay(*find_variant("v6.2"), *find_property("refinement"), u,
                          parse({"write A 0 8", "read-fault A 0 pmd"}));
    ASSERT_FALSE(r.trace.failed()) << r.trace.failure();
    const auto& calls = r.trace.steps.back().calls;
    const auto associate = std::find_if(calls.begin(), calls.end(), [](const CallView& c) {
        return c.op.rfind("associate A 0", 0) == 0;
    });
    ASSERT_NE(associate, calls.end());
    EXPECT_EQ(associate->pfns.size(), 4u);
    EXPECT_EQ(associate->more_pfns, 4u);
    EXPECT_NE(format_trace(r.trace).find("(and 4 more pfns it reached)"), std::string::npos) << format_trace(r.trace);
}

// A trace shows each call's pfns as that call left them: v6.2's PTE fault
// inside a shared PMD entry first releases the PMD entry (pfn 0 free), then
// associates pfn 0 shared. Read after the whole operation, the release
// showed pfn 0 shared already, as if disassociate had shared it.
TEST(FsReplay, EachCallShowsItsPfnsAsThatCallLeftThem) {
    const auto r = replay(*find_variant("v6.2"), *find_property("refinement"), small(),
                          parse({"write A 0 2", "read-fault A 1 pmd", "reflink A 0 B 0 1", "read-fault A 0"}));
    ASSERT_EQ(r.trace.steps.size(), 4u) << r.trace.failure();
    const auto& calls = r.trace.steps.back().calls;
    ASSERT_EQ(calls.size(), 2u) << format_trace(r.trace);
    const auto pfn0 = [](const CallView& c) {
        const auto it = std::find_if(c.pfns.begin(), c.pfns.end(), [](const PfnView& pv) { return pv.pfn == 0; });
        return it == c.pfns.end() ? PfnView{99, "(not shown)", "", "", false} : *it;
    };
    EXPECT_EQ(calls[0].op, "disassociate A 0");
    EXPECT_EQ(pfn0(calls[0]).model, "free") << format_trace(r.trace);
    EXPECT_EQ(pfn0(calls[0]).decode, "Free") << format_trace(r.trace);
    EXPECT_EQ(calls[1].op.rfind("associate A 0 pfn=0", 0), 0u) << calls[1].op;
    EXPECT_EQ(pfn0(calls[1]).decode.rfind("Shared", 0), 0u) << format_trace(r.trace);
}

// The end check's own calls follow the last operation, each with its pfns as
// it left them: v6.15's drain leaves the page a read fault mapped at offset 1
// reading Shared(1) after its release, and warns on releasing a pinned PMD.
TEST(FsReplay, AnEndFailureShowsTheCallsTheEndCheckRan) {
    const Variant& v = *find_variant("v6.15");
    const Property& drain = *find_property("drain");
    const auto r = replay(v, drain, small(), parse({"write A 0 2", "read-fault A 1"}));
    ASSERT_TRUE(r.trace.end_failure.has_value()) << r.trace.failure();
    ASSERT_EQ(r.trace.end_calls.size(), 1u) << format_trace(r.trace);
    const CallView& release = r.trace.end_calls[0];
    EXPECT_EQ(release.op, "disassociate A 1");
    ASSERT_EQ(release.pfns.size(), 1u) << format_trace(r.trace);
    EXPECT_EQ(release.pfns[0].pfn, 1u);
    EXPECT_EQ(release.pfns[0].decode, "Shared(1)");
    EXPECT_TRUE(release.pfns[0].mismatch);
    EXPECT_NE(format_trace(r.trace).find("the end check then runs:\n       disassociate A 1\n"), std::string::npos)
        << format_trace(r.trace);
    const auto pinned = replay(v, drain, small(), parse({"write A 0 2", "read-fault A 1 pmd", "pin A 0"}));
    ASSERT_EQ(pinned.trace.end_calls.size(), 1u) << format_trace(pinned.trace);
    EXPECT_EQ(pinned.trace.end_calls[0].warnings.size(), 1u) << format_trace(pinned.trace);
    // A sequence that drains clean keeps none.
    EXPECT_TRUE(replay(*find_variant("v6.2"), drain, small(), parse({"write A 0 2", "read-fault A 0"}))
                    .trace.end_calls.empty());
}

TEST(XfsIo, ScriptMountsWithDaxAndMarksEverySteps) {
    const auto s = xfs_io_script(parse({"write A 0", "reflink A 0 B 0 1", "read-fault B 0 pmd", "pin B 0"}),
                                 small(), "test", "test.dax");
    EXPECT_NE(s.text.find("mount -o dax=always"), std::string::npos);
    EXPECT_NE(s.text.find("mkfs.xfs -f -q -m reflink=1"), std::string::npos);
    EXPECT_NE(s.text.find("step 3 \"read-fault B 0 pmd\""), std::string::npos);
    EXPECT_NE(s.text.find("mmap -r 0 2097152"), std::string::npos);  // a PMD fault maps 2 MiB
    EXPECT_FALSE(s.complete);  // a pin has no xfs_io form
}

// --classes at the filesystem level: 6.15 fails nearly every first fault with
// its empty-entry class, so the later searches go on past it (a walk that
// stopped there would never see another class); each later class fails its
// counterexample only past the classes before it, which its trace marks.
TEST(FsWalks, LaterClassesAreFoundPastTheOnesBefore) {
    const Variant& v = *find_variant("v6.15");
    const Property& p = *find_property("refinement");
    model::Universe u;
    const CellClasses cc = run_walks_classes(v, p, true, u, 1, 10000, 0, 1, 3);
    ASSERT_EQ(cc.classes.size(), 3u);
    ASSERT_EQ(cc.more.size(), 2u);
    EXPECT_NE(cc.classes[0], cc.classes[1]);
    EXPECT_NE(cc.classes[1], cc.classes[2]);
    EXPECT_NE(cc.classes[0], cc.classes[2]);
    for (std::size_t i = 0; i < cc.more.size(); i++) {
        const std::vector<std::string> before(cc.classes.begin(), cc.classes.begin() + static_cast<long>(i + 1));
        const FsTrace past = replay(v, p, u, cc.more[i].counterexample, before).trace;
        EXPECT_EQ(failure_class(p.name, past.failure()), cc.classes[i + 1]);
        EXPECT_TRUE(std::any_of(past.steps.begin(), past.steps.end(),
                                [](const FsTraceStep& s) { return s.passed_over; }));
        EXPECT_NE(format_trace(past).find("passed over"), std::string::npos);
        // Without the classes before it, the same sequence fails with one of them.
        const std::string first = failure_class(p.name, replay(v, p, u, cc.more[i].counterexample).trace.failure());
        EXPECT_NE(std::find(before.begin(), before.end(), first), before.end()) << first;
    }
    EXPECT_GE(cc.walks_to_reproduce(), *cc.more.back().failing_walk + 1);
    // One class: the walks of the first search only.
    const CellClasses one = run_walks_classes(v, p, true, u, 1, 10000, 0, 1, 1);
    EXPECT_TRUE(one.more.empty());
    EXPECT_EQ(one.walks, *one.first.failing_walk + 1);
}

// pass_over: a step that fails first with a known class goes on checking
// its other derived calls, and reports the first failure of another class
// (a walk past a known class would otherwise miss a failure in that step).
TEST(FsExecution, AStepGoesOnCheckingPastAKnownFailure) {
    const CallCheck check = [](const StepView& view) -> std::optional<std::string> {
        return std::holds_alternative<model::Associate>(view.op) ? "class two" : "class one";
    };
    const std::vector<Op> ops = parse({"write A 0 1", "read-fault A 0"});
    FsExecution plain(*find_variant("v6.2"), small());
    plain.step(ops[0], check);
    const FsStepOutcome first = plain.step(ops[1], check);
    ASSERT_TRUE(first.failure);
    EXPECT_EQ(*first.failure, "class one");
    EXPECT_FALSE(first.passed_over);

    FsExecution past(*find_variant("v6.2"), small());
    past.pass_over([](const std::string& f) { return f == "class one"; });
    past.step(ops[0], check);
    const FsStepOutcome second = past.step(ops[1], check);
    ASSERT_TRUE(second.failure);
    EXPECT_EQ(*second.failure, "class two");
    ASSERT_TRUE(second.passed_over);
    EXPECT_EQ(*second.passed_over, "class one");
    EXPECT_FALSE(second.lost_past_known);
}
