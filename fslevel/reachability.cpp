#include "fslevel/reachability.h"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_set>

#include "engines/interrupt.h"
#include "fslevel/fs_execution.h"
#include "properties/failure_class.h"

namespace daxcheck::fslevel {
std::string state_key(const FsExecution& ex) {
    std::string k;
    auto put = [&](std::uint64_t v) { k.append(reinterpret_cast<const char*>(&v), sizeof v); };
    const FsState& s = ex.fs();
    for (const auto& f : s.files) {
        put(f.size);
        for (auto b : f.map) put(static_cast<std::uint64_t>(b));
    }
    for (auto r : s.refs) put(r);
    for (const auto& p : s.pins) put(p.file), put(p.offset), put(p.pfn);
    put(~0ULL);
    const auto& m = ex.exec().model();
    for (const auto& f : m.files)
        for (const auto& [o, sl] : f.slots)
            put(o), put(sl.pfn), put(sl.order), put(sl.shared), put(static_cast<unsigned>(sl.kind));
    for (const auto& p : m.pfns) {
        put(p.owners.size() << 8 | p.shared << 4 | p.pins);
        for (const auto& o : p.owners) put(o.file), put(o.offset);
    }
    const auto& w = ex.exec().world();
    for (const auto& pg : w.memmap) {
        put(reinterpret_cast<std::uintptr_t>(static_cast<const kshim::address_space*>(pg.mapping)));
        put(pg.index);
        put(static_cast<std::uint64_t>(pg._refcount));
        put(pg.compound_head ? static_cast<const kshim::folio*>(static_cast<const kshim::page*>(pg.compound_head)) - w.memmap.data() + 1 : 0);
        put(pg.compound_order << 1 | pg.head);
    }
    for (const auto& x : w.i_pages)
        for (const auto& [o, e] : x) put(o), put(reinterpret_cast<std::uintptr_t>(e));
    for (long n : w.nrpages) put(static_cast<std::uint64_t>(n));
    return k;
}

std::uint64_t state_bytes(std::size_t key_bytes, std::size_t path_length) {
    // Calibrated on explore --level fs (files 3, pfns 8, offsets 8): the
    // execution's containers take about kExecutionPerKeyByte bytes per key
    // byte, plus the set's node and the string's own bytes.
    constexpr std::uint64_t kExecutionPerKeyByte = 5, kSetNode = 64;
    return sizeof(FsExecution) + kExecutionPerKeyByte * key_bytes + key_bytes + kSetNode +
           path_length * sizeof(Op);
}

namespace {

// "model: F:N F:N shared pins=N," -> "model: shared,": the model state as
// the function level's class names it (model_class(), free/owned/shared),
// without owners and pins, which vary with the walk, not with the bug.
std::string model_states_as_classes(std::string m) {
    const std::string tag = "model: ";
    for (std::size_t at = m.find(tag); at != std::string::npos; at = m.find(tag, at + 1)) {
        const std::size_t from = at + tag.size(), to = m.find(',', from);
        if (to == std::string::npos) break;
        const std::string state = m.substr(from, to - from);
        const char* cls = state.rfind("free", 0) == 0                                ? "free"
                          : (" " + state + " ").find(" shared ") != std::string::npos ? "shared"
                                                                                       : "owned";
        m.replace(from, to - from, cls);
    }
    return m;
}

}  // namespace

std::string failure_class(const std::string& property, const std::string& message) {
    return property + ": " + model_states_as_classes(message_shape(message));
}

bool known_class(const std::string& property, const std::string& message, const std::vector<std::string>& known) {
    return !known.empty() &&
           std::find(known.begin(), known.end(), failure_class(property, message)) != known.end();
}

std::uint64_t operation_count(const model::Universe& u, bool reflink) {
    const std::uint64_t f = u.files, o = u.offsets;
    const std::uint64_t per_range = reflink ? 4 + f * o : 3;  // write, punch, invalidate (+unshare, reflinks)
    return f * (o * 2 * per_range + o * 6 + o + 1);
}

std::vector<Op> all_ops(const model::Universe& u, bool reflink) {
    std::vector<Op> out;
    const std::uint64_t pmd = u.pages(static_cast<model::Order>(u.pmd_order));
    std::vector<std::uint64_t> lens = {1};
    if (pmd > 1) lens.push_back(pmd);
    for (FileId f = 0; f < u.files; f++) {
        for (PageOffset o = 0; o < u.offsets; o++) {
            for (auto len : lens)
                if (o + len <= u.offsets) {
                    out.push_back(Write{f, o, len});
                    out.push_back(Punch{f, o, len});
                    out.push_back(Invalidate{f, o, len});
                    if (reflink) out.push_back(Unshare{f, o, len});
                    if (reflink)
                        for (FileId g = 0; g < u.files; g++)
                            for (PageOffset d = 0; d + len <= u.offsets; d++)
                                out.push_back(Reflink{f, o, g, d, len});
                }
            for (bool p : {false, true}) {
                out.push_back(ReadFault{f, o, p});
                out.push_back(WriteFault{f, o, p});
            }
            out.push_back(PinPage{f, o});
            out.push_back(UnpinPage{f, o});
        }
        for (std::uint64_t size = 0; size <= u.offsets; size++) out.push_back(TruncateFile{f, size});
    }
    return out;
}

namespace {

ReachResult search_levels(const Variant& v, const Property& p, const model::Universe& u,
                          const ReachOptions& o, std::chrono::steady_clock::time_point start);

}  // namespace

ReachResult search(const Variant& v, const Property& p, const model::Universe& u,
                   const ReachOptions& o) {
    ReachResult out = search_levels(v, p, u, o, std::chrono::steady_clock::now());
    // glibc defers merging the freed states' chunks to a later malloc, half a
    // second after a long search: done here, inside the cell's time budget.
    ::malloc_trim(0);
    return out;
}

namespace {

ReachResult search_levels(const Variant& v, const Property& p, const model::Universe& u,
                          const ReachOptions& o, std::chrono::steady_clock::time_point start) {
    ReachResult out;
    if (operation_count(u, o.reflink) > kMaxSearchOperations) {
        out.too_wide = true;
        return out;
    }
    const std::vector<Op> ops = all_ops(u, o.reflink);
    const auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    // Freeing what the search holds takes time too (a fifth of a long
    // search, glibc merging the chunks included): the time budget keeps room
    // for it, at the cost per state measured as a large level is freed, and
    // 2.5 us before one was (measured here: 1.2 to 2.3 us). A key in the
    // seen set costs about half a state.
    double free_seconds = 0;
    std::uint64_t freed = 0;
    const auto out_of_time = [&](std::uint64_t states_held, std::uint64_t keys_held) {
        if (o.time_budget_s <= 0) return false;
        const double per_state = freed >= 10000 ? free_seconds / static_cast<double>(freed) : 2.5e-6;
        return seconds() + per_state * (static_cast<double>(states_held) + 0.5 * static_cast<double>(keys_held)) >=
               o.time_budget_s;
    };
    const CallCheck check = check_of(p);
    struct Node {
        FsExecution ex;
        std::vector<Op> path;
    };
    std::unordered_set<std::string> seen;
    // Deques: a vector's growth would copy every stored execution (an
    // FsExecution is copied, never moved) and briefly hold both copies,
    // past the memory budget.
    std::deque<Node> level;
    level.push_back({FsExecution(v, u), {}});
    // Copies of an execution keep what it passes over.
    if (!o.known.empty())
        level.front().ex.pass_over(
            [&](const std::string& failure) { return known_class(p.name, failure, o.known); });
    seen.insert(state_key(level.front().ex));
    // With target_classes, each one's deepest depth; those still to find.
    std::map<std::string, unsigned> to_find(o.target_classes.begin(), o.target_classes.end());
    const bool several = !o.target_classes.empty();
    unsigned depth = 0;
    // The classes of the current step's failures that count as hits.
    std::vector<std::string> hit_classes;
    auto matches = [&](const std::string& message) {
        const std::string c = failure_class(p.name, message);
        if (several) {
            const auto it = to_find.find(c);
            if (it == to_find.end() || depth > it->second) return false;
            if (std::find(hit_classes.begin(), hit_classes.end(), c) == hit_classes.end()) hit_classes.push_back(c);
            return true;
        }
        if (!o.target_class.empty() && c != o.target_class) return false;
        out.found_class = c;
        return true;
    };
    std::uint64_t bytes = state_bytes(state_key(level.front().ex).size(), 0);
    for (depth = 1; depth <= o.max_depth; depth++) {
        std::deque<Node> next;
        for (const Node& n : level) {
            for (const Op& op : ops) {
                // Before every operation, not every state: one state's
                // operations (each a copy of the execution) may take a second.
                const bool signalled = interrupted();
                if (signalled || out_of_time(level.size() + next.size(), seen.size())) {
                    (signalled ? out.interrupted : out.time_hit) = true;
                    out.states = seen.size();
                    return out;
                }
                if (illegal_reason(n.ex.fs(), op)) continue;
                FsExecution child(n.ex);
                const FsStepOutcome r = child.step(op, check, true);
                std::vector<Op> path = n.path;
                path.push_back(op);
                // Past an illegal derived call the model no longer describes
                // the port; past a failure of another class it still does.
                bool illegal = false;
                for (const auto& c : r.calls) illegal = illegal || !c.outcome.legal;
                bool hit = false;
                hit_classes.clear();
                // Past known classes the step's outcome tells its first
                // failure of another class (none past a model lost there).
                if (!o.known.empty()) {
                    hit = r.failure && matches(*r.failure);
                } else {
                    for (const auto& c : r.calls) {
                        if (illegal && !o.target_misuse && !o.hits_at_illegal_steps) break;
                        if (o.target_misuse) {
                            if (!c.outcome.legal &&
                                failure_class("misuse", c.outcome.illegal_reason) == o.target_class) {
                                out.found_class = o.target_class;
                                hit = true;
                            }
                        } else if (c.failure && matches(*c.failure)) {
                            hit = true;
                        }
                    }
                }
                // For a misuse only derived misuses count, not property failures.
                const bool may_hit = !o.target_misuse && (!illegal || o.hits_at_illegal_steps);
                if ((several || !hit) && may_hit && r.failure && matches(*r.failure)) hit = true;
                if ((several || !hit) && may_hit && !r.lost_past_known && p.at_end) {
                    FsExecution end(child);
                    if (auto f = p.at_end(end.exec());
                        f && !known_class(p.name, "at the end: " + *f, o.known) && matches(*f))
                        hit = true;
                }
                if (hit && several) {
                    // Each class at its first hit; the search goes on as one
                    // for another class would (the child is no leaf).
                    for (const std::string& c : hit_classes) {
                        out.found[c] = path;
                        to_find.erase(c);
                    }
                    if (to_find.empty()) {
                        out.states = seen.size();
                        return out;
                    }
                } else if (hit) {
                    out.sequence = std::move(path);
                    out.states = seen.size();
                    return out;
                }
                // Past a lost model (an illegal derived call, a BUG_ON of the
                // port or the fault path) nothing is evidence.
                if (r.model_lost) continue;
                if (seen.size() >= o.max_states) {
                    out.budget_hit = true;
                    continue;
                }
                std::string key = state_key(child);
                const std::uint64_t more = state_bytes(key.size(), path.size());
                if (o.memory_budget_bytes && bytes + more > o.memory_budget_bytes) {
                    out.memory_hit = true;
                    continue;
                }
                if (seen.insert(std::move(key)).second) {
                    bytes += more;
                    next.push_back({std::move(child), std::move(path)});
                }
            }
        }
        out.states = seen.size();
        if (out.budget_hit || out.memory_hit) return out;
        out.depth_completed = depth;
        if (next.empty()) {
            out.exhausted = true;
            return out;
        }
        const double before_free = seconds();
        freed += level.size();
        level.clear();
        ::malloc_trim(0);  // what freeing costs in all: glibc merges the chunks later otherwise
        free_seconds += seconds() - before_free;
        level = std::move(next);
    }
    return out;
}

}  // namespace

}  // namespace daxcheck::fslevel
