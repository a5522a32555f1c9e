#include "properties/relation.h"

#include <fmt/format.h>

namespace daxcheck {

namespace {

// The relation itself, without words: checked after every operation, so it
// builds no string.
bool represents(const model::PfnState& pfn, const Decoded& decoded) {
    const auto k = pfn.owners.size();
    if (k == 0) return decoded.kind == Decoded::Kind::Free;
    if (decoded.kind == Decoded::Kind::Shared) return decoded.count == k || (k == 1 && pfn.shared);
    if (k != 1 || decoded.kind != Decoded::Kind::Owned) return false;
    return decoded.file == pfn.owners.front().file && decoded.offset == pfn.owners.front().offset;
}

}  // namespace

std::optional<std::string> relation_mismatch(const model::PfnState& pfn, const Decoded& decoded) {
    if (represents(pfn, decoded)) return std::nullopt;
    const auto k = pfn.owners.size();
    const std::string want = describe(pfn);
    const std::string got = to_string(decoded);
    if (k == 0) {
        if (decoded.kind == Decoded::Kind::Free) return std::nullopt;
        return fmt::format("model: {}, decode must be Free but is {}", want, got);
    }
    if (k == 1) {
        const auto& owner = pfn.owners.front();
        if (decoded == Decoded::owned(owner.file, owner.offset)) return std::nullopt;
        if (pfn.shared && decoded == Decoded::shared(1)) return std::nullopt;
        return fmt::format("model: {}, decode must be Owned({},{}){} but is {}", want,
                           model::file_letter(owner.file), owner.offset,
                           pfn.shared ? " or Shared(1)" : "", got);
    }
    if (decoded == Decoded::shared(k)) return std::nullopt;
    return fmt::format("model: {}, decode must be Shared({}) but is {}", want, k, got);
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
