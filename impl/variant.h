// What a port gives the harness: its kernel functions behind a few function
// pointers, its decode (SPEC section 4) and its declared defensive checks
// (SPEC section 5). Register one with DAXCHECK_REGISTER_VARIANT at the end
// of the port's file. Stable interface for out-of-tree ports.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "impl/shim/kernel.h"
#include "model/state.h"

namespace daxcheck {

struct FaultPath;  // impl/fault/fault_path.h

// A port built under a kernel configuration (cmake/ports.cmake, the
// `daxcheck-configs:` line of a port file) names its variant NAME "+debug_vm"
// and so on; DAXCHECK_VARIANT_SUFFIX is that suffix, "" for the plain build.
#ifndef DAXCHECK_VARIANT_SUFFIX
#define DAXCHECK_VARIANT_SUFFIX ""
#endif

// Where a port counts the references of one pfn (SPEC 9): `count` is the
// reference count that holds the references of every page in
// [first, first + pages). A compound folio counts on its head for the whole
// folio; a page of an order-0 folio counts for itself.
struct RefcountView {
    long count = 0;
    model::Pfn first = 0;
    std::uint64_t pages = 1;
};

// What a port's fields say about one pfn (SPEC section 4).
struct Decoded {
    enum class Kind { Free, Owned, Shared, Invalid };
    Kind kind = Kind::Free;
    model::FileId file = 0;        // Owned
    model::PageOffset offset = 0;  // Owned
    unsigned long count = 0;       // Shared
    std::string reason;            // Invalid

    static Decoded free() { return {}; }
    static Decoded owned(model::FileId f, model::PageOffset o) { return {Kind::Owned, f, o, 0, {}}; }
    static Decoded shared(unsigned long n) { return {Kind::Shared, 0, 0, n, {}}; }
    static Decoded invalid(std::string why) { return {Kind::Invalid, 0, 0, 0, std::move(why)}; }
    friend bool operator==(const Decoded&, const Decoded&) = default;
};
std::string to_string(const Decoded& d);

// A declared defensive check and the WARN_ON_ONCE that implements it: the
// function it sits in and its condition text as written in the port.
// The set is open (docs/contract.md section 5): a port may declare a kind the
// contract does not list, with check = model::DefensiveCheck::Custom, a name
// in `kind` and its own expected behaviour in `expected`: given the model
// state before an operation and the operation, whether the check must fire.
// misuse-detected then requires it to fire on exactly those steps, and
// no-spurious-warn accepts it on a legal step where it must fire.
struct DeclaredCheck {
    model::DefensiveCheck check;
    std::string function;
    std::string condition;
    std::string kind;  // Custom: its name, e.g. "associate-of-a-pinned-page"
    bool (*expected)(const model::ModelState& before, const model::Op& op) = nullptr;  // Custom
};

struct Variant {
    std::string name;      // e.g. "v10-only-postdec"
    std::string upstream;  // Message-ID or mainline commit
    std::string summary;   // one line: what this version is and its known bugs
    std::vector<DeclaredCheck> checks;

    // The kernel calls. `shared` is the associate flag (ignored by versions
    // without one); `trunc` is disassociate's truncate flag.
    void (*associate)(void* entry, struct kshim::address_space* mapping,
                      struct kshim::vm_area_struct* vma, unsigned long address, bool shared);
    void (*disassociate)(void* entry, struct kshim::address_space* mapping, bool trunc);
    Decoded (*decode)(unsigned long pfn);

    // Page references as get_user_pages / put_page take them, and what an idle
    // page's refcount is (1 up to 6.14, 0 from 6.15).
    void (*pin)(unsigned long pfn) = nullptr;    // default: get_page(pfn_to_page(pfn))
    void (*unpin)(unsigned long pfn) = nullptr;  // default: put_page(pfn_to_page(pfn))
    int idle_refcount = 1;
    // How the port's encoding attributes references (SPEC 9): given a pfn,
    // the count that holds its references and the pfns that count covers.
    // Default (nullptr): every page counts for itself in its own _refcount,
    // which is how every version before 6.15 reads.
    RefcountView (*refcount)(unsigned long pfn) = nullptr;
    // The version's free_zone_device_folio (mm/memremap.c), run by the shim
    // when a put drops a folio's count to 0 (6.15 on). nullptr: the version
    // never frees an fsdax page through a put (idle count 1).
    void (*free_folio)(struct kshim::folio* folio) = nullptr;

    // Out-of-tree variants: "property/profile" pairs expected to fail, with why.
    // In-tree variants keep theirs in impl/expectations.cpp.
    std::vector<std::pair<std::string, std::string>> expected_failures;

    // The fault path that calls associate / disassociate (SPEC 8; impl/fault/):
    // each in-tree port names its version's. An out-of-tree port may set its
    // own, or leave it null and name a `base` whose fault path it inherits
    // (e.g. .base = "v6.15", or another port that does).
    const FaultPath* fault_path = nullptr;
    std::string base;
    // The out-of-tree port file this variant came from (README "Check your
    // own patch"), so reproduce lines can say --port; "" for in-tree ports.
    std::string port_file;

    bool declares(model::DefensiveCheck c) const {
        for (const auto& d : checks)
            if (d.check == c) return true;
        return false;
    }
};

bool register_variant(Variant v);
const std::vector<Variant>& variants();          // in listing order
const Variant* find_variant(const std::string& name);
// The fault path `v` runs under: its own, else the first one along its
// chain of bases (a port based on a port based on v6.15 runs under 6.15's);
// nullptr (with `why` set) when the chain has none, names no variant or
// loops (SPEC 8's filesystem level then cannot run it).
const FaultPath* fault_path_of(const Variant& v, std::string* why = nullptr);
// The same, with bases looked up by `find` (a name to its variant, or
// nullptr) instead of in the registry: for tests.
const FaultPath* fault_path_of(const Variant& v,
                               const std::function<const Variant*(const std::string&)>& find,
                               std::string* why);
// Registrations that were refused (duplicate name, missing function) and
// ports whose .base names no variant, each naming the port file; for after
// static initialisation (every port registered).
const std::vector<std::string>& registration_problems();

}  // namespace daxcheck

namespace daxcheck {
// `base`: daxcheck_add_port(... BASE V) for a port whose Variant names none.
inline Variant with_port_file(Variant v, const char* file, const char* base = "") {
    v.port_file = file;
    if (v.base.empty()) v.base = base;
    return v;
}
}  // namespace daxcheck

// cmake/ports.cmake defines DAXCHECK_PORT_FILE for out-of-tree port files.
#ifdef DAXCHECK_PORT_FILE
#define DAXCHECK_PORT_FILE_NAME DAXCHECK_PORT_FILE
#else
#define DAXCHECK_PORT_FILE_NAME ""
#endif
// cmake/daxcheck_add_port.cmake defines DAXCHECK_PORT_BASE from its BASE.
#ifndef DAXCHECK_PORT_BASE
#define DAXCHECK_PORT_BASE ""
#endif

#define DAXCHECK_CONCAT_(a, b) a##b
#define DAXCHECK_CONCAT(a, b) DAXCHECK_CONCAT_(a, b)
// Registers a variant at start-up: DAXCHECK_REGISTER_VARIANT({ .name = ..., ... });
#define DAXCHECK_REGISTER_VARIANT(...)                                               \
    namespace {                                                                      \
    const bool DAXCHECK_CONCAT(daxcheck_registered_, __LINE__) =                     \
        ::daxcheck::register_variant(                                                \
            ::daxcheck::with_port_file(::daxcheck::Variant __VA_ARGS__, DAXCHECK_PORT_FILE_NAME,  \
                                         DAXCHECK_PORT_BASE));                           \
    }
