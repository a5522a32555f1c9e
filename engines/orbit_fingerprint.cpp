#include "engines/orbit_fingerprint.h"

#include <algorithm>

namespace daxcheck {
namespace {

// Component kinds, in a key's top two bits; the relabelled file (for slots
// and entries) in the next six, the position below.
constexpr std::uint64_t kPfnKey = std::uint64_t{1} << 62;
constexpr std::uint64_t kSlotKey = std::uint64_t{2} << 62;
constexpr std::uint64_t kEntryKey = std::uint64_t{3} << 62;
constexpr unsigned kFileShift = 56;
constexpr std::uint64_t kPositionMask = (std::uint64_t{1} << kFileShift) - 1;

// wyhash's multiply-fold: one 64x64->128 multiply, its halves xored.
inline std::uint64_t mum(std::uint64_t a, std::uint64_t b) {
    const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
    return static_cast<std::uint64_t>(r >> 64) ^ static_cast<std::uint64_t>(r);
}

// The 128-bit hash of a component: its key and up to three words of
// content. Two lanes with their own constants, each two multiply-folds
// deep: the hash is summed over a state's components, so it must look
// random, not merely differ (a plain xor or sum of words would let
// components cancel in the sum).
OrbitFingerprint::Sum component(std::uint64_t key, std::uint64_t x, std::uint64_t y,
                                std::uint64_t z) {
    const std::uint64_t a = mum(key ^ 0xa0761d6478bd642fULL, x ^ 0xe7037ed1a0b428dbULL);
    const std::uint64_t b = mum(key ^ 0x8ebc6af09c88c6e3ULL, x ^ 0x589965cc75374cc3ULL);
    return {mum(a ^ y ^ 0x1d8e4e27c47d124fULL, z ^ 0x9e3779b97f4a7c15ULL),
            mum(b ^ z ^ 0xc2b2ae3d27d4eb4fULL, y ^ 0x165667b19e3779f9ULL)};
}

using Sums = std::vector<OrbitFingerprint::Sum>;

// Adds every (key, value) of a map (slots or xarray entries) to the sums,
// hash(g, key, value) under each of the sums' relabellings, and keeps the
// hashes in `kept` ([i * relabellings + g]) when it is not null.
template <class Map, class Hash>
void add_all(Sums& sums, const Map& map, Sums* kept, Hash hash) {
    for (const auto& [key, value] : map)
        for (std::size_t g = 0; g < sums.size(); g++) {
            const OrbitFingerprint::Sum h = hash(g, key, value);
            sums[g].add(h);
            if (kept) kept->push_back(h);
        }
}

// Moves the sums from `before` (whose hashes add_all kept) to `after` at one
// key: the old value's hashes out and the new value's in, where they differ.
template <class Map, class Hash>
void add_difference(Sums& sums, const Map& before, const Sums& kept, const Map& after,
                    typename Map::key_type key, Hash hash) {
    // A file holds a few entries: a linear scan beats a binary search.
    const auto find = [key](const Map& m) {
        auto it = m.begin();
        for (const auto end = m.end(); it != end && it->first < key;) ++it;
        return it;
    };
    const auto was = find(before), now = find(after);
    const bool had = was != before.end() && was->first == key;
    const bool has = now != after.end() && now->first == key;
    if (had && has && was->second == now->second) return;
    const std::size_t n = sums.size();
    if (had) {
        const auto i = static_cast<std::size_t>(was - before.begin());
        for (std::size_t g = 0; g < n; g++) sums[g].subtract(kept[i * n + g]);
    }
    if (has)
        for (std::size_t g = 0; g < n; g++) sums[g].add(hash(g, key, now->second));
}

}  // namespace

OrbitFingerprint::OrbitFingerprint(const std::vector<Relabelling>& labels, const Execution& initial,
                                   std::size_t cache_entries)
    : labels_(labels),
      pfns_(static_cast<std::size_t>(initial.model().universe.pfns)),
      // Every pfn of a new execution is the same idle page: its parts name
      // no file and no pfn.
      idle_parts_(pfn_parts(initial, 0)),
      pfn_scratch_(labels.size()),
      base_files_(initial.model().universe.files),
      base_sums_(labels.size()),
      child_sums_(labels.size()) {
    if (pfns_ * labels_.size() <= cache_entries) base_pfn_.resize(pfns_ * labels_.size());
}

OrbitFingerprint::Sum OrbitFingerprint::pfn_hash(const PfnParts& parts, std::size_t g,
                                                 model::Pfn p) const {
    if (parts == idle_parts_) return {};
    const Relabelling& r = labels_[g];
    const std::uint64_t file = parts.file >= 0 ? 1 + r.file_to[static_cast<std::size_t>(parts.file)] : 0;
    const std::uint64_t head = parts.head >= 0 ? 1 + r.pfn_to[static_cast<std::size_t>(parts.head)] : 0;
    return component(kPfnKey | r.pfn_to[p], parts.rest.hi, parts.rest.lo, file << 32 | head);
}

OrbitFingerprint::Sum OrbitFingerprint::slot_hash(std::size_t g, model::FileId f,
                                                  model::PageOffset offset,
                                                  const model::Slot& slot) const {
    const Relabelling& r = labels_[g];
    // Zero and empty entries hold no pfn to relabel.
    const std::uint64_t pfn = slot.covers_pfns() ? r.pfn_to[slot.pfn] : 0;
    const std::uint64_t kind = static_cast<std::uint64_t>(slot.order) << 3 |
                               static_cast<std::uint64_t>(slot.kind) << 1 | slot.shared;
    return component(kSlotKey | std::uint64_t{r.file_to[f]} << kFileShift | (offset & kPositionMask),
                     pfn, kind, offset >> kFileShift);
}

OrbitFingerprint::Sum OrbitFingerprint::entry_hash(std::size_t g, model::FileId f,
                                                   unsigned long index, const void* entry) const {
    const Relabelling& r = labels_[g];
    return component(kEntryKey | std::uint64_t{r.file_to[f]} << kFileShift | (index & kPositionMask),
                     relabelled_entry(entry, r), 0, index >> kFileShift);
}

void OrbitFingerprint::add_slot_diff(std::vector<Sum>& sums, const Execution& child,
                                     SlotRef slot) const {
    const auto f = static_cast<model::FileId>(slot.file);
    const FileHashes& base = base_files_[f];
    add_difference(sums, base_->model().files[f].slots, base.slots, child.model().files[f].slots,
                   slot.offset, [&](std::size_t g, model::PageOffset o, const model::Slot& s) {
                       return slot_hash(g, f, o, s);
                   });
    add_difference(sums, base_->world().i_pages[f], base.entries, child.world().i_pages[f],
                   slot.offset, [&](std::size_t g, unsigned long i, const void* entry) {
                       return entry_hash(g, f, i, entry);
                   });
}

void OrbitFingerprint::sums_of(const Execution& e, std::vector<Sum>& sums, bool base) {
    const std::size_t n = labels_.size();
    std::fill(sums.begin(), sums.end(), Sum{});
    const bool keep_pfns = base && cached();
    for (model::Pfn p = 0; p < pfns_; p++) {
        const PfnParts parts = pfn_parts(e, p);
        // An idle pfn adds nothing under any relabelling (pfn_hash: zero).
        if (parts == idle_parts_ && !keep_pfns) continue;
        for (std::size_t g = 0; g < n; g++) {
            const Sum h = pfn_hash(parts, g, p);
            sums[g].add(h);
            if (keep_pfns) base_pfn_[p * n + g] = h;
        }
    }
    for (std::size_t i = 0; i < e.model().files.size(); i++) {
        const auto f = static_cast<model::FileId>(i);
        FileHashes* kept = base ? &base_files_[f] : nullptr;
        if (kept) {
            kept->slots.clear();
            kept->entries.clear();
        }
        add_all(sums, e.model().files[f].slots, kept ? &kept->slots : nullptr,
                [&](std::size_t g, model::PageOffset o, const model::Slot& slot) {
                    return slot_hash(g, f, o, slot);
                });
        add_all(sums, e.world().i_pages[f], kept ? &kept->entries : nullptr,
                [&](std::size_t g, unsigned long index, const void* entry) {
                    return entry_hash(g, f, index, entry);
                });
    }
}

const OrbitFingerprint::Sum* OrbitFingerprint::base_pfn_hashes(model::Pfn p) {
    if (cached()) return &base_pfn_[p * labels_.size()];
    const PfnParts parts = pfn_parts(*base_, p);
    for (std::size_t g = 0; g < labels_.size(); g++) pfn_scratch_[g] = pfn_hash(parts, g, p);
    return pfn_scratch_.data();
}

void OrbitFingerprint::set_base(const Execution& e) {
    base_ = &e;
    sums_of(e, base_sums_, true);
}

Fingerprint OrbitFingerprint::base() const { return orbit(base_sums_); }

Fingerprint OrbitFingerprint::of(const Execution& e) {
    sums_of(e, child_sums_, false);
    return orbit(child_sums_);
}

Fingerprint OrbitFingerprint::child(const Execution& child, SlotRef slot) {
    child_sums_ = base_sums_;
    for (model::Pfn p : child.step_pfns()) {
        const PfnParts now = pfn_parts(child, p);
        const Sum* before = base_pfn_hashes(p);
        for (std::size_t g = 0; g < labels_.size(); g++) {
            child_sums_[g].subtract(before[g]);
            child_sums_[g].add(pfn_hash(now, g, p));
        }
    }
    if (slot.file >= 0) add_slot_diff(child_sums_, child, slot);
    return orbit(child_sums_);
}

Fingerprint OrbitFingerprint::orbit(const std::vector<Sum>& sums) const {
    Sum least = sums[0];
    for (std::size_t g = 1; g < sums.size(); g++)
        if (sums[g].hi < least.hi || (sums[g].hi == least.hi && sums[g].lo < least.lo))
            least = sums[g];
    // (hi, lo) -> (fmix(hi), fmix(lo + fmix(hi))): a bijection, so no two
    // sums meet, and every bit of the result is spread again.
    Fingerprint fp;
    fp.hi = fmix64(least.hi);
    fp.lo = fmix64(least.lo + fp.hi);
    if (fp.hi == 0 && fp.lo == 0) fp.lo = 1;
    return fp;
}

}  // namespace daxcheck
