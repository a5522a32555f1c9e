// Expected verdicts: which (variant, property, profile) must fail, and why.
// Everything not listed is expected to pass. The table itself is in
// impl/expectations.cpp, next to the list of in-tree variants.
#pragma once

#include <string>
#include <vector>

namespace daxcheck {

struct Variant;

// In-tree variants in listing order (oldest kernel first).
const std::vector<std::string>& in_tree_variant_order();

struct ExpectedFailure {
    std::string variant;
    std::string property;
    std::string profile;  // "exclusive", "reflink"
    std::string why;      // the consequence, from docs/contract.md / docs/versions.md
};
const std::vector<ExpectedFailure>& expected_failures();

struct Expectation {
    bool pass = true;
    std::string why;  // for an expected failure
};
Expectation expectation_for(const Variant& v, const std::string& property,
                            const std::string& profile);

// The same at the filesystem level (SPEC 8), where each version's own fault
// path chooses the calls. Out-of-tree variants list theirs in
// .expected_failures as "fs:property/profile".
const std::vector<ExpectedFailure>& expected_fs_failures();
Expectation fs_expectation_for(const Variant& v, const std::string& property,
                               const std::string& profile);

// Two operations of two different files run concurrently (docs/contract.md
// section 10, `./daxcheck race`), at the function level or, `fs_level`,
// through each version's fault path. Out-of-tree variants list theirs in
// .expected_failures as "race/reflink" and "fs:race/reflink".
const std::vector<ExpectedFailure>& expected_race_failures();
Expectation race_expectation_for(const Variant& v, bool fs_level);

}  // namespace daxcheck
