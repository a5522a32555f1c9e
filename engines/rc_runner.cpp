#include "engines/rc_runner.h"

#include <chrono>
#include <optional>
#include <iostream>
#include <sstream>
#include <rapidcheck/state.h>
#include <rapidcheck/detail/TestListenerAdapter.h>

#include "engines/generators.h"
#include "engines/replay.h"
#include "engines/simplify.h"

namespace daxcheck {
namespace {

// The last failing run RapidCheck made is its final, shrunk counterexample:
// the shrinker only moves on to a candidate that fails again.
struct FailureSink {
    std::vector<model::Op> ops;
    std::string message;
    bool seen = false;
    std::optional<std::chrono::steady_clock::time_point> first;  // the first failure
};

struct Sut {
    Execution exec;
    const Property* property;
    FailureSink* sink;
    std::vector<model::Op> ops;
    TestStats* stats = nullptr;  // null while shrinking: only generated tests count
    const ClassFilter* failures = nullptr;
    bool ignored = false;  // failed with a class the filter does not count: the rest passes

    // Fails the test unless the filter does not count this failure's class.
    void fail_unless_ignored(const std::string& why, const std::vector<kshim::warning_record>& warnings,
                             const std::vector<model::Pfn>& pfns) {
        if (!failures->counts_everything() &&
            !failures->counts(classify(*property, exec, warnings, pfns, why))) {
            ignored = true;
            return;
        }
        fail(why);
    }

    void fail_at_end_unless_ignored(const std::string& why, std::size_t warnings_before) {
        if (!failures->counts_everything() &&
            !failures->counts(classify_end(*property, exec, warnings_before, why))) {
            ignored = true;
            return;
        }
        fail(why);
    }

    [[noreturn]] void fail(const std::string& why) {
        sink->ops = ops;
        sink->message = why;
        sink->seen = true;
        if (!sink->first) sink->first = std::chrono::steady_clock::now();
        RC_FAIL(why);
    }
};

struct OpCommand : rc::state::Command<model::ModelState, Sut> {
    model::Op op;
    bool misuse_allowed;
    OpCommand(model::Op o, bool misuse) : op(std::move(o)), misuse_allowed(misuse) {}

    void checkPreconditions(const model::ModelState& s) const override {
        RC_PRE(model::is_legal(s, op) || (misuse_allowed && model::misuse_check(s, op)));
    }
    void apply(model::ModelState& s) const override { s = model::apply(std::move(s), op); }
    void run(const model::ModelState& before, Sut& sut) const override {
        if (sut.ignored) return;
        sut.ops.push_back(op);
        const StepOutcome outcome = sut.exec.step(op);
        if (sut.stats) sut.stats->note_step(before, op, outcome.legal, sut.exec.model());
        auto why = kernel_bug_failure(outcome);
        if (!why) why = sut.property->after_step(StepView{before, op, outcome, sut.exec});
        if (why)
            sut.fail_unless_ignored("after #" + std::to_string(sut.ops.size()) + ": " + *why,
                                    outcome.warnings, sut.exec.step_pfns());
    }
    void show(std::ostream& os) const override;
};

}  // namespace
}  // namespace daxcheck

#include "harness/op_text.h"

namespace daxcheck {
namespace {

void OpCommand::show(std::ostream& os) const { os << to_text(op); }

}  // namespace

// RapidCheck announces its global configuration on stderr the first time it
// is read; daxcheck passes every parameter itself, so load it silently.
void load_rapidcheck_configuration_quietly() {
    static const bool loaded = [] {
        std::ostringstream discard;
        std::streambuf* previous = std::cerr.rdbuf(discard.rdbuf());
        rc::detail::configuration();
        std::cerr.rdbuf(previous);
        return true;
    }();
    (void)loaded;
}

std::string to_string(CellResult::Verdict v) {
    switch (v) {
        case CellResult::Verdict::Pass: return "pass";
        case CellResult::Verdict::Fail: return "FAIL";
        case CellResult::Verdict::Error: return "ERROR";
    }
    return "?";
}

CellResult run_cell(const Variant& v, const Property& p, Profile profile, const CellConfig& cfg) {
    using Cmd = rc::state::Command<model::ModelState, Sut>;
    load_rapidcheck_configuration_quietly();
    const auto start = std::chrono::steady_clock::now();
    FailureSink sink;
    GenerationStats generation;
    bool counting = true;
    const bool misuse = p.with_misuse;
    const auto generate = [profile, misuse](const model::ModelState& s) {
        auto ops = misuse ? gen_op_with_misuse(s, profile) : gen_legal_op(s, profile);
        return rc::gen::map(ops, [misuse](model::Op op) {
            return std::shared_ptr<const Cmd>(std::make_shared<const OpCommand>(std::move(op), misuse));
        });
    };
    const auto property = [&] {
        const model::ModelState initial = model::initial_state(cfg.universe);
        const auto commands = *rc::state::gen::commands(initial, generate);
        // Counted until the first failure; what follows is shrinking.
        TestStats test;
        struct Count {
            TestStats& test;
            GenerationStats& total;
            bool& counting;
            const FailureSink& sink;
            ~Count() {
                if (!counting) return;
                total.add(test);
                if (sink.seen) counting = false;
            }
        } count{test, generation, counting, sink};
        Sut sut{Execution(v, cfg.universe), &p, &sink, {}, counting ? &test : nullptr,
                &cfg.failures};
        rc::state::runAll(commands, initial, sut);
        if (sut.stats) sut.stats->note_end(sut.exec.model());
        if (p.at_end && !sut.ignored) {
            const std::size_t warned = sut.exec.world().warnings.size();
            if (auto why = p.at_end(sut.exec)) sut.fail_at_end_unless_ignored("at the end: " + *why, warned);
        }
    };

    rc::detail::TestParams params;
    params.seed = cfg.seed;
    params.maxSuccess = cfg.tests;
    rc::detail::TestListenerAdapter quiet;
    const auto result =
        rc::detail::checkTestable(property, rc::detail::TestMetadata(), params, quiet);

    CellResult out;
    using namespace rc::detail;
    if (result.is<SuccessResult>()) {
        out.verdict = CellResult::Verdict::Pass;
        out.tests_run = result.get<SuccessResult>().numSuccess;
    } else if (result.is<FailureResult>()) {
        const auto& bad = result.get<FailureResult>();
        out.tests_run = bad.numSuccess + 1;
        if (sink.seen) {
            out.verdict = CellResult::Verdict::Fail;
            out.counterexample = simplify_values(v, p, cfg.universe, sink.ops, cfg.failures);
            const auto again = replay(v, p, cfg.universe, out.counterexample);
            out.message = again.trace.failed() ? again.trace.failure() : sink.message;
        } else {
            out.verdict = CellResult::Verdict::Error;
            out.message = "RapidCheck: " + bad.description;
        }
    } else if (result.is<GaveUpResult>()) {
        out.verdict = CellResult::Verdict::Error;
        out.tests_run = result.get<GaveUpResult>().numSuccess;
        out.message = "RapidCheck gave up: " + result.get<GaveUpResult>().description;
    } else {
        out.verdict = CellResult::Verdict::Error;
        out.message = "RapidCheck error: " + result.get<Error>().description;
    }
    out.generation = generation;
    using ms = std::chrono::duration<double, std::milli>;
    const auto end = std::chrono::steady_clock::now();
    out.time_ms = ms(end - start).count();
    if (sink.first) {
        out.detect_ms = ms(*sink.first - start).count();
        out.shrink_ms = ms(end - *sink.first).count();
    }
    return out;
}

}  // namespace daxcheck
