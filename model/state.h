// The abstract state of SPEC section 2 and the pure functions over it:
// legality (section 3), the transition function, and which warnings a kernel
// may or must raise for an operation (section 5). No encoding lives here.
#pragma once

#include <boost/container/flat_map.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/op.h"
#include "model/universe.h"

namespace daxcheck::model {

struct Owner {
    FileId file = 0;
    PageOffset offset = 0;
    friend bool operator==(const Owner&, const Owner&) = default;
    friend auto operator<=>(const Owner&, const Owner&) = default;
};

struct PfnState {
    std::vector<Owner> owners;  // a multiset, kept sorted
    bool shared = false;        // an association came through the shared path
    unsigned pins = 0;          // extra page references
    friend bool operator==(const PfnState&, const PfnState&) = default;
};

// The kinds of DAX entry (SPEC 8): a PTE or PMD entry of pfns, a zero-page
// entry (read fault of a hole) or an empty, locked placeholder (a fault in
// progress). Zero and empty entries cover no pfn.
enum class EntryKind : std::uint8_t { Pfns, Zero, Empty };

// What one xarray slot holds: the entry stored at a page offset.
struct Slot {
    Pfn pfn = 0;  // 0 for zero and empty entries
    Order order = 0;
    bool shared = false;
    EntryKind kind = EntryKind::Pfns;
    bool covers_pfns() const { return kind == EntryKind::Pfns; }
    friend bool operator==(const Slot&, const Slot&) = default;
};

struct FileState {
    // Keyed by the entry's first page offset. A sorted vector: copying a state
    // (done before every checked step) allocates nothing.
    boost::container::flat_map<PageOffset, Slot> slots;
    friend bool operator==(const FileState&, const FileState&) = default;
};

struct ModelState {
    Universe universe;
    std::vector<PfnState> pfns;
    std::vector<FileState> files;
    friend bool operator==(const ModelState&, const ModelState&) = default;
};

// The defensive checks of SPEC section 5 a port may declare.
enum class DefensiveCheck {
    TruncatePinned,        // warns when truncating a pinned page
    SecondExclusiveOwner,  // warns on a second exclusive owner
    MappingMismatch,       // warns when a file releases a page it does not own
    // A kind the contract does not list: the port declares it with its own
    // expected behaviour (impl/variant.h DeclaredCheck::expected).
    Custom,
};

ModelState initial_state(const Universe& u);

// nullopt when `op` is legal in `s`, else why it is not (SPEC section 3).
std::optional<std::string> illegal_reason(const ModelState& s, const Op& op);
inline bool is_legal(const ModelState& s, const Op& op) { return !illegal_reason(s, op); }

// The state after a legal operation. An illegal one leaves the state as it was:
// the model says nothing about what a kernel does after a caller bug.
[[nodiscard]] ModelState apply(ModelState s, const Op& op);
// The same in place, for an operation known to be legal in `s`.
void apply_legal(ModelState& s, const Op& op);

// The pfns an operation's entry covers, if any: for disassociate and truncate
// the entry in the file's slot; none for zero-page and empty entries.
struct EntryRange {
    Pfn pfn = 0;
    Order order = 0;
};
std::optional<EntryRange> entry_of(const ModelState& s, const Op& op);

// The pfns whose state an operation can change: [first, first+count).
struct PfnRange {
    Pfn first = 0;
    std::uint64_t count = 0;
};
PfnRange touched_range(const ModelState& s, const Op& op);  // allocates nothing
std::vector<Pfn> touched_pfns(const ModelState& s, const Op& op);

// Legal op: true when a port that declares TruncatePinned may (and should)
// warn, i.e. `op` truncates an entry with a pinned pfn.
bool truncates_pinned_page(const ModelState& s, const Op& op);

// Illegal op: the defensive check that can see this misuse, if any.
std::optional<DefensiveCheck> misuse_check(const ModelState& s, const Op& op);
// Why `op` is not a misuse a defensive check can see (misuse_check gives
// nothing), in words naming the operation; nullopt when it is one.
std::optional<std::string> unchecked_misuse_reason(const ModelState& s, const Op& op);

// True when `file` has no entry covering any of [first, first+count): room for
// a new entry there.
bool offsets_free(const FileState& file, PageOffset first, std::uint64_t count, const Universe& u);

// True when no pfn of [first, first+count) has an owner.
bool pfns_free(const ModelState& s, Pfn first, std::uint64_t count);

// The entries still in some file's xarray, as the operations that remove them.
std::vector<Disassociate> remaining_entries(const ModelState& s);

}  // namespace daxcheck::model
