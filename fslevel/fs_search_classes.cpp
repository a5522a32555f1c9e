#include "fslevel/fs_search_classes.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <new>

#include "engines/engine_fault.h"
#include "engines/interrupt.h"
#include "fslevel/fs_replay.h"
#include "fslevel/fs_text.h"

namespace daxcheck::fslevel {
namespace {

// The class of `r`'s sequence as a fresh replay past `known` tells it; throws
// EngineFault when the replay does not fail with the class the search found.
std::string replayed_class(const Variant& v, const Property& p, const model::Universe& u,
                           const ReachResult& r, const std::vector<std::string>& known) {
    const FsReplayResult rep = replay(v, p, u, *r.sequence, known);
    const std::string cls = rep.trace.failed() ? failure_class(p.name, rep.trace.failure()) : "";
    if (rep.invalid || cls != r.found_class) {
        std::string ops;
        for (const Op& op : *r.sequence) ops += (ops.empty() ? "" : "; ") + to_text(op);
        throw EngineFault(fmt::format(
            "explore --level fs found {} / {} failing with class \"{}\" after {} operation{} ({}), but a fresh "
            "replay{} gives {}: the search and replay disagree. Please report this with the command line",
            v.name, p.name, r.found_class, r.sequence->size(), r.sequence->size() == 1 ? "" : "s", ops,
            known.empty() ? "" : " past the classes before it",
            rep.invalid ? "an illegal operation: " + *rep.invalid
            : cls.empty() ? std::string("no failure")
                          : "class \"" + cls + "\""));
    }
    return cls;
}

}  // namespace

SearchClasses search_classes(const Variant& v, const Property& p, const model::Universe& u,
                             const ReachOptions& o, unsigned classes) {
    SearchClasses out;
    const auto start = std::chrono::steady_clock::now();
    const auto spent = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    out.first = search(v, p, u, o);
    out.first_seconds = spent();
    if (out.first.sequence) out.classes.push_back(replayed_class(v, p, u, out.first, {}));
    while (out.first.sequence && out.classes.size() < classes) {
        if (interrupted()) {
            out.cut_short = "signal";
            break;
        }
        // The cell's clock: the replays count too.
        const double left = o.time_budget_s - spent();
        if (o.time_budget_s > 0 && left <= 0) {
            out.cut_short = "time budget";
            break;
        }
        ReachOptions next = o;
        next.known = out.classes;
        if (o.time_budget_s > 0) next.time_budget_s = left;
        // Out of memory in a later search (a budget above `ulimit -v`)
        // keeps the classes found: the cell says its search was cut short.
        ReachResult r;
        try {
            r = search(v, p, u, next);
        } catch (const std::bad_alloc&) {
            out.cut_short = "out of memory";
            break;
        }
        if (!r.sequence) {
            out.cut_short = r.interrupted ? "signal" : r.time_hit ? "time budget" : r.memory_hit ? "memory budget"
                            : r.budget_hit ? "state budget" : "";
            if (out.cut_short.empty())
                out.end = r.exhausted ? "no other class in the universe"
                                      : fmt::format("no other class up to depth {}", r.depth_completed);
            break;
        }
        out.classes.push_back(replayed_class(v, p, u, r, out.classes));
        out.more.push_back(std::move(r));
    }
    out.seconds = spent();
    return out;
}

}  // namespace daxcheck::fslevel
