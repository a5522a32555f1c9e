#include "cli/replay_command.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <map>
#include <fstream>
#include <set>
#include <system_error>

#include "cli/number_text.h"
#include "cli/output_file.h"
#include "cli/shell_words.h"
#include "cli/trace_text.h"
#include "engines/corpus_file.h"
#include "fslevel/fs_replay.h"
#include "fslevel/reachability.h"
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
// `skipped` counts the directory's entries corpus_files_in skipped.
std::vector<std::string> expand(const std::string& path, std::vector<CorpusError>& errors,
                                std::size_t& skipped) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::size_t here = 0;
        auto files = corpus_files_in(path, ec, &here);
        skipped += here;
        if (ec) errors.push_back({path, 0, "cannot list the directory: " + ec.message()});
        else if (files.empty() && here == 0) errors.push_back({path, 0, "no .dax files in this directory"});
        else if (files.empty()) errors.push_back({path, 0, "no readable .dax file in this directory"});
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

// (The failure itself, an end check's too, is the line above the steps.)
void print_steps(const Trace& trace) { fmt::print("{}", trace_steps_text(trace, "        ")); }

// One check of a file: a variant and the verdict it must give, and where
// that expectation comes from when it is not the variant's own line.
struct Check {
    const Variant* variant;
    bool pass;
    int line;
    std::string from;  // "" or "v6.15's expectation"
};

// What one replay of a file on one variant did.
struct Replayed {
    bool fail = false;
    std::optional<std::string> invalid;
    std::string failure;     // the trace's failure
    std::string class_key;   // its class ("" when it passed)
    std::size_t failed_step = 0;  // 1-based; the number of steps + 1 for a failure at the end
    std::function<void()> print_trace;
};

Replayed replay_on(const CorpusFile& f, const Variant& v) {
    Replayed out;
    const Property* known = find_property(f.property);
    if (!known) {  // the parser checks it; a race: file goes to the race replayer before
        out.invalid = "unknown property '" + f.property + "'";
        return out;
    }
    const Property& property = *known;
    if (f.fs_level) {
        std::string why;
        if (!fault_path_of(v, &why)) {
            out.invalid = why;
            return out;
        }
        auto r = std::make_shared<fslevel::FsReplayResult>(daxcheck::fslevel::replay(v, property, f.universe, f.fs_operations(), f.past));
        out.fail = r->invalid || r->trace.failed();
        if (r->invalid) out.invalid = fmt::format("{}:{}: {}", f.path, f.fs_ops[r->invalid_index].line, *r->invalid);
        out.failure = r->trace.failure();
        out.failed_step = r->trace.failed_step();
        if (out.fail && !r->invalid) out.class_key = fslevel::failure_class(property.name, out.failure);
        out.print_trace = [r] { fmt::print("{}", daxcheck::fslevel::format_trace(r->trace, "      ")); };
        return out;
    }
    const auto ops = f.operations();
    auto r = std::make_shared<ReplayResult>(replay(v, property, f.universe, ops));
    out.fail = r->invalid || r->trace.failed();
    out.invalid = r->invalid;
    out.failure = r->trace.failure();
    out.failed_step = r->trace.failed_step();
    if (out.fail && !r->invalid)
        if (auto c = failure_class_of(v, property, f.universe, ops)) out.class_key = c->key();
    out.print_trace = [r] { print_steps(r->trace); };
    return out;
}

// A replay whose every file or line was skipped: never a green run that
// checked nothing (a CI job replaying a corpus of ports this binary lacks).
int nothing_checked() {
    fmt::print("nothing was checked: every file or line was skipped (the skip lines above say why)\n");
    return 1;
}

struct FileCounts {
    int passed = 0, failed = 0, skipped = 0;
};

void skip(const CorpusFile& f, const std::string& variant, const std::string& why, FileCounts& n) {
    fmt::print("skip  {}  {:<20} {}\n", printable(f.path), variant, why);
    n.skipped++;
}

// The checks of `f`: its expect: lines, or with `only` that variant against
// its own line or its base's.
std::vector<Check> checks_of(const CorpusFile& f, const Variant* only, const Variant* base, FileCounts& n) {
    std::vector<Check> out;
    if (!only) {
        for (const auto& e : f.expect) {
            if (!e.registered) {
                // The corpus parser let it through: the port the file names is
                // not loaded here (with it loaded, an unknown name is an error).
                std::string ports, missing;
                for (const auto& p : f.ports) {
                    ports += " --port " + shell_quoted(p);
                    std::error_code ec;
                    if (!fs::is_regular_file(p, ec)) missing += (missing.empty() ? "" : ", ") + printable(p);
                }
                skip(f, e.variant,
                     fmt::format("not in this binary (an out-of-tree port): {}{} replay {}{}",
                                 daxcheck_script(), ports, shell_path(f.path),
                                 missing.empty() ? "" : " (no such port file here: " + missing + ")"),
                     n);
                continue;
            }
            out.push_back({find_variant(e.variant), e.pass, e.line, ""});
        }
        return out;
    }
    for (const auto& e : f.expect)
        if (e.variant == only->name) return {{only, e.pass, e.line, ""}};
    if (base)
        for (const auto& e : f.expect)
            if (e.variant == base->name) return {{only, e.pass, e.line, base->name + "'s expectation"}};
    skip(f, only->name,
         base ? fmt::format("no expect: line for it or its base {}", base->name)
              : "no expect: line for it, and it names no base (--base VARIANT)",
         n);
    return out;
}

RaceReplayer g_race_replayer = nullptr;
RaceVariantQuery g_in_race = nullptr;

constexpr const char* kNotInRace =
    "its port is not in the concurrency build (its file says // daxcheck-no-race): race: files do not run it";

void replay_file(const CorpusFile& f, const Variant* only, const Variant* base, FileCounts& n) {
    if (f.race) {  // two operations at once: `daxcheck race` replays them (race/)
        if (g_race_replayer) {
            // A line of a port this binary lacks is skipped, as in other
            // files (checks_of says so); the race replayer passes over it,
            // as over one of a port the concurrency build lacks (said here).
            const auto in_race = [](const Variant& v) { return !g_in_race || g_in_race(v.name); };
            if (only && !in_race(*only)) return skip(f, only->name, kNotInRace, n);
            if (!only)
                for (const Check& c : checks_of(f, nullptr, nullptr, n))
                    if (!in_race(*c.variant)) skip(f, c.variant->name, kNotInRace, n);
            const auto [passed, failed] =
                g_race_replayer(f.path, only ? only->name : "", only && base ? base->name : "");
            n.passed += passed;
            n.failed += failed;
            if (only && passed + failed == 0)
                skip(f, only->name,
                     base ? fmt::format("no expect: line for it or its base {} (its race and schedule: lines were "
                                        "checked on the variant the schedule records, if this binary has it)",
                                        base->name)
                          : "no expect: line for it, and it names no base (--base VARIANT; its race and schedule: "
                            "lines were checked on the variant the schedule records, if this binary has it)",
                     n);
            return;
        }
        fmt::print("FAIL  {}  a race: file needs the daxcheck binary (the concurrency build)\n",
                   printable(f.path));
        n.failed += static_cast<int>(f.expect.size());
        return;
    }
    for (const Check& c : checks_of(f, only, base, n)) {
        const Replayed r = replay_on(f, *c.variant);
        const bool ok = r.fail != c.pass && !r.invalid;
        fmt::print("{:<5} {}  {:<20} {:<4} (expected {}{})\n", ok ? "ok" : "FAIL", printable(f.path),
                   c.variant->name, r.invalid ? "invalid" : r.fail ? "fail" : "pass",
                   c.pass ? "pass" : "fail", c.from.empty() ? "" : ", " + c.from);
        if (ok) {
            n.passed++;
            continue;
        }
        n.failed++;
        if (r.invalid) {
            fmt::print("      {}:{}: {}\n", printable(f.path), c.line, *r.invalid);
        } else if (r.fail) {
            fmt::print("      {}\n", r.failure);
            r.print_trace();
        } else {
            fmt::print("      {} kept {} on {}{}; the file shows: {}\n",
                       counted(f.fs_level ? f.fs_ops.size() : f.ops.size(), "operation"), f.property,
                       c.variant->name,
                       f.past.empty() ? ""
                                      : fmt::format(" past the {} its past: lines name (failures of those "
                                                    "are passed over)",
                                                    counted(f.past.size(), "class", "classes")),
                       f.shows);
        }
        fmt::print("      reproduce: {} replay {}{}\n", daxcheck_prefix({c.variant}),
                   only ? "--variant " + shell_quoted(only->name) + " " : "", shell_path(f.path));
    }
}

// --base: the file on the variant and on its base, compared by failure class.
struct FileDiff {
    std::string path;
    CellChange change;
    std::string patch_class, base_class;
    std::size_t patch_step = 0, base_step = 0;  // Replayed::failed_step of each
    std::size_t steps = 0;                      // the file's operations
    // At the filesystem level: the side that failed first showed the other
    // side's class past its own earlier failures, at `past_step` ("" when not).
    std::string shown_past;
    std::size_t past_step = 0;
    // Or it went on past its own failures to the file's end without the
    // other side's class: that class is new on the variant (or fixed on it,
    // when the variant failed first); "" when not.
    std::string ran_past;
    // Or it lost the model going on past them (an illegal derived call, a
    // BUG_ON) at `lost_at`, before showing the class: "" when not.
    std::string lost_past;
    std::size_t lost_at = 0;
    // Both sides failing at one step with different classes: what each
    // shows of the other's class going on past its own failures (at the
    // function level: that a class told by its message alone is hidden).
    std::vector<std::string> same_step_lines;
    // Fixed only by the checks the variant dropped or changed: what it
    // fails with held to its base's checks ("" when not).
    std::string held_class;

    // "#3", or "the end" (the final checks after the last operation).
    std::string step_name(std::size_t step) const {
        return step > steps ? "the end" : "#" + std::to_string(step);
    }
};

// What `run --base` says of the same classes at the function level
// (engines/base_diff.cpp): a class told by its message alone (a reference
// count) that the other side's failure at the same step hides is not seen;
// a fix that holds only because the variant declares fewer checks says so.
void function_level_notes(const CorpusFile& f, const Variant& v, const Variant& base, FileDiff& d) {
    const Property& p = *find_property(f.property);
    if (d.change == CellChange::DifferentCause && d.patch_step == d.base_step) {
        const auto hidden = [&](const Variant& side, const Variant& other) {
            for (const FailureAt& x : failures_along(side, p, f.universe, f.operations()))
                if (x.step == d.base_step) {
                    if (x.cls.warning_sites.empty() && x.cls.pfn_pairs.empty())
                        d.same_step_lines.push_back(fmt::format(
                            "{}'s class is told by its message alone and {} fails {} with another message, which "
                            "hides it there: whether {} has it is not seen",
                            side.name, other.name, d.step_name(x.step), other.name));
                    return;
                }
        };
        hidden(base, v);
        hidden(v, base);
    }
    if (d.change == CellChange::Fixed) {
        const CheckDiff checks = diff_checks(v, base);
        if (checks.dropped.empty() && checks.changed.empty()) return;
        Variant held = v;
        held.checks = base.checks;
        const Replayed h = replay_on(f, held);
        if (h.fail && !h.invalid) d.held_class = h.class_key;
    }
}

FileDiff diff_file(const CorpusFile& f, const Variant& v, const Variant& base) {
    const Replayed a = replay_on(f, v), b = replay_on(f, base);
    FileDiff d{f.path, CellChange::Passing, a.class_key, b.class_key, a.failed_step, b.failed_step,
               f.fs_level ? f.fs_ops.size() : f.ops.size()};
    const bool af = a.fail && !a.invalid, bf = b.fail && !b.invalid;
    if (!bf) d.change = af ? CellChange::NewFailure : CellChange::Passing;
    else if (!af) d.change = CellChange::Fixed;
    else d.change = a.class_key == b.class_key ? CellChange::SameCause : CellChange::DifferentCause;
    if (!f.fs_level) function_level_notes(f, v, base, d);
    // At the filesystem level the side that fails first may show the other's
    // class past that failure (explore and run --level fs --base look there too).
    if (d.change == CellChange::DifferentCause && f.fs_level && a.failed_step != b.failed_step) {
        const bool base_first = b.failed_step < a.failed_step;
        const Variant& first = base_first ? base : v;
        fslevel::PastOwnFailures how;
        const auto later = fslevel::replay_until_class(first, *find_property(f.property), f.universe,
                                                       f.fs_operations(), f.past,
                                                       base_first ? a.class_key : b.class_key, &how);
        const std::size_t other_step = base_first ? a.failed_step : b.failed_step;
        if (later && later->trace.failed_step() == other_step) {
            d.change = CellChange::SameCause;
            d.shown_past = first.name;
            d.past_step = other_step;
        } else if (how.ran_to_the_end) {
            d.ran_past = first.name;
        } else if (how.lost_at) {
            d.lost_past = first.name;
            d.lost_at = how.lost_at;
        }
    }
    // Both fail at the same step with different classes: each side, going
    // on past its own failures, may or may not show the other's class.
    if (d.change == CellChange::DifferentCause && f.fs_level && a.failed_step == b.failed_step) {
        const auto look = [&](const Variant& side, const Variant& other, const std::string& other_class,
                              const char* absent_word) {
            fslevel::PastOwnFailures how;
            const auto later = fslevel::replay_until_class(side, *find_property(f.property), f.universe,
                                                           f.fs_operations(), f.past, other_class, &how);
            if (later)
                d.same_step_lines.push_back(fmt::format("{} fails with {}'s class too at {}, past its own failures",
                                                        side.name, other.name,
                                                        d.step_name(later->trace.failed_step())));
            else if (how.ran_to_the_end)
                d.same_step_lines.push_back(fmt::format("going on past its own failures {} runs the file to its end "
                                                        "without {}'s class: on this file the class is {} on {}",
                                                        side.name, other.name, absent_word, v.name));
            else if (how.lost_at)
                d.same_step_lines.push_back(fmt::format("going on past its own failures {} loses the model at #{} "
                                                        "(an illegal derived call or a BUG_ON) without {}'s class: "
                                                        "not seen",
                                                        side.name, how.lost_at, other.name));
        };
        look(base, v, a.class_key, "new");
        look(v, base, b.class_key, "fixed");
    }
    return d;
}

// A replay stops at its first failure: where the two sides fail at
// different steps with different classes, what the side that fails first
// showed of the other's class going on past its own failures (diff_file),
// or that whether it has it is not seen; "" otherwise.
std::string first_side_line(const FileDiff& d, const Variant& only, const Variant& base) {
    const std::string first_at = d.step_name(std::min(d.patch_step, d.base_step));
    const std::string other_at = d.step_name(std::max(d.patch_step, d.base_step));
    const auto other_of = [&](const std::string& side) { return side == only.name ? base.name : only.name; };
    // (About this file only: explore and run --level fs --base also search
    // around it, and may find the class there.)
    if (!d.ran_past.empty())
        return fmt::format("{} fails at {}, before {} where {} fails; going on past its own failures it runs the "
                           "file to its end without {}'s class: on this file the class is {} on {} (a search "
                           "around it, explore --level fs --base, may find it on {})",
                           d.ran_past, first_at, other_at, other_of(d.ran_past), other_of(d.ran_past),
                           d.ran_past == only.name ? "fixed" : "new", only.name, d.ran_past);
    if (!d.lost_past.empty())
        return fmt::format("{} fails at {}, before {} where {} fails; going on past its own failures it loses the "
                           "model at #{} (an illegal derived call or a BUG_ON) without {}'s class: whether {} {} it "
                           "is not seen",
                           d.lost_past, first_at, other_at, other_of(d.lost_past), d.lost_at, other_of(d.lost_past),
                           d.lost_past, d.lost_past == only.name ? "still has" : "had");
    if (d.change != CellChange::DifferentCause || d.patch_step == d.base_step) return "";
    if (d.patch_step < d.base_step)
        return fmt::format("{} fails at {}, before {} where {} fails: whether {} still has {}'s failure is not seen",
                           only.name, first_at, other_at, base.name, only.name, base.name);
    return fmt::format("{} fails at {}, before {} where {} fails: whether {} had {}'s failure (then inherited) is "
                       "not seen",
                       base.name, first_at, other_at, only.name, base.name, only.name);
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

bool first_naming(std::set<std::string>& seen, const std::string& path) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    return seen.insert(ec ? path : canonical.string()).second;
}

// (cli/replay_command.h) The *.dax regular files in `dir`, sorted. Anything else named *.dax (a
// FIFO, a socket, a directory, a symlink loop or a dangling link) and a file
// that cannot be read are skipped with a line naming them, never opened: a
// FIFO would block the read forever.
std::vector<std::string> corpus_files_in(const std::string& dir, std::error_code& ec,
                                         std::size_t* skipped) {
    std::vector<std::string> files;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (p.extension() != ".dax") continue;
        std::error_code st_ec;
        const fs::file_status st = it->status(st_ec);  // through symlinks
        const bool readable = !st_ec && st.type() == fs::file_type::regular && ::access(p.c_str(), R_OK) == 0;
        if (!readable && skipped) ++*skipped;
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

void set_race_replayer(RaceReplayer replayer, RaceVariantQuery in_race) {
    g_race_replayer = replayer;
    g_in_race = in_race;
}


int replay_command(const std::vector<std::string>& given, const ReplayOptions& opts) {
    const Variant* only = nullptr;
    const Variant* base = nullptr;
    if (!opts.variant.empty()) {
        only = find_variant(opts.variant);
        if (!only) {
            std::string known;
            for (const auto& v : variants()) known += (known.empty() ? "" : ", ") + v.name;
            fmt::print(stderr, "daxcheck: --variant: unknown variant '{}' (known: {})\n", printable(opts.variant), known);
            return 2;
        }
        RunOptions run;
        run.variants = {only};
        run.base_from_ports = true;
        base = base_for(run, *only);
    }
    if (opts.base) {
        if (!only) {
            fmt::print(stderr, "daxcheck: replay --base compares one variant with its base: give --variant\n");
            return 2;
        }
        RunOptions run;
        run.variants = {only};
        if (auto e = set_base(run, opts.base); !e.empty()) {
            fmt::print(stderr, "daxcheck: {}\n", e);
            return 2;
        }
        base = base_for(run, *only);
        if (base == only) {  // every file would compare the variant with itself
            fmt::print(stderr, "daxcheck: replay --base {}: that is --variant's own; give another variant\n",
                       printable(only->name));
            return 2;
        }
    }
    std::vector<std::string> paths = given;
    if (paths.empty()) {
        // Shown relative to the working directory, as a user would type it.
        std::error_code ec;
        const auto shown = fs::proximate(default_corpus_dir(), ec);
        paths.push_back(ec ? default_corpus_dir() : shown.string());
    }
    FileCounts n;
    std::vector<FileDiff> diffs;
    std::set<std::string> named;  // variants some expect: line names
    std::set<std::string> replayed;  // files, by first_naming
    for (const auto& path : paths) {
        std::vector<CorpusError> errors;
        std::size_t skipped = 0;
        const auto files = expand(path, errors, skipped);
        n.skipped += static_cast<int>(skipped);
        for (const auto& e : errors) {
            fmt::print("{}\n", e.text());
            n.failed++;
        }
        for (const auto& file : files) {
            if (!first_naming(replayed, file)) continue;
            const CorpusParse parsed = load_corpus(file);
            if (!parsed.file) {
                for (const auto& e : parsed.errors) fmt::print("{}\n", e.text());
                n.failed++;
                continue;
            }
            for (const auto& e : parsed.file->expect) named.insert(e.variant);
            if (opts.base && parsed.file->race) {  // two operations at once: race/ replays those
                skip(*parsed.file, only->name, "a race: file is not compared with a base (./daxcheck replay --variant V FILE replays it on V)", n);
                continue;
            }
            if (opts.base) diffs.push_back(diff_file(*parsed.file, *only, *base));
            else replay_file(*parsed.file, only, base, n);
        }
    }
    if (opts.base) {
        print_check_diff(*only, *base);
        fmt::print("\n");
        fmt::print("{} against {}, by failure class:\n", only->name, base->name);
        std::size_t regressions = 0;
        for (const auto& d : diffs) {
            const bool bad = is_regression(d.change);
            regressions += bad;
            fmt::print("{:<34} {}{}\n", to_string(d.change) + (d.held_class.empty() ? "" : ", by a dropped check"),
                       printable(d.path), bad ? "   <-" : "");
            if (!d.held_class.empty())
                fmt::print("      only by the checks {} dropped or changed: held to {}'s checks, it still fails "
                           "this file with {}\n", only->name, base->name, d.held_class);
            if (!d.shown_past.empty())
                fmt::print("      {} fails with it too at {}, past its own earlier failure of another class\n",
                           d.shown_past, d.step_name(d.past_step));
            if (d.change == CellChange::DifferentCause || d.change == CellChange::NewFailure)
                fmt::print("      {}: {}\n", only->name, d.patch_class);
            if (d.change == CellChange::DifferentCause || d.change == CellChange::Fixed)
                fmt::print("      {}: {}\n", base->name, d.base_class);
            for (const std::string& line : d.same_step_lines) fmt::print("      {}\n", line);
            if (const std::string line = first_side_line(d, *only, *base); !line.empty())
                fmt::print("      {}\n", line);
            // Every failure gives the one command that shows it again.
            if (bad)
                fmt::print("      reproduce: {} replay --variant {} --base {} {}\n", daxcheck_prefix({only, base}),
                           shell_quoted(only->name), shell_quoted(base->name), shell_path(d.path));
        }
        fmt::print("{}, {} failed to parse: {}\n", counted(diffs.size(), "file"), n.failed,
                   regressions_text(regressions));
        if (diffs.empty() && n.failed == 0) return nothing_checked();
        return regressions || n.failed ? 1 : 0;
    }
    // Never a silent pass over a port: say which variants of this binary no
    // file checked.
    if (!only)
        for (const auto& v : variants())
            if (!v.port_file.empty() && !named.count(v.name)) {
                if (v.base.empty())  // replay --variant would skip every file
                    fmt::print("not replayed: {} (an out-of-tree port no expect: line names, with no "
                               ".base whose expectations replay --variant could take: give it a .base "
                               "or add expect: lines for it)\n",
                               v.name);
                else
                    fmt::print("not replayed: {} (an out-of-tree port no expect: line names; "
                               "{} replay --variant {} replays the corpus against it with its base's "
                               "expectations)\n",
                               v.name, daxcheck_prefix({&v}), shell_quoted(v.name));
                n.skipped++;
            }
    fmt::print("{} passed, {} failed, {} skipped\n", n.passed, n.failed, n.skipped);
    if (n.passed + n.failed == 0) return nothing_checked();
    return n.failed == 0 ? 0 : 1;
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
    int already = 0, again = 0;
    std::set<std::pair<std::string, std::string>> saved;  // (sequence key, variant) written by this call
    // Every class a cell found, each with its own counterexample, in the
    // universe it fails in (a default run also walks other PMD orders).
    std::vector<const RunRow*> failures;
    for (const auto& row : rows) {
        failures.push_back(&row);
        for (const auto& more : row.more_classes) failures.push_back(&more);
    }
    for (const RunRow* failure : failures) {
        const RunRow& row = *failure;
        if (row.result.verdict != CellResult::Verdict::Fail || row.result.counterexample.empty())
            continue;
        const auto& ops = row.result.counterexample;
        const model::Universe& universe = row.universe ? *row.universe : opts.cell.universe;
        const std::string key = sequence_key(row.property->name, universe, ops);
        if (known[key].count(row.variant->name)) {  // already in the corpus, or saved for another cell
            (saved.count({key, row.variant->name}) ? again : already)++;
            continue;
        }
        CorpusFile f;
        f.universe = universe;
        f.property = row.property->name;
        f.profile = row.profile;
        f.shows = row.trace.failure().empty() ? row.result.message : row.trace.failure();
        std::replace(f.shows.begin(), f.shows.end(), '\n', ' ');
        if (f.shows.size() > 400) f.shows = f.shows.substr(0, 400) + " ...";
        f.expect_failure(row.variant->name, row.variant->port_file);
        for (const auto& op : ops) f.ops.push_back({op, 0});
        std::vector<std::string> comment = {"Saved by ./daxcheck " + command + " --save-failures from:",
                                            "  " + row.reproduce};
        // A cell with several classes saves one file per class: say which.
        if (row.failure_class) comment.push_back("Failure class: " + row.failure_class->key());
        comment.push_back(row.expected.pass
                              ? "Not in impl/expectations.cpp: a new finding; explain it here."
                              : "Why the cell is expected to fail: " + row.expected.why);
        if (!write_corpus_file(dir, corpus_file_name(row), corpus_text(f, comment))) {
            all_ok = false;
            continue;
        }
        known[key].insert(row.variant->name);
        saved.insert({key, row.variant->name});
    }
    print_not_saved(already, again, dir);
    return all_ok;
}

void print_not_saved(int already, int again, const std::string& dir) {
    if (already)
        fmt::print("{} counterexample{} already in {}: not saved again\n", already, already == 1 ? "" : "s",
                   printable(dir));
    // The same sequence often fails a variant's exclusive and reflink cells.
    if (again)
        fmt::print("{} counterexample{} found by more than one cell of this run: saved once\n", again,
                   again == 1 ? "" : "s");
}

}  // namespace daxcheck
