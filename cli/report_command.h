// `daxcheck report` and `daxcheck run --report`: writes the run as
// REPORTS/<timestamp>/{index.html,summary.md,results.json} and points
// REPORTS/latest at that directory.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/run_command.h"

namespace daxcheck {

// The source tree's reports/ (compiled in), or ./reports when that is gone.
std::string default_reports_dir();

struct ReportWritten {
    std::string dir;    // REPORTS/<timestamp>
    std::string error;  // "" on success
};

// "" when reports can be written to `reports_dir` (checked before a run),
// else why not: not a writable directory, or a `latest` that is not a symlink.
std::string reports_dir_problem(const std::string& reports_dir);

// Creates REPORTS/<timestamp>[-N] (never reusing a directory), writes the
// three files and replaces REPORTS/latest (a relative symlink) atomically.
// With --base, `diffs` comes first in the report.
ReportWritten write_report(const RunOptions& opts, const std::vector<RunRow>& rows,
                           const std::string& reports_dir, const std::vector<BaseDiffRow>& diffs = {});

// The same for any report: `write(dir, generated_at)` writes the files into
// the new directory and returns "" or the error (then the directory is
// removed and `latest` is left alone).
ReportWritten write_report_dir(const std::string& reports_dir,
                               const std::function<std::string(const std::string& dir,
                                                               const std::string& generated_at)>& write);

}  // namespace daxcheck
