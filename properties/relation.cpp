#include "properties/relation.h"

#include <fmt/format.h>

namespace daxcheck {

std::optional<std::string> relation_mismatch(const model::PfnState& pfn, const Decoded& decoded) {
    // The words are built only for a mismatch: the explorer calls this for
    // every pfn of millions of states.
    const auto k = pfn.owners.size();
    const auto is = [&](Decoded::Kind kind) { return decoded.kind == kind; };
    if (k == 0) {
        if (is(Decoded::Kind::Free)) return std::nullopt;
        return fmt::format("model: {}, decode must be Free but is {}", describe(pfn),
                           to_string(decoded));
    }
    if (k == 1) {
        const auto& owner = pfn.owners.front();
        if (is(Decoded::Kind::Owned) && decoded.file == owner.file &&
            decoded.offset == owner.offset)
            return std::nullopt;
        if (pfn.shared && is(Decoded::Kind::Shared) && decoded.count == 1) return std::nullopt;
        return fmt::format("model: {}, decode must be Owned({},{}){} but is {}", describe(pfn),
                           model::file_letter(owner.file), owner.offset,
                           pfn.shared ? " or Shared(1)" : "", to_string(decoded));
    }
    if (is(Decoded::Kind::Shared) && decoded.count == k) return std::nullopt;
    return fmt::format("model: {}, decode must be Shared({}) but is {}", describe(pfn), k,
                       to_string(decoded));
}

std::optional<std::string> check_relation(const Execution& exec,
                                          const std::vector<model::Pfn>& pfns) {
    for (model::Pfn p : pfns) {
        if (auto m = relation_mismatch(exec.model().pfns[p], exec.decode(p)))
            return fmt::format("pfn {}: {}", p, *m);
    }
    return std::nullopt;
}

std::optional<std::string> check_relation_all(const Execution& exec) {
    for (model::Pfn p = 0; p < exec.model().pfns.size(); p++) {
        if (auto m = relation_mismatch(exec.model().pfns[p], exec.decode(p)))
            return fmt::format("pfn {}: {}", p, *m);
    }
    return std::nullopt;
}

}  // namespace daxcheck
