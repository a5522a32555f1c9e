#include "properties/relation.h"

#include <fmt/format.h>

#include "properties/refcount_relation.h"

namespace daxcheck {

namespace {

// The relation itself, without words: checked after every operation (and for
// every pfn of millions of explorer states), so it builds no string.
bool represents(const model::PfnState& pfn, const Decoded& decoded) {
    const auto k = pfn.owners.size();
    if (k == 0) return decoded.kind == Decoded::Kind::Free;
    if (k == 1) {
        const auto& owner = pfn.owners.front();
        if (decoded.kind == Decoded::Kind::Owned)
            return decoded.file == owner.file && decoded.offset == owner.offset;
        return pfn.shared && decoded.kind == Decoded::Kind::Shared && decoded.count == 1;
    }
    return decoded.kind == Decoded::Kind::Shared && decoded.count == k;
}

}  // namespace

std::optional<std::string> relation_mismatch(const model::PfnState& pfn, const Decoded& decoded) {
    if (represents(pfn, decoded)) return std::nullopt;
    const auto k = pfn.owners.size();
    const std::string want = describe(pfn);
    const std::string got = to_string(decoded);
    if (k == 0) return fmt::format("model: {}, decode must be Free but is {}", want, got);
    if (k == 1) {
        const auto& owner = pfn.owners.front();
        return fmt::format("model: {}, decode must be Owned({},{}){} but is {}", want,
                           model::file_letter(owner.file), owner.offset,
                           pfn.shared ? " or Shared(1)" : "", got);
    }
    return fmt::format("model: {}, decode must be Shared({}) but is {}", want, k, got);
}

std::optional<std::string> check_relation(const Execution& exec,
                                          const std::vector<model::Pfn>& pfns) {
    // The lowest failing pfn, whatever the list's order: the same message as
    // a check of every pfn.
    std::optional<model::Pfn> worst;
    for (model::Pfn p : pfns)
        if ((!worst || p < *worst) && !represents(exec.model().pfns[p], exec.decode(p))) worst = p;
    if (!worst) return std::nullopt;
    return fmt::format("pfn {}: {}", *worst,
                       *relation_mismatch(exec.model().pfns[*worst], exec.decode(*worst)));
}

bool pfn_refines(const Execution& exec, model::Pfn p) {
    return represents(exec.model().pfns[p], exec.decode(p)) && refcount_holds(exec, p);
}

std::optional<std::string> check_relation_all(const Execution& exec) {
    for (model::Pfn p = 0; p < exec.model().pfns.size(); p++) {
        if (auto m = relation_mismatch(exec.model().pfns[p], exec.decode(p)))
            return fmt::format("pfn {}: {}", p, *m);
    }
    return std::nullopt;
}

}  // namespace daxcheck
