// libFuzzer target: a corpus file's bytes through the parser and, when they
// parse, through deterministic replay on every variant the file names; and
// each line of the input through the operation parser (harness/op_text.h),
// whose every accepted operation must print back to a line that parses to
// the same operation; filesystem-level files (`level: fs`) and lines go
// through fslevel/ the same way. Any crash, sanitizer report or hang is a bug; a crash
// input becomes a file in tests/corpus_bad/ (or a seed file) and a row in
// tests/corpus_test.cpp (tests/op_text_test.cpp for the operation parser).
//   ./daxcheck fuzz --seconds 300
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "engines/corpus_file.h"
#include "engines/replay.h"
#include "fslevel/fs_replay.h"
#include "fslevel/fs_text.h"
#include "harness/op_text.h"

namespace {

// Every line through parse_op; an accepted operation round-trips through to_text.
void fuzz_op_lines(std::string_view text) {
    using namespace daxcheck;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        const auto parsed = parse_op(text.substr(0, end));
        if (const auto* op = std::get_if<model::Op>(&parsed)) {
            const auto again = parse_op(to_text(*op));
            const auto* same = std::get_if<model::Op>(&again);
            if (!same || !(*same == *op)) __builtin_trap();
        }
        text.remove_prefix(std::min(end + 1, text.size()));
    }
}

// The same for filesystem operations (fslevel/fs_text.h).
void fuzz_fs_op_lines(std::string_view text) {
    using namespace daxcheck;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        const auto parsed = fslevel::parse_op(text.substr(0, end));
        if (const auto* op = std::get_if<fslevel::Op>(&parsed)) {
            const auto again = fslevel::parse_op(fslevel::to_text(*op));
            const auto* same = std::get_if<fslevel::Op>(&again);
            if (!same || fslevel::to_text(*same) != fslevel::to_text(*op)) __builtin_trap();
        }
        text.remove_prefix(std::min(end + 1, text.size()));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace daxcheck;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz_op_lines(text);
    fuzz_fs_op_lines(text);
    const CorpusParse parsed = parse_corpus("fuzz.dax", text);
    if (parsed.file.has_value() == !parsed.errors.empty()) __builtin_trap();
    if (!parsed.file) return 0;
    const CorpusFile& f = *parsed.file;
    if (f.race) {
        // A `race:` file replays in the concurrency build (`./daxcheck race
        // --replay`, race/), which this target does not link: here the
        // parser's own promises only. Two sides of two files, a schedule
        // naming only them, and property race.
        const CorpusRace& r = *f.race;
        if (f.property != "race" || r.files[0] == r.files[1] || r.schedule.empty()) __builtin_trap();
        for (int side : r.schedule)
            if (side != 0 && side != 1) __builtin_trap();
        return 0;
    }
    if (f.property == "race") __builtin_trap();  // property race without its `race:` line
    const Property* property = find_property(f.property);
    if (!property) __builtin_trap();  // the parser accepted an unknown property
    if (f.fs_level) {
        // Through each named variant's fault path. A sequence may be legal in
        // the file and not for one version's XFS (replay reports it): no trap.
        const auto fs_ops = f.fs_operations();
        for (const auto& e : f.expect) {
            const Variant* v = find_variant(e.variant);
            if (!v) __builtin_trap();
            if (fault_path_of(*v)) (void)fslevel::replay(*v, *property, f.universe, fs_ops);
        }
        return 0;
    }
    const auto ops = f.operations();
    for (const auto& e : f.expect) {
        const Variant* v = find_variant(e.variant);
        if (!v) __builtin_trap();
        const ReplayResult r = replay(*v, *property, f.universe, ops);
        if (r.invalid) __builtin_trap();  // the parser accepted an illegal operation
    }
    return 0;
}
