#include "properties/refcount_relation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace daxcheck {
namespace {

bool g_check_refcounts = true;

// The count `view` must hold: idle plus every pin on the pages it covers.
long wanted(const Execution& exec, const RefcountView& view) {
    long pins = 0;
    const auto& pfns = exec.model().pfns;
    for (std::uint64_t i = 0; i < view.pages && view.first + i < pfns.size(); i++)
        pins += pfns[view.first + i].pins;
    return exec.variant().idle_refcount + pins;
}

// The count covering `p` and how far it is from what it must hold
// (negative: below).
struct Viewed {
    long count, drift;
};
Viewed viewed_through_port(const Execution& exec, model::Pfn p) {
    const RefcountView view = exec.refcount(p);
    return {view.count, view.count - wanted(exec, view)};
}
inline Viewed viewed(const Execution& exec, model::Pfn p) {
    // Every port before 6.15 counts each page for itself: read its count
    // directly (this runs for every checked operation and every transition
    // the explorer makes; small enough to inline there).
    if (exec.variant().refcount) return viewed_through_port(exec, p);
    const long count = exec.world().memmap[p]._refcount;
    return {count,
            count - exec.variant().idle_refcount - static_cast<long>(exec.model().pfns[p].pins)};
}

bool holds(const Execution& exec, model::Pfn p) {
    const Viewed v = viewed(exec, p);
    return v.count >= 0 && v.drift == 0;
}

std::string mismatch(const Execution& exec, model::Pfn p) {
    const RefcountView view = exec.refcount(p);
    const std::string where =
        view.pages == 1 && view.first == p
            ? std::string("its own count")
            : fmt::format("the count of folio head pfn {} for pfns {}-{}", view.first, view.first,
                          view.first + view.pages - 1);
    long pins = wanted(exec, view) - exec.variant().idle_refcount;
    if (view.count < 0)
        return fmt::format("pfn {}: reference count {} in {} is below zero (model: {} pins held)",
                           p, view.count, where, pins);
    return fmt::format(
        "pfn {}: reference count {} in {} must be {} (idle {} + {} pins held on the pages it "
        "covers): a reference {}",
        p, view.count, where, wanted(exec, view), exec.variant().idle_refcount, pins,
        view.count > wanted(exec, view) ? "counted where no pin is held" : "dropped from it");
}

}  // namespace

void set_refcount_check_for_bench(bool on) { g_check_refcounts = on; }

std::optional<std::string> check_refcounts(const Execution& exec,
                                           const std::vector<model::Pfn>& pfns) {
    if (!g_check_refcounts) return std::nullopt;
    std::optional<model::Pfn> worst;
    for (model::Pfn p : pfns)
        if ((!worst || p < *worst) && !holds(exec, p)) worst = p;
    if (!worst) return std::nullopt;
    return mismatch(exec, *worst);
}

std::optional<std::string> check_refcounts_all(const Execution& exec) {
    if (!g_check_refcounts) return std::nullopt;
    for (model::Pfn p = 0; p < exec.model().pfns.size(); p++)
        if (!holds(exec, p)) return mismatch(exec, p);
    return std::nullopt;
}

long refcount_drift(const Execution& exec, const std::vector<model::Pfn>& pfns) {
    long worst = 0;
    for (model::Pfn p : pfns) worst = std::max(worst, std::labs(viewed(exec, p).drift));
    return worst;
}

bool refcount_holds(const Execution& exec, model::Pfn p) { return holds(exec, p); }

bool refcounts_match(const Execution& exec) {
    for (model::Pfn p = 0; p < exec.model().pfns.size(); p++)
        if (!holds(exec, p)) return false;
    return true;
}

}  // namespace daxcheck
