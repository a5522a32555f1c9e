// Test-only port for the engine-fault guard (engines/engine_fault.h): v6.2
// (mainline 16900426586032) plus a WARN on the 30th associate call of the
// process. Its failure depends on what ran before, not on one walk's
// operations, so a walk fails where a fresh replay of the same operations
// passes: the run must stop with an internal error instead of printing a
// counterexample that does not reproduce. Built only into the binary of
// tests/engine_fault_cli_test.sh.
#include <atomic>

#include "impl/variant.h"

namespace {

std::atomic<long> g_calls{0};

void dax_associate_entry(void *entry, struct kshim::address_space *mapping,
                         struct kshim::vm_area_struct *vma, unsigned long address, bool shared)
{
    daxcheck::find_variant("v6.2")->associate(entry, mapping, vma, address, shared);
    WARN_ON_ONCE(++g_calls == 30);
}

void dax_disassociate_entry(void *entry, struct kshim::address_space *mapping, bool trunc)
{
    daxcheck::find_variant("v6.2")->disassociate(entry, mapping, trunc);
}

daxcheck::Decoded decode(unsigned long pfn)
{
    return daxcheck::find_variant("v6.2")->decode(pfn);
}

}  // namespace

DAXCHECK_REGISTER_VARIANT({
    .name = "test-static-call-counter",
    .upstream = "test only: v6.2 (mainline 16900426586032) with state kept outside the simulated kernel",
    .summary = "v6.2 that warns on the 30th associate call of the process",
    // v6.2's checks: its WARNs on a pinned truncate are declared, not spurious.
    .checks = {{daxcheck::model::DefensiveCheck::TruncatePinned, "dax_disassociate_entry",
                "trunc && page_ref_count(page) > 1"},
               {daxcheck::model::DefensiveCheck::SecondExclusiveOwner, "dax_associate_entry", "page->mapping"},
               {daxcheck::model::DefensiveCheck::MappingMismatch, "dax_disassociate_entry",
                "page->mapping && page->mapping != mapping"}},
    .associate = dax_associate_entry,
    .disassociate = dax_disassociate_entry,
    .decode = decode,
    .base = "v6.2",
})
