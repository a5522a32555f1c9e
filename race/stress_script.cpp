#include "race/stress_script.h"

#include <fmt/format.h>

#include "fslevel/fs_text.h"
#include "fslevel/xfs_io.h"
#include "model/overloaded.h"

namespace daxcheck::race {

namespace {

constexpr std::uint64_t kPage = 4096, kPmd = 2 << 20;
constexpr int kTouchesPerProcess = 200;  // faults per xfs_io process: few process starts under TCG

// The xfs_io command that repeats side `op`'s fault `kTouchesPerProcess`
// times (page o of the model is the chunk at o * (2 MiB >> pmd-order), as in
// fslevel/xfs_io.cpp); "" for an operation that is no fault (run it once).
std::string repeated_fault(const fslevel::Op& op, unsigned pmd_order) {
    const std::uint64_t chunk = kPmd >> pmd_order;
    auto loop = [&](model::FileId f, std::uint64_t offset, bool write) {
        const std::uint64_t at = offset * chunk;
        // The whole 2 MiB range around the page is mapped either way: the
        // kernel then takes PMD faults where the extent allows (the torn
        // folios of the 7.x reproducer need them) and PTE faults elsewhere.
        const std::uint64_t first = at / kPmd * kPmd;
        const std::uint64_t len = kPmd;
        std::string c = fmt::format("xfs_io -c \"mmap {} {} {}\"", write ? "-w" : "-r", first, len);
        // Each touch faults; madvise -d (MADV_DONTNEED) zaps the mapping so the next one faults again.
        const std::string touch = write ? fmt::format(" -c \"mwrite -S 0x63 {} 1\" -c \"msync {} {}\"", at, first, len)
                                        : fmt::format(" -c \"mread {} 1\"", at);
        for (int i = 0; i < kTouchesPerProcess; i++)
            c += touch + fmt::format(" -c \"madvise -d {} {}\"", first, len);
        return c + fmt::format(" \"$MNT/{}\" >/dev/null", model::file_letter(f));
    };
    return std::visit(overloaded{[&](const fslevel::ReadFault& o) { return loop(o.file, o.offset, false); },
                                 [&](const fslevel::WriteFault& o) { return loop(o.file, o.offset, true); },
                                 [](const auto&) { return std::string(); }},
                      op);
}

}  // namespace

std::string stress_script(const RaceFailure& f, const model::Universe& u, const std::string& variant,
                          unsigned seconds) {
    std::vector<fslevel::Op> prefix;
    for (const auto& text : f.prefix) prefix.push_back(std::get<fslevel::Op>(fslevel::parse_op(text)));
    const std::string title = fmt::format("race {} || {} on {} (stress, {} s)", f.pair.a.text,
                                          f.pair.b.text, variant, seconds);
    std::string s = fslevel::xfs_io_script(prefix, u, title, "./daxcheck race --level fs --emit").text;
    const std::string end = "echo \"daxcheck: end\"\n";
    s.erase(s.rfind(end));
    std::size_t n = prefix.size() + 1;
    s += fmt::format("step {} \"race: {} || {}, two processes for {} s\"\n", n, f.pair.a.text, f.pair.b.text, seconds);
    s += fmt::format("stop=$(( $(date +%s) + {} ))\n", seconds);
    int side = 0;
    for (const Side* x : {&f.pair.a, &f.pair.b}) {
        const fslevel::Op op = std::get<fslevel::Op>(fslevel::parse_op(x->text));
        std::string cmd = repeated_fault(op, u.pmd_order);
        if (cmd.empty()) {  // a truncate or punch cannot repeat: the race is its one run
            s += fmt::format("# {} is no fault: not repeated by this stress script\n", x->text);
            continue;
        }
        s += fmt::format(
            "( rounds=0; while [ \"$(date +%s)\" -lt \"$stop\" ]; do {} || echo \"daxcheck: process {} "
            "exit $? (SIGBUS is 135)\"; rounds=$((rounds + 1)); done; echo \"daxcheck: process {} ran "
            "$rounds rounds of {} faults\" ) &\n",
            cmd, side, side, kTouchesPerProcess);
        side++;
    }
    s += "wait\n";
    s += fmt::format("ran {}\n", n);
    // Read back through a fresh mapping, delete both files, reuse their blocks.
    n++;
    s += fmt::format("step {} \"read back {} and {}\"\n", n, model::file_letter(f.pair.a.file),
                     model::file_letter(f.pair.b.file));
    s += fmt::format("xfs_io -c \"mmap -r 0 {}\" -c \"mread 0 {}\" \"$MNT/{}\" >/dev/null && xfs_io -c \"mmap -r 0 {}\" "
                     "-c \"mread 0 {}\" \"$MNT/{}\" >/dev/null; ran {}\n",
                     kPmd, kPmd, model::file_letter(f.pair.a.file), kPmd, kPmd,
                     model::file_letter(f.pair.b.file), n);
    n++;
    s += fmt::format("step {} \"delete every file\"\n", n);
    s += fmt::format("rm -f \"$MNT\"/[A-Z] && sync; ran {}\n", n);
    n++;
    s += fmt::format("step {} \"a new unshared file faults the freed blocks\"\n", n);
    s += fmt::format("xfs_io -f -c \"pwrite -b {0} -q -S 0x64 0 {1}\" -c fsync -c \"mmap -r 0 {1}\" -c \"mread 0 {1}\" "
                     "-c \"mmap -w 0 {2}\" -c \"mwrite -S 0x65 0 {2}\" -c \"msync 0 {2}\" \"$MNT/Z\" >/dev/null; ran {3}\n",
                     kPmd, 4 * kPmd, kPage, n);
    s += end;  // the file system stays mounted: the runner reads /proc/mounts after the script
    return s;
}

nlohmann::json stress_predictions(const RaceFailure& f, const std::string& variant,
                                  const std::string& source) {
    nlohmann::json steps = nlohmann::json::array();
    const auto none = nlohmann::json::array();
    std::size_t n = 0;
    for (const auto& op : f.prefix) steps.push_back({{"step", ++n}, {"op", op}, {"skipped", false}, {"warnings", none}});
    nlohmann::json race_warnings = nlohmann::json::array();
    for (const auto& w : f.outcome.warnings) {  // "WARN_ON_ONCE(condition) in function"
        const auto in = w.rfind(") in ");
        const std::string head = "WARN_ON_ONCE(";
        if (in == std::string::npos || w.rfind(head, 0) != 0) continue;
        race_warnings.push_back({{"function", w.substr(in + 5)}, {"condition", w.substr(head.size(), in - head.size())}});
    }
    steps.push_back({{"step", ++n}, {"op", "race: " + f.pair.a.text + " || " + f.pair.b.text},
                     {"skipped", false}, {"warnings", race_warnings}});
    for (const char* op : {"read back", "delete every file", "a new unshared file faults the freed blocks"})
        steps.push_back({{"step", ++n}, {"op", op}, {"skipped", false}, {"warnings", none}});
    return {{"source", source}, {"variant", variant}, {"complete", true}, {"skipped", nlohmann::json::array()},
            {"steps", steps}};
}

}  // namespace daxcheck::race
