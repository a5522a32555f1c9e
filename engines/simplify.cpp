#include "engines/simplify.h"

#include <set>

#include "engines/replay.h"

namespace daxcheck {
namespace {

using namespace model;

constexpr int kMaxReplays = 400;

// Which values an operation field holds: files, one file's page offsets, pfns.
enum class Field { File, Offset, Pfn };

struct ValueClass {
    Field kind;
    FileId file;  // for offsets: whose
    std::uint64_t value;
    friend auto operator<=>(const ValueClass&, const ValueClass&) = default;
};

template <class F>
void for_each_value(Op& op, F&& visit) {
    std::visit(
        [&](auto& o) {
            using T = std::decay_t<decltype(o)>;
            if constexpr (requires(T& t) { t.file; }) {
                std::uint64_t f = o.file;
                visit(Field::File, 0, f);
                o.file = static_cast<FileId>(f);
            }
            if constexpr (requires(T& t) { t.offset; }) visit(Field::Offset, o.file, o.offset);
            if constexpr (requires(T& t) { t.pfn; }) visit(Field::Pfn, 0, o.pfn);
        },
        op);
}

std::set<ValueClass> value_classes(std::vector<Op> ops) {
    std::set<ValueClass> out;
    for (auto& op : ops)
        for_each_value(op, [&](Field k, FileId f, std::uint64_t& v) { out.insert({k, f, v}); });
    return out;
}

// Exchanges value `a` and `b` of one class everywhere in the list.
std::vector<Op> swapped(std::vector<Op> ops, const ValueClass& c, std::uint64_t b) {
    for (auto& op : ops) {
        // Offsets belong to the file of the same operation: read it first.
        FileId owner = 0;
        for_each_value(op, [&](Field k, FileId, std::uint64_t& v) {
            if (k == Field::File) owner = static_cast<FileId>(v);
        });
        for_each_value(op, [&](Field k, FileId, std::uint64_t& v) {
            if (k != c.kind || (k == Field::Offset && owner != c.file)) return;
            if (v == c.value) v = b;
            else if (v == b) v = c.value;
        });
    }
    return ops;
}

// Every field value in list order: a swap is progress only when it makes this
// smaller, so swapping two used values back and forth cannot loop.
std::vector<std::uint64_t> flattened(std::vector<Op> ops) {
    std::vector<std::uint64_t> out;
    for (auto& op : ops)
        for_each_value(op, [&](Field, FileId, std::uint64_t& v) { out.push_back(v); });
    return out;
}

// Turns a PMD-order entry into a PTE one; false when `op` has none.
bool as_pte(Op& op) {
    return std::visit(
        [](auto& o) {
            if constexpr (requires { o.order; }) {
                if (o.order == 0) return false;
                o.order = 0;
                return true;
            } else {
                return false;
            }
        },
        op);
}

}  // namespace

std::vector<Op> simplify_values(const Variant& v, const Property& p, const Universe& u,
                                std::vector<Op> ops, const ClassFilter& failures) {
    int replays = 0;
    auto still_fails = [&](const std::vector<Op>& candidate) {
        replays++;
        if (!failures.counts_everything()) return fails_counted(v, p, u, candidate, failures);
        const auto r = replay(v, p, u, candidate);
        return !r.invalid && r.trace.failed();
    };
    // A PTE entry reads simpler than a PMD one: try order 0 for each entry.
    for (std::size_t i = 0; i < ops.size(); i++) {
        auto candidate = ops;
        if (as_pte(candidate[i]) && still_fails(candidate)) ops = std::move(candidate);
    }
    bool changed = true;
    while (changed && replays < kMaxReplays) {
        changed = false;
        for (const ValueClass& c : value_classes(ops)) {
            for (std::uint64_t smaller = 0; smaller < c.value && replays < kMaxReplays; smaller++) {
                auto candidate = swapped(ops, c, smaller);
                if (flattened(candidate) < flattened(ops) && still_fails(candidate)) {
                    ops = std::move(candidate);
                    changed = true;
                    break;
                }
            }
            if (changed) break;  // value classes changed: collect them again
        }
    }
    return ops;
}

}  // namespace daxcheck
