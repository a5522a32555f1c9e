#include "race/prefixes.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <unordered_set>

#include "engines/op_enumeration.h"
#include "fslevel/fs_execution.h"
#include "fslevel/fs_text.h"
#include "fslevel/reachability.h"
#include "harness/op_text.h"
#include "harness/wyrand.h"
#include "model/overloaded.h"

namespace daxcheck::race {

namespace {

// Estimated bytes of a stored state whose key has `key_bytes`: the copy of
// the execution (its containers about kPerKeyByte bytes a key byte), the
// key in the seen set. Deterministic, not measured.
std::uint64_t node_bytes(std::size_t node_size, std::size_t key_bytes) {
    constexpr std::uint64_t kPerKeyByte = 4, kSetNode = 64;
    return node_size + (kPerKeyByte + 1) * key_bytes + kSetNode;
}

// What malloc takes for `n` bytes: a header word, rounded up to 16, at least
// 32 (glibc); none for none.
std::uint64_t chunk_bytes(std::size_t n) {
    return n == 0 ? 0 : std::max<std::uint64_t>(32, (n + 8 + 15) / 16 * 16);
}
std::uint64_t side_bytes(const Side& s) {
    // A string of up to 15 characters is stored in place.
    return (s.text.size() > 15 ? chunk_bytes(s.text.capacity() + 1) : 0) +
           chunk_bytes(s.calls.capacity() * sizeof(model::Op));
}

std::uint64_t pair_bytes(const Pair& p) {
    return sizeof(Pair) + side_bytes(p.a) + side_bytes(p.b);
}

// Breadth-first over distinct states: `expand(node, emit)` emits successors
// (emit returns false: stop), `key(node)` names a state, `make(node, go_on)`
// builds its Prefix (nullopt: go_on said stop). go_on hears the bytes held.
template <class Node, class Expand, class Key, class Make>
void breadth_first(Node root, unsigned depth, std::uint64_t seed, Expand expand, Key key, Make make,
                   const PrefixVisit& visit, const PrefixGoOn& go_on) {
    std::unordered_set<std::string> seen{key(root)};
    // Deques: a vector's growth would copy every execution a level holds
    // (they are copied, never moved) and briefly hold both copies.
    std::deque<Node> level;
    level.push_back(std::move(root));
    std::uint64_t level_bytes = 0;
    Rng rng(seed);
    for (unsigned d = 0;; d++) {
        std::vector<std::size_t> order(level.size());
        for (std::size_t i = 0; i < order.size(); i++) order[i] = i;
        for (std::size_t i = order.size(); i > 1; i--) std::swap(order[i - 1], order[rng.below(i)]);
        for (std::size_t i : order) {
            std::optional<Prefix> p = make(level[i], [&](std::uint64_t pairs) { return go_on(level_bytes + pairs); });
            if (!p || !visit(*p)) return;
        }
        if (d == depth) return;
        std::deque<Node> next;
        std::uint64_t next_bytes = 0;
        bool stopped = false;
        for (const Node& n : level) {
            if (stopped) break;
            expand(n, [&](Node child) {
                std::string k = key(child);
                const std::uint64_t b = node_bytes(sizeof(Node), k.size());
                if (!go_on(level_bytes + next_bytes + b)) return !(stopped = true);
                if (seen.insert(std::move(k)).second) {
                    next.push_back(std::move(child));
                    next_bytes += b;
                }
                return true;
            });
        }
        if (stopped) return;
        level = std::move(next);
        level_bytes = next_bytes;
    }
}

model::FileId file_of(const model::Op& op) {
    return std::visit(overloaded{[](const model::Associate& a) { return a.file; },
                                 [](const model::Disassociate& d) { return d.file; },
                                 [](const model::Truncate& t) { return t.file; },
                                 [](const auto&) { return model::FileId{255}; }},
                      op);
}

struct FunctionNode {
    Execution ex;
    std::vector<model::Op> path;
};

std::string function_key(const FunctionNode& n) {
    std::string k;
    const auto& m = n.ex.model();
    for (model::Pfn p = 0; p < m.pfns.size(); p++) k += describe(m.pfns[p]) + "|" + n.ex.raw_fields(p) + "\n";
    for (const auto& f : m.files) {
        for (const auto& [o, sl] : f.slots)
            k += std::to_string(o) + ":" + std::to_string(sl.pfn) + "/" + std::to_string(sl.order) +
                 (sl.shared ? "s" : "") + std::to_string(static_cast<int>(sl.kind)) + " ";
        k += "\n";
    }
    return k;
}

std::vector<std::string> texts(const std::vector<model::Op>& ops) {
    std::vector<std::string> out;
    for (const auto& op : ops) out.push_back(to_text(op));
    return out;
}

}  // namespace

PrefixSource function_prefixes(const Variant& v, const model::Universe& u, unsigned depth,
                               std::uint64_t seed) {
    return [&v, u, depth, seed](const PrefixVisit& visit, const PrefixGoOn& go_on) {
        std::vector<model::Op> ops;
        const auto expand = [&](const FunctionNode& n, const auto& emit) {
            enumerate_ops(n.ex.model(), Profile::Reflink, false, ops);
            for (const auto& op : ops) {
                FunctionNode child{n.ex, n.path};
                child.ex.step(op);
                child.path.push_back(op);
                if (!emit(std::move(child))) return;
            }
        };
        const auto make = [&](const FunctionNode& n, const auto& go) -> std::optional<Prefix> {
            Prefix p{texts(n.path), n.ex.world(), {}};
            std::vector<model::Op> all;
            enumerate_ops(n.ex.model(), Profile::Reflink, false, all);
            std::erase_if(all, [](const model::Op& op) { return file_of(op) == 255; });
            std::uint64_t bytes = 0;
            for (const auto& x : all)
                for (const auto& y : all) {
                    if (file_of(x) >= file_of(y)) continue;
                    if (!go(bytes)) return std::nullopt;
                    model::ModelState xy = n.ex.model(), yx = n.ex.model();
                    model::apply_legal(xy, x);
                    model::apply_legal(yx, y);
                    if (!model::is_legal(xy, y) || !model::is_legal(yx, x)) continue;
                    p.pairs.push_back(Pair{Side{to_text(x), file_of(x), {x}}, Side{to_text(y), file_of(y), {y}}});
                    bytes += pair_bytes(p.pairs.back());
                }
            return p;
        };
        breadth_first(FunctionNode{Execution(v, u), {}}, depth, seed, expand, function_key, make, visit, go_on);
    };
}

namespace {

struct FsNode {
    fslevel::FsExecution ex;
    std::vector<fslevel::Op> path;
};

// The operations of one file that race/ pairs: those that fault or release entries.
std::optional<model::FileId> racing_file(const fslevel::Op& op) {
    return std::visit(
        overloaded{[](const fslevel::ReadFault& o) -> std::optional<model::FileId> { return o.file; },
                   [](const fslevel::WriteFault& o) -> std::optional<model::FileId> { return o.file; },
                   [](const fslevel::TruncateFile& o) -> std::optional<model::FileId> { return o.file; },
                   [](const fslevel::Punch& o) -> std::optional<model::FileId> { return o.file; },
                   [](const fslevel::Unshare& o) -> std::optional<model::FileId> { return o.file; },
                   [](const fslevel::Invalidate& o) -> std::optional<model::FileId> { return o.file; },
                   [](const auto&) -> std::optional<model::FileId> { return std::nullopt; }},
        op);
}

// The calls `op` derives from `ex` (which it changes), or nullopt when illegal.
std::optional<std::vector<model::Op>> derived_calls(fslevel::FsExecution& ex, const fslevel::Op& op) {
    if (fslevel::illegal_reason(ex.fs(), op)) return std::nullopt;
    const fslevel::FsStepOutcome out = ex.step(op, fslevel::no_call_check(), true, true, true);
    std::vector<model::Op> calls;
    for (const auto& c : out.calls) calls.push_back(c.op);
    return calls;
}

}  // namespace

PrefixSource fs_prefixes(const Variant& v, const model::Universe& u, unsigned depth,
                         std::uint64_t seed) {
    fslevel::FsExecution root(v, u);  // throws without a fault path
    return [&v, u, depth, seed](const PrefixVisit& visit, const PrefixGoOn& go_on) {
        const std::vector<fslevel::Op> all = fslevel::all_ops(u, true);
        const auto expand = [&](const FsNode& n, const auto& emit) {
            for (const auto& op : all) {
                if (fslevel::illegal_reason(n.ex.fs(), op)) continue;
                FsNode child{n.ex, n.path};
                child.ex.step(op, fslevel::no_call_check(), false, false, true);
                child.path.push_back(op);
                if (!emit(std::move(child))) return;
            }
        };
        const auto make = [&](const FsNode& n, const auto& go) -> std::optional<Prefix> {
            Prefix p{{}, n.ex.exec().world(), {}};
            for (const auto& op : n.path) p.ops.push_back(fslevel::to_text(op));
            std::uint64_t bytes = 0;
            for (const auto& x : all)
                for (const auto& y : all) {
                    const auto fx = racing_file(x), fy = racing_file(y);
                    if (!fx || !fy || *fx >= *fy) continue;
                    if (!go(bytes)) return std::nullopt;
                    fslevel::FsExecution xy = n.ex, yx = n.ex, lone_x = n.ex, lone_y = n.ex;
                    const auto x_alone = derived_calls(lone_x, x);
                    if (!x_alone) continue;
                    const auto y_alone = derived_calls(lone_y, y);
                    if (!y_alone) continue;
                    derived_calls(xy, x);
                    derived_calls(yx, y);
                    if (derived_calls(xy, y) != y_alone || derived_calls(yx, x) != x_alone) continue;
                    p.pairs.push_back(Pair{Side{fslevel::to_text(x), *fx, *x_alone},
                                           Side{fslevel::to_text(y), *fy, *y_alone}});
                    bytes += pair_bytes(p.pairs.back());
                }
            return p;
        };
        breadth_first(FsNode{fslevel::FsExecution(v, u), {}}, depth, seed, expand,
                      [](const FsNode& n) { return fslevel::state_key(n.ex); }, make, visit, go_on);
    };
}

}  // namespace daxcheck::race
