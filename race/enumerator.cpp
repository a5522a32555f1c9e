#include "race/enumerator.h"

#include <algorithm>

namespace daxcheck::race {

namespace {

bool is_preemption(const Decision& d, int chosen) {
    return d.last >= 0 && chosen != d.last && d.enabled[d.last];
}

unsigned bit(int t) { return 1U << t; }

// One decision point on the current path of the depth-first search.
struct Node {
    Decision d;          // pending accesses, which could run, the choice taken now
    unsigned done = 0;   // operations already started from here
    unsigned sleep = 0;  // operations asleep here (their access was covered by a sibling)
    unsigned preempted = 0;  // preemptions on the path before this choice
};

}  // namespace

std::vector<int> schedule_of(const RunResult& r) {
    std::vector<int> out;
    out.reserve(r.steps.size());
    for (const Step& s : r.steps) out.push_back(s.thread);
    return out;
}

std::function<int(const Decision&)> follow(const std::vector<int>& schedule) {
    return [schedule](const Decision& d) {
        const int want = d.step < schedule.size() ? schedule[d.step] : d.last;
        if (want == 0 || want == 1) return d.enabled[want] ? want : 1 - want;
        return d.enabled[0] ? 0 : 1;
    };
}

std::optional<ScheduleMismatch> schedule_mismatch(const std::vector<int>& schedule, const RunResult& r) {
    const std::vector<int> ran = schedule_of(r);
    ScheduleMismatch m;
    m.run_steps = ran.size();
    for (std::size_t i = 0; i < schedule.size() && i < ran.size(); i++) {
        if (schedule[i] == ran[i]) continue;
        m.step = i;
        m.named = schedule[i];
        // Both operations still running make a decision at every step; the
        // other ran alone only when the one named had finished.
        m.kind = ScheduleMismatch::Kind::Finished;
        for (const Decision& d : r.decisions)
            if (d.step == i) m.kind = ScheduleMismatch::Kind::Waits;
        return m;
    }
    if (schedule.size() == ran.size()) return std::nullopt;
    m.kind = schedule.size() > ran.size() ? ScheduleMismatch::Kind::TooLong : ScheduleMismatch::Kind::TooShort;
    m.step = std::min(schedule.size(), ran.size());
    return m;
}

unsigned preemptions(const RunResult& r) {
    unsigned n = 0;
    for (const Decision& d : r.decisions) n += is_preemption(d, d.chosen);
    return n;
}

EnumerateStats enumerate(
    const std::function<RunResult(const std::function<int(const Decision&)>&)>& execute,
    const EnumerateOptions& options, const std::function<bool(const RunResult&)>& visit) {
    EnumerateStats stats;
    std::vector<Node> path;
    std::size_t replay = 0;  // decisions of `path` the next run repeats
    const auto within_bound = [&](unsigned preempted, const Decision& d, int t) {
        return !options.preemption_bound ||
               preempted + (is_preemption(d, t) ? 1 : 0) <= *options.preemption_bound;
    };
    for (;;) {
        if (options.max_runs && stats.runs + stats.redundant >= options.max_runs) {
            stats.budget_hit = true;
            return stats;
        }
        std::size_t i = 0;
        bool blocked = false;
        const auto choose = [&](const Decision& d) -> int {
            if (i < replay) return path[i++].d.chosen;
            if (blocked) {
                i++;
                return d.enabled[0] ? 0 : 1;
            }
            Node n;
            n.d = d;
            if (i > 0) {
                const Node& p = path[i - 1];
                const int c = p.d.chosen, o = 1 - c;
                if (options.sleep_sets && ((p.sleep | p.done) & bit(o)) &&
                    !conflict(p.d.pending[o], p.d.pending[c]))
                    n.sleep |= bit(o);
                n.preempted = p.preempted + (is_preemption(p.d, c) ? 1 : 0);
            }
            // Go on with the operation that ran last when allowed: fewest preemptions first.
            const int first = d.last >= 0 ? d.last : 0;
            int chosen = -1;
            for (int t : {first, 1 - first})
                if (chosen < 0 && d.enabled[t] && !(n.sleep & bit(t)) && within_bound(n.preempted, d, t))
                    chosen = t;
            i++;
            if (chosen < 0) {  // every enabled access is asleep: this run repeats a visited one
                blocked = true;
                return d.enabled[0] ? 0 : 1;
            }
            n.d.chosen = chosen;
            n.done = bit(chosen);
            path.push_back(n);
            return chosen;
        };
        const RunResult r = execute(choose);
        // The last decision's operation ran its last step and the other went on
        // alone: if the other is asleep there, this run repeats a visited one.
        if (!blocked && options.sleep_sets && !path.empty() && path.size() == i) {
            const Node& last = path.back();
            const int c = last.d.chosen, o = 1 - c;
            bool alone = true;
            for (std::size_t k = last.d.step + 1; k < r.steps.size(); k++) alone = alone && r.steps[k].thread == o;
            blocked = alone && ((last.sleep | last.done) & bit(o)) &&
                      !conflict(last.d.pending[o], last.d.pending[c]);
        }
        if (blocked) {
            stats.redundant++;
        } else {
            stats.runs++;
            if (!visit(r)) {
                stats.stopped = true;
                return stats;
            }
        }
        // Backtrack to the deepest decision with an alternative left.
        for (;;) {
            if (path.empty()) return stats;
            Node& n = path.back();
            const int o = 1 - n.d.chosen;
            if (n.d.enabled[o] && !((n.done | n.sleep) & bit(o)) && within_bound(n.preempted, n.d, o)) {
                n.done |= bit(o);
                n.d.chosen = o;
                replay = path.size();
                break;
            }
            path.pop_back();
        }
    }
}

}  // namespace daxcheck::race
