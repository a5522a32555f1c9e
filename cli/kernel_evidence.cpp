#include "cli/kernel_evidence.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "cli/replay_command.h"
#include "engines/corpus_file.h"
#include "harness/printable.h"
#include "fslevel/fs_text.h"

namespace daxcheck {
namespace {

std::string key_of(const model::Universe& u, const std::vector<fslevel::Op>& ops) {
    std::string key = universe_text(u) + "\n";
    for (const auto& op : ops) key += fslevel::to_text(op) + "\n";
    return key;
}

}  // namespace

void KernelEvidence::add_corpus_dir(const std::string& dir) {
    std::error_code ec;
    for (const auto& file : corpus_files_in(dir, ec)) {
        const auto parsed = load_corpus(file);
        if (!parsed.file || !parsed.file->fs_level || parsed.file->kernel.empty()) continue;
        for (const auto& k : parsed.file->kernel) {
            std::string what = k.clean ? "clean" : k.bugs ? "bugs" : "warns";
            for (const auto& w : k.warns) what += " " + w;
            add(key_of(parsed.file->universe, parsed.file->fs_operations()), {k.kernel, what, file});
        }
    }
}

bool KernelEvidence::add_kernel_json(const std::string& path, std::string& error) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {  // a FIFO would block the read
        error = fmt::format("--kernel-json {}: not a regular file", printable(path));
        return false;
    }
    std::ifstream in(path);
    if (!in) {
        error = fmt::format("--kernel-json {}: cannot read it", path);
        return false;
    }
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        error = fmt::format("--kernel-json {}: not JSON ({})", path, e.what());
        return false;
    }
    if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array()) {
        error = fmt::format("--kernel-json {}: no \"results\" list (write it with ./daxcheck kernel --json)", path);
        return false;
    }
    // A field that is there must have its type: value() would throw.
    std::size_t index = 0, with_input = 0;
    const auto text = [&](const nlohmann::json& r, const char* key, std::string& out) {
        if (!r.contains(key)) return true;
        if (r[key].is_string()) {
            out = r[key].get<std::string>();
            return true;
        }
        error = fmt::format("--kernel-json {}: results[{}].{} is not a string", path, index, key);
        return false;
    };
    for (; index < doc["results"].size(); index++) {
        const auto& r = doc["results"][index];
        if (!r.is_object() || !r.contains("input") || !r["input"].is_string()) continue;
        with_input++;
        std::string kernel = "?", verdict = "?";
        if (!text(r, "kernel", kernel) || !text(r, "verdict", verdict)) return false;
        const std::string input = r["input"].get<std::string>();
        const auto parsed = load_corpus(input);
        // A hand-written reproducer (a .sh) has no corpus file; a .dax that
        // does not load cannot be matched with a sequence: say so.
        if (!parsed.file && std::filesystem::path(input).extension() == ".dax") {
            error = fmt::format("--kernel-json {}: results[{}].input {}: {}", printable(path), index,
                                printable(input),
                                parsed.errors.empty() ? "cannot be read" : parsed.errors.front().message);
            return false;
        }
        if (!parsed.file || !parsed.file->fs_level) continue;
        if (r.contains("release") && r["release"].is_string())
            kernel += " (" + r["release"].get<std::string>() + ")";
        // What it printed (kind, function, step), then the comparison with the port.
        std::string events;
        if (r.contains("details") && r["details"].is_object() && r["details"].contains("events") &&
            r["details"]["events"].is_array())
            for (const auto& e : r["details"]["events"]) {
                if (!e.is_object()) continue;
                const auto str = [&](const char* k) {
                    return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string("?");
                };
                events += fmt::format("{}{} {} at step {}", events.empty() ? "" : ", ", str("kind"),
                                      str("identified_function"), str("step"));
            }
        add(key_of(parsed.file->universe, parsed.file->fs_operations()),
            {kernel, (events.empty() ? "nothing" : events) + "; " + verdict, path});
    }
    if (with_input == 0) {
        error = fmt::format("--kernel-json {}: no result names its \"input\" (write it with ./daxcheck kernel --json)",
                            path);
        return false;
    }
    return true;
}

void KernelEvidence::add(const std::string& key, KernelObservation o) {
    auto& seen = by_sequence_[key];
    for (const auto& s : seen)
        if (s.kernel == o.kernel && s.what == o.what) return;  // the same boot twice (another cell)
    seen.push_back(std::move(o));
}

std::vector<KernelObservation> KernelEvidence::of(const model::Universe& u,
                                                  const std::vector<fslevel::Op>& ops) const {
    auto it = by_sequence_.find(key_of(u, ops));
    return it == by_sequence_.end() ? std::vector<KernelObservation>{} : it->second;
}

}  // namespace daxcheck
