#include "harness/execution.h"

#include "model/overloaded.h"

#include <algorithm>
#include <fmt/format.h>

namespace daxcheck {
namespace {

std::string mapping_name(const kshim::address_space* mapping) {
    if (!mapping) return "NULL";
    if (mapping == TAIL_MAPPING) return "TAIL_MAPPING";
    const int file = kshim::mapping_file(mapping);
    if (file >= 0) return std::string(1, model::file_letter(static_cast<model::FileId>(file)));
    return fmt::format("{:#x}", reinterpret_cast<std::uintptr_t>(mapping));
}

// Every field a port may write. (Tail pointers are compared by pfn.)
bool same_page(const kshim::page& a, const kshim::page& b) {
    return a.mapping == b.mapping && a.index == b.index && a._refcount == b._refcount &&
           (a.compound_head == nullptr) == (b.compound_head == nullptr) &&
           a.compound_order == b.compound_order && a.head == b.head && a.pgmap == b.pgmap;
}

}  // namespace

Execution::Execution(const Variant& variant, const model::Universe& universe)
    : variant_(&variant),
      model_(model::initial_state(universe)),
      world_(universe.pfns, universe.files, universe.pmd_order, variant.idle_refcount),
      first_misuse_(universe.pfns, 0),
      step_mark_(universe.pfns, 0),
      changed_mark_(universe.pfns, false) {
    world_.free_zone_device_folio = variant.free_folio;
}

void Execution::reset() {
    if (!tracking_) {
        *this = Execution(*variant_, model_.universe);
        return;
    }
    for (model::Pfn p : changed_pfns_) {
        model::PfnState& m = model_.pfns[p];
        m.owners.clear();  // keeps its buffer for the next walk
        m.shared = false;
        m.pins = 0;
        world_.memmap[p] = kshim::folio{};
        world_.memmap[p]._refcount = variant_->idle_refcount;
        world_.memmap[p].pgmap = kshim::fsdax_pgmap();
        first_misuse_[p] = 0;
        changed_mark_[p] = false;
    }
    changed_pfns_.clear();
    step_pfns_.clear();
    for (auto& f : model_.files) f.slots.clear();
    for (auto& x : world_.i_pages) x.clear();
    std::fill(world_.nrpages.begin(), world_.nrpages.end(), 0);
    // A port that writes the zero page (a loop over a zero entry's "pfns")
    // reaches it outside the memmap, so it is never among the changed pfns:
    // left as it was, its page->mapping would make the next walk warn.
    world_.zero_page = kshim::folio{};
    world_.warnings.clear();
    world_.op_number = 0;
    compound_seen_ = false;
    any_misuse_ = false;
}

void Execution::heads_with_tails(std::size_t reached, std::uint64_t pages) {
    const auto& memmap = world_.memmap;
    std::vector<model::Pfn>& heads = heads_scratch_;
    heads.clear();
    const auto base = reinterpret_cast<std::uintptr_t>(memmap.data());
    // Page q names a head of this step's (step_mark_ holds only the reached
    // pfns yet) as its compound_head: keep that head.
    const auto consider = [&](model::Pfn q) {
        const kshim::page* head = memmap[q].compound_head;
        const auto at = reinterpret_cast<std::uintptr_t>(head);
        if (!at || at < base || (at - base) % sizeof(kshim::folio) != 0) return;
        const model::Pfn x = (at - base) / sizeof(kshim::folio);
        if (x < q && q - x < pages && step_mark_[x] == serial_ &&
            (heads.empty() || heads.back() != x))  // a folio's tails come together
            heads.push_back(x);
    };
    if (reached * pages <= 64) {
        // A few small windows (every PTE step, a small PMD): each scanned
        // as it is, which costs less than sorting them.
        for (std::size_t i = 0; i < reached; i++) {
            const model::Pfn h = step_pfns_[i];
            const model::Pfn end = std::min<std::uint64_t>(h + pages, memmap.size());
            for (model::Pfn q = h + 1; q < end; q++) consider(q);
        }
    } else {
        std::vector<model::Pfn>& sorted = sorted_scratch_;
        sorted.assign(step_pfns_.begin(), step_pfns_.begin() + static_cast<long>(reached));
        if (!std::is_sorted(sorted.begin(), sorted.end())) std::sort(sorted.begin(), sorted.end());
        // Each page of the union of the windows h+1 .. h+pages-1 once, in
        // order (a PMD entry's step pfns overlap: scanning every window is
        // quadratic).
        model::Pfn next = 0;  // the windows before it are scanned
        for (model::Pfn h : sorted) {
            const model::Pfn end = std::min<std::uint64_t>(h + pages, memmap.size());
            for (model::Pfn q = std::max(h + 1, next); q < end; q++) consider(q);
            next = std::max(next, end);
        }
    }
    if (heads.size() > 1) {
        std::sort(heads.begin(), heads.end());
        heads.erase(std::unique(heads.begin(), heads.end()), heads.end());
    }
}

void Execution::collect_step_pfns(const model::PfnRange& touched) {
    serial_++;
    step_pfns_.clear();
    // Each pfn once (marked with this step's serial number: no clearing).
    const auto note = [this](model::Pfn p) {
        if (p >= step_mark_.size() || step_mark_[p] == serial_) return;
        step_mark_[p] = serial_;
        step_pfns_.push_back(p);
    };
    for (std::uint64_t i = 0; i < touched.count; i++) note(touched.first + i);
    for (unsigned long p : world_.reached) note(p);
    const auto& memmap = world_.memmap;
    const std::size_t reached = step_pfns_.size();
    for (std::size_t i = 0; i < reached && !compound_seen_; i++)
        compound_seen_ = memmap[step_pfns_[i]].head || memmap[step_pfns_[i]].compound_head;
    if (compound_seen_) {
        // A tail's decode reads its head: a changed head changes its tails,
        // the pages h+1 .. h+pages-1 that point at it.
        const std::uint64_t pages = std::uint64_t{1} << world_.pmd_order;
        heads_with_tails(reached, pages);
        for (std::size_t i = 0; i < reached; i++) {
            const model::Pfn h = step_pfns_[i];
            if (!is_head_with_tails(h)) continue;
            for (std::uint64_t t = 1; t < pages && h + t < memmap.size(); t++)
                if (memmap[h + t].compound_head == &memmap[h]) note(h + t);
        }
    }
    if (!tracking_) return;
    for (model::Pfn p : step_pfns_)
        if (!changed_mark_[p]) {
            changed_mark_[p] = true;
            changed_pfns_.push_back(p);
        }
}

namespace {

// Whether `op` works on a zero-page or empty entry (in the model before it).
const char* no_pfn_entry_kind(const model::ModelState& s, const model::Op& op) {
    if (std::holds_alternative<model::AssociateZero>(op)) return "a zero-page";
    if (std::holds_alternative<model::Grab>(op)) return "an empty";
    auto slot_kind = [&](model::FileId f, model::PageOffset o) -> const char* {
        if (f >= s.files.size()) return nullptr;
        auto it = s.files[f].slots.find(o);
        if (it == s.files[f].slots.end() || it->second.covers_pfns()) return nullptr;
        return it->second.kind == model::EntryKind::Zero ? "a zero-page" : "an empty";
    };
    if (auto* d = std::get_if<model::Disassociate>(&op)) return slot_kind(d->file, d->offset);
    if (auto* t = std::get_if<model::Truncate>(&op)) return slot_kind(t->file, t->offset);
    return nullptr;
}

}  // namespace

template <class Run>
StepOutcome Execution::step_with(const model::Op& op, const Run& run) {
    StepOutcome out;
    const char* no_pfn_kind = no_pfn_entry_kind(model_, op);
    if (auto why = model::illegal_reason(model_, op)) {
        out.legal = false;
        out.illegal_reason = *why;
    }
    const std::size_t warnings_before = world_.warnings.size();
    world_.op_number++;
    std::vector<kshim::folio> memmap_before_misuse;
    std::vector<Decoded> decode_before_misuse;
    const model::PfnRange touched = model::touched_range(model_, op);
    if (!out.legal) {
        // Taint the pfns of the misused entry now, and any other page the port
        // changes (a folio head, say) or whose decode changes (a tail read
        // through a changed head) once the port has run. (Misuse steps copy
        // and compare the whole memmap: they are not the hot path.)
        for (std::uint64_t i = 0; i < touched.count; i++)
            if (first_misuse_[touched.first + i] == 0)
                first_misuse_[touched.first + i] = world_.op_number;
        memmap_before_misuse = world_.memmap;
        for (model::Pfn p = 0; p < first_misuse_.size(); p++) decode_before_misuse.push_back(decode(p));
        any_misuse_ = true;
    }
    // A legal step on an entry that covers a tainted pfn carries the port's
    // corruption to every pfn it changes (issue 17, item 9).
    bool spreads_taint = false;
    for (std::uint64_t i = 0; out.legal && any_misuse_ && i < touched.count && !spreads_taint; i++)
        spreads_taint = first_misuse_[touched.first + i] != 0;
    world_.reached.clear();
    try {
        kshim::world_scope scope(world_);
        struct Log {
            kshim::kernel_world& w;
            explicit Log(kshim::kernel_world& world) : w(world) { w.log_reached = true; }
            ~Log() { w.log_reached = false; }
        } log(world_);
        run();
    } catch (const kshim::kernel_bug& bug) {
        out.kernel_bug = bug.what();
    }
    if (no_pfn_kind && !world_.reached.empty()) {
        const unsigned long pfn = world_.reached.front();
        out.no_pfn_entry_touched =
            fmt::format("the port reached the struct page of {} for {} entry, which covers no pfn",
                        pfn == world_.memmap.size() ? std::string("the zero page")
                                                    : fmt::format("pfn {}", pfn),
                        no_pfn_kind);
    }
    out.warnings.assign(world_.warnings.begin() + static_cast<long>(warnings_before),
                        world_.warnings.end());
    if (!out.legal) {
        for (model::Pfn p = 0; p < world_.memmap.size() && p < first_misuse_.size(); p++)
            if (first_misuse_[p] == 0 && (!same_page(memmap_before_misuse[p], world_.memmap[p]) ||
                                          decode(p) != decode_before_misuse[p]))
                first_misuse_[p] = world_.op_number;
    }
    if (out.legal) model::apply_legal(model_, op);
    collect_step_pfns(touched);
    if (spreads_taint)
        for (model::Pfn p : step_pfns_)
            if (first_misuse_[p] == 0) first_misuse_[p] = world_.op_number;
    if (observer_.f) observer_.f(op, out);
    return out;
}

StepOutcome Execution::step(const model::Op& op) {
    return step_with(op, [&] { run_port(op); });
}

StepOutcome Execution::step_call(const model::Op& op, const std::function<void()>& call) {
    return step_with(op, call);
}

void Execution::run_port(const model::Op& op) { run_port_call(*variant_, world_, op); }

void run_port_call(const Variant& variant, kshim::kernel_world& world, const model::Op& op) {
    using namespace model;
    const Variant* variant_ = &variant;
    auto& xarray = world.i_pages;
    std::visit(
        overloaded{
            [&](const Associate& a) {
                if (a.file >= xarray.size()) throw kshim::kernel_bug("no such file");
                void* entry = kshim::dax_make_entry(a.pfn, a.order ? kshim::DAX_PMD : 0);
                kshim::vm_area_struct vma;  // maps the file from offset 0
                variant_->associate(entry, kshim::file_mapping(a.file), &vma,
                                    a.offset << kshim::PAGE_SHIFT, a.shared);
                xarray[a.file][a.offset] = entry;  // dax_insert_entry's xarray store
            },
            [&](const Disassociate& d) {
                if (d.file >= xarray.size()) throw kshim::kernel_bug("no such file");
                auto it = xarray[d.file].find(d.offset);
                if (it == xarray[d.file].end()) return;  // nothing to invalidate
                variant_->disassociate(it->second, kshim::file_mapping(d.file), false);
                xarray[d.file].erase(it);
            },
            [&](const Truncate& t) {
                if (t.file >= xarray.size()) throw kshim::kernel_bug("no such file");
                auto it = xarray[t.file].find(t.offset);
                if (it == xarray[t.file].end()) return;
                variant_->disassociate(it->second, kshim::file_mapping(t.file), true);
                xarray[t.file].erase(it);
            },
            [&](const Pin& p) {
                if (variant_->pin) variant_->pin(p.pfn);
                else kshim::get_page(kshim::pfn_to_page(p.pfn));
            },
            [&](const Unpin& p) {
                if (variant_->unpin) variant_->unpin(p.pfn);
                else kshim::put_page(kshim::pfn_to_page(p.pfn));
            },
            [&](const DisassociateStray& d) {
                if (d.file >= xarray.size()) throw kshim::kernel_bug("no such file");
                void* entry = kshim::dax_make_entry(d.pfn, d.order ? kshim::DAX_PMD : 0);
                variant_->disassociate(entry, kshim::file_mapping(d.file), false);
            },
            [&](const TruncateStray& d) {
                if (d.file >= xarray.size()) throw kshim::kernel_bug("no such file");
                void* entry = kshim::dax_make_entry(d.pfn, d.order ? kshim::DAX_PMD : 0);
                variant_->disassociate(entry, kshim::file_mapping(d.file), true);
            },
            [&](const AssociateZero& z) {
                if (z.file >= xarray.size()) throw kshim::kernel_bug("no such file");
                void* entry = kshim::dax_make_entry(
                    kshim::my_zero_pfn(), kshim::DAX_ZERO_PAGE | (z.order ? kshim::DAX_PMD : 0));
                kshim::vm_area_struct vma;
                variant_->associate(entry, kshim::file_mapping(z.file), &vma,
                                    z.offset << kshim::PAGE_SHIFT, z.shared);
                xarray[z.file][z.offset] = entry;
            },
            [&](const Grab& g) {  // grab_mapping_entry: an xarray store, no call
                if (g.file >= xarray.size()) throw kshim::kernel_bug("no such file");
                xarray[g.file][g.offset] =
                    kshim::dax_make_entry(0, kshim::DAX_EMPTY | (g.order ? kshim::DAX_PMD : 0));
            },
        },
        op);
}

Decoded Execution::decode(model::Pfn pfn) const {
    auto& world = const_cast<kshim::kernel_world&>(world_);  // decode only reads
    kshim::world_scope scope(world);
    try {
        return variant_->decode(pfn);
    } catch (const kshim::kernel_bug& bug) {
        return Decoded::invalid(std::string("decode stopped: ") + bug.what());
    }
}

RefcountView Execution::refcount(model::Pfn pfn) const {
    if (!variant_->refcount) return {world_.memmap[pfn]._refcount, pfn, 1};
    auto& world = const_cast<kshim::kernel_world&>(world_);  // the reader only reads
    kshim::world_scope scope(world);
    return variant_->refcount(pfn);
}

std::string Execution::raw_fields(model::Pfn pfn) const {
    if (pfn >= world_.memmap.size()) return "(outside the memmap)";
    const kshim::page& page = world_.memmap[pfn];
    std::string out = fmt::format("mapping={} index={} ref={}", mapping_name(page.mapping),
                                  static_cast<unsigned long>(page.index),
                                  static_cast<int>(page._refcount));
    if (page.head)
        out += fmt::format(" head order={}", static_cast<unsigned>(page.compound_order));
    if (page.compound_head) {
        const auto* head = static_cast<const kshim::folio*>(static_cast<const kshim::page*>(page.compound_head));
        out += fmt::format(" tail of pfn {}", head - world_.memmap.data());
    } else if (page.pgmap != kshim::fsdax_pgmap()) {
        out += " pgmap=NULL";  // a page that is no tail lost its device
    }
    return out;
}

std::string describe(const model::PfnState& p) {
    std::string out;
    for (const auto& o : p.owners)
        out += fmt::format("{}{}:{}", out.empty() ? "" : " ", model::file_letter(o.file), o.offset);
    if (out.empty()) out = "free";
    if (p.shared) out += " shared";
    if (p.pins) out += fmt::format(" pins={}", p.pins);
    return out;
}

}  // namespace daxcheck
