#include "fslevel/fs_replay.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <utility>

#include "fslevel/fs_text.h"
#include "fslevel/reachability.h"
#include "harness/op_text.h"
#include "properties/relation.h"
#include "properties/warnings.h"

namespace daxcheck::fslevel {
namespace {

// The pfns a failure message names ("pfn 3: ...", "folio head pfn 0"), in order.
std::vector<model::Pfn> pfns_named(const std::string& message) {
    static const std::regex kPfn(R"(\bpfn (\d+))");
    std::vector<model::Pfn> out;
    for (auto it = std::sregex_iterator(message.begin(), message.end(), kPfn); it != std::sregex_iterator(); ++it)
        out.push_back(std::stoull((*it)[1].str()));
    return out;
}

// What a trace shows of one call's pfns, as the call left them.
struct ShownPfns {
    std::vector<PfnView> pfns;
    std::size_t more = 0;  // reached beyond those shown
};

// At most four pfns (more only when its failure names more), chosen in this
// order: those the call's failure names, its entry's (those that leave the
// model first), then the other pages it reached (likewise); shown in pfn
// order.
ShownPfns shown_pfns(const Execution& exec, const DerivedCall& c) {
    std::vector<model::Pfn> order;
    const auto add = [&](model::Pfn p) {
        if (p < exec.model().pfns.size() && std::find(order.begin(), order.end(), p) == order.end())
            order.push_back(p);
    };
    if (c.failure)
        for (model::Pfn p : pfns_named(*c.failure)) add(p);
    const std::size_t named = order.size();
    const auto entry_end = c.touched.begin() + static_cast<long>(std::min(c.entry_pfns, c.touched.size()));
    for (const auto& [first, last] : {std::pair{c.touched.begin(), entry_end}, std::pair{entry_end, c.touched.end()}}) {
        for (auto it = first; it != last; ++it)
            if (leaves_model(exec, *it)) add(*it);
        for (auto it = first; it != last; ++it) add(*it);
    }
    const std::size_t shown = std::min(order.size(), std::max<std::size_t>(4, named));
    ShownPfns out;
    out.more = order.size() - shown;
    order.resize(shown);
    std::sort(order.begin(), order.end());
    for (model::Pfn p : order) out.pfns.push_back(pfn_view(exec, p));
    return out;
}

// A call an end check ran on `exec` (drain's release), as it left its pfns.
CallView end_call(const Execution& exec, const model::Op& op, const StepOutcome& o) {
    DerivedCall c;
    c.op = op;
    c.touched = exec.step_pfns();
    c.entry_pfns = c.touched.size();
    c.failure = kernel_bug_failure(o);
    ShownPfns shown = shown_pfns(exec, c);
    CallView cv;
    cv.op = daxcheck::to_text(op);
    cv.legal = o.legal;
    for (const auto& w : o.warnings) cv.warnings.push_back(describe(w));
    cv.pfns = std::move(shown.pfns);
    cv.more_pfns = shown.more;
    cv.failure = c.failure;
    return cv;
}

}  // namespace

bool FsTrace::failed() const { return failed_step() != 0; }

std::string FsTrace::failure() const {
    const std::size_t at = failed_step();
    if (at == 0) return "";
    if (at > steps.size()) return "at the end: " + *end_failure;
    return fmt::format("after #{} ({}): {}", at, steps[at - 1].op, *steps[at - 1].failure);
}

std::size_t FsTrace::failed_step() const {
    for (std::size_t i = 0; i < steps.size(); i++)
        if (steps[i].failure) return i + 1;
    return end_failure ? steps.size() + 1 : 0;
}

std::string step_mark(const FsTraceStep& s) {
    if (s.failure && s.passed_over) return "   <- breaks here, past a failure of a class found before (passed over)";
    if (s.failure) return "   <- breaks here";
    if (s.passed_over) return "   <- fails with a class found before (passed over)";
    return "";
}

FsReplayResult replay(const Variant& v, const Property& p, const model::Universe& u,
                      const std::vector<Op>& ops, const std::vector<std::string>& known) {
    FsReplayResult out;
    FsExecution ex(v, u);
    if (!known.empty())
        ex.pass_over([&](const std::string& failure) { return known_class(p.name, failure, known); });
    // Each call's pfns as that call left them, not as the whole operation
    // did (a disassociate's released pfn would show the next call's owner).
    std::vector<ShownPfns> shown;
    ex.observe_calls([&](const DerivedCall& c, const Execution& after) { shown.push_back(shown_pfns(after, c)); });
    const CallCheck check = check_of(p);
    for (std::size_t i = 0; i < ops.size(); i++) {
        if (auto why = illegal_reason(ex.fs(), ops[i])) {
            out.invalid = fmt::format("operation {} ({}) is not a legal filesystem operation for {}: {}",
                                      i + 1, to_text(ops[i]), v.name, *why);
            out.invalid_index = i;
            return out;
        }
        shown.clear();
        FsStepOutcome o = ex.step(ops[i], check);
        FsTraceStep step;
        step.op = to_text(ops[i]);
        for (std::size_t k = 0; k < o.calls.size(); k++) {
            const DerivedCall& c = o.calls[k];
            CallView cv;
            cv.op = daxcheck::to_text(c.op);
            cv.legal = c.outcome.legal;
            for (const auto& w : c.outcome.warnings) cv.warnings.push_back(describe(w));
            // Under the call that hit it, as its warnings are.
            if (c.outcome.kernel_bug) cv.warnings.push_back(*c.outcome.kernel_bug + "   (the port stopped here)");
            cv.pfns = std::move(shown.at(k).pfns);
            cv.more_pfns = shown.at(k).more;
            cv.failure = c.failure;
            step.calls.push_back(std::move(cv));
        }
        step.failure = o.failure;
        step.passed_over = o.passed_over.has_value();
        out.trace.steps.push_back(std::move(step));
        // Past a model lost at a passed-over failure, nothing is evidence.
        out.lost_past_known = !o.failure && o.lost_past_known;
        if (o.failure || o.lost_past_known) return out;
    }
    if (p.at_end) {
        Execution& exec = ex.exec();
        exec.observe_steps([&](const model::Op& op, const StepOutcome& o) {
            out.trace.end_calls.push_back(end_call(exec, op, o));
        });
        out.trace.end_failure = p.at_end(exec);
        exec.observe_steps(nullptr);
        if (out.trace.end_failure && known_class(p.name, "at the end: " + *out.trace.end_failure, known))
            out.trace.end_failure.reset();
        if (!out.trace.end_failure) out.trace.end_calls.clear();
    }
    return out;
}

std::optional<FsReplayResult> replay_until_class(const Variant& v, const Property& p, const model::Universe& u,
                                                 const std::vector<Op>& ops, std::vector<std::string> known,
                                                 const std::string& want, PastOwnFailures* how) {
    if (how) *how = {};
    for (FsReplayResult r = replay(v, p, u, ops, known);; r = replay(v, p, u, ops, known)) {
        if (!r.trace.failed()) {
            if (how) {
                how->ran_to_the_end = !r.invalid && !r.lost_past_known;
                how->lost_at = r.lost_past_known ? r.trace.steps.size() : 0;
            }
            break;
        }
        if (r.invalid) break;
        const std::string cls = failure_class(p.name, r.trace.failure());
        if (cls == want) return r;
        if (std::find(known.begin(), known.end(), cls) != known.end()) break;
        known.push_back(cls);
        if (how) how->passed.push_back(cls);
    }
    return std::nullopt;
}

bool fails(const Variant& v, const Property& p, const model::Universe& u, const std::vector<Op>& ops,
           const std::vector<std::string>& known) {
    const FsReplayResult r = replay(v, p, u, ops, known);
    return !r.invalid && r.trace.failed();
}

namespace {

// One call's line (`mark` after it) and its pfn rows and warnings.
void call_text(std::string& out, const std::string& indent, const CallView& c, const char* mark) {
    out += fmt::format("{}     {}{}{}\n", indent, c.op, c.legal ? "" : "   (illegal in the model)", mark);
    for (const PfnView& p : c.pfns)
        out += fmt::format("{}         pfn {:<3} model {:<20} decode {:<24} {}{}\n", indent,
                           p.pfn, p.model, p.decode, p.raw, p.mismatch ? "   MISMATCH" : "");
    if (c.more_pfns)
        out += fmt::format("{}         (and {} more pfn{} it reached)\n", indent, c.more_pfns,
                           c.more_pfns == 1 ? "" : "s");
    for (const auto& w : c.warnings) out += fmt::format("{}         {}\n", indent, w);
}

}  // namespace

std::string format_trace(const FsTrace& t, const std::string& indent) {
    std::string out;
    for (std::size_t i = 0; i < t.steps.size(); i++) {
        const FsTraceStep& s = t.steps[i];
        out += fmt::format("{}#{} {}{}\n", indent, i + 1, s.op, step_mark(s));
        for (const CallView& c : s.calls) {
            // A call failing other than with the step's failure failed with a
            // class found before: the replay passed it over.
            call_text(out, indent, c,
                      !c.failure                ? ""
                      : c.failure == s.failure ? "   <- fails"
                                               : "   <- fails with a class found before (passed over)");
        }
        if (s.calls.empty()) out += fmt::format("{}     (no call into associate/disassociate)\n", indent);
    }
    if (!t.end_calls.empty()) {
        out += fmt::format("{}the end check then runs:\n", indent);
        for (const CallView& c : t.end_calls) call_text(out, indent, c, c.failure ? "   <- fails" : "");
    }
    return out;
}

}  // namespace daxcheck::fslevel
