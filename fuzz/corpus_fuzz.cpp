// libFuzzer target: a corpus file's bytes through the parser and, when they
// parse, through deterministic replay on every variant the file names. Any
// crash, sanitizer report or hang is a bug; a crash input becomes a file in
// tests/corpus_bad/ (or a seed file) and a row in tests/corpus_test.cpp.
//   ./daxcheck fuzz --seconds 300
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engines/corpus_file.h"
#include "engines/replay.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace daxcheck;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const CorpusParse parsed = parse_corpus("fuzz.dax", text);
    if (parsed.file.has_value() == !parsed.errors.empty()) __builtin_trap();
    if (!parsed.file) return 0;
    const CorpusFile& f = *parsed.file;
    const Property* property = find_property(f.property);
    if (!property) __builtin_trap();  // the parser accepted an unknown property
    const auto ops = f.operations();
    for (const auto& e : f.expect) {
        const Variant* v = find_variant(e.variant);
        if (!v) __builtin_trap();
        const ReplayResult r = replay(*v, *property, f.universe, ops);
        if (r.invalid) __builtin_trap();  // the parser accepted an illegal operation
    }
    return 0;
}
