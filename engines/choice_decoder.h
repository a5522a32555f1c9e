// Decodes a test's choices into operations, for the RapidCheck path of `run`
// (engines/rc_runner.cpp): RapidCheck generates and shrinks a list of plain
// numbers, and each number names, deterministically, one operation that is
// legal in the state the operations before it left (or, for a property with
// `with_misuse`, a misuse a defensive check can see). Dropping a choice or
// lowering one toward 0 therefore always leaves a valid test, and lower
// choices name simpler operations: the kind first (associate; disassociate,
// truncate, pin, unpin; then misuse), then PTE before PMD, the first file,
// exclusive before shared (onto an owned pfn, then onto any), offset and pfn
// 0. Kinds are drawn with the weights associate 4, disassociate 2, truncate
// 2, pin 1, unpin 1 (legal operations three times as often as misuse ones;
// PTE entries three times as often as PMD ones); offsets and pfns from
// candidate_starts. A drawn kind or position that is not possible in the
// state moves on to the next possible one.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "harness/model_before.h"
#include "model/state.h"
#include "properties/property.h"

namespace daxcheck {

class ChoiceDecoder {
public:
    // For tests over universe `u` in `profile` (shared associations only in
    // the reflink profile); misuse operations only when `with_misuse`.
    ChoiceDecoder(const model::Universe& u, Profile profile, bool with_misuse);

    // Takes the model before the step (with its sorted pinned and owned pfn
    // lists) and one choice (any value); returns the operation it names, or
    // nullopt when no operation is possible there (the test ends).
    std::optional<model::Op> decode(const ModelBefore& before, std::uint32_t choice) const;

private:
    class Fields;
    enum Kind : unsigned;
    std::optional<model::Op> decode_kind(Kind k, const ModelBefore& before, Fields f) const;
    std::optional<model::Op> associate(const model::ModelState& s, Fields f) const;
    std::optional<model::Op> release(const model::ModelState& s, Fields f, bool truncate) const;
    std::optional<model::Op> pin(const ModelBefore& before, Fields f) const;
    std::optional<model::Op> unpin(const ModelBefore& before, Fields f) const;
    std::optional<model::Op> misuse_exclusive(const model::ModelState& s, Fields f) const;
    std::optional<model::Op> misuse_stray(const model::ModelState& s, Fields f) const;
    model::Order order_of(std::uint64_t field) const;

    model::Universe u_;
    bool reflink_;
    bool misuse_;
    bool pmd_;                                         // PMD entries fit in the universe
    std::vector<std::uint64_t> offsets_[2], pfns_[2];  // candidate starts: [0] PTE, [1] PMD
};

}  // namespace daxcheck
