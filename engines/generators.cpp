#include "engines/generators.h"

#include <algorithm>

namespace daxcheck {
namespace {

using namespace model;

constexpr std::uint64_t kAllStartsUpTo = 16;
constexpr std::uint64_t kMaxBlocks = 8;

// An index drawn with the given weights (uniform, not size-scaled).
rc::Gen<std::size_t> weighted_index(const std::vector<std::size_t>& weights) {
    std::vector<std::size_t> expanded;
    for (std::size_t i = 0; i < weights.size(); i++)
        expanded.insert(expanded.end(), weights[i], i);
    return rc::gen::elementOf(expanded);
}

// One way to associate: a file, an order, a flag, and where it may go.
struct AssociateChoice {
    FileId file;
    Order order;
    bool shared;
    std::vector<PageOffset> offsets;
    std::vector<Pfn> pfns;
};

std::vector<AssociateChoice> associate_choices(const ModelState& s, Profile profile) {
    const Universe& u = s.universe;
    std::vector<AssociateChoice> out;
    std::vector<Order> orders = {0};
    if (u.pages(static_cast<Order>(u.pmd_order)) <= std::min(u.pfns, u.offsets))
        orders.push_back(static_cast<Order>(u.pmd_order));
    for (Order order : orders) {
        const auto offset_starts = candidate_starts(u, u.offsets, order);
        const auto pfn_starts = candidate_starts(u, u.pfns, order);
        std::vector<Pfn> free_pfns;
        for (Pfn p : pfn_starts)
            if (pfns_free(s, p, u.pages(order))) free_pfns.push_back(p);
        for (FileId f = 0; f < u.files; f++) {
            std::vector<PageOffset> offsets;
            for (PageOffset o : offset_starts)
                if (offsets_free(s.files[f], o, u.pages(order), u)) offsets.push_back(o);
            if (offsets.empty()) continue;
            if (!free_pfns.empty()) out.push_back({f, order, false, offsets, free_pfns});
            if (profile == Profile::Reflink) out.push_back({f, order, true, offsets, pfn_starts});
        }
    }
    return out;
}

rc::Gen<Op> gen_associate(std::vector<AssociateChoice> choices) {
    // PTE entries three times as often as PMD ones.
    std::vector<std::size_t> weights;
    for (const auto& c : choices) weights.push_back(c.order == 0 ? 3 : 1);
    return rc::gen::mapcat(weighted_index(weights), [choices](std::size_t i) {
        const AssociateChoice& c = choices[i];
        return rc::gen::map(
            rc::gen::tuple(rc::gen::elementOf(c.offsets), rc::gen::elementOf(c.pfns)),
            [c](const std::tuple<PageOffset, Pfn>& t) {
                return Op{Associate{c.file, std::get<0>(t), std::get<1>(t), c.order, c.shared}};
            });
    });
}

template <class Release>
rc::Gen<Op> gen_release(const std::vector<Disassociate>& entries) {
    return rc::gen::map(rc::gen::elementOf(entries), [](const Disassociate& d) {
        return Op{Release{d.file, d.offset}};
    });
}

template <class PinOrUnpin>
rc::Gen<Op> gen_page_ref(const std::vector<Pfn>& pfns) {
    return rc::gen::map(rc::gen::elementOf(pfns), [](Pfn p) { return Op{PinOrUnpin{p}}; });
}

// Pfns worth pinning: mapped ones with room for another pin; and pinned ones.
std::vector<Pfn> pinnable(const ModelState& s) {
    std::vector<Pfn> out;
    for (Pfn p = 0; p < s.pfns.size(); p++)
        if (!s.pfns[p].owners.empty() && s.pfns[p].pins < s.universe.max_pins) out.push_back(p);
    return out;
}
std::vector<Pfn> pinned(const ModelState& s) {
    std::vector<Pfn> out;
    for (Pfn p = 0; p < s.pfns.size(); p++)
        if (s.pfns[p].pins > 0) out.push_back(p);
    return out;
}

}  // namespace

std::vector<std::uint64_t> candidate_starts(const Universe& u, std::uint64_t limit, Order order) {
    std::vector<std::uint64_t> out;
    const std::uint64_t step = u.pages(order);
    if (step > limit) return out;
    const std::uint64_t block = u.pages(static_cast<Order>(u.pmd_order));
    if (order != 0 || limit <= kAllStartsUpTo) {
        for (std::uint64_t s = 0; s + step <= limit && out.size() < kMaxBlocks * 4; s += step)
            out.push_back(s);
        return out;
    }
    for (std::uint64_t b = 0; b < limit && b / block < kMaxBlocks; b += block)
        for (std::uint64_t inner : {std::uint64_t{0}, std::uint64_t{1}, block - 1})
            if (b + inner < limit &&
                std::find(out.begin(), out.end(), b + inner) == out.end())
                out.push_back(b + inner);
    return out;
}

rc::Gen<Op> gen_legal_op(const ModelState& s, Profile profile) {
    std::vector<std::size_t> weights;
    std::vector<rc::Gen<Op>> gens;
    auto add = [&](std::size_t w, rc::Gen<Op> g) {
        weights.push_back(w);
        gens.push_back(std::move(g));
    };
    if (auto choices = associate_choices(s, profile); !choices.empty())
        add(4, gen_associate(std::move(choices)));
    if (auto entries = remaining_entries(s); !entries.empty()) {
        add(2, gen_release<Disassociate>(entries));
        add(2, gen_release<Truncate>(entries));
    }
    if (auto pfns = pinnable(s); !pfns.empty() && s.universe.max_pins > 0)
        add(1, gen_page_ref<Pin>(pfns));
    if (auto pfns = pinned(s); !pfns.empty()) add(1, gen_page_ref<Unpin>(pfns));
    if (gens.empty()) return rc::gen::just(Op{Pin{0}});  // nothing legal: fails precondition
    return rc::gen::mapcat(weighted_index(weights), [gens](std::size_t i) { return gens[i]; });
}

rc::Gen<Op> gen_op_with_misuse(const ModelState& s, Profile profile) {
    const Universe& u = s.universe;
    std::vector<Order> orders = {0};
    if (u.pages(static_cast<Order>(u.pmd_order)) <= std::min(u.pfns, u.offsets))
        orders.push_back(static_cast<Order>(u.pmd_order));
    std::vector<std::size_t> weights;
    std::vector<rc::Gen<Op>> misuse;
    auto add = [&](std::size_t w, std::vector<Op> ops) {
        if (ops.empty()) return;
        weights.push_back(w);
        misuse.push_back(rc::gen::elementOf(std::move(ops)));
    };
    for (Order order : orders) {
        const std::uint64_t pages = u.pages(order);
        const std::size_t weight = order == 0 ? 3 : 1;  // as for legal associations
        // A second exclusive owner: shared=0 over an owned pfn, where the file's
        // offsets are free (only the exclusivity rule is broken).
        std::vector<Op> exclusive;
        for (Pfn p : candidate_starts(u, u.pfns, order)) {
            if (pfns_free(s, p, pages)) continue;
            for (FileId f = 0; f < u.files; f++)
                for (PageOffset o : candidate_starts(u, u.offsets, order))
                    if (offsets_free(s.files[f], o, pages, u))
                        exclusive.push_back(Associate{f, o, p, order, false});
        }
        add(weight, std::move(exclusive));
        // A file releasing an entry that is not in its xarray, where a check can see it.
        std::vector<Op> stray;
        for (Pfn p : candidate_starts(u, u.pfns, order))
            for (FileId f = 0; f < u.files; f++) {
                const DisassociateStray d{f, p, order};
                if (misuse_check(s, Op{d})) {
                    stray.push_back(d);
                    stray.push_back(TruncateStray{d});
                }
            }
        add(weight, std::move(stray));
    }
    if (misuse.empty()) return gen_legal_op(s, profile);
    // Legal operations three times as often as misuse ones.
    std::size_t total = 0;
    for (std::size_t w : weights) total += w;
    weights.push_back(3 * total);
    misuse.push_back(gen_legal_op(s, profile));
    return rc::gen::mapcat(weighted_index(weights), [misuse](std::size_t i) { return misuse[i]; });
}

}  // namespace daxcheck
