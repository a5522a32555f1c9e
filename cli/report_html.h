// The pages of `daxcheck report`: index.html (a static page, no network, no
// external assets) and summary.md, rendered from the rows of a run. Writing
// them to disk is cli/report_command.*.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/run_command.h"

namespace daxcheck {

// &, <, >, " and ' as entities: every string the page shows goes through it.
std::string html_escape(std::string_view s);

// The style sheet every report page embeds (no external assets).
const char* report_css();
// A page's start: doctype, head with `title` and the style sheet, <body>, <h1>.
std::string report_page_start(const std::string& title, const std::string& heading);

// The id of a row's failure section in index.html ("fail-v6_15--drain--reflink"),
// unique among `rows`; "" for a row that passed as expected (no section).
std::vector<std::string> failure_anchors(const std::vector<RunRow>& rows);

// `generated_at` is shown in the header ("2025-01-31 12:00:00").
// With --base, `diffs` is the first section (the change of each cell and
// its classes).
std::string report_html(const RunOptions& opts, const std::vector<RunRow>& rows,
                        const std::string& generated_at, const std::vector<BaseDiffRow>& diffs = {});
std::string report_markdown(const RunOptions& opts, const std::vector<RunRow>& rows,
                            const std::string& generated_at);

}  // namespace daxcheck
