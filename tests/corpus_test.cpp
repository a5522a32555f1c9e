// Corpus files: every malformed class in tests/corpus_bad/ gives its
// FILE:LINE error and never crashes; replay catches a flipped expectation and
// keeps going past bad files; --save-failures writes once, atomically.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <tuple>

#include "cli/race_command.h"
#include "cli/replay_command.h"
#include "engines/corpus_file.h"
#include "harness/op_text.h"

using namespace daxcheck;
namespace fs = std::filesystem;

namespace {

const std::string kSource = DAXCHECK_SOURCE_DIR;
const std::string kBad = kSource + "/tests/corpus_bad/";
const std::string kSeed = kSource + "/corpus/";

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
}

struct ScratchDir {
    fs::path path;
    ScratchDir() {
        path = fs::temp_directory_path() /
               ("daxcheck_corpus_test_" + std::to_string(std::random_device{}()));
        fs::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// Runs replay_command and returns (exit code, stdout).
std::pair<int, std::string> replay_output(const std::vector<std::string>& paths) {
    testing::internal::CaptureStdout();
    const int rc = replay_command(paths);
    return {rc, testing::internal::GetCapturedStdout()};
}

struct BadCase {
    const char* file;
    int line;
    const char* message;  // a substring of the first error
};

const BadCase kBadCases[] = {
    {"unknown-operation.dax", 7, "unknown operation 'frobnicate'"},
    {"bad-number.dax", 6, "pfn must be a decimal number, not 'zero'"},
    {"number-too-large.dax", 6, "pfn 99999999999999999999999 is too large"},
    {"out-of-range-pfn.dax", 6, "pfn 7 is out of range (universe pfns=4)"},
    {"universe-out-of-range.dax", 1, "pfns 4000000 is out of range (1..1048576)"},
    {"missing-header.dax", 1, "missing header 'property:'"},
    {"duplicate-header.dax", 3, "duplicate 'property:' header (first on line 2)"},
    {"contradictory-expect.dax", 6, "contradictory: v10 expected pass here but fail on line 4"},
    {"unknown-variant.dax", 4, "unknown variant 'v99' (known: "},
    {"unknown-property.dax", 2, "unknown property 'linearizability' (known: refinement"},
    {"unknown-header.dax", 5, "unknown header 'variant:'"},
    {"header-after-operations.dax", 7, "header 'expect:' after the first operation (line 6)"},
    {"shared-in-exclusive-profile.dax", 7, "shared=1 in a file whose profile is exclusive"},
    {"illegal-in-model.dax", 7,
     "operation is illegal in the model: shared=0 but pfn 0 already has an owner"},
    {"empty.dax", 1, "empty file"},
    {"only-comments.dax", 1, "empty file"},
    {"no-operations.dax", 4, "no operations"},
    {"binary-nul.dax", 6, "NUL byte at column 21"},
    {"invalid-utf8.dax", 6, "invalid UTF-8 byte 0xe9"},
    {"long-line.dax", 6, "longer than the cap of 4096"},
    {"too-many-operations.dax", 10006, "more than 10000 operations"},
    // The filesystem level (SPEC 8).
    {"fs-no-such-file.dax", 8, "not a legal filesystem operation: file C does not exist"},
    {"fs-length-past-universe.dax", 7, "the range 3+4 is past the universe's offsets 0..3"},
    {"fs-reflink-onto-itself.dax", 8, "a reflink of A onto itself"},
    {"fs-unknown-operation.dax", 7, "unknown filesystem operation 'mkdir'"},
    {"fs-unknown-level.dax", 2, "unknown level 'block' (known: function, fs)"},
    {"fs-fault-past-end-of-file.dax", 7, "past the end of A (0 pages): the fault gets SIGBUS"},
    {"byte-order-mark.dax", 1, "starts with a UTF-8 byte-order mark (bytes EF BB BF)"},
    // kernel: lines (what a running kernel did): one per kernel, fs files only.
    {"fs-kernel-twice.dax", 8, "kernel 6.1 observed twice (also on line 7)"},
    {"kernel-on-function-level.dax", 6, "'kernel:' goes with 'level: fs'"},
    // A race: operation outside the universe, at its own line (it was a
    // per-variant "not both legal", or blamed on the schedule: line).
    {"race-pfn-out-of-range.dax", 14, "'associate A 0 pfn=5 order=0 shared=1': pfn 5 is out of range"},
    // A race line is held to the profile as the operations are (it replayed).
    {"race-shared-in-exclusive-profile.dax", 14, "shared=1 in a file whose profile is exclusive"},
    {"race-fs-offset-outside.dax", 15, "'read-fault A 9': the range 9+1 is past the universe's offsets 0..1"},
    {"race-fs-file-outside.dax", 15, "'read-fault C 0': file C does not exist (the universe has 2 files)"},
};

}  // namespace

TEST(CorpusFile, EveryMalformedClassGivesFileLineError) {
    for (const auto& c : kBadCases) {
        SCOPED_TRACE(c.file);
        const std::string path = kBad + c.file;
        ASSERT_TRUE(fs::exists(path));
        const CorpusParse parsed = load_corpus(path);
        EXPECT_FALSE(parsed.file.has_value());
        ASSERT_FALSE(parsed.errors.empty());
        const std::string want = path + ":" + std::to_string(c.line) + ": ";
        EXPECT_EQ(parsed.errors.front().text().rfind(want, 0), 0u) << parsed.errors.front().text();
        EXPECT_NE(parsed.errors.front().message.find(c.message), std::string::npos)
            << parsed.errors.front().text();
    }
}

TEST(CorpusFile, EveryBadFileIsInTheTable) {
    for (const auto& entry : fs::directory_iterator(kBad)) {
        if (entry.path().extension() != ".dax") continue;
        bool listed = false;
        for (const auto& c : kBadCases) listed = listed || entry.path().filename() == c.file;
        EXPECT_TRUE(listed) << entry.path() << " has no row in kBadCases";
    }
}

// One mistake, one error: a bad line is not also "empty file", nor the
// missing headers four times over.
TEST(CorpusFile, OneBadLineGivesOneErrorEach) {
    const CorpusParse parsed = parse_corpus("garbage.dax", "garbage\n");
    ASSERT_EQ(parsed.errors.size(), 2u);
    EXPECT_EQ(parsed.errors[0].text().rfind("garbage.dax:1: unknown operation 'garbage'", 0), 0u)
        << parsed.errors[0].text();
    EXPECT_NE(parsed.errors[1].message.find("no header"), std::string::npos) << parsed.errors[1].text();
    for (const auto& e : parsed.errors) EXPECT_EQ(e.message.find("empty file"), std::string::npos) << e.text();
}

// An illegal stray release names its own operation, and under a misuse
// property says why it is not a misuse the property checks.
TEST(CorpusFile, AStrayReleaseIsNamedAsWritten) {
    const std::string head = "universe: files=2 pfns=2 offsets=2\nshows: x\nexpect: v6.2 fail\n";
    const CorpusParse refinement =
        parse_corpus("t.dax", "property: refinement\n" + head + "truncate-stray A pfn=0 order=0\n");
    ASSERT_EQ(refinement.errors.size(), 1u);
    EXPECT_NE(refinement.errors[0].message.find("illegal in the model: truncate-stray is a misuse"),
              std::string::npos)
        << refinement.errors[0].text();
    const CorpusParse misuse =
        parse_corpus("t.dax", "property: misuse-detected\n" + head + "truncate-stray A pfn=0 order=0\n");
    ASSERT_EQ(misuse.errors.size(), 1u);
    EXPECT_EQ(misuse.errors[0].text(),
              "t.dax:5: not a misuse property misuse-detected checks: no page of the entry is owned by "
              "another file alone: truncate-stray of it is a misuse no defensive check can see");
    const CorpusParse held = parse_corpus(
        "t.dax", "property: misuse-detected\n" + head +
                     "associate A 0 pfn=0 order=0 shared=0\ndisassociate-stray A pfn=0 order=0\n");
    ASSERT_EQ(held.errors.size(), 1u);
    EXPECT_NE(held.errors[0].message.find("file A's xarray holds that entry"), std::string::npos)
        << held.errors[0].text();
    // A checkable misuse still parses.
    EXPECT_TRUE(parse_corpus("t.dax", "property: misuse-detected\n" + head +
                                          "associate A 0 pfn=0 order=0 shared=0\ntruncate-stray B pfn=0 order=0\n")
                    .file);
}

TEST(CorpusFile, HugeFileIsRejectedAtTheCap) {
    std::string content = "# padding\n";
    while (content.size() <= kCorpusMaxFileBytes) content += "# " + std::string(70, 'x') + "\n";
    const CorpusParse parsed = parse_corpus("huge.dax", content);
    ASSERT_EQ(parsed.errors.size(), 1u);
    EXPECT_NE(parsed.errors[0].text().find("larger than 1048576 bytes"), std::string::npos);
    EXPECT_EQ(parsed.errors[0].text().rfind("huge.dax:", 0), 0u);
}

// The line cap is the same for a CRLF file: its CR ends the line (a line of
// exactly the cap was "4097 bytes" with CRLF, accepted with LF).
TEST(CorpusFile, TheLineCapIsTheSameWithCrlf) {
    const std::string longest = "# " + std::string(kCorpusMaxLineBytes - 2, 'x');
    for (const char* eol : {"\n", "\r\n"}) {
        SCOPED_TRACE(eol[0] == '\r' ? "CRLF" : "LF");
        std::string content = longest + eol;
        for (const char* l : {"universe: files=2 pfns=2 offsets=2 pmd-order=1 max-pins=1", "property: refinement",
                              "profile: reflink", "shows: x", "expect: v10 fail", "associate A 0 pfn=0 order=0 shared=1"})
            content += std::string(l) + eol;
        const CorpusParse parsed = parse_corpus("cap.dax", content);
        EXPECT_TRUE(parsed.file) << (parsed.errors.empty() ? "" : parsed.errors.front().text());
    }
}

TEST(CorpusFile, SeedFilesParseAndRoundTrip) {
    int seen = 0;
    for (const auto& entry : fs::directory_iterator(kSeed)) {
        if (entry.path().extension() != ".dax") continue;
        seen++;
        const CorpusParse parsed = load_corpus(entry.path().string());
        ASSERT_TRUE(parsed.file) << parsed.errors.front().text();
        // The canonical text parses back to the same header and operations.
        const CorpusParse again = parse_corpus("again.dax", corpus_text(*parsed.file));
        ASSERT_TRUE(again.file) << again.errors.front().text();
        EXPECT_EQ(again.file->universe, parsed.file->universe);
        EXPECT_EQ(again.file->operations(), parsed.file->operations());
        EXPECT_EQ(again.file->expect.size(), parsed.file->expect.size());
    }
    EXPECT_GE(seen, 7);
}

// Issue 17: a file --save-failures writes reads back for every universe the
// command line accepts (the corpus's limits are model::universe_problem's).
TEST(CorpusFile, EveryUniverseTheCommandLineAcceptsRoundTrips) {
    using namespace model;
    for (const auto& [pfns, offsets, order] :
         {std::tuple{kMaxPfns, kMaxPfns, 1u}, std::tuple{kMaxPfns, std::uint64_t{1}, kMaxPmdOrder},
          std::tuple{std::uint64_t{70000}, std::uint64_t{4}, 1u}}) {
        Universe u = Universe::with_pmd_order(order);
        u.files = kMaxFiles;
        u.pfns = pfns;
        u.offsets = offsets;
        u.max_pins = 1000;
        ASSERT_EQ(universe_problem(u), "");
        CorpusFile f;
        f.universe = u;
        f.property = "refinement";
        f.shows = "the widest universes";
        f.expect.push_back({"v10-only-postdec", false, 0});
        f.ops.push_back({std::get<Op>(parse_op("associate Z 0 pfn=0 order=0 shared=1")), 0});
        const CorpusParse parsed = parse_corpus("wide.dax", corpus_text(f));
        ASSERT_TRUE(parsed.file) << parsed.errors.front().text();
        EXPECT_EQ(parsed.file->universe, u);
    }
}

TEST(CorpusFile, CommentsCrlfAndTrailingCommentsAreAccepted) {
    const std::string text =
        "# a comment\r\nuniverse: pmd-order=2   # defaults for the rest\r\nproperty: refinement\r\n"
        "shows: a PMD entry of order 2 # the hash stays in shows\r\nexpect: v10-fixed pass\r\n\r\n"
        "associate A 4 pfn=0 order=2 shared=0   # four pfns\r\n";
    const CorpusParse parsed = parse_corpus("ok.dax", text);
    ASSERT_TRUE(parsed.file) << parsed.errors.front().text();
    EXPECT_EQ(parsed.file->universe.pmd_order, 2u);
    EXPECT_EQ(parsed.file->universe.pfns, 8u);
    EXPECT_EQ(parsed.file->shows, "a PMD entry of order 2 # the hash stays in shows");
    ASSERT_EQ(parsed.file->ops.size(), 1u);
    EXPECT_EQ(parsed.file->ops[0].line, 7);
}

TEST(CorpusFile, RandomBytesNeverCrash) {
    std::mt19937 rng(7);
    const std::string seed = read(kSeed + "three-owners-one-pfn.dax");
    for (int i = 0; i < 3000; i++) {
        std::string s = seed;
        const int edits = 1 + static_cast<int>(rng() % 8);
        for (int e = 0; e < edits && !s.empty(); e++) {
            const std::size_t at = rng() % s.size();
            switch (rng() % 3) {
                case 0: s[at] = static_cast<char>(rng() % 256); break;
                case 1: s.erase(at, 1 + rng() % 5); break;
                default: s.insert(at, 1, "0123456789 =:#\nABZ"[rng() % 18]);
            }
        }
        const CorpusParse parsed = parse_corpus("fuzz.dax", s);
        EXPECT_NE(parsed.file.has_value(), !parsed.errors.empty());
    }
}

TEST(CorpusReplay, SeedCorpusPasses) {
    // The race: files replay in the concurrency build, as in the daxcheck binary.
    set_race_replayer(race_cli::replay_corpus_file, race_cli::has_variant);
    const auto [rc, out] = replay_output({kSeed});
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find(" passed, 0 failed, "), std::string::npos) << out;
}

TEST(CorpusReplay, FlippedExpectationFails) {
    ScratchDir dir;
    std::string text = read(kSeed + "postdec-last-sharer-release.dax");
    const std::string from = "expect: v10-only-postdec fail";
    ASSERT_NE(text.find(from), std::string::npos);
    text.replace(text.find(from), from.size(), "expect: v10-only-postdec pass");
    const fs::path flipped = dir.path / "flipped.dax";
    write(flipped, text);
    const auto [rc, out] = replay_output({flipped.string()});
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("FAIL  " + flipped.string() + "  v10-only-postdec"), std::string::npos) << out;
    EXPECT_NE(out.find("decode must be Free"), std::string::npos) << out;
    EXPECT_NE(out.find(" passed, 1 failed, "), std::string::npos) << out;
}

TEST(CorpusReplay, BadFilesAreReportedAndOthersStillRun) {
    ScratchDir dir;
    fs::copy_file(kSeed + "byvalue-lone-shared-associate.dax", dir.path / "a-good.dax");
    fs::copy_file(kBad + "unknown-variant.dax", dir.path / "b-bad.dax");
    fs::copy_file(kSeed + "three-owners-one-pfn.dax", dir.path / "c-good.dax");
    const auto [rc, out] = replay_output({dir.path.string(), (dir.path / "missing.dax").string()});
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find((dir.path / "b-bad.dax").string() + ":4: unknown variant 'v99'"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find((dir.path / "missing.dax").string() + ": no such file or directory"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("ok    " + (dir.path / "a-good.dax").string()), std::string::npos) << out;
    EXPECT_NE(out.find("ok    " + (dir.path / "c-good.dax").string()), std::string::npos) << out;
    EXPECT_NE(out.find(" passed, 2 failed, "), std::string::npos) << out;
}

TEST(CorpusReplay, AVariantOfAPortThisBinaryLacksIsSkippedAndSaidSo) {
    ScratchDir dir;
    std::string text = read(kSeed + "postdec-last-sharer-release.dax");
    const std::string from = "expect: v10-only-postdec fail";
    text.replace(text.find(from), from.size(),
                 "port: ../ports/my patch.cpp\nexpect: my-patch fail\nexpect: v10-only-postdec fail");
    write(dir.path / "port.dax", text);
    const auto [rc, out] = replay_output({(dir.path / "port.dax").string()});
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("skip  " + (dir.path / "port.dax").string() + "  my-patch"), std::string::npos) << out;
    EXPECT_NE(out.find("not in this binary (an out-of-tree port): ./daxcheck --port '../ports/my patch.cpp' replay"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(" passed, 0 failed, 1 skipped"), std::string::npos) << out;
    // Without a port: header the same name is an unknown variant.
    text.replace(text.find("port: ../ports/my patch.cpp\n"), std::string("port: ../ports/my patch.cpp\n").size(), "");
    const CorpusParse parsed = parse_corpus("noport.dax", text);
    ASSERT_FALSE(parsed.errors.empty());
    EXPECT_NE(parsed.errors[0].message.find("unknown variant 'my-patch'"), std::string::npos);
    EXPECT_NE(parsed.errors[0].message.find("'port: FILE' header"), std::string::npos);
}

TEST(CorpusSave, WritesEachNewCounterexampleOnce) {
    ScratchDir dir;
    RunOptions opts;
    opts.variants = {find_variant("v10-only-postdec"), find_variant("v10-fixed")};
    opts.properties = {find_property("refinement")};
    opts.profiles = {Profile::Reflink};
    opts.cell.seed = 1;
    opts.cell.tests = 100;
    const auto rows = run_cells(opts);
    testing::internal::CaptureStdout();
    ASSERT_TRUE(save_failures(opts, rows, dir.path.string(), "run"));
    const std::string first = testing::internal::GetCapturedStdout();
    std::vector<fs::path> saved;
    for (const auto& e : fs::directory_iterator(dir.path)) saved.push_back(e.path());
    // One file per failure class of v10-only-postdec (v10-fixed passed:
    // nothing to save for it), each holding that class's counterexample.
    std::vector<const RunRow*> classes = {&rows[0]};
    for (const auto& more : rows[0].more_classes) classes.push_back(&more);
    ASSERT_EQ(saved.size(), classes.size()) << first;
    for (const RunRow* row : classes) {
        const fs::path path = dir.path / corpus_file_name(*row);
        EXPECT_EQ(path.filename().string().rfind("v10-only-postdec--refinement--reflink--", 0), 0u) << path;
        const CorpusParse parsed = load_corpus(path.string());
        ASSERT_TRUE(parsed.file) << path << ": " << (parsed.errors.empty() ? "" : parsed.errors.front().text());
        ASSERT_EQ(parsed.file->expect.size(), 1u);
        EXPECT_FALSE(parsed.file->expect[0].pass);
        EXPECT_EQ(parsed.file->operations(), row->result.counterexample);
        EXPECT_EQ(replay_output({path.string()}).first, 0);
    }

    // The same sequences again: not saved twice, the files are left as they were.
    const std::string before = read(saved[0].string());
    testing::internal::CaptureStdout();
    ASSERT_TRUE(save_failures(opts, rows, dir.path.string(), "run"));
    testing::internal::GetCapturedStdout();
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}),
              static_cast<std::ptrdiff_t>(classes.size()));
    EXPECT_EQ(read(saved[0].string()), before);
}

// A default run also walks other PMD orders: a class found there is saved in
// the universe it fails in (row.universe), not the run's, or it would not
// replay.
TEST(CorpusSave, KeepsTheUniverseTheFailureWasFoundIn) {
    ScratchDir dir;
    RunOptions found;
    found.variants = {find_variant("v10-only-postdec")};
    found.properties = {find_property("refinement")};
    found.profiles = {Profile::Reflink};
    found.cell.seed = 1;
    found.cell.tests = 100;
    found.classes = 1;
    found.cell.universe = model::Universe::with_pmd_order(2);
    auto rows = run_cells(found);
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_EQ(rows[0].result.verdict, CellResult::Verdict::Fail);
    rows[0].universe = found.cell.universe;
    RunOptions run = found;
    run.cell.universe = model::Universe{};
    ASSERT_NE(run.cell.universe, found.cell.universe);
    testing::internal::CaptureStdout();
    ASSERT_TRUE(save_failures(run, rows, dir.path.string(), "run"));
    const std::string out = testing::internal::GetCapturedStdout();
    std::vector<fs::path> saved;
    for (const auto& e : fs::directory_iterator(dir.path)) saved.push_back(e.path());
    ASSERT_EQ(saved.size(), 1u) << out;
    const CorpusParse parsed = load_corpus(saved[0].string());
    ASSERT_TRUE(parsed.file) << parsed.errors.front().text();
    EXPECT_EQ(parsed.file->universe, found.cell.universe);
    EXPECT_EQ(replay_output({saved[0].string()}).first, 0);
}

TEST(CorpusSave, HashDependsOnlyOnTheOperations) {
    using namespace model;
    const std::vector<Op> a = {Associate{0, 0, 0, 0, true}, Disassociate{0, 0}};
    const std::vector<Op> b = {Associate{0, 0, 0, 0, true}, Truncate{0, 0}};
    EXPECT_EQ(operations_hash(a), operations_hash(a));
    EXPECT_NE(operations_hash(a), operations_hash(b));
    EXPECT_EQ(operations_hash(a).size(), 8u);
}
