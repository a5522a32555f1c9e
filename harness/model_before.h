// The model before the step being run, kept up to date by copying only what
// a step can change (one file's slots and the pfns of the operation's entry):
// copying the whole state every step would cost more than the step. What
// checks a property step by step (swarm walks, RapidCheck runs, replay,
// failure classes) needs it for StepView::before; the choice decoder reads
// its lists of pinned and owned pfns.
#pragma once

#include <algorithm>
#include <variant>
#include <vector>

#include "model/state.h"

namespace daxcheck {

class ModelBefore {
public:
    // Starts at `initial` (a state with no owner and no pin anywhere).
    explicit ModelBefore(const model::ModelState& initial);

    // The model before the next step.
    const model::ModelState& state() const { return state_; }
    // The pfns of state() with at least one pin, and with at least one owner,
    // each sorted ascending (for drawing an unpin or a pin without a scan).
    const std::vector<model::Pfn>& pinned() const { return pinned_; }
    const std::vector<model::Pfn>& owned() const { return owned_; }

    // What `op` can change in state(): its file's slots and a pfn range.
    struct Change {
        model::FileId file = 0;
        bool has_file = false;
        model::Pfn first = 0;
        std::uint64_t count = 0;
    };
    // Takes the operation about to run on state(); call before the step.
    Change change_of(const model::Op& op) const;
    // Takes the model after the step and the step's change_of: copies what
    // changed, so state() equals `now` again.
    void catch_up(const model::ModelState& now, const Change& c);

    // Back to the initial state, in time proportional to `changed_pfns` (the
    // pfns changed since the last reset: Execution::changed_pfns()).
    void reset(const std::vector<model::Pfn>& changed_pfns);
    // True when state() equals `now`, given that they can differ only at
    // `changed_pfns` and in the files (a check that catch_up saw every change).
    bool caught_up(const model::ModelState& now, const std::vector<model::Pfn>& changed_pfns) const;

private:
    static void note(std::vector<model::Pfn>& sorted, model::Pfn p, bool was, bool is);
    // Makes the part of `sorted` within c's pfn range the pfns there whose
    // state() `has` (a predicate on model::PfnState).
    template <class Has>
    void resync(std::vector<model::Pfn>& sorted, const Change& c, Has has);

    model::ModelState state_;
    std::vector<model::Pfn> pinned_, owned_;
    std::vector<model::Pfn> range_;  // resync's
};

// Called on every step of a walk or a test: defined here so they inline.
inline ModelBefore::Change ModelBefore::change_of(const model::Op& op) const {
    Change c;
    std::visit(
        [&](const auto& o) {
            if constexpr (requires { o.file; }) {
                c.file = o.file;
                c.has_file = true;
            }
        },
        op);
    if (const auto e = model::entry_of(state_, op)) {
        c.first = e->pfn;
        c.count = state_.universe.pages(e->order);
    } else if (const auto* p = std::get_if<model::Pin>(&op)) {
        c.first = p->pfn;
        c.count = 1;
    } else if (const auto* q = std::get_if<model::Unpin>(&op)) {
        c.first = q->pfn;
        c.count = 1;
    }
    return c;
}

inline void ModelBefore::note(std::vector<model::Pfn>& sorted, model::Pfn p, bool was, bool is) {
    if (was == is) return;
    const auto at = std::lower_bound(sorted.begin(), sorted.end(), p);
    if (is) sorted.insert(at, p);
    else sorted.erase(at);
}

template <class Has>
void ModelBefore::resync(std::vector<model::Pfn>& sorted, const Change& c, Has has) {
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), c.first);
    const auto hi = std::lower_bound(lo, sorted.end(), c.first + c.count);
    range_.clear();
    for (std::uint64_t i = 0; i < c.count; i++)
        if (has(state_.pfns[c.first + i])) range_.push_back(c.first + i);
    // The old part of the range out, the new one in: one move of the tail.
    const auto at = sorted.erase(lo, hi);
    sorted.insert(at, range_.begin(), range_.end());
}

inline void ModelBefore::catch_up(const model::ModelState& now, const Change& c) {
    if (c.has_file) state_.files[c.file] = now.files[c.file];
    if (c.count == 1) {  // a pin, an unpin or an order-0 entry
        model::PfnState& before = state_.pfns[c.first];
        const model::PfnState& after = now.pfns[c.first];
        note(pinned_, c.first, before.pins > 0, after.pins > 0);
        note(owned_, c.first, !before.owners.empty(), !after.owners.empty());
        before = after;
        return;
    }
    // A PMD entry: its pages' changes go into the sorted lists at once, not
    // one insert each (the lists would move once per page).
    bool pins_changed = false, owners_changed = false;
    for (std::uint64_t i = 0; i < c.count; i++) {
        model::PfnState& before = state_.pfns[c.first + i];
        const model::PfnState& after = now.pfns[c.first + i];
        pins_changed = pins_changed || (before.pins > 0) != (after.pins > 0);
        owners_changed = owners_changed || before.owners.empty() != after.owners.empty();
        before = after;
    }
    if (pins_changed) resync(pinned_, c, [](const model::PfnState& p) { return p.pins > 0; });
    if (owners_changed)
        resync(owned_, c, [](const model::PfnState& p) { return !p.owners.empty(); });
}

}  // namespace daxcheck
