// engines/engine_fault.h: a walk's failure that a fresh execution of the same
// operations does not show stops the run with an EngineFault at both levels,
// instead of a printed counterexample that passes on replay (which is what a
// zero page carried between walks once gave: tests/changed_pfns_test.cpp).
// The port here hides its state where no reset reaches: a static counter.
#include <gtest/gtest.h>

#include <atomic>

#include "engines/engine_fault.h"
#include "engines/swarm.h"
#include "fslevel/fs_walk.h"
#include "properties/property.h"

using namespace daxcheck;

namespace {

const Variant* g_v62 = nullptr;
std::atomic<long> g_calls{0};
constexpr long kWarnAt = 30;

// v6.2, plus a WARN on the 30th associate call of the process: a failure
// that depends on what ran before, not on the operations of one walk.
void counting_associate(void* entry, kshim::address_space* mapping, kshim::vm_area_struct* vma,
                        unsigned long address, bool shared) {
    g_v62->associate(entry, mapping, vma, address, shared);
    WARN_ON_ONCE(++g_calls == kWarnAt);
}

Variant counting_variant() {
    g_v62 = find_variant("v6.2");
    Variant v = *g_v62;
    v.name = "test-static-call-counter";
    v.associate = counting_associate;
    return v;
}

template <class Run>
std::string engine_fault_of(Run run) {
    try {
        run();
    } catch (const EngineFault& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(EngineFault, AFunctionLevelWalkThatDoesNotReproduceStopsTheRun) {
    const Variant v = counting_variant();
    SwarmOptions o;
    o.seed = 1;
    o.walks = 1000;
    o.threads = 1;
    g_calls = 0;
    const std::string why = engine_fault_of(
        [&] { run_swarm_cell(v, *find_property("no-spurious-warn"), Profile::Exclusive, o); });
    EXPECT_NE(why.find("pass when replayed on a fresh execution"), std::string::npos) << why;
    EXPECT_NE(why.find("test-static-call-counter / no-spurious-warn"), std::string::npos) << why;
}

TEST(EngineFault, AFilesystemLevelWalkThatDoesNotReproduceStopsTheRun) {
    const Variant v = counting_variant();
    model::Universe u;
    g_calls = 0;
    const std::string why = engine_fault_of([&] {
        fslevel::run_walks(v, *find_property("no-spurious-warn"), false, u, 1, 1000, 0, 1);
    });
    EXPECT_NE(why.find("pass when replayed on a fresh execution"), std::string::npos) << why;
    EXPECT_NE(why.find("walk "), std::string::npos) << why;
}

TEST(EngineFault, AFailureThatReproducesIsReportedAsOne) {
    // v6.0 warns at the filesystem level on a read fault of a reflinked block
    // (corpus/fs-v6.0-read-fault-of-reflinked-block.dax), every time.
    model::Universe u;
    const auto r = fslevel::run_walks(*find_variant("v6.0"), *find_property("no-spurious-warn"), true, u, 1,
                                      10000, 0, 1);
    ASSERT_TRUE(r.failing_walk);
    EXPECT_FALSE(r.message.empty());
}
