// The operations of SPEC section 3, one plain struct each. How they are
// printed and parsed lives in harness/op_text.*, not here.
#pragma once

#include <variant>

#include "model/universe.h"

namespace daxcheck::model {

// dax_associate_entry of entry (pfn, order) for `file` at `offset`, with the
// shared (reflink) flag.
struct Associate {
    FileId file = 0;
    PageOffset offset = 0;
    Pfn pfn = 0;
    Order order = 0;
    bool shared = false;
    friend bool operator==(const Associate&, const Associate&) = default;
};

// dax_disassociate_entry(entry, mapping, trunc=false) of the entry in the
// file's slot at `offset` (invalidate).
struct Disassociate {
    FileId file = 0;
    PageOffset offset = 0;
    friend bool operator==(const Disassociate&, const Disassociate&) = default;
};

// The same call with trunc=true (truncate / punch hole).
struct Truncate {
    FileId file = 0;
    PageOffset offset = 0;
    friend bool operator==(const Truncate&, const Truncate&) = default;
};

// get_user_pages style reference on a mapped page.
struct Pin {
    Pfn pfn = 0;
    friend bool operator==(const Pin&, const Pin&) = default;
};

// put_page of an earlier pin.
struct Unpin {
    Pfn pfn = 0;
    friend bool operator==(const Unpin&, const Unpin&) = default;
};

// Misuse only: `file` disassociates the entry (pfn, order) although that entry
// is not in its xarray, as a caller bug would.
struct DisassociateStray {
    FileId file = 0;
    Pfn pfn = 0;
    Order order = 0;
    friend bool operator==(const DisassociateStray&, const DisassociateStray&) = default;
};

// dax_associate_entry of a zero-page entry (a read fault of a hole, SPEC 8):
// it covers no pfn, so no page may be touched; the slot holds it.
struct AssociateZero {
    FileId file = 0;
    PageOffset offset = 0;
    Order order = 0;
    bool shared = false;
    friend bool operator==(const AssociateZero&, const AssociateZero&) = default;
};

// grab_mapping_entry storing a locked empty entry in an empty slot while a
// fault is in progress (SPEC 8). No call into associate; covers no pfn.
struct Grab {
    FileId file = 0;
    PageOffset offset = 0;
    Order order = 0;
    friend bool operator==(const Grab&, const Grab&) = default;
};

// Misuse only: the same with trunc=true (a truncate or punch of an entry the
// caller's xarray does not hold). A DisassociateStray in every respect but the
// flag, so code that does not care which release it is treats both alike.
struct TruncateStray : DisassociateStray {
    friend bool operator==(const TruncateStray&, const TruncateStray&) = default;
};

using Op = std::variant<Associate, Disassociate, Truncate, Pin, Unpin, DisassociateStray,
                        AssociateZero, Grab, TruncateStray>;

// The stray release in `op` (DisassociateStray or TruncateStray), or nullptr.
inline const DisassociateStray* stray_of(const Op& op) {
    if (const auto* t = std::get_if<TruncateStray>(&op)) return t;
    return std::get_if<DisassociateStray>(&op);
}

}  // namespace daxcheck::model
