// Each toggle and each port is distinguishable: two variants with different
// code must differ in some verdict or counterexample, unless their logic is
// really the same (listed below with the reason).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "harness/op_text.h"
#include "engines/rc_runner.h"

using namespace daxcheck;

namespace {

// Pairs whose code differs only in names or encoding details that no
// property can tell apart, with why they are the same logic.
const std::map<std::set<std::string>, std::string> kEquivalent = {
    {{"v10-fixed", "v6.2"},
     "6.2 is v10 with its three bugs fixed: the sentinel renamed and the count moved to share, "
     "which overlays index"},
    {{"v6.15+debug_vm", "v7.2+debug_vm"},
     "at the function level 7.2 differs from 6.15 in the order of the zero/empty-entry guard "
     "(reached only through the fault path: the filesystem level tells them apart), in "
     "VM_WARN_ON_FOLIO for the split's WARN_ON_ONCE (the same with CONFIG_DEBUG_VM) and in the "
     "order-0 reset, which is mapping-only in both"},
    {{"v10-only-postdec", "v6.0"},
     "6.0 (v13) is v10 with byvalue and inverted fixed and postdec kept; its void "
     "dax_mapping_set_cow computes the same counts as v10's bool one"},
};

std::string signature(const Variant& v) {
    std::string sig;
    for (const auto& p : all_properties())
        for (Profile profile : all_profiles()) {
            const auto r = run_cell(v, p, profile, {model::Universe{}, 200, 1});
            sig += p.name + "/" + to_string(profile) + ":" + to_string(r.verdict);
            for (const auto& op : r.counterexample) sig += "|" + to_text(op);
            sig += "\n";
        }
    return sig;
}

}  // namespace

TEST(Distinguish, EveryPairOfVariantsDiffersUnlessEquivalent) {
    std::vector<std::pair<std::string, std::string>> sigs;
    for (const auto& v : variants()) sigs.emplace_back(v.name, signature(v));
    for (std::size_t i = 0; i < sigs.size(); i++)
        for (std::size_t j = i + 1; j < sigs.size(); j++) {
            const std::set<std::string> pair = {sigs[i].first, sigs[j].first};
            const bool same = sigs[i].second == sigs[j].second;
            if (kEquivalent.count(pair))
                EXPECT_TRUE(same) << sigs[i].first << " and " << sigs[j].first
                                  << " are listed as equivalent but differ";
            else
                EXPECT_FALSE(same) << sigs[i].first << " and " << sigs[j].first
                                   << " cannot be told apart:\n" << sigs[i].second;
        }
}
