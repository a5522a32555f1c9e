#include "cli/replay_command.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <fstream>
#include <set>
#include <system_error>

#include "cli/output_file.h"
#include "cli/shell_words.h"
#include "engines/corpus_file.h"
#include "fslevel/fs_replay.h"
#include "harness/op_text.h"
#include "harness/printable.h"

#ifndef DAXCHECK_SOURCE_DIR
#define DAXCHECK_SOURCE_DIR "."
#endif

namespace daxcheck {
namespace {

namespace fs = std::filesystem;


// The .dax files a command-line path stands for; errors for paths that are
// neither a file nor a directory with .dax files.
std::vector<std::string> expand(const std::string& path, std::vector<CorpusError>& errors) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        auto files = corpus_files_in(path, ec);
        if (ec) errors.push_back({path, 0, "cannot list the directory: " + ec.message()});
        else if (files.empty()) errors.push_back({path, 0, "no .dax files in this directory"});
        return files;
    }
    if (!fs::exists(path, ec)) {
        errors.push_back({path, 0, ec && ec != std::errc::no_such_file_or_directory
                                       ? ec.message()
                                       : "no such file or directory"});
        return {};
    }
    return {path};
}

void print_steps(const Trace& trace) {
    for (std::size_t i = 0; i < trace.steps.size(); i++) {
        const TraceStep& s = trace.steps[i];
        fmt::print("        #{} {}{}\n", i + 1, s.op, s.failure ? "   <- breaks here" : "");
        for (const auto& p : s.pfns)
            fmt::print("             pfn {:<3} model {:<22} decode {:<18} {}{}\n", p.pfn, p.model,
                       p.decode, p.raw, p.mismatch ? "   MISMATCH" : "");
        for (const auto& w : s.warnings) fmt::print("             warning: {}\n", w);
    }
    if (trace.end_failure) fmt::print("        at the end: {}\n", *trace.end_failure);
}

// A file with `level: fs` (SPEC 8): each variant runs the filesystem
// operations through its own fault path.
std::pair<int, int> replay_fs_file(const CorpusFile& f) {
    int passed = 0, failed = 0;
    const Property* property = find_property(f.property);
    const auto ops = f.fs_operations();
    for (const auto& e : f.expect) {
        const Variant* v = find_variant(e.variant);
        std::string why;
        if (!fault_path_of(*v, &why)) {
            fmt::print("FAIL  {}  {:<20} {}:{}: {}\n", f.path, e.variant, f.path, e.line, why);
            failed++;
            continue;
        }
        const auto r = daxcheck::fslevel::replay(*v, *property, f.universe, ops);
        const bool fail = r.invalid || r.trace.failed();
        const bool ok = fail != e.pass && !r.invalid;
        fmt::print("{:<5} {}  {:<20} {:<4} (expected {})\n", ok ? "ok" : "FAIL", f.path, e.variant,
                   r.invalid ? "invalid" : fail ? "fail" : "pass", e.pass ? "pass" : "fail");
        if (ok) {
            passed++;
            continue;
        }
        failed++;
        if (r.invalid) fmt::print("      {}:{}: {}\n", f.path, f.fs_ops[r.invalid_index].line, *r.invalid);
        else if (fail) fmt::print("      {}\n{}", r.trace.failure(), daxcheck::fslevel::format_trace(r.trace, "      "));
        else
            fmt::print("      {} filesystem operations kept {} on {}; the file shows: {}\n", ops.size(),
                       f.property, e.variant, f.shows);
        fmt::print("      reproduce: ./daxcheck replay {}\n", f.path);
    }
    return {passed, failed};
}

RaceReplayer g_race_replayer = nullptr;

// Replays one parsed file; returns (passed, failed) counts.
std::pair<int, int> replay_file(const CorpusFile& f) {
    if (f.race) {
        if (g_race_replayer) return g_race_replayer(f.path);
        fmt::print("FAIL  {}  a race: file needs the daxcheck binary (the concurrency build)\n",
                   printable(f.path));
        return {0, static_cast<int>(f.expect.size())};
    }
    if (f.fs_level) return replay_fs_file(f);
    int passed = 0, failed = 0;
    const Property* property = find_property(f.property);
    const auto ops = f.operations();
    for (const auto& e : f.expect) {
        const Variant* v = find_variant(e.variant);
        const auto r = replay(*v, *property, f.universe, ops);
        const bool fail = r.invalid || r.trace.failed();
        const bool ok = fail != e.pass && !r.invalid;
        fmt::print("{:<5} {}  {:<20} {:<4} (expected {})\n", ok ? "ok" : "FAIL", printable(f.path), e.variant,
                   fail ? "fail" : "pass", e.pass ? "pass" : "fail");
        if (ok) {
            passed++;
            continue;
        }
        failed++;
        if (r.invalid) {
            fmt::print("      {}:{}: {}\n", printable(f.path), e.line, *r.invalid);
        } else if (fail) {
            fmt::print("      {}\n", r.trace.failure());
            print_steps(r.trace);
        } else {
            fmt::print("      {} operations kept {} on {}; the file shows: {}\n", ops.size(),
                       f.property, e.variant, f.shows);
        }
        fmt::print("      reproduce: ./daxcheck replay {}\n", shell_quoted(f.path));
    }
    return {passed, failed};
}

std::string sanitise(const std::string& s) {
    std::string out;
    for (char c : s)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
    return out;
}

// What identifies a saved sequence: property, universe and operations.
std::string sequence_key(const std::string& property, const model::Universe& u,
                         const std::vector<model::Op>& ops) {
    std::string key = property + "\n" + universe_text(u) + "\n";
    for (const auto& op : ops) key += to_text(op) + "\n";
    return key;
}

}  // namespace

// (cli/replay_command.h) The *.dax regular files in `dir`, sorted. Anything else named *.dax (a
// FIFO, a socket, a directory, a symlink loop or a dangling link) and a file
// that cannot be read are skipped with a line naming them, never opened: a
// FIFO would block the read forever.
std::vector<std::string> corpus_files_in(const std::string& dir, std::error_code& ec) {
    std::vector<std::string> files;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (p.extension() != ".dax") continue;
        std::error_code st_ec;
        const fs::file_status st = it->status(st_ec);  // through symlinks
        if (st_ec) {
            fmt::print("skipped {}: {}\n", printable(p.string()), st_ec.message());
        } else if (st.type() != fs::file_type::regular) {
            struct stat raw {};
            ::stat(p.c_str(), &raw);
            fmt::print("skipped {}: not a regular file ({})\n", printable(p.string()),
                       file_kind(raw.st_mode));
        } else if (::access(p.c_str(), R_OK) != 0) {
            fmt::print("skipped {}: cannot read it: {}\n", printable(p.string()), std::strerror(errno));
        } else {
            files.push_back(p.string());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

void set_race_replayer(RaceReplayer replayer) { g_race_replayer = replayer; }

std::string default_corpus_dir() {
    const std::string compiled = std::string(DAXCHECK_SOURCE_DIR) + "/corpus";
    std::error_code ec;
    if (fs::is_directory(compiled, ec)) return compiled;
    return "corpus";
}

int replay_command(const std::vector<std::string>& given) {
    std::vector<std::string> paths = given;
    if (paths.empty()) {
        // Shown relative to the working directory, as a user would type it.
        std::error_code ec;
        const auto shown = fs::proximate(default_corpus_dir(), ec);
        paths.push_back(ec ? default_corpus_dir() : shown.string());
    }
    int passed = 0, failed = 0;
    for (const auto& path : paths) {
        std::vector<CorpusError> errors;
        const auto files = expand(path, errors);
        for (const auto& e : errors) {
            fmt::print("{}\n", e.text());
            failed++;
        }
        for (const auto& file : files) {
            const CorpusParse parsed = load_corpus(file);
            if (!parsed.file) {
                for (const auto& e : parsed.errors) fmt::print("{}\n", e.text());
                failed++;
                continue;
            }
            const auto [p, f] = replay_file(*parsed.file);
            passed += p;
            failed += f;
        }
    }
    fmt::print("{} passed, {} failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

bool write_corpus_file(const std::string& dir, const std::string& name, const std::string& text) {
    const std::string result = write_output_file((fs::path(dir) / name).string(), text, Existing::Keep);
    if (result == "exists") {
        fmt::print("kept {}/{} (already there)\n", printable(dir), name);
    } else if (!result.empty()) {
        fmt::print(stderr, "daxcheck: {}\n", result);
        return false;
    } else {
        fmt::print("saved {}/{}\n", printable(dir), name);
    }
    return true;
}

std::string corpus_file_name(const RunRow& row) {
    return fmt::format("{}--{}--{}--{}.dax", sanitise(row.variant->name),
                       sanitise(row.property->name), to_string(row.profile),
                       operations_hash(row.result.counterexample));
}

bool save_failures(const RunOptions& opts, const std::vector<RunRow>& rows, const std::string& dir,
                   const std::string& command) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    // Sequences already in the corpus, with the variants each is expected to fail on.
    std::map<std::string, std::set<std::string>> known;
    for (const auto& file : corpus_files_in(dir, ec)) {
        const auto parsed = load_corpus(file);
        if (!parsed.file) continue;
        auto& variants = known[sequence_key(parsed.file->property, parsed.file->universe,
                                            parsed.file->operations())];
        for (const auto& e : parsed.file->expect)
            if (!e.pass) variants.insert(e.variant);
    }
    bool all_ok = true;
    int already = 0;
    for (const auto& row : rows) {
        if (row.result.verdict != CellResult::Verdict::Fail || row.result.counterexample.empty())
            continue;
        const auto& ops = row.result.counterexample;
        const std::string key = sequence_key(row.property->name, opts.cell.universe, ops);
        if (known[key].count(row.variant->name)) {  // already in the corpus
            already++;
            continue;
        }
        CorpusFile f;
        f.universe = opts.cell.universe;
        f.property = row.property->name;
        f.profile = row.profile;
        f.shows = row.trace.failure().empty() ? row.result.message : row.trace.failure();
        std::replace(f.shows.begin(), f.shows.end(), '\n', ' ');
        if (f.shows.size() > 400) f.shows = f.shows.substr(0, 400) + " ...";
        f.expect.push_back({row.variant->name, false, 0});
        for (const auto& op : ops) f.ops.push_back({op, 0});
        std::vector<std::string> comment = {"Saved by ./daxcheck " + command + " --save-failures from:",
                                            "  " + row.reproduce};
        comment.push_back(row.expected.pass
                              ? "Not in impl/expectations.cpp: a new finding; explain it here."
                              : "Why expected: " + row.expected.why);
        if (!write_corpus_file(dir, corpus_file_name(row), corpus_text(f, comment))) {
            all_ok = false;
            continue;
        }
        known[key].insert(row.variant->name);
    }
    if (already) fmt::print("{} counterexample{} already in {}: not saved again\n", already,
                            already == 1 ? "" : "s", dir);
    return all_ok;
}

}  // namespace daxcheck
