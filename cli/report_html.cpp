#include "cli/report_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "cli/number_text.h"
#include "cli/replay_command.h"
#include "cli/trace_text.h"
#include "engines/gen_stats.h"
#include "harness/op_text.h"

namespace daxcheck {
namespace {

using Verdict = CellResult::Verdict;

std::string verdict_text(const RunRow& r) {
    switch (r.result.verdict) {
        case Verdict::Pass: return "pass";
        case Verdict::Fail: return "fail";
        case Verdict::Error: return "error";
    }
    return "?";
}

// A row needs a section of its own unless it passed as expected.
bool has_section(const RunRow& r) { return !(r.result.verdict == Verdict::Pass && r.as_expected()); }

std::string id_part(const std::string& s) {
    std::string out;
    for (char c : s)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
    return out;
}

std::string variant_anchor(const std::string& name) { return "variant-" + id_part(name); }

// The row of each (variant, property, profile), for the matrix.
struct RowIndex {
    std::map<std::tuple<const Variant*, const Property*, Profile>, std::size_t> at;
    explicit RowIndex(const std::vector<RunRow>& rows) {
        for (std::size_t i = 0; i < rows.size(); i++)
            at[{rows[i].variant, rows[i].property, rows[i].profile}] = i;
    }
    const std::size_t* find(const Variant* v, const Property* p, Profile pr) const {
        auto it = at.find({v, p, pr});
        return it == at.end() ? nullptr : &it->second;
    }
};

std::vector<Case> flagged_cases(const RunRow& r);

std::string short_profile(Profile p) { return p == Profile::Exclusive ? "excl" : "reflink"; }

// The model's describe() text ("A:0 B:2 shared pins=1", "free") as its three parts.
struct ModelParts {
    std::string owners, shared = "no", pins = "0";
};
ModelParts split_model(const std::string& text) {
    ModelParts out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find(' ', pos);
        if (end == std::string::npos) end = text.size();
        const std::string tok = text.substr(pos, end - pos);
        if (tok == "shared") out.shared = "yes";
        else if (tok.rfind("pins=", 0) == 0) out.pins = tok.substr(5);
        else if (tok != "free" && !tok.empty()) out.owners += (out.owners.empty() ? "" : " ") + tok;
        pos = end + 1;
    }
    if (out.owners.empty()) out.owners = "free";
    return out;
}

// Where the port first leaves the model: the first mismatching pfn, else the
// step the property broke on (a warning, a BUG_ON). {step, pfn index or -1}.
std::pair<long, long> first_divergence(const Trace& t) {
    for (std::size_t i = 0; i < t.steps.size(); i++)
        for (std::size_t j = 0; j < t.steps[i].pfns.size(); j++)
            if (t.steps[i].pfns[j].mismatch) return {long(i), long(j)};
    for (std::size_t i = 0; i < t.steps.size(); i++)
        if (t.steps[i].failure) return {long(i), -1};
    return {-1, -1};
}

}  // namespace

std::string report_page_start(const std::string& title, const std::string& heading) {
    return fmt::format("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
                       html_escape(title), report_css(), html_escape(heading));
}

const char* report_css() {
    return R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1b1f23;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:0 0 6px} code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
.meta{color:#57606a;margin:2px 0} .summary{font-weight:600;margin:8px 0}
table{border-collapse:collapse} th,td{border:1px solid #d0d7de;padding:3px 6px;vertical-align:top}
th{background:#f6f8fa;text-align:left}
table.matrix td{text-align:center;min-width:64px} table.matrix th.prop{text-align:center}
table.matrix a{color:inherit;text-decoration:none;display:block}
.cell-pass{background:#dafbe1;color:#116329} .cell-xfail{background:#fff1c2;color:#7d4e00}
.cell-bad{background:#ffd7d5;color:#a40e26;font-weight:700} .cell-error{background:#e8d9ff;color:#512a97;font-weight:700}
.exp{display:block;font-size:11px;color:#57606a;font-weight:400}
.flag{color:#bc4c00;font-weight:700}
.legend span.key{display:inline-block;padding:1px 8px;margin-right:8px;border:1px solid #d0d7de}
section.failure{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;margin:14px 0}
section.failure.unexpected{border-color:#cf222e;border-width:2px}
table.steps td.op{white-space:nowrap;font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
table.steps tr.diverge td{background:#ffebe9} table.steps td.diverge{outline:2px solid #cf222e;font-weight:700}
table.steps tr.misuse td.op{color:#8250df}
.warn{color:#9a6700} .warn::before{content:"\26A0  "}
.broke{color:#cf222e;font-weight:700}
.back{font-size:12px} .muted{color:#57606a}
table.stats td{text-align:right} table.stats td.l{text-align:left}
)";
}

namespace {

void matrix_html(std::string& out, const RunOptions& opts, const std::vector<RunRow>& rows,
                 const std::vector<std::string>& anchors, const std::vector<std::string>& stats_ids) {
    const RowIndex index(rows);
    out += "<table class=\"matrix\" id=\"matrix\">\n<thead><tr><th rowspan=\"2\">variant</th>";
    for (const Property* p : opts.properties)
        out += fmt::format("<th class=\"prop\" colspan=\"{}\">{}</th>", opts.profiles.size(),
                           html_escape(p->name));
    out += "</tr>\n<tr>";
    for (std::size_t i = 0; i < opts.properties.size(); i++)
        for (Profile pr : opts.profiles)
            out += fmt::format("<th class=\"prop\">{}</th>", html_escape(short_profile(pr)));
    out += "</tr></thead>\n<tbody>\n";
    for (const Variant* v : opts.variants) {
        out += fmt::format("<tr class=\"variant-row\" data-variant=\"{0}\"><th><a href=\"#{1}\">"
                           "<code>{0}</code></a></th>",
                           html_escape(v->name), variant_anchor(v->name));
        for (const Property* p : opts.properties)
            for (Profile pr : opts.profiles) {
                const std::size_t* i = index.find(v, p, pr);
                if (!i) {
                    out += "<td class=\"muted\">–</td>";
                    continue;
                }
                const RunRow& r = rows[*i];
                const char* cls = r.result.verdict == Verdict::Error ? "cell-error"
                                  : !r.as_expected()                 ? "cell-bad"
                                  : r.result.verdict == Verdict::Fail ? "cell-xfail"
                                                                      : "cell-pass";
                const std::string mark = r.result.verdict == Verdict::Pass   ? "\u2713 pass"
                                         : r.result.verdict == Verdict::Fail ? "\u2717 fail"
                                                                             : "! error";
                std::string inner = html_escape(mark);
                inner += fmt::format("<span class=\"exp\">{}</span>",
                                     r.as_expected() ? std::string(r.expected.pass ? "expected pass"
                                                                                   : "expected fail")
                                                     : std::string("UNEXPECTED: expected ") +
                                                           (r.expected.pass ? "pass" : "fail"));
                const std::string title = fmt::format("{} / {} / {}: {}, expected {}", v->name,
                                                      p->name, to_string(pr), verdict_text(r),
                                                      r.expected.pass ? "pass" : "fail");
                std::string unreached;
                for (Case c : flagged_cases(r)) unreached += (unreached.empty() ? "" : ", ") + case_name(c);
                if (!unreached.empty())
                    inner += fmt::format("<span class=\"flag\">\u2691 {}</span>", html_escape(unreached));
                if (!anchors[*i].empty())
                    inner = fmt::format("<a href=\"#{}\">{}</a>", anchors[*i], inner);
                else if (!unreached.empty())
                    inner = fmt::format("<a href=\"#{}\">{}</a>", stats_ids[*i], inner);
                out += fmt::format("<td class=\"{}\" title=\"{}\">{}</td>", cls, html_escape(title),
                                   inner);
            }
        out += "</tr>\n";
    }
    out += "</tbody></table>\n";
    out += "<p class=\"legend\"><span class=\"key cell-pass\">\u2713 pass, as expected</span>"
           "<span class=\"key cell-xfail\">\u2717 fail, as expected (a known bug)</span>"
           "<span class=\"key cell-bad\">UNEXPECTED verdict</span>"
           "<span class=\"key cell-error\">! error</span> Each failure links to its counterexample; "
           "<span class=\"flag\">\u2691</span> marks a passing cell whose runs never reached a case its "
           "property exists for (see <a href=\"#generation\">Generation statistics</a>).</p>\n";
}

void steps_html(std::string& out, const Trace& t) {
    const auto [div_step, div_pfn] = first_divergence(t);
    out += "<table class=\"steps\"><thead><tr><th>#</th><th>operation</th><th>pfn</th>"
           "<th>model owners</th><th>shared</th><th>pins</th><th>decode</th>"
           "<th>port fields</th><th>warnings / property</th></tr></thead>\n<tbody>\n";
    // One step's rows; `label` in its first column, `diverge_row` the row where
    // the relation first breaks (-1: none in this step).
    const auto step_rows = [&](const std::string& label, const TraceStep& s, bool diverges, long diverge_row) {
        const std::size_t n = std::max<std::size_t>(1, s.pfns.size());
        std::string notes;
        if (!s.legal)
            notes += fmt::format("<div class=\"muted\">misuse: {}</div>", html_escape(s.illegal_reason));
        for (const auto& w : s.warnings)
            notes += fmt::format("<div class=\"warn\">{}</div>", html_escape(w));
        if (s.failure)
            notes += fmt::format("<div class=\"broke\">breaks here: {}</div>", html_escape(*s.failure));
        std::string row_cls = s.legal ? "" : "misuse";
        if (diverges) row_cls += row_cls.empty() ? "diverge" : " diverge";
        for (std::size_t j = 0; j < n; j++) {
            out += fmt::format("<tr{}>", row_cls.empty() ? "" : " class=\"" + row_cls + "\"");
            if (j == 0)
                out += fmt::format("<td rowspan=\"{0}\">{1}</td><td class=\"op\" rowspan=\"{0}\">{2}</td>",
                                   n, label, html_escape(s.op));
            if (s.pfns.empty()) {
                out += "<td colspan=\"6\" class=\"muted\">(no pfn)</td>";
            } else {
                const PfnView& p = s.pfns[j];
                const ModelParts m = split_model(p.model);
                const std::string dcls = long(j) == diverge_row ? " class=\"diverge\"" : "";
                out += fmt::format("<td>{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td>"
                                   "<td class=\"mono\"{}>{}{}</td><td class=\"mono\">{}</td>",
                                   p.pfn, html_escape(m.owners), html_escape(m.shared),
                                   html_escape(m.pins), dcls, html_escape(p.decode),
                                   p.mismatch ? " \u2190 MISMATCH" : "", html_escape(p.raw));
            }
            if (j == 0) out += fmt::format("<td rowspan=\"{}\">{}</td>", n, notes);
            out += "</tr>\n";
        }
    };
    for (std::size_t i = 0; i < t.steps.size(); i++)
        step_rows(std::to_string(i + 1), t.steps[i], long(i) == div_step, long(i) == div_step ? div_pfn : -1);
    // The end check's own operations (drain's releases), unnumbered.
    for (const TraceStep& s : t.end_steps) step_rows("end", s, false, -1);
    if (t.end_failure)
        out += fmt::format("<tr class=\"diverge\"><td></td><td colspan=\"8\" class=\"broke\">at the "
                           "end: {}</td></tr>\n",
                           html_escape(*t.end_failure));
    out += "</tbody></table>\n";
}

void failure_html(std::string& out, const RunRow& r, const std::string& id) {
    out += fmt::format("<section class=\"failure{}\" id=\"{}\" data-cell=\"{}\">\n",
                       r.as_expected() ? "" : " unexpected", id,
                       html_escape(r.variant->name + "/" + r.property->name + "/" +
                                   to_string(r.profile)));
    out += fmt::format("<h3><code>{}</code> / {} / {}: {}{}</h3>\n", html_escape(r.variant->name),
                       html_escape(r.property->name), html_escape(to_string(r.profile)),
                       html_escape(verdict_text(r)),
                       r.as_expected() ? " (expected)" : " (NOT expected)");
    if (r.result.verdict == Verdict::Pass) {
        out += fmt::format("<p>Expected to fail: {}<br>but {} tests passed.</p>\n",
                           html_escape(r.expected.why), r.result.tests_run);
    } else if (r.result.verdict == Verdict::Error) {
        out += fmt::format("<p class=\"broke\">error: {}</p>\n", html_escape(r.result.message));
    } else {
        out += fmt::format("<p class=\"broke\">{}</p>\n", html_escape(r.trace.failure()));
        out += fmt::format("<p class=\"muted\">Failed at {}; {}. "
                           "The highlighted row is where the port first leaves the model.</p>\n",
                           html_escape(failed_at(r)), html_escape(shrink_words(r)));
        steps_html(out, r.trace);
        if (!r.expected.pass)
            out += fmt::format("<p><b>Why the cell is expected to fail:</b> {}</p>\n", html_escape(r.expected.why));
        out += fmt::format("<p><b>Corpus file</b> (<code>--save-failures</code>): "
                           "<code>corpus/{}</code></p>\n",
                           html_escape(corpus_file_name(r)));
    }
    out += fmt::format("<p><b>Reproduce:</b> <code>{}</code></p>\n", html_escape(r.reproduce));
    out += "<p class=\"back\"><a href=\"#matrix\">\u2191 back to the matrix</a></p>\n</section>\n";
}

std::string header_line(const RunOptions& opts) {
    return fmt::format("seed {}, {} tests per cell, universe {}", opts.cell.seed, opts.cell.tests,
                       universe_flags(opts.cell.universe));
}

std::size_t count_as_expected(const std::vector<RunRow>& rows) {
    std::size_t good = 0;
    for (const auto& r : rows) good += r.as_expected();
    return good;
}

// Cells of one (property, profile) whose generation statistics are equal:
// generation depends on the property's generator, the profile and the seed,
// not on the port, so every variant that passes shares one group.
struct StatsGroup {
    const Property* property;
    Profile profile;
    std::vector<std::size_t> rows;
    std::string id;
};

std::vector<StatsGroup> stats_groups(const RunOptions& opts, const std::vector<RunRow>& rows) {
    std::vector<StatsGroup> out;
    for (const Property* p : opts.properties)
        for (Profile pr : opts.profiles) {
            const std::size_t first = out.size();
            for (const Variant* v : opts.variants)
                for (std::size_t i = 0; i < rows.size(); i++) {
                    const RunRow& r = rows[i];
                    if (r.variant != v || r.property != p || r.profile != pr) continue;
                    auto same = std::find_if(out.begin() + first, out.end(), [&](const StatsGroup& g) {
                        return rows[g.rows.front()].result.generation == r.result.generation;
                    });
                    if (same != out.end()) {
                        same->rows.push_back(i);
                    } else {
                        out.push_back({p, pr, {i}, ""});
                        out.back().id = fmt::format("gen-{}--{}-{}", id_part(p->name), to_string(pr),
                                                    out.size() - first);
                    }
                }
        }
    return out;
}

// A passing cell whose runs never reached a case its property exists for
// (a failing cell reached its case: the counterexample shows it).
std::vector<Case> flagged_cases(const RunRow& r) {
    if (r.result.verdict != Verdict::Pass) return {};
    return unreached_cases(r.result.generation, r.property->name, r.profile);
}

std::string percent(double x) { return fmt::format("{:.0f}%", 100 * x); }

std::string op_mix(const GenerationStats& g) {
    std::uint64_t total = 0;
    for (auto n : g.ops) total += n;
    std::string out;
    for (std::size_t k = 0; k < kOpKinds; k++) {
        if (g.ops[k] == 0) continue;
        out += fmt::format("{}{} {}", out.empty() ? "" : " \u00b7 ", op_kind_name(OpKind(k)),
                           percent(double(g.ops[k]) / double(total)));
    }
    return out.empty() ? "none" : out;
}

std::string lengths(const GenerationStats& g) {
    if (g.runs == 0) return "-";
    return fmt::format("{} / {:.1f} / {}", g.length_min, double(g.length_total) / g.runs,
                       g.length_max);
}

std::string length_histogram(const GenerationStats& g) {
    std::string out;
    for (std::size_t b = 0; b < kLengthBuckets; b++)
        out += fmt::format("{}{}: {}", b ? ", " : "", length_bucket_name(b), g.length_buckets[b]);
    return out;
}

std::string owners_reached(const GenerationStats& g) {
    if (g.runs == 0) return "-";
    const double two = double(g.owners_runs[2] + g.owners_runs[3] + g.owners_runs[4]) / g.runs;
    const double three = double(g.owners_runs[3] + g.owners_runs[4]) / g.runs;
    return fmt::format("{} (\u22652: {}, \u22653: {})", g.max_owners, percent(two), percent(three));
}

std::string variant_list(const std::vector<RunRow>& rows, const StatsGroup& g) {
    std::string out;
    for (std::size_t i : g.rows) {
        const RunRow& r = rows[i];
        out += (out.empty() ? "" : ", ") + r.variant->name;
        if (r.result.verdict != Verdict::Pass) out += " (" + verdict_text(r) + ")";
    }
    return out;
}

void stats_table(std::string& out, const std::vector<RunRow>& rows,
                 const std::vector<const StatsGroup*>& groups) {
    out += "<table class=\"stats\"><thead><tr><th>property</th><th>profile</th><th>variants</th>"
           "<th>runs</th><th>length</th><th>operation mix</th><th>most owners of a pfn</th>";
    for (std::size_t c = 0; c < kCases; c++)
        out += fmt::format("<th title=\"{}\">{}</th>", html_escape(case_description(Case(c))),
                           html_escape(case_name(Case(c))));
    out += "</tr></thead>\n<tbody>\n";
    for (const StatsGroup* g : groups) {
        const RunRow& first = rows[g->rows.front()];
        const GenerationStats& s = first.result.generation;
        const auto required = required_cases(g->property->name, g->profile);
        const auto flagged = flagged_cases(first);
        out += fmt::format("<tr id=\"{}\"><td class=\"l\">{}</td><td class=\"l\">{}</td>"
                           "<td class=\"l\">{}</td><td>{}</td><td title=\"{}\">{}</td>"
                           "<td class=\"l\">{}</td><td>{}</td>",
                           g->id, html_escape(g->property->name),
                           html_escape(short_profile(g->profile)), html_escape(variant_list(rows, *g)),
                           s.runs, html_escape(length_histogram(s)), html_escape(lengths(s)),
                           html_escape(op_mix(s)), html_escape(owners_reached(s)));
        for (std::size_t c = 0; c < kCases; c++) {
            const bool req = std::find(required.begin(), required.end(), Case(c)) != required.end();
            const bool flag = std::find(flagged.begin(), flagged.end(), Case(c)) != flagged.end();
            std::string text = html_escape(percent(s.share(Case(c))));
            if (req) text = "<b>" + text + "</b>";
            if (flag) text = "<span class=\"flag\">" + text + " \u2691</span>";
            out += "<td>" + text + "</td>";
        }
        out += "</tr>\n";
    }
    out += "</tbody></table>\n";
}

// Groups with a passing cell first; groups of failed cells only (few tests,
// up to the failure) folded away.
void stats_html(std::string& out, const std::vector<RunRow>& rows,
                const std::vector<StatsGroup>& groups) {
    out += "<h2 id=\"generation\">Generation statistics</h2>\n"
           "<p class=\"muted\">Per property run, counted over the tests RapidCheck generated up to "
           "and with the first failure (shrinking not counted). Cells with equal statistics are "
           "grouped: generation depends on the property and the profile, not on the port. A case in "
           "<b>bold</b> is one the property exists for; <span class=\"flag\">\u2691</span> marks a "
           "passing run that never reached it. Length: min / mean / max operations (hover for the "
           "histogram); cases: the share of runs that reached each (hover for what it means).</p>\n";
    std::vector<const StatsGroup*> passing, failed;
    for (const auto& g : groups) {
        const bool any_pass = std::any_of(g.rows.begin(), g.rows.end(), [&](std::size_t i) {
            return rows[i].result.verdict == Verdict::Pass;
        });
        (any_pass ? passing : failed).push_back(&g);
    }
    stats_table(out, rows, passing);
    if (failed.empty()) return;
    out += "<details><summary>Cells that failed: statistics of their tests up to the failure"
           "</summary>\n";
    stats_table(out, rows, failed);
    out += "</details>\n";
}

std::string regenerate_command(const RunOptions& opts) {
    return fmt::format("{} report {}", daxcheck_prefix(opts.variants), run_flags(opts));
}

}  // namespace

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::vector<std::string> failure_anchors(const std::vector<RunRow>& rows) {
    std::vector<std::string> out(rows.size());
    std::set<std::string> used;
    for (std::size_t i = 0; i < rows.size(); i++) {
        if (!has_section(rows[i])) continue;
        const std::string base = "fail-" + id_part(rows[i].variant->name) + "--" +
                                 id_part(rows[i].property->name) + "--" +
                                 to_string(rows[i].profile);
        std::string id = base;
        for (int n = 2; used.count(id); n++) id = base + "-" + std::to_string(n);
        used.insert(id);
        out[i] = id;
    }
    return out;
}

namespace {

// The --base section: each cell's change, then each class and what became of it.
void base_diff_html(std::string& out, const std::vector<BaseDiffRow>& diffs) {
    if (diffs.empty()) return;
    out += fmt::format("<h2 id=\"base-diff\">Against the base ({})</h2>\n",
                       regressions_text(std::count_if(diffs.begin(), diffs.end(), [](const BaseDiffRow& d) {
                           return d.error || is_regression(d.diff.change);
                       })));
    // What each variant declares differently from its base (a dropped check
    // is held to nothing: diff_checks).
    std::set<std::pair<std::string, std::string>> pairs;
    for (const auto& d : diffs) {
        if (!pairs.emplace(d.row->variant->name, d.base->name).second) continue;
        const CheckDiff c = diff_checks(*d.row->variant, *d.base);
        if (c.empty()) continue;
        out += fmt::format("<p>Declared checks of {} against {} (a port is held only to the checks it "
                           "declares):</p>\n<ul>\n",
                           html_escape(d.row->variant->name), html_escape(d.base->name));
        for (const auto& [what, list] : {std::pair{"dropped", &c.dropped}, {"changed", &c.changed}, {"added", &c.added}})
            for (const auto& line : *list)
                out += fmt::format("<li><b>{}</b> <code>{}</code></li>\n", what, html_escape(line));
        out += "</ul>\n";
    }
    out += "<table class=\"variants\"><thead><tr><th>variant</th><th>base</th><th>property</th>"
           "<th>profile</th><th>change</th><th>classes</th></tr></thead><tbody>\n";
    for (const auto& d : diffs) {
        std::string classes;
        for (const auto& c : d.diff.classes)
        {
            classes += fmt::format("<div><b>{}</b>: <code>{}</code></div>", html_escape(to_string(c.change)),
                                   html_escape(c.cls.key()));
            for (const auto& q : c.new_parts)
                classes += fmt::format("<div>&nbsp;&nbsp;new: <code>{}</code></div>", html_escape(q));
            if (!c.note.empty())
                classes += fmt::format("<div class=\"muted\">&nbsp;&nbsp;{}</div>", html_escape(c.note));
        }
        out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>\n",
                           html_escape(d.row->variant->name), html_escape(d.base->name),
                           html_escape(d.row->property->name), html_escape(to_string(d.row->profile)),
                           d.error ? "error" : html_escape(d.diff.change_text()),
                           d.error || is_regression(d.diff.change) ? " &#9888;" : "", classes);
    }
    out += "</tbody></table>\n";
}

}  // namespace

std::string report_html(const RunOptions& opts, const std::vector<RunRow>& rows,
                        const std::string& generated_at, const std::vector<BaseDiffRow>& diffs) {
    const auto anchors = failure_anchors(rows);
    const std::size_t good = count_as_expected(rows);
    std::string out = report_page_start("daxcheck report", "daxcheck: fsdax page ownership, ports against the model");
    out += fmt::format("<p class=\"meta\">Generated {}; {}.</p>\n", html_escape(generated_at),
                       html_escape(header_line(opts)));
    out += fmt::format("<p class=\"meta\">Regenerate: <code>{}</code></p>\n",
                       html_escape(regenerate_command(opts)));
    base_diff_html(out, diffs);
    out += fmt::format("<p class=\"summary\">{} cells: {} as expected, {} unexpected.</p>\n",
                       rows.size(), good, rows.size() - good);

    const auto groups = stats_groups(opts, rows);
    std::vector<std::string> stats_ids(rows.size());
    for (const auto& g : groups)
        for (std::size_t i : g.rows) stats_ids[i] = g.id;
    out += "<h2>Verdicts</h2>\n";
    matrix_html(out, opts, rows, anchors, stats_ids);
    std::string unreached;
    for (const auto& g : groups)
        for (Case c : flagged_cases(rows[g.rows.front()]))
            unreached += fmt::format("<li><a href=\"#{}\">{} / {}</a>: no run reached {} ({})</li>\n",
                                     g.id, html_escape(g.property->name),
                                     html_escape(to_string(g.profile)), html_escape(case_name(c)),
                                     html_escape(case_description(c)));
    if (!unreached.empty())
        out += "<p class=\"flag\">\u2691 Passing runs that never reached a case their property exists "
               "for:</p>\n<ul>\n" + unreached + "</ul>\n";

    std::size_t sections = 0;
    for (const auto& a : anchors) sections += !a.empty();
    out += fmt::format("<h2 id=\"failures\">Failures ({})</h2>\n", sections);
    if (sections == 0) out += "<p>Every cell passed as expected.</p>\n";
    for (const Variant* v : opts.variants)
        for (std::size_t i = 0; i < rows.size(); i++)
            if (rows[i].variant == v && !anchors[i].empty())
                failure_html(out, rows[i], anchors[i]);

    stats_html(out, rows, groups);

    out += "<h2 id=\"variants\">Variants</h2>\n<table class=\"variants\"><thead><tr><th>variant</th>"
           "<th>what it is</th><th>upstream</th></tr></thead><tbody>\n";
    for (const Variant* v : opts.variants)
        out += fmt::format("<tr id=\"{}\"><td><code>{}</code></td><td>{}</td><td class=\"mono\">{}</td></tr>\n",
                           variant_anchor(v->name), html_escape(v->name), html_escape(v->summary),
                           html_escape(v->upstream));
    out += "</tbody></table>\n</body>\n</html>\n";
    return out;
}

std::string report_markdown(const RunOptions& opts, const std::vector<RunRow>& rows,
                            const std::string& generated_at) {
    const RowIndex index(rows);
    const std::size_t good = count_as_expected(rows);
    std::string out = "# daxcheck report\n\n";
    out += fmt::format("Generated {}; {}.\n\n", generated_at, header_line(opts));
    out += fmt::format("Regenerate: `{}`\n\n", regenerate_command(opts));
    out += fmt::format("**{} cells: {} as expected, {} unexpected.**\n\n", rows.size(), good,
                       rows.size() - good);
    out += "## Verdicts\n\n`.` passes, `F` fails, as expected; `F!` / `P!` fails / passes "
           "against the expectation; `E` error.\n\n| variant |";
    for (const Property* p : opts.properties) out += " " + p->name + " |";
    out += "\n|---|";
    for (std::size_t i = 0; i < opts.properties.size(); i++) out += "---|";
    out += "\n| (profile) |";
    for (std::size_t i = 0; i < opts.properties.size(); i++) {
        std::string names;
        for (Profile pr : opts.profiles) names += (names.empty() ? "" : " / ") + short_profile(pr);
        out += " " + names + " |";
    }
    out += "\n";
    for (const Variant* v : opts.variants) {
        out += "| `" + v->name + "` |";
        for (const Property* p : opts.properties) {
            std::string marks;
            for (Profile pr : opts.profiles) {
                const std::size_t* i = index.find(v, p, pr);
                std::string m = "-";
                if (i) {
                    const RunRow& r = rows[*i];
                    m = r.result.verdict == Verdict::Error ? "E"
                        : r.result.verdict == Verdict::Fail ? (r.as_expected() ? "F" : "F!")
                                                            : (r.as_expected() ? "." : "P!");
                }
                marks += (marks.empty() ? "" : " / ") + m;
            }
            out += " " + marks + " |";
        }
        out += "\n";
    }

    out += "\n## Failures\n";
    bool any = false;
    for (const Variant* v : opts.variants)
        for (const auto& r : rows) {
            if (r.variant != v || !has_section(r)) continue;
            any = true;
            out += fmt::format("\n### {} / {} / {}: {}{}\n\n", r.variant->name, r.property->name,
                               to_string(r.profile), verdict_text(r),
                               r.as_expected() ? " (expected)" : " (NOT expected)");
            if (r.result.verdict == Verdict::Pass) {
                out += fmt::format("Expected to fail: {}; but {} tests passed.\n\n", r.expected.why,
                                   r.result.tests_run);
            } else if (r.result.verdict == Verdict::Error) {
                out += fmt::format("Error: {}\n\n", r.result.message);
            } else {
                out += fmt::format("{}\n\nFailed at {}; {}:\n\n```\n", r.trace.failure(),
                                   failed_at(r), shrink_words(r));
                out += trace_steps_text(r.trace, "");
                if (r.trace.end_failure) out += "at the end: " + *r.trace.end_failure + "\n";
                out += "```\n\n";
                if (!r.expected.pass) out += "Why the cell is expected to fail: " + r.expected.why + "\n\n";
                out += "Corpus file (`--save-failures`): `corpus/" + corpus_file_name(r) + "`\n\n";
            }
            out += "Reproduce: `" + r.reproduce + "`\n";
        }
    if (!any) out += "\nEvery cell passed as expected.\n";

    const auto groups = stats_groups(opts, rows);
    out += "\n## Generation statistics\n\nPer property run, over the tests generated up to and with "
           "the first failure (shrinking not counted); cells with equal statistics grouped. Length: "
           "min / mean / max operations. Cases: share of runs that reached each; `*` marks a case "
           "the property exists for, `UNREACHED` one no run of a passing cell reached.\n\n";
    std::string flags;
    for (const auto& g : groups)
        for (Case c : flagged_cases(rows[g.rows.front()]))
            flags += fmt::format("- {} / {}: no run reached {} ({})\n", g.property->name,
                                 to_string(g.profile), case_name(c), case_description(c));
    if (!flags.empty()) out += "Passing runs that never reached a case their property exists for:\n\n" + flags + "\n";
    out += "| property | profile | variants | runs | length | operation mix | most owners | cases |\n"
           "|---|---|---|---|---|---|---|---|\n";
    for (const auto& g : groups) {
        const RunRow& first = rows[g.rows.front()];
        const GenerationStats& s = first.result.generation;
        const auto required = required_cases(g.property->name, g.profile);
        const auto flagged = flagged_cases(first);
        std::string cases;
        for (std::size_t c = 0; c < kCases; c++) {
            const bool req = std::find(required.begin(), required.end(), Case(c)) != required.end();
            const bool flag = std::find(flagged.begin(), flagged.end(), Case(c)) != flagged.end();
            cases += fmt::format("{}{}{} {}{}", c ? ", " : "", case_name(Case(c)), req ? "*" : "",
                                 percent(s.share(Case(c))), flag ? " UNREACHED" : "");
        }
        out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", g.property->name,
                           short_profile(g.profile), variant_list(rows, g), s.runs, lengths(s),
                           op_mix(s), owners_reached(s), cases);
    }
    return out;
}

}  // namespace daxcheck
