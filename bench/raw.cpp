// Section "raw": what the v6.2 port alone costs per associate and per
// disassociate (its function pointers on a kernel_world, no model, no check),
// and how many times that the harness spends per checked operation.
#include <fmt/format.h>

#include <chrono>

#include "bench/bench.h"
#include "impl/variant.h"

namespace daxcheck::bench {

namespace {

constexpr unsigned long kPfns = 4096;

struct RawCost {
    double associate_ns = 0, disassociate_ns = 0;
};

// Associates every pfn to file A (exclusive, or A and B shared), then
// releases them all, until `seconds` have passed; ns per call.
RawCost measure(const Variant& v, bool shared, double seconds) {
    using clock = std::chrono::steady_clock;
    kshim::kernel_world world(kPfns, 2, 1, v.idle_refcount);
    kshim::world_scope scope(world);
    std::vector<void*> entries(kPfns);
    for (unsigned long p = 0; p < kPfns; p++) entries[p] = kshim::dax_make_entry(p, 0);
    auto* a = kshim::file_mapping(0);
    auto* b = kshim::file_mapping(1);
    const int files = shared ? 2 : 1;
    kshim::vm_area_struct vma;
    clock::duration in_associate{}, in_disassociate{};
    std::uint64_t calls = 0;
    const auto end = clock::now() + std::chrono::duration_cast<clock::duration>(
                                        std::chrono::duration<double>(seconds));
    while (clock::now() < end) {
        const auto t0 = clock::now();
        for (unsigned long p = 0; p < kPfns; p++) {
            v.associate(entries[p], a, &vma, p << kshim::PAGE_SHIFT, shared);
            if (shared) v.associate(entries[p], b, &vma, p << kshim::PAGE_SHIFT, shared);
        }
        const auto t1 = clock::now();
        for (unsigned long p = 0; p < kPfns; p++) {
            v.disassociate(entries[p], a, false);
            if (shared) v.disassociate(entries[p], b, false);
        }
        const auto t2 = clock::now();
        in_associate += t1 - t0;
        in_disassociate += t2 - t1;
        calls += kPfns * static_cast<unsigned>(files);
    }
    if (!world.warnings.empty()) throw std::runtime_error("raw: the v6.2 port warned");
    using ns = std::chrono::duration<double, std::nano>;
    return {ns(in_associate).count() / double(calls), ns(in_disassociate).count() / double(calls)};
}

}  // namespace

nlohmann::json raw_section(const Options& o) {
    const Variant& v = *find_variant("v6.2");
    fmt::print("== raw: the v6.2 port alone, ns per call ({} pfns, {:g} s each)\n\n", kPfns,
               o.seconds);
    const RawCost excl = measure(v, false, o.seconds);
    const RawCost shared = measure(v, true, o.seconds);
    fmt::print("{:<24} {:>10} {:>14}\n", "", "associate", "disassociate");
    fmt::print("{:<24} {:>10.1f} {:>14.1f}\n", "exclusive (shared=0)", excl.associate_ns,
               excl.disassociate_ns);
    fmt::print("{:<24} {:>10.1f} {:>14.1f}\n", "two sharers (shared=1)", shared.associate_ns,
               shared.disassociate_ns);
    const double raw_ns = (excl.associate_ns + excl.disassociate_ns) / 2;
    const double harness_ns = 1e9 / swarm_ops_per_second(default_universe(), 1, o.seconds, nullptr);
    const double ratio = harness_ns / raw_ns;
    fmt::print("\nharness (swarm, default universe, 1 thread): {:.0f} ns per checked operation = "
               "{:.1f} x the raw port call ({:.1f} ns, mean of exclusive associate and "
               "disassociate)\n\n", harness_ns, ratio, raw_ns);
    return {{"exclusive", {{"associate_ns", excl.associate_ns},
                           {"disassociate_ns", excl.disassociate_ns}}},
            {"shared", {{"associate_ns", shared.associate_ns},
                        {"disassociate_ns", shared.disassociate_ns}}},
            {"raw_ns", raw_ns}, {"harness_ns_per_op", harness_ns}, {"ratio", ratio},
            {"targets", {target("harness cost per op / raw port cost", "<= 20",
                                fmt::format("{:.1f}", ratio), ratio <= 20)}}};
}

}  // namespace daxcheck::bench
