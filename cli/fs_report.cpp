#include "cli/fs_report.h"

#include <fmt/format.h>

#include "cli/report_html.h"

namespace daxcheck {
namespace {

std::string anchor(const FsReportCell& c) {
    std::string id = "fs-" + c.variant->name + "--" + c.property->name + "--" + to_string(c.profile);
    for (char& ch : id)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') ch = '_';
    return id;
}

// The "on a running kernel" cell: what kernels did with this very sequence.
std::string kernel_cell(const FsReportCell& c, const model::Universe& u, const KernelEvidence& kernels) {
    if (!c.failed) return "<span class=\"muted\">–</span>";
    const auto seen = kernels.of(u, c.ops);
    if (seen.empty()) return "<span class=\"muted\">not booted yet</span>";
    std::string out;
    for (const auto& k : seen)
        out += fmt::format("<div title=\"{}\"><b>{}</b>: {}</div>", html_escape(k.source), html_escape(k.kernel),
                           html_escape(k.what));
    return out;
}

}  // namespace

std::string fs_report_html(const std::vector<FsReportCell>& cells, const model::Universe& u,
                           const KernelEvidence& kernels, const std::string& header,
                           const std::string& regenerate, const std::string& generated_at,
                           const std::string& results_json) {
    std::size_t good = 0, failures = 0, booted = 0;
    for (const auto& c : cells) {
        good += c.as_expected();
        failures += c.failed || !c.as_expected();
        booted += c.failed && !kernels.of(u, c.ops).empty();
    }
    std::string out = report_page_start("daxcheck report (filesystem level)",
                                        "daxcheck: the filesystem level, each version's fault path against the model");
    out += fmt::format("<p class=\"meta\">Generated {}; {}.</p>\n", html_escape(generated_at), html_escape(header));
    out += fmt::format("<p class=\"meta\">Regenerate: <code>{}</code></p>\n", html_escape(regenerate));
    out += fmt::format("<p class=\"summary\">{} cells: {} as expected, {} unexpected.</p>\n", cells.size(), good,
                       cells.size() - good);
    out += "<h2>Verdicts</h2>\n<table class=\"matrix\"><thead><tr><th>variant</th><th>property</th>"
           "<th>profile</th><th>verdict</th><th>walks</th><th>fs ops</th><th>calls</th>"
           "<th>on a running kernel</th></tr></thead>\n<tbody>\n";
    for (const auto& c : cells) {
        const char* cls = !c.as_expected() ? "cell-bad" : c.failed ? "cell-xfail" : "cell-pass";
        std::string verdict = c.failed ? "\u2717 fail" : "\u2713 pass";
        verdict += fmt::format("<span class=\"exp\">{}</span>",
                               c.as_expected() ? std::string(c.expected.pass ? "expected pass" : "expected fail")
                                               : std::string("UNEXPECTED: expected ") +
                                                     (c.expected.pass ? "pass" : "fail"));
        if (c.failed || !c.as_expected()) verdict = fmt::format("<a href=\"#{}\">{}</a>", anchor(c), verdict);
        out += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"{}\">{}</td>"
                           "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                           html_escape(c.variant->name), html_escape(c.property->name),
                           html_escape(to_string(c.profile)), cls, verdict, c.walks, c.operations, c.calls,
                           kernel_cell(c, u, kernels));
    }
    out += "</tbody></table>\n";
    out += fmt::format("<p class=\"meta\">On a running kernel: the <code>kernel:</code> lines of corpus files "
                       "holding the same sequence, and the verdicts of <code>./daxcheck kernel --json</code> "
                       "runs given with <code>--kernel-json</code> ({} of the failing cells have some). Boot the "
                       "rest: <code>./daxcheck kernel --from-json {} --json kernel.json</code>, then regenerate "
                       "with <code>--kernel-json kernel.json</code>.</p>\n",
                       booted, html_escape(results_json));
    out += fmt::format("<h2 id=\"failures\">Failures ({})</h2>\n", failures);
    if (failures == 0) out += "<p>Every cell passed as expected.</p>\n";
    for (const auto& c : cells) {
        if (!c.failed && c.as_expected()) continue;
        out += fmt::format("<section class=\"failure{}\" id=\"{}\">\n<h3><code>{}</code> / {} / {}: {} ({})</h3>\n",
                           c.as_expected() ? "" : " unexpected", anchor(c), html_escape(c.variant->name),
                           html_escape(c.property->name), html_escape(to_string(c.profile)),
                           c.failed ? "fail" : "pass", c.as_expected() ? "expected" : "UNEXPECTED");
        if (c.failed) {
            out += fmt::format("<p class=\"broke\">{}</p>\n<pre>{}</pre>\n", html_escape(c.failure),
                               html_escape(c.trace));
            out += fmt::format("<p><b>On a running kernel:</b> {}</p>\n", kernel_cell(c, u, kernels));
            for (std::size_t i = 0; i < c.more_classes.size(); i++)
                out += fmt::format("<h4>Failure class {} of {} (the walks went on past the classes before "
                                   "it)</h4>\n<p class=\"broke\">{}</p>\n<pre>{}</pre>\n",
                                   i + 2, c.more_classes.size() + 1, html_escape(c.more_classes[i].failure),
                                   html_escape(c.more_classes[i].trace));
        }
        if (!c.expected.pass) out += fmt::format("<p class=\"muted\">Why the cell is expected to fail: {}</p>\n", html_escape(c.expected.why));
        out += fmt::format("<p>Reproduce: <code>{}</code></p>\n</section>\n", html_escape(c.reproduce));
    }
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace daxcheck
