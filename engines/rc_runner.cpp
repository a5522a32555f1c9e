#include "engines/rc_runner.h"

#include <chrono>
#include <optional>
#include <iostream>
#include <sstream>
#include <rapidcheck.h>
#include <rapidcheck/detail/TestListenerAdapter.h>

#include "engines/choice_decoder.h"
#include "harness/model_before.h"
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

// One test: its choices decoded to operations and checked step by step. Kept
// from test to test (Execution::reset costs what the last test changed; a new
// Execution costs the whole universe).
struct TestRun {
    const Property& property;
    const ClassFilter& failures;
    FailureSink& sink;
    Execution exec;
    ModelBefore before;
    ChoiceDecoder decoder;
    std::vector<model::Op> ops;
    TestStats* stats = nullptr;  // null while shrinking: only generated tests count
    bool ignored = false;  // failed with a class the filter does not count: the rest passes

    TestRun(const Variant& v, const Property& p, Profile profile, const CellConfig& cfg,
            FailureSink& s)
        : property(p), failures(cfg.failures), sink(s), exec(v, cfg.universe),
          before(exec.model()), decoder(cfg.universe, profile, p.with_misuse) {}

    // Runs the operations `choices` name until one fails (RC_FAIL), no
    // operation is possible, or the choices run out; then the end checks.
    void run(const std::vector<std::uint32_t>& choices, TestStats* counted) {
        before.reset(exec.changed_pfns());
        exec.reset();
        ops.clear();
        stats = counted;
        ignored = false;
        for (const std::uint32_t choice : choices) {
            const auto op = decoder.decode(before, choice);
            if (!op || !step(*op)) break;
        }
        if (stats) stats->note_end(exec.model());
        if (property.at_end && !ignored) {
            const std::size_t warned = exec.world().warnings.size();
            if (auto why = property.at_end(exec))
                fail_at_end_unless_ignored("at the end: " + *why, warned);
        }
    }

    // False when the step failed with a class the filter does not count.
    bool step(const model::Op& op) {
        ops.push_back(op);
        const ModelBefore::Change change = before.change_of(op);
        const StepOutcome outcome = exec.step(op);
        if (stats) stats->note_step(before.state(), op, outcome.legal, exec.model());
        auto why = kernel_bug_failure(outcome);
        if (!why) why = property.after_step(StepView{before.state(), op, outcome, exec});
        if (why) {
            fail_unless_ignored("after #" + std::to_string(ops.size()) + ": " + *why,
                                outcome.warnings, exec.step_pfns());
            return false;
        }
        before.catch_up(exec.model(), change);
        return true;
    }

    // Fails the test unless the filter does not count this failure's class.
    void fail_unless_ignored(const std::string& why, const std::vector<kshim::warning_record>& warnings,
                             const std::vector<model::Pfn>& pfns) {
        if (!failures.counts_everything() &&
            !failures.counts(classify(property, exec, warnings, pfns, why))) {
            ignored = true;
            return;
        }
        fail(why);
    }

    void fail_at_end_unless_ignored(const std::string& why, std::size_t warnings_before) {
        if (!failures.counts_everything() &&
            !failures.counts(classify_end(property, exec, warnings_before, why))) {
            ignored = true;
            return;
        }
        fail(why);
    }

    [[noreturn]] void fail(const std::string& why) {
        sink.ops = ops;
        sink.message = why;
        sink.seen = true;
        if (!sink.first) sink.first = std::chrono::steady_clock::now();
        RC_FAIL(why);
    }
};

// A choice drawn uniformly, not size-scaled (every kind and position from the
// first test on, as the weights say), that shrinks toward 0.
rc::Gen<std::uint32_t> any_choice() {
    return rc::Gen<std::uint32_t>([](const rc::Random& random, int) {
        const auto value = static_cast<std::uint32_t>(rc::Random(random).next());
        return rc::shrinkable::shrinkRecur(
            value, [](std::uint32_t x) { return rc::shrink::towards<std::uint32_t>(x, 0); });
    });
}

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
    load_rapidcheck_configuration_quietly();
    const auto start = std::chrono::steady_clock::now();
    FailureSink sink;
    GenerationStats generation;
    bool counting = true;
    TestRun run(v, p, profile, cfg, sink);
    const auto property = [&] {
        // 1..size choices (size grows over the tests), as RapidCheck's command
        // lists were: a test with no operation checks nothing.
        const auto choices =
            *rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint32_t>>(any_choice()));
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
        run.run(choices, counting ? &test : nullptr);
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
