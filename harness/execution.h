// Drives the model and one port side by side, one operation at a time. The
// same engine serves RapidCheck runs, printed traces and corpus replay.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "impl/variant.h"
#include "model/state.h"

namespace daxcheck {

struct StepOutcome {
    bool legal = true;
    std::string illegal_reason;                   // when !legal
    std::vector<kshim::warning_record> warnings;  // fired during this step
    std::optional<std::string> kernel_bug;        // a BUG_ON (or shim misuse) stopped the port
    // The port read or wrote a struct page for a zero-page or empty entry,
    // which covers no pfn (SPEC 8; where no memmap backs that pfn, an oops).
    std::optional<std::string> no_pfn_entry_touched;
};

class Execution {
public:
    Execution(const Variant& variant, const model::Universe& universe);

    // Runs `op` on the port and, when legal, on the model. Illegal operations
    // (misuse) still reach the port, as a buggy caller's would.
    StepOutcome step(const model::Op& op);
    // The same for a call the fault path makes (the filesystem level, SPEC 8):
    // `call` runs the port's function with the fault path's own arguments and
    // the fault path keeps the xarray; `op` is what the contract makes of it.
    StepOutcome step_call(const model::Op& op, const std::function<void()>& call);

    const Variant& variant() const { return *variant_; }
    const model::ModelState& model() const { return model_; }
    const kshim::kernel_world& world() const { return world_; }
    long steps() const { return world_.op_number; }

    // The explorer (engines/explorer.cpp) restores stored states in place;
    // from then on changed_pfns() no longer knows every changed pfn, and a
    // restored state may hold folio heads and tails no step of this
    // execution made (step_pfns() then lists the tails of every reached
    // page, as after any step that left a head or a tail).
    model::ModelState& mutable_model() {
        tracking_ = false;
        return model_;
    }
    kshim::kernel_world& mutable_world() {
        tracking_ = false;
        compound_seen_ = true;
        return world_;
    }
    // The world the fault path (impl/fault/) runs in at the filesystem level.
    // It changes only the xarray itself; pages change only inside
    // step_call(), so change tracking stays valid.
    kshim::kernel_world& fault_path_world() { return world_; }

    // The pfns the last step may have changed, each once: the operation's
    // entry (or pinned pfn), every page the port reached, and the tails of a
    // reached folio head (their decode reads the head). Every other pfn kept
    // its model state, page fields and decode.
    const std::vector<model::Pfn>& step_pfns() const { return step_pfns_; }
    // The union of step_pfns() since construction or reset(), each once, when
    // tracks_changes(); every pfn outside it is still in its initial state.
    bool tracks_changes() const { return tracking_; }
    const std::vector<model::Pfn>& changed_pfns() const { return changed_pfns_; }
    // Back to the initial state, in time proportional to changed_pfns() (the
    // whole universe when the state was restored in place).
    void reset();

    // What the port's fields say about `pfn` now.
    Decoded decode(model::Pfn pfn) const;
    // Where the port counts `pfn`'s references and how many it holds there
    // (SPEC 9; Variant::refcount, or the page's own count by default).
    RefcountView refcount(model::Pfn pfn) const;
    // The raw page fields of `pfn`, for traces.
    std::string raw_fields(model::Pfn pfn) const;

    // The number of the first misuse operation that touched `pfn`, 0 if none
    // (kEarlierMisuse in a state the explorer restored).
    // From then on the model no longer describes the port at that pfn: the
    // model ignores a misuse, the port does not.
    long first_misuse(model::Pfn pfn) const {
        return pfn < first_misuse_.size() ? first_misuse_[pfn] : 0;
    }
    // Whether a misuse touched `pfn` before, and setting it when the explorer
    // restores a state: the step number is not part of a state, so a pfn an
    // earlier misuse touched gets kEarlierMisuse.
    bool misuse_tainted(model::Pfn pfn) const { return first_misuse(pfn) != 0; }
    void set_misuse_tainted(model::Pfn pfn, bool tainted) {
        first_misuse_[pfn] = tainted ? kEarlierMisuse : 0;
        any_misuse_ = any_misuse_ || tainted;
    }
    static constexpr long kEarlierMisuse = -1;
    // Calls `f` after each step (step() or step_call()) from now on, with
    // the operation and its outcome; step_pfns() then lists what the step
    // changed. nullptr stops it. A copy of the execution does not carry it.
    // Replay uses it to show the operations an end check runs (drain's
    // releases).
    using StepObserver = std::function<void(const model::Op&, const StepOutcome&)>;
    void observe_steps(StepObserver f) { observer_.f = std::move(f); }

    void copy_misuse_marks(const Execution& from) {
        first_misuse_ = from.first_misuse_;
        any_misuse_ = from.any_misuse_;
    }

private:
    // `run` calls the port (a lambda: step() is the explorer's inner loop,
    // and a std::function around it costs an indirect call per step).
    template <class Run>
    StepOutcome step_with(const model::Op& op, const Run& run);
    void run_port(const model::Op& op);
    void collect_step_pfns(const model::PfnRange& touched);
    // Into heads_scratch_, sorted: the first `reached` step pfns that some
    // page within `pages` after them names as its compound_head.
    void heads_with_tails(std::size_t reached, std::uint64_t pages);
    // Whether heads_with_tails() found `pfn` (a step touches one folio or
    // two: a scan beats a binary search there).
    bool is_head_with_tails(model::Pfn pfn) const {
        const auto& heads = heads_scratch_;
        if (heads.size() > 8) return std::binary_search(heads.begin(), heads.end(), pfn);
        return std::find(heads.begin(), heads.end(), pfn) != heads.end();
    }

    const Variant* variant_;
    model::ModelState model_;
    kshim::kernel_world world_;
    std::vector<long> first_misuse_;  // per pfn
    std::vector<model::Pfn> step_pfns_, changed_pfns_;
    std::vector<model::Pfn> sorted_scratch_, heads_scratch_;  // heads_with_tails'
    // Per pfn: the step number that last listed it in step_pfns_ (dedup
    // without clearing), and whether changed_pfns_ lists it.
    std::vector<std::uint64_t> step_mark_;
    std::vector<bool> changed_mark_;
    std::uint64_t serial_ = 0;  // steps run, never reset
    bool tracking_ = true;
    bool compound_seen_ = false;  // some step left a folio head or tail
    bool any_misuse_ = false;     // some pfn is tainted: legal steps may spread it
    // Empty in every copy: an observer belongs to the execution it watches.
    struct NotCopied {
        StepObserver f;
        NotCopied() = default;
        NotCopied(const NotCopied&) {}
        NotCopied& operator=(const NotCopied&) { return *this; }
    } observer_;
};

// The port call `op` names (dax_associate_entry, dax_disassociate_entry,
// get_page, ...) with the arguments Execution::step passes, and the xarray
// store or erase that goes with it, on `world`, which must be current on this
// thread (kshim::world_scope). No model, no checks: the concurrency engine
// (race/) runs two of these at once. Throws kshim::kernel_bug as a port does.
void run_port_call(const Variant& variant, kshim::kernel_world& world, const model::Op& op);

// "A:0 B:2 shared pins=1" or "free": one pfn's model state for traces.
std::string describe(const model::PfnState& p);

}  // namespace daxcheck
