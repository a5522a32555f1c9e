#include "race/race_corpus.h"

#include <fmt/format.h>

#include "fslevel/fs_execution.h"
#include "fslevel/fs_text.h"
#include "harness/op_text.h"

namespace daxcheck::race {

std::optional<Prefix> prefix_of(const Variant& v, const CorpusFile& f, std::string& error,
                                int* error_line) {
    const CorpusRace& r = *f.race;
    if (error_line) *error_line = r.line;
    if (!f.fs_level) {
        Execution ex(v, f.universe);
        std::vector<std::string> texts;
        for (const auto& op : f.operations()) {
            ex.step(op);
            texts.push_back(to_text(op));
        }
        Pair pair;
        std::array<model::Op, 2> ops;
        for (int s = 0; s < 2; s++) ops[s] = std::get<model::Op>(parse_op(r.sides[s]));
        model::ModelState ab = ex.model(), ba = ex.model();
        if (!model::is_legal(ab, ops[0]) || !model::is_legal(ba, ops[1])) {
            error = "the race's operations are not both legal after the prefix";
            return std::nullopt;
        }
        model::apply_legal(ab, ops[0]);
        model::apply_legal(ba, ops[1]);
        if (!model::is_legal(ab, ops[1]) || !model::is_legal(ba, ops[0])) {
            error = "the race's operations are not legal in both orders";
            return std::nullopt;
        }
        pair.a = Side{r.sides[0], r.files[0], {ops[0]}};
        pair.b = Side{r.sides[1], r.files[1], {ops[1]}};
        return Prefix{texts, ex.world(), {pair}};
    }
    if (!fault_path_of(v)) {
        if (error_line) *error_line = 0;
        error = "variant " + v.name + " has no fault path";
        return std::nullopt;
    }
    fslevel::FsExecution ex(v, f.universe);
    std::vector<std::string> texts;
    for (const auto& op : f.fs_operations()) {
        ex.step(op, fslevel::no_call_check(), false, false, true);
        texts.push_back(fslevel::to_text(op));
    }
    Prefix p{texts, ex.exec().world(), {}};
    std::array<Side, 2> sides;
    for (int s = 0; s < 2; s++) {
        const fslevel::Op op = std::get<fslevel::Op>(fslevel::parse_op(r.sides[s]));
        if (auto why = fslevel::illegal_reason(ex.fs(), op)) {
            error = fmt::format("{} is not legal after the prefix: {}", r.sides[s], *why);
            return std::nullopt;
        }
        fslevel::FsExecution alone = ex;
        sides[s] = Side{r.sides[s], r.files[s], {}};
        for (const auto& c : alone.step(op, fslevel::no_call_check(), true, true, true).calls) sides[s].calls.push_back(c.op);
    }
    p.pairs.push_back(Pair{sides[0], sides[1]});
    return p;
}

const std::string& recorded_variant(const CorpusFile& f) { return f.expect.front().variant; }

std::optional<std::string> schedule_error(const Variant& v, const CorpusFile& f, const Prefix& p) {
    const CorpusRace& r = *f.race;
    const auto m = schedule_mismatch(v, p.world, p.pairs.front(), r.schedule);
    if (!m) return std::nullopt;
    const auto side = [&](int s) {
        return fmt::format("{} ({})", model::file_letter(r.files[s]), r.sides[s]);
    };
    const auto steps = [](std::size_t n) { return fmt::format("{} step{}", n, n == 1 ? "" : "s"); };
    switch (m->kind) {
        case ScheduleMismatch::Kind::Finished:
            return fmt::format("step {} names {}, which has finished by then", m->step + 1, side(m->named));
        case ScheduleMismatch::Kind::Waits:
            return fmt::format("step {} names {}, which waits there for a lock {} holds", m->step + 1,
                               side(m->named), side(1 - m->named));
        case ScheduleMismatch::Kind::TooLong:
            return fmt::format("it names {}, but the run ends after {}",
                               steps(r.schedule.size()), steps(m->run_steps));
        case ScheduleMismatch::Kind::TooShort:
            return fmt::format("it names {}, but the run has {} (it names every step)",
                               steps(r.schedule.size()), steps(m->run_steps));
    }
    return std::nullopt;
}

std::optional<RaceFailure> replay_race(const Variant& v, const CorpusFile& f, const Prefix& p,
                                       const RaceOptions& options) {
    if (!schedule_error(v, f, p))
        if (auto failure = check_interleaving(v, p.world, p.pairs.front(), f.race->schedule)) {
            failure->prefix = p.ops;
            return failure;
        }
    RaceResult r = race(v, [&](const PrefixVisit& visit, const PrefixGoOn&) { visit(p); }, options);
    return std::move(r.failure);
}

CorpusFile race_corpus_file(const Variant& v, const model::Universe& u, bool fs_level,
                            const RaceFailure& failure, const std::string& shows) {
    CorpusFile f;
    f.universe = u;
    f.fs_level = fs_level;
    f.property = "race";
    f.profile = Profile::Reflink;
    f.shows = shows;
    f.expect_failure(v.name, v.port_file);
    int line = 0;
    for (const auto& text : failure.prefix) {
        if (fs_level) f.fs_ops.push_back({std::get<fslevel::Op>(fslevel::parse_op(text)), ++line});
        else f.ops.push_back({std::get<model::Op>(parse_op(text)), ++line});
    }
    CorpusRace r;
    r.sides = {failure.pair.a.text, failure.pair.b.text};
    r.files = {failure.pair.a.file, failure.pair.b.file};
    r.schedule = failure.schedule;
    f.race = r;
    return f;
}

}  // namespace daxcheck::race
