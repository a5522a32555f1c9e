// `daxcheck report`: the page is well-formed HTML (checked with a small
// tokenizer, no HTML library needed), has a matrix row per variant and a
// section per failure, every internal link resolves, every string is
// escaped; summary.md and results.json sit next to it; reports/latest moves.
// Also the generation statistics the runner counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/replay_command.h"
#include "cli/report_command.h"
#include "cli/report_html.h"

using namespace daxcheck;
namespace fs = std::filesystem;

namespace {

struct Element {
    std::string name;
    std::map<std::string, std::string> attrs;
};

// A small HTML tokenizer: elements with their attributes (entities decoded),
// and the problems of the document: unbalanced tags, a raw '<' or a bare '&'
// in text, an unknown entity, a duplicate id.
struct Page {
    std::vector<Element> elements;
    std::vector<std::string> problems;
    std::set<std::string> ids;
    std::string text;  // all text content, decoded
};

std::string decode_entities(const std::string& s, std::vector<std::string>& problems) {
    static const std::map<std::string, std::string> known = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"#39", "'"}};
    std::string out;
    for (std::size_t i = 0; i < s.size(); i++) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const std::size_t semi = s.find(';', i);
        const std::string name = semi == std::string::npos ? "" : s.substr(i + 1, semi - i - 1);
        auto it = known.find(name);
        if (it == known.end()) {
            problems.push_back("bare & or unknown entity near: " + s.substr(i, 20));
            out += '&';
            continue;
        }
        out += it->second;
        i = semi;
    }
    return out;
}

Page parse_html(const std::string& html) {
    static const std::set<std::string> void_elements = {"meta", "br", "hr", "img", "input", "link"};
    Page page;
    std::vector<std::string> open;
    std::size_t i = 0;
    while (i < html.size()) {
        if (html[i] != '<') {
            const std::size_t next = html.find('<', i);
            const std::string raw = html.substr(i, next == std::string::npos ? std::string::npos : next - i);
            if (raw.find('>') != std::string::npos) page.problems.push_back("raw > in text: " + raw.substr(0, 40));
            page.text += decode_entities(raw, page.problems);
            i = next == std::string::npos ? html.size() : next;
            continue;
        }
        if (html.compare(i, 4, "<!--") == 0) {
            i = html.find("-->", i);
            i = i == std::string::npos ? html.size() : i + 3;
            continue;
        }
        if (html.compare(i, 2, "<!") == 0) {  // <!DOCTYPE html>
            i = html.find('>', i) + 1;
            continue;
        }
        const bool closing = html.compare(i, 2, "</") == 0;
        std::size_t j = i + (closing ? 2 : 1);
        std::string name;
        while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '-'))
            name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[j++])));
        if (name.empty()) {
            page.problems.push_back("raw < in text at offset " + std::to_string(i));
            i++;
            continue;
        }
        Element e{name, {}};
        // Attributes: name, name=value, name="value", name='value'.
        while (j < html.size() && html[j] != '>') {
            if (std::isspace(static_cast<unsigned char>(html[j])) || html[j] == '/') {
                j++;
                continue;
            }
            std::string attr;
            while (j < html.size() && !std::isspace(static_cast<unsigned char>(html[j])) &&
                   html[j] != '=' && html[j] != '>')
                attr += html[j++];
            std::string value;
            if (j < html.size() && html[j] == '=') {
                j++;
                if (html[j] == '"' || html[j] == '\'') {
                    const char q = html[j];
                    const std::size_t end = html.find(q, j + 1);
                    value = html.substr(j + 1, end - j - 1);
                    if (value.find('<') != std::string::npos)
                        page.problems.push_back("raw < in attribute " + attr);
                    j = end + 1;
                } else {
                    while (j < html.size() && !std::isspace(static_cast<unsigned char>(html[j])) &&
                           html[j] != '>')
                        value += html[j++];
                }
            }
            e.attrs[attr] = decode_entities(value, page.problems);
        }
        i = j + 1;
        if (closing) {
            if (open.empty() || open.back() != name)
                page.problems.push_back("</" + name + "> closes <" +
                                        (open.empty() ? std::string("nothing") : open.back()) + ">");
            else
                open.pop_back();
            continue;
        }
        if (auto id = e.attrs.find("id"); id != e.attrs.end())
            if (!page.ids.insert(id->second).second) page.problems.push_back("duplicate id " + id->second);
        if (!void_elements.count(name)) open.push_back(name);
        if (name == "style") {  // raw text up to </style>
            const std::size_t end = html.find("</style>", i);
            i = end;
        }
        page.elements.push_back(std::move(e));
    }
    for (const auto& name : open) page.problems.push_back("<" + name + "> never closed");
    return page;
}

bool has_class(const Element& e, const std::string& cls) {
    auto it = e.attrs.find("class");
    if (it == e.attrs.end()) return false;
    std::istringstream words(it->second);
    std::string w;
    while (words >> w)
        if (w == cls) return true;
    return false;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

RunOptions two_variants(const Variant* a, const Variant* b, int tests) {
    RunOptions opts;
    opts.variants = {a, b};
    for (const auto& p : all_properties()) opts.properties.push_back(&p);
    opts.profiles = all_profiles();
    opts.cell.tests = tests;
    opts.cell.seed = 1;
    return opts;
}

struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/daxcheck-report-test-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// The checks every generated page must pass.
void check_page(const Page& page, const RunOptions& opts, const std::vector<RunRow>& rows) {
    for (const auto& p : page.problems) ADD_FAILURE() << p;
    // One matrix row per variant.
    for (const Variant* v : opts.variants) {
        const bool row = std::any_of(page.elements.begin(), page.elements.end(), [&](const Element& e) {
            return e.name == "tr" && has_class(e, "variant-row") && e.attrs.count("data-variant") &&
                   e.attrs.at("data-variant") == v->name;
        });
        EXPECT_TRUE(row) << "no matrix row for " << v->name;
    }
    // One failure section per row that did not pass as expected, with the anchor the matrix links to.
    const auto anchors = failure_anchors(rows);
    std::size_t sections = 0;
    for (const auto& e : page.elements) sections += e.name == "section" && has_class(e, "failure");
    std::size_t wanted = 0;
    for (std::size_t i = 0; i < rows.size(); i++) {
        const bool needs = !(rows[i].result.verdict == CellResult::Verdict::Pass && rows[i].as_expected());
        EXPECT_EQ(!anchors[i].empty(), needs);
        if (!needs) continue;
        wanted++;
        EXPECT_TRUE(page.ids.count(anchors[i])) << "no section " << anchors[i];
        const bool linked = std::any_of(page.elements.begin(), page.elements.end(), [&](const Element& e) {
            return e.name == "a" && e.attrs.count("href") && e.attrs.at("href") == "#" + anchors[i];
        });
        EXPECT_TRUE(linked) << "the matrix does not link to " << anchors[i];
    }
    EXPECT_EQ(sections, wanted);
    // Every internal link resolves; no link leaves the page.
    std::size_t internal = 0;
    for (const auto& e : page.elements) {
        for (const char* attr : {"href", "src"}) {
            auto it = e.attrs.find(attr);
            if (it == e.attrs.end()) continue;
            ASSERT_FALSE(it->second.empty());
            EXPECT_EQ(it->second[0], '#') << "external reference " << it->second;
            if (it->second[0] != '#') continue;
            internal++;
            EXPECT_TRUE(page.ids.count(it->second.substr(1))) << "dangling link " << it->second;
        }
    }
    EXPECT_GT(internal, 0u);
}

}  // namespace

TEST(Report, TwoVariantPageHasEveryRowSectionAndLink) {
    const RunOptions opts = two_variants(find_variant("v10"), find_variant("v10-fixed"), 40);
    const auto rows = run_cells(opts);
    TempDir tmp;
    const auto written = write_report(opts, rows, tmp.path.string());
    ASSERT_EQ(written.error, "");
    // reports/latest is a relative symlink to the new directory.
    const fs::path latest = tmp.path / "latest";
    ASSERT_TRUE(fs::is_symlink(latest));
    EXPECT_EQ(fs::read_symlink(latest), fs::path(written.dir).filename());

    const std::string html = read_file(latest / "index.html");
    const Page page = parse_html(html);
    check_page(page, opts, rows);
    // v10 fails: its sections carry the step table, the reproduce line and the corpus name.
    std::size_t failures = 0;
    for (const auto& r : rows) {
        if (r.result.verdict != CellResult::Verdict::Fail) continue;
        failures++;
        EXPECT_NE(page.text.find(r.reproduce), std::string::npos);
        EXPECT_NE(page.text.find("corpus/" + corpus_file_name(r)), std::string::npos);
        for (const auto& s : r.trace.steps) EXPECT_NE(page.text.find(s.op), std::string::npos);
    }
    EXPECT_GT(failures, 0u);
    EXPECT_NE(html.find("class=\"diverge\""), std::string::npos) << "no divergence highlighted";
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);

    // summary.md: the same verdicts and counterexamples.
    const std::string md = read_file(latest / "summary.md");
    for (const auto& r : rows)
        if (r.result.verdict == CellResult::Verdict::Fail) {
            EXPECT_NE(md.find("### " + r.variant->name + " / " + r.property->name + " / " +
                              to_string(r.profile)),
                      std::string::npos);
            EXPECT_NE(md.find(r.reproduce), std::string::npos);
        }
    EXPECT_NE(md.find("| `v10-fixed` |"), std::string::npos);
    EXPECT_NE(md.find("## Generation statistics"), std::string::npos);

    // results.json is the `run --json` document.
    std::string error;
    const fs::path direct = tmp.path / "direct.json";
    ASSERT_TRUE(write_run_json(opts, rows, direct.string(), error)) << error;
    EXPECT_EQ(read_file(latest / "results.json"), read_file(direct));
    EXPECT_EQ(nlohmann::json::parse(read_file(direct))["results"].size(), rows.size());

    // A second report in the same second gets its own directory; latest follows it.
    const auto again = write_report(opts, rows, tmp.path.string());
    ASSERT_EQ(again.error, "");
    EXPECT_NE(again.dir, written.dir);
    EXPECT_TRUE(fs::exists(fs::path(written.dir) / "index.html"));
    EXPECT_EQ(fs::read_symlink(latest), fs::path(again.dir).filename());
}

TEST(Report, EveryStringIsEscaped) {
    // A variant named like markup, failing unexpectedly (it is v10 under a
    // name the expectation table does not know): the red path of the page.
    Variant odd = *find_variant("v10");
    odd.name = "v<i data-x>10</i>&\"'";
    odd.summary = "<script>alert(1)</script>";
    const RunOptions opts = two_variants(&odd, find_variant("v6.2"), 20);
    const auto rows = run_cells(opts);
    const std::string html = report_html(opts, rows, "<now>");
    const Page page = parse_html(html);
    check_page(page, opts, rows);
    EXPECT_EQ(html.find("<i data-x"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<now>"), std::string::npos);
    EXPECT_NE(page.text.find("<script>alert(1)</script>"), std::string::npos);
    EXPECT_NE(html.find("cell-bad"), std::string::npos) << "unexpected verdicts are not marked";
    EXPECT_EQ(html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

TEST(Report, UnwritableDirectoryIsAnError) {
    const RunOptions opts = two_variants(find_variant("v6.2"), find_variant("v10-fixed"), 1);
    const auto written = write_report(opts, {}, "/proc/daxcheck-no-such-dir");
    EXPECT_NE(written.error, "");
}

TEST(GenerationStats, CountsTheCasesEachPropertyExistsFor) {
    CellConfig cfg;
    cfg.tests = 100;
    cfg.seed = 1;
    const Variant& fixed = *find_variant("v6.2");
    const auto pin = run_cell(fixed, *find_property("pin-warning"), Profile::Reflink, cfg);
    ASSERT_EQ(pin.verdict, CellResult::Verdict::Pass);
    const GenerationStats& g = pin.generation;
    EXPECT_EQ(g.runs, 100u);
    EXPECT_GT(g.share(Case::TruncatePinned), 0.0);
    EXPECT_GT(g.share(Case::InvalidatePinned), 0.0);
    EXPECT_GT(g.share(Case::SharedPfn), 0.0);
    EXPECT_GE(g.max_owners, 2u);
    EXPECT_GT(g.ops[std::size_t(OpKind::AssociateShared)], 0u);
    EXPECT_EQ(g.ops[std::size_t(OpKind::Misuse)], 0u);
    EXPECT_LE(g.length_min, g.length_max);
    EXPECT_TRUE(unreached_cases(g, "pin-warning", Profile::Reflink).empty());

    // The exclusive profile never shares a pfn; misuse-detected generates misuse.
    const auto excl = run_cell(fixed, *find_property("refinement"), Profile::Exclusive, cfg);
    EXPECT_EQ(excl.generation.max_owners, 1u);
    EXPECT_EQ(excl.generation.ops[std::size_t(OpKind::AssociateShared)], 0u);
    const auto misuse = run_cell(fixed, *find_property("misuse-detected"), Profile::Reflink, cfg);
    EXPECT_GT(misuse.generation.share(Case::MisuseOp), 0.0);

    // A failing cell counts its tests up to and with the failure, not the shrinking.
    const auto bad = run_cell(*find_variant("v10"), *find_property("refinement"), Profile::Reflink, cfg);
    ASSERT_EQ(bad.verdict, CellResult::Verdict::Fail);
    EXPECT_EQ(bad.generation.runs, std::uint32_t(bad.tests_run));
}

TEST(GenerationStats, FlagsARunThatNeverReachedItsCase) {
    GenerationStats none;
    TestStats t;
    t.length = 3;
    t.ops[std::size_t(OpKind::AssociateExclusive)] = 3;
    none.add(t);
    EXPECT_EQ(unreached_cases(none, "pin-warning", Profile::Exclusive),
              (std::vector<Case>{Case::TruncatePinned, Case::InvalidatePinned}));
    EXPECT_EQ(unreached_cases(none, "order-independence", Profile::Reflink),
              std::vector<Case>{Case::SharedAtEnd});
    EXPECT_EQ(unreached_cases(none, "misuse-detected", Profile::Exclusive),
              std::vector<Case>{Case::MisuseOp});
    EXPECT_TRUE(unreached_cases(none, "no-such-property", Profile::Exclusive).empty());

    // And the report flags it on a passing cell: a universe without pins
    // cannot reach a truncate of a pinned page.
    RunOptions opts = two_variants(find_variant("v6.2"), find_variant("v10-fixed"), 30);
    opts.properties = {find_property("pin-warning")};
    opts.cell.universe.max_pins = 0;
    const auto rows = run_cells(opts);
    ASSERT_EQ(rows.front().result.verdict, CellResult::Verdict::Pass);
    EXPECT_EQ(rows.front().result.generation.ops[std::size_t(OpKind::Pin)], 0u);
    const std::string html = report_html(opts, rows, "now");
    check_page(parse_html(html), opts, rows);
    EXPECT_NE(html.find("no run reached truncate-pinned"), std::string::npos);
    EXPECT_NE(report_markdown(opts, rows, "now").find("UNREACHED"), std::string::npos);
}

TEST(Report, TheTokenizerSeesBrokenMarkup) {
    EXPECT_FALSE(parse_html("<p><b>x</p>").problems.empty());
    EXPECT_FALSE(parse_html("<p>a < b</p>").problems.empty());
    EXPECT_FALSE(parse_html("<p>a & b</p>").problems.empty());
    EXPECT_FALSE(parse_html("<p id=\"x\"></p><p id=\"x\"></p>").problems.empty());
    EXPECT_FALSE(parse_html("<p>").problems.empty());
    const Page ok = parse_html("<!DOCTYPE html><p id=\"a\">x &amp; y<br><a href=\"#a\">a</a></p>");
    EXPECT_TRUE(ok.problems.empty());
    EXPECT_EQ(ok.text, "x & ya");
}
