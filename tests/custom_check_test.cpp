// An open set of defensive checks (issue 16): a port declares a check of its
// own kind with its own expected behaviour (tests/ports/custom_check_port.cpp),
// and misuse-detected holds it to that behaviour.
#include <gtest/gtest.h>

#include "engines/swarm.h"
#include "properties/property.h"

namespace daxcheck {
namespace {

SwarmCellResult walk(const char* variant, const char* property, Profile profile) {
    SwarmOptions o;
    o.seed = 1;
    o.threads = 1;
    o.walks = 3000;
    return run_swarm_cell(*find_variant(variant), *find_property(property), profile, o);
}

TEST(CustomCheck, ACheckThatFiresAsDeclaredKeepsTheProperties) {
    for (Profile profile : all_profiles()) {
        EXPECT_EQ(walk("custom-check", "misuse-detected", profile).cell.verdict, CellResult::Verdict::Pass);
        // Its warning on a legal association of a pinned page is no spurious warning.
        EXPECT_EQ(walk("custom-check", "no-spurious-warn", profile).cell.verdict, CellResult::Verdict::Pass);
    }
}

TEST(CustomCheck, ACheckThatMissesAPinnedTailIsCaught) {
    const auto r = walk("custom-check-first-page-only", "misuse-detected", Profile::Reflink);
    ASSERT_EQ(r.cell.verdict, CellResult::Verdict::Fail) << r.cell.message;
    EXPECT_NE(r.cell.message.find("associate-of-a-pinned-page"), std::string::npos) << r.cell.message;
    EXPECT_NE(r.cell.message.find("did not fire"), std::string::npos) << r.cell.message;
}

TEST(CustomCheck, AnUndeclaredWarningIsStillSpurious) {
    // The same warning, not declared: v6.2's own functions raise none, and a
    // port whose declared behaviour never holds gets no exemption.
    Variant v = *find_variant("custom-check");
    v.name = "custom-check-never-expected";
    v.checks.back().expected = [](const model::ModelState&, const model::Op&) { return false; };
    SwarmOptions o;
    o.seed = 1, o.threads = 1, o.walks = 3000;
    const auto r = run_swarm_cell(v, *find_property("no-spurious-warn"), Profile::Reflink, o);
    EXPECT_EQ(r.cell.verdict, CellResult::Verdict::Fail);
}

}  // namespace
}  // namespace daxcheck
