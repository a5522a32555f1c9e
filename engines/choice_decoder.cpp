#include "engines/choice_decoder.h"

#include <algorithm>

#include "engines/candidate_starts.h"

namespace daxcheck {

using namespace model;

// Reads fields from the most significant end of a choice, each a number in
// [0, n): a lower choice never gives a higher first field, so shrinking a
// choice toward 0 simplifies its first field first.
class ChoiceDecoder::Fields {
public:
    explicit Fields(std::uint32_t choice) : rest_(choice) {}
    std::uint64_t next(std::uint64_t n) {
        if (n == 0) return 0;
        const std::uint64_t x = rest_ * n;  // rest_ < 2^32 and n <= 2^32: no overflow
        rest_ = x & 0xffffffffu;
        return x >> 32;
    }

private:
    std::uint64_t rest_;  // the unread part, a fraction of 2^32
};

// In the order of simplicity; a drawn kind that is not possible moves on to
// the next one, wrapping around.
enum ChoiceDecoder::Kind : unsigned {
    kAssociate,
    kDisassociate,
    kTruncate,
    kPin,
    kUnpin,
    kMisuseExclusive,  // shared=0 over an owned pfn
    kMisuseStray,      // a release of an entry the file does not hold, where a check can see it
    kKinds
};

namespace {

// Weights per kind: legal ones 4:2:2:1:1; with misuse, legal operations three
// times as often as misuse ones, split evenly between the two misuse kinds.
constexpr unsigned kLegalWeights[] = {4, 2, 2, 1, 1, 0, 0};
constexpr unsigned kMisuseWeights[] = {12, 6, 6, 3, 3, 5, 5};

// The first index from `start` on, wrapping around, whose element `ok`
// accepts; nullopt when none does.
template <class List, class Ok>
std::optional<std::size_t> next_ok(const List& list, std::size_t start, Ok ok) {
    for (std::size_t i = 0; i < list.size(); i++) {
        const std::size_t at = (start + i) % list.size();
        if (ok(list[at])) return at;
    }
    return std::nullopt;
}

}  // namespace

ChoiceDecoder::ChoiceDecoder(const Universe& u, Profile profile, bool with_misuse)
    : u_(u), reflink_(profile == Profile::Reflink), misuse_(with_misuse) {
    const auto pmd = static_cast<Order>(u.pmd_order);
    pmd_ = u.pages(pmd) <= std::min(u.pfns, u.offsets);
    for (int i = 0; i < (pmd_ ? 2 : 1); i++) {
        const Order order = i == 0 ? Order{0} : pmd;
        offsets_[i] = candidate_starts(u, u.offsets, order);
        pfns_[i] = candidate_starts(u, u.pfns, order);
    }
}

Order ChoiceDecoder::order_of(std::uint64_t field) const {
    // PTE three times as often as PMD
    return field == 3 && pmd_ ? static_cast<Order>(u_.pmd_order) : Order{0};
}

std::optional<Op> ChoiceDecoder::decode(const ModelBefore& before, std::uint32_t choice) const {
    const unsigned* weights = misuse_ ? kMisuseWeights : kLegalWeights;
    unsigned total = 0;
    for (unsigned k = 0; k < kKinds; k++) total += weights[k];
    Fields f(choice);
    auto r = static_cast<unsigned>(f.next(total));
    unsigned drawn = 0;
    while (r >= weights[drawn]) r -= weights[drawn++];
    for (unsigned i = 0; i < kKinds; i++) {
        const auto k = static_cast<Kind>((drawn + i) % kKinds);
        if (weights[k] == 0) continue;
        // Each kind reads the rest of the choice afresh.
        if (auto op = decode_kind(k, before, f)) return op;
    }
    return std::nullopt;
}

std::optional<Op> ChoiceDecoder::decode_kind(Kind k, const ModelBefore& before, Fields f) const {
    const ModelState& s = before.state();
    switch (k) {
        case kAssociate: return associate(s, f);
        case kDisassociate: return release(s, f, false);
        case kTruncate: return release(s, f, true);
        case kPin: return pin(before, f);
        case kUnpin: return unpin(before, f);
        case kMisuseExclusive: return misuse_exclusive(s, f);
        case kMisuseStray: return misuse_stray(s, f);
        case kKinds: break;
    }
    return std::nullopt;
}

std::optional<Op> ChoiceDecoder::associate(const ModelState& s, Fields f) const {
    const Order drawn_order = order_of(f.next(4));
    const auto file = static_cast<FileId>(f.next(u_.files));
    // Exclusive (half the time), then shared onto an owned pfn, then shared
    // onto the drawn pfn whatever it holds. Sharing "an owned pfn" rather
    // than a fixed one keeps a failing sequence failing when the shrinker
    // drops an earlier association that moved which pfn is owned.
    const unsigned flags = reflink_ ? 4 : 1;
    const auto flag = static_cast<unsigned>(f.next(flags));
    const int first = drawn_order == 0 ? 0 : 1;
    std::uint64_t offset_at = f.next(offsets_[first].size());
    std::uint64_t pfn_at = f.next(pfns_[first].size());
    for (int i = 0; i < (pmd_ ? 2 : 1); i++) {
        const int list = (first + i) % 2;
        const Order order = list == 0 ? Order{0} : static_cast<Order>(u_.pmd_order);
        const std::uint64_t pages = u_.pages(order);
        if (i > 0) offset_at = pfn_at = 0;  // the other order: from its first start
        const auto free_pfn =
            next_ok(pfns_[list], pfn_at, [&](Pfn p) { return pfns_free(s, p, pages); });
        // (file, flag) pairs in turn from the drawn one.
        const auto owned_pfn =
            next_ok(pfns_[list], pfn_at, [&](Pfn p) { return !pfns_free(s, p, pages); });
        for (unsigned j = 0; j < u_.files * flags; j++) {
            const unsigned pair = (file * flags + flag + j) % (u_.files * flags);
            const auto fi = static_cast<FileId>(pair / flags);
            const unsigned how = pair % flags;
            const bool shared = how >= 2;
            if (!shared && !free_pfn) continue;
            const auto offset = next_ok(offsets_[list], offset_at, [&](PageOffset o) {
                return offsets_free(s.files[fi], o, pages, u_);
            });
            if (!offset) continue;
            const std::size_t at = !shared                 ? *free_pfn
                                   : how == 2 && owned_pfn ? *owned_pfn
                                                           : pfn_at;
            return Associate{fi, offsets_[list][*offset], pfns_[list][at], order, shared};
        }
    }
    return std::nullopt;
}

std::optional<Op> ChoiceDecoder::release(const ModelState& s, Fields f, bool truncate) const {
    const auto file = static_cast<unsigned>(f.next(u_.files));
    const std::uint64_t at = f.next(std::uint64_t{1} << 16);  // a fraction of the file's entries
    for (unsigned j = 0; j < u_.files; j++) {
        const auto fi = static_cast<FileId>((file + j) % u_.files);
        const auto& slots = s.files[fi].slots;
        if (slots.empty()) continue;
        const PageOffset offset = slots.nth((at * slots.size()) >> 16)->first;
        if (truncate) return Truncate{fi, offset};
        return Disassociate{fi, offset};
    }
    return std::nullopt;
}

std::optional<Op> ChoiceDecoder::pin(const ModelBefore& before, Fields f) const {
    // Any page of a mapped entry, PMD tails included, with room for a pin.
    if (u_.max_pins == 0) return std::nullopt;
    const auto& owned = before.owned();
    const Pfn drawn = f.next(u_.pfns);
    const auto start = static_cast<std::size_t>(
        std::lower_bound(owned.begin(), owned.end(), drawn) - owned.begin());
    const auto& pfns = before.state().pfns;
    const auto at = next_ok(owned, start, [&](Pfn p) { return pfns[p].pins < u_.max_pins; });
    if (!at) return std::nullopt;
    return Pin{owned[*at]};
}

std::optional<Op> ChoiceDecoder::unpin(const ModelBefore& before, Fields f) const {
    // Pins may outlive the mapping: the first pinned pfn from the drawn one on.
    const auto& pinned = before.pinned();
    if (pinned.empty()) return std::nullopt;
    const Pfn drawn = f.next(u_.pfns);
    const auto it = std::lower_bound(pinned.begin(), pinned.end(), drawn);
    return Unpin{it != pinned.end() ? *it : pinned.front()};
}

std::optional<Op> ChoiceDecoder::misuse_exclusive(const ModelState& s, Fields f) const {
    const Order drawn_order = order_of(f.next(4));
    const int first = drawn_order == 0 ? 0 : 1;
    std::uint64_t pfn_at = f.next(pfns_[first].size());
    const auto file = static_cast<unsigned>(f.next(u_.files));
    std::uint64_t offset_at = f.next(offsets_[first].size());
    for (int i = 0; i < (pmd_ ? 2 : 1); i++) {
        const int list = (first + i) % 2;
        const Order order = list == 0 ? Order{0} : static_cast<Order>(u_.pmd_order);
        const std::uint64_t pages = u_.pages(order);
        if (i > 0) offset_at = pfn_at = 0;
        // An owned pfn start, in turn from the drawn one; then a file with
        // room at an offset, so that only the exclusivity rule is broken.
        for (std::size_t pi = 0; pi < pfns_[list].size(); pi++) {
            const Pfn pfn = pfns_[list][(pfn_at + pi) % pfns_[list].size()];
            if (pfns_free(s, pfn, pages)) continue;
            for (unsigned j = 0; j < u_.files; j++) {
                const auto fi = static_cast<FileId>((file + j) % u_.files);
                const auto offset = next_ok(offsets_[list], offset_at, [&](PageOffset o) {
                    return offsets_free(s.files[fi], o, pages, u_);
                });
                if (!offset) continue;
                const Op op = Associate{fi, offsets_[list][*offset], pfn, order, false};
                if (misuse_check(s, op)) return op;
            }
        }
    }
    return std::nullopt;
}

std::optional<Op> ChoiceDecoder::misuse_stray(const ModelState& s, Fields f) const {
    const Order drawn_order = order_of(f.next(4));
    const int first = drawn_order == 0 ? 0 : 1;
    std::uint64_t pfn_at = f.next(pfns_[first].size());
    const auto file = static_cast<unsigned>(f.next(u_.files));
    const bool truncate = f.next(2) == 1;  // a stray invalidate or a stray truncate
    for (int i = 0; i < (pmd_ ? 2 : 1); i++) {
        const int list = (first + i) % 2;
        const Order order = list == 0 ? Order{0} : static_cast<Order>(u_.pmd_order);
        if (i > 0) pfn_at = 0;
        // (pfn, file) pairs in turn from the drawn one.
        const std::size_t pairs = pfns_[list].size() * u_.files;
        for (std::size_t j = 0; j < pairs; j++) {
            const std::size_t pair = (pfn_at * u_.files + file + j) % pairs;
            const DisassociateStray d{static_cast<FileId>(pair % u_.files),
                                      pfns_[list][pair / u_.files], order};
            if (!misuse_check(s, Op{d})) continue;
            if (truncate) return TruncateStray{d};
            return d;
        }
    }
    return std::nullopt;
}

}  // namespace daxcheck
