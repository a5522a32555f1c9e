#include "race/linearizability.h"

#include <fmt/format.h>

namespace daxcheck::race {

Outcome outcome_of(const Variant& v, const kshim::kernel_world& w, std::size_t warnings_before,
                   const std::vector<std::string>& bugs, bool deadlock) {
    Outcome out;
    auto& world = const_cast<kshim::kernel_world&>(w);  // decode only reads
    kshim::world_scope scope(world);
    kshim::access_hook* const hook = kshim::current_access_hook;
    kshim::current_access_hook = nullptr;  // reading the result is no step
    for (unsigned long p = 0; p < w.memmap.size(); p++) {
        Decoded d;
        try {
            d = v.decode(p);
        } catch (const kshim::kernel_bug& bug) {
            d = Decoded::invalid(std::string("decode stopped: ") + bug.what());
        }
        const RefcountView r = v.refcount ? v.refcount(p) : RefcountView{w.memmap[p]._refcount, p, 1};
        const kshim::page& pg = w.memmap[p];
        std::string s = to_string(d);
        if (d.kind == Decoded::Kind::Free)  // SPEC 4: every ownership field back at its initial value
            s += fmt::format(" mapping={} index={} compound_head={} head={} order={}",
                             fmt::ptr(static_cast<const void*>(pg.mapping)),
                             static_cast<unsigned long>(pg.index),
                             fmt::ptr(static_cast<const void*>(pg.compound_head)),
                             static_cast<bool>(pg.head), static_cast<unsigned>(pg.compound_order));
        s += fmt::format(" ref={}", r.count);
        out.pfns.push_back(std::move(s));
    }
    for (std::size_t i = warnings_before; i < w.warnings.size(); i++)
        out.warnings.insert(fmt::format("WARN_ON_ONCE({}) in {}", w.warnings[i].condition,
                                        w.warnings[i].function));
    out.bugs.insert(bugs.begin(), bugs.end());
    out.deadlock = deadlock;
    kshim::current_access_hook = hook;
    return out;
}

std::string differing_pfns(const Outcome& a, const Outcome& b) {
    std::string out;
    for (std::size_t p = 0; p < a.pfns.size() && p < b.pfns.size(); p++)
        if (a.pfns[p] != b.pfns[p]) out += fmt::format("{}pfn {}", out.empty() ? "" : ", ", p);
    return out;
}

std::optional<std::string> not_linearizable(const Outcome& run, const Outcome& serial_ab,
                                            const Outcome& serial_ba) {
    if (run.deadlock) return std::string("the two operations deadlock");
    for (const auto& w : run.warnings)
        if (!serial_ab.warnings.count(w) && !serial_ba.warnings.count(w))
            return fmt::format("{} fires, which neither serial order fires", w);
    for (const auto& b : run.bugs)
        if (!serial_ab.bugs.count(b) && !serial_ba.bugs.count(b))
            return fmt::format("{}, which neither serial order hits", b);
    if (run.pfns == serial_ab.pfns || run.pfns == serial_ba.pfns) return std::nullopt;
    return fmt::format("the final state matches neither serial order ({} differ from A then B; "
                       "{} from B then A)",
                       differing_pfns(run, serial_ab), differing_pfns(run, serial_ba));
}

}  // namespace daxcheck::race
