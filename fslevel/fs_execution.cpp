#include "fslevel/fs_execution.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "harness/op_text.h"

namespace daxcheck::fslevel {
namespace {

const FaultPath& path_or_throw(const Variant& v) {
    std::string why;
    const FaultPath* p = fault_path_of(v, &why);
    if (!p) throw std::invalid_argument(why);
    return *p;
}

const char* kind_name(model::EntryKind k) {
    switch (k) {
        case model::EntryKind::Pfns: return "";
        case model::EntryKind::Zero: return "zero-page ";
        case model::EntryKind::Empty: return "empty ";
    }
    return "";
}

// The model slot of `file` covering `index`, if any.
const model::Slot* slot_covering(const model::ModelState& m, FileId file, PageOffset index,
                                 PageOffset* at) {
    if (file >= m.files.size()) return nullptr;
    for (const auto& [first, slot] : m.files[file].slots)
        if (index >= first && index < first + m.universe.pages(slot.order)) {
            *at = first;
            return &slot;
        }
    return nullptr;
}

// What an xarray value entry is, in the model's terms.
model::Slot slot_of_entry(void* entry, const model::Universe& u) {
    model::Slot s;
    s.order = kshim::dax_is_pmd_entry(entry) ? static_cast<model::Order>(u.pmd_order) : 0;
    if (kshim::dax_is_zero_entry(entry)) s.kind = model::EntryKind::Zero;
    else if (kshim::dax_is_empty_entry(entry)) s.kind = model::EntryKind::Empty;
    else s.pfn = kshim::dax_to_pfn(entry);
    return s;
}

bool same_entry(const model::Slot& a, const model::Slot& b) {
    return a.kind == b.kind && a.order == b.order && (a.kind != model::EntryKind::Pfns || a.pfn == b.pfn);
}

class GateScope {
public:
    GateScope(kshim::kernel_world& w, kshim::dax_call_gate* g) : w_(w), scope_(w) { w_.gate = g; }
    ~GateScope() { w_.gate = nullptr; }

private:
    kshim::kernel_world& w_;
    kshim::world_scope scope_;
};

}  // namespace

std::string describe_entry(FileId f, PageOffset at, const model::Slot& e) {
    std::string out = fmt::format("{}:{} {}{}", model::file_letter(f), at, kind_name(e.kind),
                                  e.order ? "PMD" : "PTE");
    if (e.kind == model::EntryKind::Pfns) out += fmt::format(" pfn {}", e.pfn);
    return out;
}

const CallCheck& no_call_check() {
    static const CallCheck check = [](const StepView&) -> std::optional<std::string> {
        return std::nullopt;
    };
    return check;
}

CallCheck check_of(const Property& p) {
    auto after = p.after_step;
    return [after](const StepView& view) -> std::optional<std::string> {
        if (auto bug = kernel_bug_failure(view.outcome)) return bug;
        return after ? after(view) : std::nullopt;
    };
}

FsExecution::FsExecution(const Variant& v, const model::Universe& u)
    : variant_(&v),
      path_(&path_or_throw(v)),
      exec_(v, u),
      fs_(fslevel::initial_state(u, path_->remap_drops_source_entries)),
      before_(exec_.model()) {}

FsExecution::FsExecution(const FsExecution& other)
    : kshim::dax_call_gate(),
      variant_(other.variant_),
      path_(other.path_),
      exec_(other.exec_),
      fs_(other.fs_),
      before_(other.before_),
      known_(other.known_) {}

void FsExecution::reset() {
    exec_.reset();
    fslevel::reset(fs_);
    for (auto& p : before_.pfns) {
        p.owners.clear();
        p.shared = false;
        p.pins = 0;
    }
    for (auto& f : before_.files) f.slots.clear();
}

void FsExecution::derived(const model::Op& op, const std::function<void()>& call,
                          std::optional<std::string> contract_failure) {
    DerivedCall dc;
    if (record_) {
        dc.op = op;
        dc.touched = model::touched_pfns(before_, op);
        dc.entry_pfns = dc.touched.size();
    }
    dc.outcome = exec_.step_call(op, call);
    // And the pfns the call reached beyond its entry (a folio's head, its
    // tails): the check reads them too, so a failure can name one.
    if (record_)
        for (model::Pfn p : exec_.step_pfns())
            if (std::find(dc.touched.begin(), dc.touched.end(), p) == dc.touched.end()) dc.touched.push_back(p);
    if (!dc.outcome.legal || dc.outcome.kernel_bug) out_->model_lost = true;
    std::optional<std::string> failure = std::move(contract_failure);
    if (!failure && !dc.outcome.legal)
        failure = fmt::format("the fault path's call `{}` breaks the contract (SPEC 8: a legal "
                              "filesystem operation derives legal calls): {}",
                              daxcheck::to_text(op), dc.outcome.illegal_reason);
    if (!failure && (keep_going_ || !out_->failure))
        failure = (*check_)(StepView{before_, op, dc.outcome, exec_});
    if (failure) note_failure(*out_, *failure);
    // Bring before_ up to date: the call changed only its pfns and its file.
    const model::ModelState& now = exec_.model();
    for (model::Pfn p : exec_.step_pfns()) before_.pfns[p] = now.pfns[p];
    std::visit([&](const auto& o) {
        if constexpr (requires { o.file; }) before_.files[o.file] = now.files[o.file];
    }, op);
    out_->call_count++;
    if (record_) {
        dc.failure = std::move(failure);
        if (observer_) observer_(dc, exec_);
        out_->calls.push_back(std::move(dc));
    }
}

void FsExecution::associate(void* entry, struct kshim::address_space* mapping,
                            struct kshim::vm_area_struct* vma, unsigned long address, bool shared) {
    const int file = kshim::mapping_file(mapping);
    const model::Slot e = slot_of_entry(entry, exec_.model().universe);
    const std::uint64_t pages = exec_.model().universe.pages(e.order);
    const PageOffset offset = kshim::linear_page_index(vma, address) & ~(pages - 1);
    const FileId f = file < 0 ? context_file_ : static_cast<FileId>(file);
    auto call = [&] { variant_->associate(entry, mapping, vma, address, shared); };
    std::optional<std::string> bad;
    if (file < 0) bad = "the fault path associated an entry with a mapping that is no file's";
    if (e.kind == model::EntryKind::Empty) bad = "the fault path associated an empty entry";
    if (e.kind == model::EntryKind::Pfns)
        derived(model::Associate{f, offset, e.pfn, e.order, shared}, call, bad);
    else
        derived(model::AssociateZero{f, offset, e.order, shared}, call, bad);
}

void FsExecution::disassociate(void* entry, struct kshim::address_space* mapping, bool trunc) {
    const int file = kshim::mapping_file(mapping);
    const FileId f = file < 0 ? context_file_ : static_cast<FileId>(file);
    PageOffset at = context_index_;
    const model::Slot* slot = slot_covering(exec_.model(), f, context_index_, &at);
    std::optional<std::string> bad;
    const model::Slot e = slot_of_entry(entry, exec_.model().universe);
    if (slot && !same_entry(*slot, e))
        bad = fmt::format("the fault path released {} but the slot holds {}",
                          describe_entry(f, at, e), describe_entry(f, at, *slot));
    auto call = [&] { variant_->disassociate(entry, mapping, trunc); };
    if (trunc) derived(model::Truncate{f, at}, call, bad);
    else derived(model::Disassociate{f, at}, call, bad);
}

void FsExecution::stored(std::uint8_t file, unsigned long index, void* old_entry, void* entry) {
    // grab_mapping_entry's new empty entry is the only store without a call.
    if (!entry || old_entry || !kshim::dax_is_empty_entry(entry)) return;
    const model::Slot e = slot_of_entry(entry, exec_.model().universe);
    derived(model::Grab{file, index, e.order}, [] {});
}

void FsExecution::run_action(const Action& a) {
    context_file_ = a.file;
    context_index_ = a.index;
    switch (a.kind) {
        case Action::Kind::Delete: dax_delete_mapping_entry(a.file, a.index); return;
        case Action::Kind::Invalidate: dax_invalidate_mapping_entry_sync(a.file, a.index); return;
        case Action::Kind::Pin:
        case Action::Kind::Unpin: {
            const bool pin = a.kind == Action::Kind::Pin;
            model::Op op = pin ? model::Op{model::Pin{a.pfn}} : model::Op{model::Unpin{a.pfn}};
            derived(op, [&] {
                if (pin) variant_->pin ? variant_->pin(a.pfn) : kshim::get_page(kshim::pfn_to_page(a.pfn));
                else variant_->unpin ? variant_->unpin(a.pfn) : kshim::put_page(kshim::pfn_to_page(a.pfn));
            });
            return;
        }
        case Action::Kind::Fault: break;
    }
    kshim::file file{kshim::file_mapping(a.file)};
    kshim::vm_area_struct vma;  // the whole file mapped from address 0
    vma.vm_file = &file;
    kshim::vm_fault vmf;
    vmf.vma = &vma;
    vmf.flags = a.write ? kshim::FAULT_FLAG_WRITE : 0;
    vmf.pgoff = a.index;
    vmf.address = a.index << kshim::PAGE_SHIFT;  // the faulting page, not the entry's first
    auto iter_of = [&](const Iomap& io) {
        kshim::iomap_iter iter;
        iter.flags = a.write ? kshim::IOMAP_WRITE : 0;
        iter.iomap.type = io.hole ? kshim::IOMAP_HOLE : kshim::IOMAP_MAPPED;
        iter.iomap.flags = io.shared ? kshim::IOMAP_F_SHARED : 0;
        iter.iomap.pfn = io.pfn;
        iter.iomap.length = io.length;
        return iter;
    };
    if (a.pmd) {
        const kshim::iomap_iter iter = iter_of(a.pmd_iomap);
        if (dax_fault(*path_, &vmf, &iter, true) == FaultResult::Pmd) return;
    }
    const kshim::iomap_iter iter = iter_of(a.pte_iomap);
    dax_fault(*path_, &vmf, &iter, false);
}

std::optional<std::string> FsExecution::page_cache_mismatch(FileId f) const {
    const model::ModelState& m = exec_.model();
    const model::Universe& u = m.universe;
    const auto& xa = exec_.world().i_pages;
    {
        const auto& want = fs_.cache[f];
        const auto& have = m.files[f].slots;
        for (const auto& [at, e] : want) {
            auto it = have.find(at);
            if (it == have.end() || !same_entry(it->second, e))
                return fmt::format("the page cache should hold {} (SPEC 8) but the calls left {}",
                                   describe_entry(f, at, e),
                                   it == have.end() ? std::string("no entry there")
                                                    : describe_entry(f, at, it->second));
        }
        for (const auto& [at, e] : have)
            if (!want.count(at))
                return fmt::format("the calls left {} in the page cache, which should hold no entry there (SPEC 8)",
                                   describe_entry(f, at, e));
        // The port's own xarray must hold what the calls said.
        for (const auto& [at, entry] : xa[f]) {
            auto it = have.find(at);
            if (kshim::xa_to_value(entry) & kshim::DAX_LOCKED)
                return fmt::format("the fault path left the entry at {}:{} locked", model::file_letter(f), at);
            if (it == have.end() || !same_entry(it->second, slot_of_entry(entry, u)))
                return fmt::format("{}'s xarray holds {} where the calls left {}", model::file_letter(f),
                                   describe_entry(f, at, slot_of_entry(entry, u)),
                                   it == have.end() ? std::string("no entry") : describe_entry(f, at, it->second));
        }
        if (xa[f].size() != have.size())
            return fmt::format("{}'s xarray holds {} entries where the calls left {}",
                               model::file_letter(f), xa[f].size(), have.size());
        // mapping->nrpages must count exactly the pages the entries cover:
        // eviction removes each entry's 1 << order and then clear_inode
        // BUG_ONs on what is left.
        long covered = 0;
        for (const auto& [at, entry] : xa[f]) covered += 1L << (kshim::dax_is_pmd_entry(entry) ? u.pmd_order : 0);
        if (const long counted = exec_.world().nrpages[f]; counted != covered)
            return fmt::format("{}'s mapping->nrpages is {} where its entries cover {} page{}: evicting "
                               "{} hits BUG_ON(inode->i_data.nrpages) in clear_inode",
                               model::file_letter(f), counted, covered, covered == 1 ? "" : "s",
                               model::file_letter(f));
    }
    return std::nullopt;
}

std::optional<std::string> FsExecution::evict(FileId file) {
    kshim::world_scope scope(exec_.fault_path_world());
    try {
        kshim::clear_inode_check(kshim::file_mapping(file));
    } catch (const kshim::kernel_bug& bug) {
        return std::string(bug.what());
    }
    return std::nullopt;
}

void FsExecution::note_failure(FsStepOutcome& out, const std::string& failure) const {
    if (known_ && known_(failure)) {
        if (!out.passed_over) out.passed_over = failure;
        // model_lost is set before a failure is noted: a known failure of
        // an illegal call or a BUG_ON loses the model for what follows.
        out.lost_past_known = out.lost_past_known || out.model_lost;
        return;
    }
    if (out.lost_past_known || out.failure) return;
    out.failure = failure;
}

FsStepOutcome FsExecution::step(const Op& op, const CallCheck& check, bool keep_going, bool record,
                                bool known_legal) {
    FsStepOutcome out;
    if (known_legal) {
    } else if (auto why = illegal_reason(fs_, op)) {
        out.legal = false;
        out.illegal_reason = *why;
        return out;
    }
    apply(fs_, op, actions_);
    check_ = &check;
    out_ = &out;
    keep_going_ = keep_going;
    record_ = record;
    {
        GateScope scope(exec_.fault_path_world(), this);
        try {
            for (const Action& a : actions_) run_action(a);
        } catch (const kshim::kernel_bug& bug) {
            out.model_lost = true;
            note_failure(out, fmt::format("the fault path stopped: {}", bug.what()));
        }
    }
    // Only the operation's file's page cache can have changed (a reflink's
    // destination; pins change none).
    const FileId file = std::visit([](const auto& o) -> FileId {
        if constexpr (requires { o.dst; }) return o.dst;
        else return o.file;
    }, op);
    if (!out.failure || keep_going)
        if (auto m = page_cache_mismatch(file)) note_failure(out, *m);
    check_ = nullptr;
    out_ = nullptr;
    return out;
}

}  // namespace daxcheck::fslevel
