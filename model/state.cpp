#include "model/state.h"

#include "model/overloaded.h"

#include <algorithm>

namespace daxcheck::model {
namespace {

std::string name(FileId f) { return std::string(1, file_letter(f)); }

// Where an entry of `order` starting at `first` is out of range or misaligned.
std::optional<std::string> bad_extent(const char* what, std::uint64_t first, Order order,
                                      std::uint64_t limit, const Universe& u) {
    if (!u.valid_order(order))
        return "order " + std::to_string(order) + " is neither 0 nor the PMD order " +
               std::to_string(u.pmd_order);
    if (first % u.pages(order) != 0)
        return std::string(what) + " " + std::to_string(first) + " is not aligned to order " +
               std::to_string(order);
    if (first >= limit || u.pages(order) > limit - first)
        return std::string(what) + " range " + std::to_string(first) + "+" +
               std::to_string(u.pages(order)) + " is outside 0.." + std::to_string(limit - 1);
    return std::nullopt;
}

std::optional<std::string> bad_file(FileId f, const Universe& u) {
    if (f >= u.files) return "file " + name(f) + " is outside the universe";
    return std::nullopt;
}

// The slot of `file` whose range overlaps [first, first+count), if any.
const Slot* overlapping_slot(const FileState& file, PageOffset first, std::uint64_t count,
                             const Universe& u, PageOffset* at) {
    for (const auto& [offset, slot] : file.slots) {
        if (offset < first + count && first < offset + u.pages(slot.order)) {
            if (at) *at = offset;
            return &slot;
        }
    }
    return nullptr;
}

std::optional<std::string> associate_problem(const ModelState& s, const Associate& a,
                                             bool check_exclusive) {
    const Universe& u = s.universe;
    if (auto p = bad_file(a.file, u)) return p;
    if (auto p = bad_extent("pfn", a.pfn, a.order, u.pfns, u)) return p;
    if (auto p = bad_extent("offset", a.offset, a.order, u.offsets, u)) return p;
    PageOffset at = 0;
    if (overlapping_slot(s.files[a.file], a.offset, u.pages(a.order), u, &at))
        return "file " + name(a.file) + " already has an entry at offset " + std::to_string(at) +
               " covering offset " + std::to_string(a.offset);
    if (check_exclusive && !a.shared) {
        for (std::uint64_t i = 0; i < u.pages(a.order); i++)
            if (!s.pfns[a.pfn + i].owners.empty())
                return "shared=0 but pfn " + std::to_string(a.pfn + i) + " already has an owner";
    }
    return std::nullopt;
}

std::optional<std::string> slot_problem(const ModelState& s, FileId f, PageOffset o) {
    if (auto p = bad_file(f, s.universe)) return p;
    if (!s.files[f].slots.count(o))
        return "file " + name(f) + " has no entry starting at offset " + std::to_string(o);
    return std::nullopt;
}

std::optional<std::string> pfn_problem(const ModelState& s, Pfn p) {
    if (p >= s.universe.pfns) return "pfn " + std::to_string(p) + " is outside the universe";
    return std::nullopt;
}

bool file_holds_entry(const FileState& file, Pfn pfn, Order order) {
    return std::any_of(file.slots.begin(), file.slots.end(), [&](const auto& kv) {
        return kv.second.covers_pfns() && kv.second.pfn == pfn && kv.second.order == order;
    });
}

// Room for an entry of `order` at `offset` in `file`, well formed.
std::optional<std::string> placement_problem(const ModelState& s, FileId file, PageOffset offset,
                                             Order order) {
    const Universe& u = s.universe;
    if (auto p = bad_file(file, u)) return p;
    if (auto p = bad_extent("offset", offset, order, u.offsets, u)) return p;
    PageOffset at = 0;
    if (overlapping_slot(s.files[file], offset, u.pages(order), u, &at))
        return "file " + name(file) + " already has an entry at offset " + std::to_string(at) +
               " covering offset " + std::to_string(offset);
    return std::nullopt;
}

void remove_entry(ModelState& s, FileId f, PageOffset o) {
    auto it = s.files[f].slots.find(o);
    const Slot slot = it->second;
    s.files[f].slots.erase(it);
    if (!slot.covers_pfns()) return;
    for (std::uint64_t i = 0; i < s.universe.pages(slot.order); i++) {
        PfnState& page = s.pfns[slot.pfn + i];
        auto owner = std::find(page.owners.begin(), page.owners.end(), Owner{f, o + i});
        if (owner != page.owners.end()) page.owners.erase(owner);
        if (page.owners.empty()) page.shared = false;
    }
}

}  // namespace

ModelState initial_state(const Universe& u) {
    ModelState s;
    s.universe = u;
    s.pfns.resize(u.pfns);
    s.files.resize(u.files);
    return s;
}

std::optional<std::string> illegal_reason(const ModelState& s, const Op& op) {
    return std::visit(
        overloaded{
            [&](const Associate& a) { return associate_problem(s, a, true); },
            [&](const Disassociate& d) { return slot_problem(s, d.file, d.offset); },
            [&](const Truncate& t) { return slot_problem(s, t.file, t.offset); },
            [&](const Pin& p) -> std::optional<std::string> {
                if (auto e = pfn_problem(s, p.pfn)) return e;
                if (s.pfns[p.pfn].owners.empty())
                    return "pfn " + std::to_string(p.pfn) + " has no owner to pin it through";
                if (s.pfns[p.pfn].pins >= s.universe.max_pins)
                    return "pfn " + std::to_string(p.pfn) + " already has max-pins pins";
                return std::nullopt;
            },
            [&](const Unpin& p) -> std::optional<std::string> {
                if (auto e = pfn_problem(s, p.pfn)) return e;
                if (s.pfns[p.pfn].pins == 0)
                    return "pfn " + std::to_string(p.pfn) + " has no pin to drop";
                return std::nullopt;
            },
            // A TruncateStray is a DisassociateStray too: its own case first.
            [&](const TruncateStray&) -> std::optional<std::string> {
                return "truncate-stray is a misuse: the caller's xarray does not hold that entry";
            },
            [&](const DisassociateStray&) -> std::optional<std::string> {
                return "disassociate-stray is a misuse: the caller's xarray does not hold that entry";
            },
            [&](const AssociateZero& z) { return placement_problem(s, z.file, z.offset, z.order); },
            [&](const Grab& g) { return placement_problem(s, g.file, g.offset, g.order); },
        },
        op);
}

ModelState apply(ModelState s, const Op& op) {
    if (is_legal(s, op)) apply_legal(s, op);
    return s;
}

void apply_legal(ModelState& s, const Op& op) {
    std::visit(overloaded{
                   [&](const Associate& a) {
                       for (std::uint64_t i = 0; i < s.universe.pages(a.order); i++) {
                           PfnState& page = s.pfns[a.pfn + i];
                           const Owner owner{a.file, a.offset + i};
                           page.owners.insert(
                               std::upper_bound(page.owners.begin(), page.owners.end(), owner),
                               owner);
                           if (a.shared) page.shared = true;
                       }
                       s.files[a.file].slots[a.offset] = Slot{a.pfn, a.order, a.shared};
                   },
                   [&](const Disassociate& d) { remove_entry(s, d.file, d.offset); },
                   [&](const Truncate& t) { remove_entry(s, t.file, t.offset); },
                   [&](const Pin& p) { s.pfns[p.pfn].pins++; },
                   [&](const Unpin& p) { s.pfns[p.pfn].pins--; },
                   [&](const DisassociateStray&) {},
                   [&](const AssociateZero& z) {
                       s.files[z.file].slots[z.offset] =
                           Slot{0, z.order, z.shared, EntryKind::Zero};
                   },
                   [&](const Grab& g) {
                       s.files[g.file].slots[g.offset] = Slot{0, g.order, false, EntryKind::Empty};
                   },
               },
               op);
}

std::optional<EntryRange> entry_of(const ModelState& s, const Op& op) {
    auto from_slot = [&](FileId f, PageOffset o) -> std::optional<EntryRange> {
        if (f >= s.files.size()) return std::nullopt;
        auto it = s.files[f].slots.find(o);
        if (it == s.files[f].slots.end() || !it->second.covers_pfns()) return std::nullopt;
        return EntryRange{it->second.pfn, it->second.order};
    };
    return std::visit(
        overloaded{
            [&](const Associate& a) -> std::optional<EntryRange> {
                return EntryRange{a.pfn, a.order};
            },
            [&](const Disassociate& d) { return from_slot(d.file, d.offset); },
            [&](const Truncate& t) { return from_slot(t.file, t.offset); },
            [&](const Pin&) -> std::optional<EntryRange> { return std::nullopt; },
            [&](const Unpin&) -> std::optional<EntryRange> { return std::nullopt; },
            [&](const DisassociateStray& d) -> std::optional<EntryRange> {
                return EntryRange{d.pfn, d.order};
            },
            [&](const AssociateZero&) -> std::optional<EntryRange> { return std::nullopt; },
            [&](const Grab&) -> std::optional<EntryRange> { return std::nullopt; },
        },
        op);
}

PfnRange touched_range(const ModelState& s, const Op& op) {
    PfnRange r;
    if (auto e = entry_of(s, op)) {
        r = {e->pfn, s.universe.pages(e->order)};
    } else if (auto* p = std::get_if<Pin>(&op)) {
        r = {p->pfn, 1};
    } else if (auto* p = std::get_if<Unpin>(&op)) {
        r = {p->pfn, 1};
    }
    // Clipped to the universe: a misuse may name pfns past its end.
    if (r.first >= s.universe.pfns) return {};
    r.count = std::min(r.count, s.universe.pfns - r.first);
    return r;
}

std::vector<Pfn> touched_pfns(const ModelState& s, const Op& op) {
    const PfnRange r = touched_range(s, op);
    std::vector<Pfn> out;
    for (std::uint64_t i = 0; i < r.count; i++) out.push_back(r.first + i);
    return out;
}

bool truncates_pinned_page(const ModelState& s, const Op& op) {
    if (!std::holds_alternative<Truncate>(op) || !is_legal(s, op)) return false;
    const PfnRange r = touched_range(s, op);
    for (std::uint64_t i = 0; i < r.count; i++)
        if (s.pfns[r.first + i].pins > 0) return true;
    return false;
}

std::optional<std::string> unchecked_misuse_reason(const ModelState& s, const Op& op) {
    if (is_legal(s, op)) return "not a misuse: the operation is legal";
    if (auto* a = std::get_if<Associate>(&op)) {
        // Only the exclusivity rule may be broken: a second exclusive owner.
        if (auto p = associate_problem(s, *a, false)) return p;
        return std::nullopt;
    }
    if (auto* d = stray_of(op)) {
        const std::string what = std::holds_alternative<TruncateStray>(op) ? "truncate-stray"
                                                                           : "disassociate-stray";
        if (auto p = bad_file(d->file, s.universe)) return p;
        if (auto p = bad_extent("pfn", d->pfn, d->order, s.universe.pfns, s.universe)) return p;
        if (file_holds_entry(s.files[d->file], d->pfn, d->order))
            return "file " + name(d->file) + "'s xarray holds that entry: not a stray release (" +
                   what + " names an entry the caller does not hold)";
        // Visible only on a page that has one kind of owner and it is another file.
        for (std::uint64_t i = 0; i < s.universe.pages(d->order); i++) {
            const PfnState& page = s.pfns[d->pfn + i];
            const bool owned_by_caller =
                std::any_of(page.owners.begin(), page.owners.end(),
                            [&](const Owner& o) { return o.file == d->file; });
            if (!page.owners.empty() && !page.shared && !owned_by_caller) return std::nullopt;
        }
        return "no page of the entry is owned by another file alone: " + what +
               " of it is a misuse no defensive check can see";
    }
    return illegal_reason(s, op);
}

std::optional<DefensiveCheck> misuse_check(const ModelState& s, const Op& op) {
    if (is_legal(s, op) || unchecked_misuse_reason(s, op)) return std::nullopt;
    if (std::holds_alternative<Associate>(op)) return DefensiveCheck::SecondExclusiveOwner;
    return DefensiveCheck::MappingMismatch;  // a stray release (the only other checkable misuse)
}

bool offsets_free(const FileState& file, PageOffset first, std::uint64_t count, const Universe& u) {
    // Entries do not overlap and are ordered by offset, so their ends are
    // ordered too: only the last entry starting before first+count can reach
    // into the range.
    auto it = file.slots.lower_bound(first + count);
    if (it == file.slots.begin()) return true;
    --it;
    return it->first + u.pages(it->second.order) <= first;
}

bool pfns_free(const ModelState& s, Pfn first, std::uint64_t count) {
    for (std::uint64_t i = 0; i < count; i++)
        if (!s.pfns[first + i].owners.empty()) return false;
    return true;
}

std::vector<Disassociate> remaining_entries(const ModelState& s) {
    std::vector<Disassociate> out;
    for (FileId f = 0; f < s.files.size(); f++)
        for (const auto& kv : s.files[f].slots) out.push_back(Disassociate{f, kv.first});
    return out;
}

}  // namespace daxcheck::model
