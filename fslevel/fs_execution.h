// Drives a filesystem-level sequence (SPEC 8): the filesystem model plans each
// operation, the version's fault path (impl/fault/) performs it against the
// port, and every call the fault path makes into dax_associate_entry /
// dax_disassociate_entry (and every empty entry grab_mapping_entry stores)
// becomes one function-level step of an Execution, checked by the property
// exactly as a function-level operation is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fslevel/fs_model.h"
#include "harness/execution.h"
#include "impl/fault/fault_path.h"
#include "properties/property.h"

namespace daxcheck::fslevel {

// One call the fault path made, as the contract reads it.
struct DerivedCall {
    model::Op op;
    // The pfns of its entry, in the model before the call, then those the
    // call reached beyond them (Execution::step_pfns: what its check read).
    std::vector<model::Pfn> touched;
    std::size_t entry_pfns = 0;  // how many of `touched`, first, are its entry's
    StepOutcome outcome;
    std::optional<std::string> failure;  // the property (or the contract) broke here
};

struct FsStepOutcome {
    bool legal = true;
    std::string illegal_reason;
    std::vector<DerivedCall> calls;  // when the step was asked to record them
    std::size_t call_count = 0;
    // The first failure of this operation: a derived call's, or the page
    // cache left behind differing from what the filesystem model requires.
    std::optional<std::string> failure;
    // Past this operation the model no longer describes the port: a derived
    // call was illegal in the model, or the port or the fault path stopped
    // (BUG_ON). Nothing after it is evidence (a walk going on past a known
    // failure class ends here).
    bool model_lost = false;
    // With pass_over(): the first failure of a known class (the step went
    // on checking, and `failure` is the first of another class), and
    // whether the model was lost at or after it; then nothing after it is
    // evidence and `failure` stays unset.
    std::optional<std::string> passed_over;
    bool lost_past_known = false;
};

// Checks one derived call; nullopt when it keeps the property.
using CallCheck = std::function<std::optional<std::string>(const StepView&)>;

// The property's after_step, with the failures every property shares (a
// BUG_ON, an illegal derived call).
CallCheck check_of(const Property& p);

// A check that accepts every call: for stepping to a state, not checking it.
const CallCheck& no_call_check();

class FsExecution final : kshim::dax_call_gate {
public:
    // Throws std::invalid_argument when `v` has no fault path (no base).
    FsExecution(const Variant& v, const model::Universe& u);
    FsExecution(const FsExecution& other);
    FsExecution& operator=(const FsExecution&) = delete;

    // Runs one filesystem operation. An illegal one changes nothing.
    // `keep_going`: check every derived call even after a failure (the
    // reachability search collects every failure class).
    // `record`: keep each derived call in the outcome (traces, the search);
    // the walkers only count them.
    // `known_legal`: the caller has just checked illegal_reason.
    FsStepOutcome step(const Op& op, const CallCheck& check, bool keep_going = false,
                       bool record = true, bool known_legal = false);
    // Failures `known` says are of a class found before (--classes) are
    // passed over: a step records them in FsStepOutcome::passed_over and
    // goes on checking. An empty function (the default) passes none over.
    void pass_over(std::function<bool(const std::string& failure)> known) { known_ = std::move(known); }
    // Calls `observer` after each derived call a recording step (`record`)
    // makes, with the execution as that call left it: the operation's later
    // calls have not run yet (traces show each call's own pfns). A copy of
    // this FsExecution has none (the observer holds its caller's locals).
    using CallObserver = std::function<void(const DerivedCall& call, const Execution& after)>;
    void observe_calls(CallObserver observer) { observer_ = std::move(observer); }
    // Back to the initial state, keeping buffers (the walkers reuse one).
    void reset();
    // Evicting `file` once its entries are gone (unmount): clear_inode's
    // BUG_ON(inode->i_data.nrpages). The BUG's text, or nullopt.
    std::optional<std::string> evict(FileId file);

    const FsState& fs() const { return fs_; }
    const Execution& exec() const { return exec_; }
    Execution& exec() { return exec_; }
    const FaultPath& fault_path() const { return *path_; }

private:
    void associate(void* entry, struct kshim::address_space* mapping,
                   struct kshim::vm_area_struct* vma, unsigned long address, bool shared) override;
    void disassociate(void* entry, struct kshim::address_space* mapping, bool trunc) override;
    void stored(std::uint8_t file, unsigned long index, void* old_entry, void* entry) override;

    void derived(const model::Op& op, const std::function<void()>& call,
                 std::optional<std::string> contract_failure = std::nullopt);
    void run_action(const Action& a);
    std::optional<std::string> page_cache_mismatch(FileId file) const;
    // Records a failure of the running operation in `out` (see pass_over).
    void note_failure(FsStepOutcome& out, const std::string& failure) const;

    const Variant* variant_;
    const FaultPath* path_;
    Execution exec_;
    FsState fs_;
    // The function-level model before the call being run, kept in step by
    // copying only what each call changed (a whole copy per call would cost
    // more than the call).
    model::ModelState before_;
    std::vector<Action> actions_;
    // While an operation runs:
    const CallCheck* check_ = nullptr;
    FsStepOutcome* out_ = nullptr;
    bool keep_going_ = false;
    std::function<bool(const std::string&)> known_;
    CallObserver observer_;
    bool record_ = true;
    FileId context_file_ = 0;
    PageOffset context_index_ = 0;  // the index the current action works on
};

// "B:0 PTE pfn 0" style text of one page cache entry, for messages.
std::string describe_entry(FileId f, PageOffset at, const model::Slot& e);

}  // namespace daxcheck::fslevel
