#include "cli/report_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "cli/checkout_dir.h"
#include "cli/output_file.h"
#include "cli/report_html.h"

#ifndef DAXCHECK_SOURCE_DIR
#define DAXCHECK_SOURCE_DIR "."
#endif

namespace daxcheck {
namespace {

namespace fs = std::filesystem;

// REPORTS/latest -> name, through a temporary link renamed over the old one:
// a reader sees the old report or the new one, never none.
std::string point_latest_at(const fs::path& reports, const std::string& name) {
    if (auto e = reports_dir_problem(reports.string()); !e.empty()) return e;
    const fs::path tmp = reports / fmt::format(".latest.{}.tmp", ::getpid());
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::create_symlink(name, tmp, ec);
    if (ec) return fmt::format("cannot create the link {}: {}", tmp.string(), ec.message());
    if (std::rename(tmp.c_str(), (reports / "latest").c_str()) != 0) {
        const int saved = errno;
        fs::remove(tmp, ec);
        return fmt::format("cannot replace {}: {}", (reports / "latest").string(),
                           std::strerror(saved));
    }
    return "";
}

}  // namespace

std::string default_reports_dir() {
    const std::string root = checkout_dir();
    return root.empty() ? "reports" : root + "/reports";
}

std::string reports_dir_problem(const std::string& reports_dir) {
    if (auto e = output_dir_problem("--reports-dir", reports_dir); !e.empty()) return e;
    std::error_code ec;
    const auto latest = fs::symlink_status(fs::path(reports_dir) / "latest", ec);
    if (fs::exists(latest) && !fs::is_symlink(latest))
        return fmt::format("--reports-dir: {}/latest is not a symlink; daxcheck replaces only its "
                           "own link",
                           reports_dir);
    return "";
}

ReportWritten write_report(const RunOptions& opts, const std::vector<RunRow>& rows,
                           const std::string& reports_dir, const std::vector<BaseDiffRow>& diffs) {
    return write_report_dir(reports_dir, [&](const std::string& dir, const std::string& shown) {
        std::string error = write_output_file(dir + "/index.html", report_html(opts, rows, shown, diffs));
        if (error.empty()) error = write_output_file(dir + "/summary.md", report_markdown(opts, rows, shown));
        if (error.empty()) write_run_json(opts, rows, dir + "/results.json", error, diffs);
        return error;
    });
}

ReportWritten write_report_dir(const std::string& reports_dir,
                               const std::function<std::string(const std::string&, const std::string&)>& write) {
    ReportWritten out;
    const fs::path reports(reports_dir);
    std::error_code ec;
    fs::create_directories(reports, ec);
    if (ec) {
        out.error = fmt::format("cannot create {}: {}", reports.string(), ec.message());
        return out;
    }
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32], shown[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    std::strftime(shown, sizeof shown, "%Y-%m-%d %H:%M:%S %z", &local);
    // A new directory every time: two reports in one second get -2, -3, ...
    std::string name = stamp;
    for (int n = 2;; n++) {
        if (fs::create_directory(reports / name, ec)) break;
        if (ec) {
            out.error = fmt::format("cannot create {}: {}", (reports / name).string(), ec.message());
            return out;
        }
        name = fmt::format("{}-{}", stamp, n);
    }
    const fs::path dir = reports / name;
    out.dir = dir.string();
    out.error = write(dir.string(), shown);
    if (out.error.empty()) out.error = point_latest_at(reports, name);
    // A report that could not be written whole is not left behind.
    if (!out.error.empty()) fs::remove_all(dir, ec);
    return out;
}

}  // namespace daxcheck
