#include "cli/fs_save.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "cli/output_file.h"
#include "cli/replay_command.h"
#include "engines/corpus_file.h"
#include "fslevel/fs_replay.h"
#include "fslevel/fs_text.h"
#include "harness/printable.h"

namespace daxcheck {
namespace {

namespace fs = std::filesystem;

std::string sequence_key(const std::string& property, const model::Universe& u,
                         const std::vector<fslevel::Op>& ops) {
    std::string key = property + "\n" + universe_text(u) + "\n";
    for (const auto& op : ops) key += fslevel::to_text(op) + "\n";
    return key;
}

std::string file_part(const std::string& s) {
    std::string out;
    for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
    return out;
}

}  // namespace

std::string fs_corpus_file_name(const FsFailure& f) {
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64 of the operations' text
    for (const auto& op : f.ops)
        for (unsigned char c : fslevel::to_text(op) + "\n") h = (h ^ c) * 0x100000001b3ull;
    return fmt::format("fs-{}--{}--{}--{:08x}.dax", file_part(f.variant->name), file_part(f.property->name),
                       to_string(f.profile), static_cast<std::uint32_t>(h ^ (h >> 32)));
}

bool save_fs_failures(const std::vector<FsFailure>& failures, const model::Universe& u,
                      const std::string& dir, const std::string& command) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    // Filesystem-level sequences already there, with the variants each is expected to fail on.
    std::map<std::string, std::set<std::string>> known;
    for (const auto& file : corpus_files_in(dir, ec)) {
        const auto parsed = load_corpus(file);
        if (!parsed.file || !parsed.file->fs_level) continue;
        auto& variants = known[sequence_key(parsed.file->property, parsed.file->universe,
                                            parsed.file->fs_operations())];
        for (const auto& e : parsed.file->expect)
            if (!e.pass) variants.insert(e.variant);
    }
    bool all_ok = true;
    int already = 0, again = 0;
    std::set<std::pair<std::string, std::string>> saved;  // (sequence key, variant) written by this call
    for (const auto& f : failures) {
        const std::string key = sequence_key(f.property->name, u, f.ops);
        if (known[key].count(f.variant->name)) {  // already there, or saved for another cell
            (saved.count({key, f.variant->name}) ? again : already)++;
            continue;
        }
        CorpusFile c;
        c.fs_level = true;
        c.universe = u;
        c.property = f.property->name;
        c.profile = f.profile;
        c.shows = f.message.substr(0, 400);
        std::replace(c.shows.begin(), c.shows.end(), '\n', ' ');
        c.expect_failure(f.variant->name, f.variant->port_file);
        c.past = f.classes_before;
        for (const auto& op : f.ops) c.fs_ops.push_back({op, 0});
        std::vector<std::string> comment = {"Saved by ./daxcheck " + command + " --level fs --save-failures from:",
                                            "  " + f.reproduce};
        // A cell saves one file per class: say which (the cell's reason below
        // names one known bug, which may be another class's).
        comment.push_back("Failure class: " + fslevel::failure_class(f.property->name, f.message));
        comment.push_back(f.expected.pass ? "Not in impl/expectations.cpp: a new finding; explain it here."
                                          : "Why the cell is expected to fail: " + f.expected.why);
        comment.push_back("");
        comment.push_back(fmt::format("The calls {}'s fault path derives (daxcheck emit FILE --calls):",
                                      f.variant->name));
        const auto rep = fslevel::replay(*f.variant, *f.property, u, f.ops, f.classes_before);
        for (const auto& step : rep.trace.steps) {
            comment.push_back(step.op + fslevel::step_mark(step));
            for (const auto& call : step.calls) {
                std::string w;
                for (const auto& x : call.warnings) w += " " + x;
                comment.push_back("  " + call.op + (call.legal ? "" : " (illegal)") + w);
            }
        }
        if (!f.classes_before.empty()) {
            comment.push_back(fmt::format("Failure class {} of its cell, found past the classes before it (the "
                                          "past: lines): replay passes over those too, so the file fails only "
                                          "while this class is there.",
                                          f.classes_before.size() + 1));
        }
        comment.push_back("Boot it: ./daxcheck kernel FILE (README, \"On a running kernel\").");
        if (!write_corpus_file(dir, fs_corpus_file_name(f), corpus_text(c, comment))) {
            all_ok = false;
            continue;
        }
        known[key].insert(f.variant->name);
        saved.insert({key, f.variant->name});
    }
    print_not_saved(already, again, dir);
    return all_ok;
}

}  // namespace daxcheck
