// Generation statistics of one cell: what the generated operation sequences
// exercised, counted by the runner over the tests RapidCheck ran up to (and
// with) the first failure; shrinking is not counted. A property whose runs
// never reached a case it exists for passes vacuously: the report flags it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/state.h"
#include "properties/property.h"

namespace daxcheck {

enum class OpKind {
    AssociateExclusive,  // associate shared=0 (legal)
    AssociateShared,     // associate shared=1 (legal)
    Disassociate,
    Truncate,
    Pin,
    Unpin,
    Misuse,  // an operation the model calls illegal (misuse properties only)
};
inline constexpr std::size_t kOpKinds = 7;

enum class Case {
    PmdEntry,          // an associate of PMD order
    SharedPfn,         // a pfn reached two owners or more
    ReflinkSameFile,   // a pfn owned twice by the same file (reflink inside one file)
    TruncatePinned,    // a truncate of an entry with a pinned pfn
    InvalidatePinned,  // a disassociate (invalidate) of an entry with a pinned pfn
    EntriesAtEnd,      // two entries or more left at the end of the sequence
    SharedAtEnd,       // a pfn with two owners or more left at the end
    MisuseOp,          // a misuse operation
};
inline constexpr std::size_t kCases = 8;

std::string op_kind_name(OpKind k);  // "associate", "associate-shared", ...
std::string case_name(Case c);       // "pmd", "shared-pfn", ...
std::string case_description(Case c);

// One test run, filled step by step on the runner's hot path (a few
// comparisons per step) and once at the end of the sequence.
struct TestStats {
    std::array<std::uint32_t, kOpKinds> ops{};
    std::uint32_t length = 0;
    std::uint32_t max_owners = 0;
    std::array<bool, kCases> reached{};

    // `after` is the model after the operation (unchanged for a misuse).
    void note_step(const model::ModelState& before, const model::Op& op, bool legal,
                   const model::ModelState& after);
    // The model at the end of a sequence that ran to its end.
    void note_end(const model::ModelState& end);
};

inline constexpr std::size_t kLengthBuckets = 6;  // 0, 1-4, 5-9, 10-19, 20-49, 50+
std::string length_bucket_name(std::size_t i);

struct GenerationStats {
    std::uint32_t runs = 0;  // test runs counted
    std::array<std::uint64_t, kOpKinds> ops{};
    std::uint64_t length_total = 0;
    std::uint32_t length_min = 0, length_max = 0;
    std::array<std::uint32_t, kLengthBuckets> length_buckets{};
    std::uint32_t max_owners = 0;                 // the most owners any pfn reached
    std::array<std::uint32_t, 5> owners_runs{};   // runs whose largest pfn had 0, 1, 2, 3, 4+ owners
    std::array<std::uint32_t, kCases> runs_reaching{};

    void add(const TestStats& t);
    std::uint64_t operations() const {
        std::uint64_t n = 0;
        for (auto k : ops) n += k;
        return n;
    }
    double share(Case c) const { return runs ? double(runs_reaching[std::size_t(c)]) / runs : 0; }
    friend bool operator==(const GenerationStats&, const GenerationStats&) = default;
};

// The cases a property exists for, in a profile (refinement in the reflink
// profile exists for shared pfns, pin-warning for truncates of pinned pages, ...).
std::vector<Case> required_cases(const std::string& property, Profile profile);

// The required cases no counted run reached.
std::vector<Case> unreached_cases(const GenerationStats& s, const std::string& property,
                                  Profile profile);

}  // namespace daxcheck
