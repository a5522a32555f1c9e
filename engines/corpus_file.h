// A corpus file (corpus/*.dax, format in corpus/README.md): a header that
// names the universe, the property and the expected verdict per variant, then
// one operation per line in the syntax of harness/op_text.h. Parsing never
// throws: a bad file yields errors of the form `FILE:LINE: what is wrong`.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fslevel/fs_op.h"
#include "model/op.h"
#include "model/universe.h"
#include "properties/property.h"

namespace daxcheck {

// Caps that keep a corrupted or hostile file cheap to reject.
constexpr std::size_t kCorpusMaxFileBytes = 1 << 20;
constexpr std::size_t kCorpusMaxLineBytes = 4096;
constexpr std::size_t kCorpusMaxOperations = 10000;
// Every universe the command line accepts (model::universe_problem), so a
// file --save-failures writes always reads back.
constexpr std::uint64_t kCorpusMaxPfns = model::kMaxPfns;  // also the cap on offsets
constexpr std::size_t kCorpusMaxErrors = 20;

struct CorpusExpect {
    std::string variant;
    bool pass = true;
    int line = 0;
    // False for a variant this binary does not have: an out-of-tree port's,
    // named by a `port: FILE` header (replay says it skipped it and how to run it).
    bool registered = true;
};

struct CorpusOp {
    model::Op op;
    int line = 0;
};

struct CorpusFsOp {
    fslevel::Op op;
    int line = 0;
};

// `kernel: 6.1 warns dax_associate_entry` / `kernel: 6.12 clean`: what a
// running kernel does with the file's reproducer (./daxcheck kernel).
struct CorpusKernelExpect {
    std::string kernel;
    bool clean = false;
    std::vector<std::string> warns;  // functions that must warn (or BUG, with `bugs`)
    bool bugs = false;               // `KERNEL bugs FUNCTION...`: a kernel BUG, not a WARNING
    int line = 0;
};

// `race: OP || OP` and `schedule: A B A ...` after the operations (with
// `property: race`; docs/contract.md section 10): the two operations, of two
// different files, run concurrently from the state the operations reach, in
// the interleaving the schedule names (the file of the operation that runs
// each step) on the variant of the first `expect:` line, every step of that
// run. Replayed by `./daxcheck replay` (race/race_corpus.h), which checks the
// schedule against that run (the parser cannot: it takes the concurrency build).
struct CorpusRace {
    std::array<std::string, 2> sides;    // as written, each an operation of the file's level
    std::array<model::FileId, 2> files{};
    std::vector<int> schedule;           // per step: 0 (the first side) or 1
    int line = 0;                        // the race: line
    int schedule_line = 0;
};

struct CorpusFile {
    std::string path;
    bool fs_level = false;  // `level: fs`: the operations are filesystem operations (SPEC 8)
    model::Universe universe;
    std::string property;
    std::optional<Profile> profile;  // optional header: exclusive forbids shared=1
    std::string shows;
    // `past:` headers (level fs only): failure classes (fslevel's
    // failure_class text) a replay passes over, as the --classes search
    // that found the file's class did; `expect: V fail` then means V fails
    // with a class not among them.
    std::vector<std::string> past;
    std::vector<CorpusExpect> expect;
    std::vector<CorpusOp> ops;
    std::vector<CorpusFsOp> fs_ops;
    std::vector<CorpusKernelExpect> kernel;
    std::optional<CorpusRace> race;
    // `port: FILE` headers: out-of-tree port files whose variants `expect:`
    // lines may name (as written; relative to the corpus file's directory).
    std::vector<std::string> ports;

    std::vector<model::Op> operations() const;
    std::vector<fslevel::Op> fs_operations() const;
    // What --save-failures writes for a failure on variant `name`: an
    // `expect: NAME fail` line and, when `port_file` (the variant's
    // Variant::port_file) is not empty, a `port:` line naming it, so that
    // replay skips the file, saying so, in a binary without that port.
    void expect_failure(const std::string& name, const std::string& port_file);
};

struct CorpusError {
    std::string path;
    int line = 0;
    std::string message;
    std::string text() const;  // "FILE:LINE: message" ("FILE: message" when line is 0)
};

struct CorpusParse {
    std::optional<CorpusFile> file;  // set exactly when `errors` is empty
    std::vector<CorpusError> errors;
};

// Parses a file's content; `path` only names it in errors.
CorpusParse parse_corpus(std::string_view path, std::string_view content);
// Reads (at most the size cap plus one byte) and parses; anything but a
// regular file (a FIFO, a device) is an error, never a blocking read.
CorpusParse load_corpus(const std::string& path);
// "a FIFO", "a directory", ...: a stat mode in words.
std::string file_kind(unsigned mode);

// The file's text in the canonical layout (what --save-failures writes).
// `comment` lines are written as `# ...` above the header.
std::string corpus_text(const CorpusFile& f, const std::vector<std::string>& comment = {});

// FNV-1a of the operation lines: the short content hash in saved file names.
std::string operations_hash(const std::vector<model::Op>& ops);

// "universe: files=3 pfns=4 offsets=4 pmd-order=1 max-pins=2" without the key.
std::string universe_text(const model::Universe& u);

}  // namespace daxcheck
