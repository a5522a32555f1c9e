// Test-only ports: a defensive check of a kind the contract does not list
// (docs/contract.md section 5, an open set), declared with its own expected
// behaviour. "associate-of-a-pinned-page": dax_associate_entry warns when a
// page of the entry still holds a get_user_pages reference. On top of v6.2
// (its functions, looked up when called).
//   custom-check                  checks every page of the entry: keeps misuse-detected
//   custom-check-first-page-only  checks the entry's first page only: a pin on a
//                                 PMD entry's tail goes unflagged
#include "impl/variant.h"

namespace {
using namespace kshim;

const daxcheck::Variant& base()
{
    static const daxcheck::Variant* v = daxcheck::find_variant("v6.2");
    return *v;
}

// The declared behaviour: an association over a pfn the model holds pins on.
bool associates_pinned_page(const daxcheck::model::ModelState& before, const daxcheck::model::Op& op)
{
    const auto* a = std::get_if<daxcheck::model::Associate>(&op);
    if (!a) return false;
    for (auto pfn : daxcheck::model::touched_pfns(before, op))
        if (before.pfns[pfn].pins > 0) return true;
    return false;
}

void associate_checking_all(void *entry, struct address_space *mapping, struct vm_area_struct *vma,
                            unsigned long address, bool shared)
{
    unsigned long pfn;

    for_each_mapped_pfn(entry, pfn)
        WARN_ON_ONCE(page_ref_count(pfn_to_page(pfn)) > 1);
    base().associate(entry, mapping, vma, address, shared);
}

void associate_checking_first(void *entry, struct address_space *mapping, struct vm_area_struct *vma,
                              unsigned long address, bool shared)
{
    WARN_ON_ONCE(page_ref_count(pfn_to_page(dax_to_pfn(entry))) > 1);
    base().associate(entry, mapping, vma, address, shared);
}

// v6.2's own declared checks (impl/v6_2.cpp), which its functions raise, and
// the port's own.
std::vector<daxcheck::DeclaredCheck> with_v6_2_checks(daxcheck::DeclaredCheck own)
{
    using daxcheck::model::DefensiveCheck;
    return {{DefensiveCheck::TruncatePinned, "dax_disassociate_entry", "trunc && page_ref_count(page) > 1"},
            {DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry", "page->mapping"},
            {DefensiveCheck::MappingMismatch, "dax_disassociate_entry",
             "page->mapping && page->mapping != mapping"},
            std::move(own)};
}

void disassociate(void *entry, struct address_space *mapping, bool trunc)
{
    base().disassociate(entry, mapping, trunc);
}
daxcheck::Decoded decode(unsigned long pfn) { return base().decode(pfn); }

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "custom-check",
    .upstream = "test-only",
    .summary = "v6.2 with a declared check of its own kind: associate of a pinned page",
    .checks = with_v6_2_checks({daxcheck::model::DefensiveCheck::Custom, "associate_checking_all",
                                "page_ref_count(pfn_to_page(pfn)) > 1", "associate-of-a-pinned-page",
                                associates_pinned_page}),
    .associate = associate_checking_all,
    .disassociate = disassociate,
    .decode = decode,
    .base = "v6.2",
})

DAXCHECK_REGISTER_VARIANT({
    .name = "custom-check-first-page-only",
    .upstream = "test-only",
    .summary = "custom-check looking at the entry's first page only",
    .checks = with_v6_2_checks({daxcheck::model::DefensiveCheck::Custom, "associate_checking_first",
                                "page_ref_count(pfn_to_page(dax_to_pfn(entry))) > 1",
                                "associate-of-a-pinned-page", associates_pinned_page}),
    .associate = associate_checking_first,
    .disassociate = disassociate,
    .decode = decode,
    .expected_failures = {{"misuse-detected/exclusive", "a pin on a PMD entry's tail goes unflagged"},
                          {"misuse-detected/reflink", "a pin on a PMD entry's tail goes unflagged"}},
    .base = "v6.2",
})
