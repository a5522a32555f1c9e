#include "engines/replay.h"

#include <algorithm>
#include <set>

#include "harness/model_before.h"
#include "harness/op_text.h"
#include "properties/refcount_relation.h"
#include "properties/relation.h"
#include "properties/warnings.h"

namespace daxcheck {
namespace {

constexpr std::size_t kShowAllPfnsUpTo = 8;
constexpr std::size_t kPfnsPerStep = 6;

// The pfns a trace shows: all pfns the list touches when they are few, else
// per step the first and last pfn of the step's entry and any mismatching one.
std::vector<model::Pfn> involved_pfns(const model::Universe& u, const std::vector<model::Op>& ops) {
    std::set<model::Pfn> all;
    model::ModelState s = model::initial_state(u);
    for (const auto& op : ops) {
        for (auto p : model::touched_pfns(s, op)) all.insert(p);
        s = model::apply(std::move(s), op);
    }
    return {all.begin(), all.end()};
}


std::vector<PfnView> step_views(const Execution& exec, const std::vector<model::Pfn>& involved,
                                const std::vector<model::Pfn>& touched) {
    std::vector<PfnView> out;
    if (involved.size() <= kShowAllPfnsUpTo) {
        for (auto p : involved) out.push_back(pfn_view(exec, p));
        return out;
    }
    std::vector<model::Pfn> pick;
    if (!touched.empty()) {
        pick.push_back(touched.front());
        if (touched.size() > 1) pick.push_back(touched.back());
    }
    for (auto p : touched) {
        if (pick.size() >= kPfnsPerStep) break;
        if (std::find(pick.begin(), pick.end(), p) == pick.end() &&
            leaves_model(exec, p))
            pick.push_back(p);
    }
    std::sort(pick.begin(), pick.end());
    for (auto p : pick) out.push_back(pfn_view(exec, p));
    return out;
}

// One operation an end check ran, as replay() shows a step.
TraceStep end_step(const Execution& exec, const std::vector<model::Pfn>& involved, const model::Op& op,
                   const StepOutcome& outcome) {
    TraceStep step;
    step.op = to_text(op);
    step.legal = outcome.legal;
    step.illegal_reason = outcome.illegal_reason;
    for (const auto& w : outcome.warnings) step.warnings.push_back(describe(w));
    step.pfns = step_views(exec, involved, exec.step_pfns());
    step.failure = kernel_bug_failure(outcome);
    return step;
}

}  // namespace

bool leaves_model(const Execution& exec, model::Pfn p) {
    return relation_mismatch(exec.model().pfns[p], exec.decode(p)).has_value() || !refcount_holds(exec, p);
}

PfnView pfn_view(const Execution& exec, model::Pfn p) {
    PfnView v;
    v.pfn = p;
    v.model = describe(exec.model().pfns[p]);
    v.decode = to_string(exec.decode(p));
    v.raw = exec.raw_fields(p);
    v.mismatch = leaves_model(exec, p);
    return v;
}

bool Trace::failed() const {
    return end_failure || std::any_of(steps.begin(), steps.end(),
                                      [](const TraceStep& s) { return s.failure.has_value(); });
}

std::string Trace::failure() const {
    for (std::size_t i = 0; i < steps.size(); i++)
        if (steps[i].failure) return "after #" + std::to_string(i + 1) + ": " + *steps[i].failure;
    if (end_failure) return "at the end: " + *end_failure;
    return "";
}

std::size_t Trace::failed_step() const {
    for (std::size_t i = 0; i < steps.size(); i++)
        if (steps[i].failure) return i + 1;
    return end_failure ? steps.size() + 1 : 0;
}

ReplayResult replay(const Variant& v, const Property& p, const model::Universe& u,
                    const std::vector<model::Op>& ops) {
    ReplayResult out;
    Execution exec(v, u);
    const auto involved = involved_pfns(u, ops);
    // The model before each step, without a copy of every pfn per step (a
    // wide universe has a million).
    ModelBefore model_before(exec.model());
    for (std::size_t i = 0; i < ops.size(); i++) {
        const model::ModelState& before = model_before.state();
        const ModelBefore::Change change = model_before.change_of(ops[i]);
        const bool allowed =
            model::is_legal(before, ops[i]) || (p.with_misuse && model::misuse_check(before, ops[i]));
        if (!allowed) {
            out.invalid = "operation " + std::to_string(i + 1) + " (" + to_text(ops[i]) +
                          ") is illegal in the model: " +
                          model::illegal_reason(before, ops[i]).value_or("not a misuse " + p.name +
                                                                         " checks");
            return out;
        }
        TraceStep step;
        step.op = to_text(ops[i]);
        const StepOutcome outcome = exec.step(ops[i]);
        step.legal = outcome.legal;
        step.illegal_reason = outcome.illegal_reason;
        for (const auto& w : outcome.warnings) step.warnings.push_back(describe(w));
        step.pfns = step_views(exec, involved, model::touched_pfns(before, ops[i]));
        step.failure = kernel_bug_failure(outcome);
        if (!step.failure) step.failure = p.after_step(StepView{before, ops[i], outcome, exec});
        const bool stop = step.failure.has_value();
        out.trace.steps.push_back(std::move(step));
        if (stop) return out;
        model_before.catch_up(exec.model(), change);
    }
    if (p.at_end) {
        exec.observe_steps([&](const model::Op& op, const StepOutcome& outcome) {
            out.trace.end_steps.push_back(end_step(exec, involved, op, outcome));
        });
        out.trace.end_failure = p.at_end(exec);
        exec.observe_steps(nullptr);
        if (!out.trace.end_failure) out.trace.end_steps.clear();
    }
    return out;
}

}  // namespace daxcheck
