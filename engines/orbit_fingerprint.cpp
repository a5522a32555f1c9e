#include "engines/orbit_fingerprint.h"

#include <algorithm>

namespace daxcheck {
namespace {

// Component kinds, in a key's top two bits; for a position the relabelled
// file in the next six and the offset's low 56 bits below.
constexpr std::uint64_t kPfnKey = std::uint64_t{1} << 62;
constexpr std::uint64_t kPositionKey = std::uint64_t{2} << 62;
constexpr unsigned kFileShift = 56;
constexpr std::uint64_t kOffsetMask = (std::uint64_t{1} << kFileShift) - 1;

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

// Calls visit(offset, slot, entry) for each offset of a file that holds a
// model slot or an xarray entry, in offset order (null: none there).
template <class Visit>
void for_each_position(const model::FileState& file,
                       const boost::container::flat_map<unsigned long, void*>& xarray,
                       Visit visit) {
    auto s = file.slots.begin();
    auto x = xarray.begin();
    const auto s_end = file.slots.end();
    const auto x_end = xarray.end();
    while (s != s_end || x != x_end) {
        if (x == x_end || (s != s_end && s->first < x->first)) {
            visit(s->first, &s->second, nullptr);
            ++s;
        } else if (s == s_end || x->first < s->first) {
            visit(x->first, nullptr, &x->second);
            ++x;
        } else {
            visit(s->first, &s->second, &x->second);
            ++s;
            ++x;
        }
    }
}

// The value at `key` of a file's few sorted pairs (a linear scan beats a
// binary search there); null when absent.
template <class Map>
const typename Map::mapped_type* find_small(const Map& map, typename Map::key_type key) {
    for (auto it = map.begin(), end = map.end(); it != end && it->first <= key; ++it)
        if (it->first == key) return &it->second;
    return nullptr;
}

}  // namespace

OrbitFingerprint::OrbitFingerprint(const std::vector<Relabelling>& labels, const Execution& initial,
                                   std::size_t cache_entries)
    : labels_(labels),
      pfns_(static_cast<std::size_t>(initial.model().universe.pfns)),
      // Every pfn of a new execution is the same idle page: its parts name
      // no file and no pfn.
      idle_parts_(pfn_parts(initial, 0)),
      idle_key_(pfn_key(initial, 0)),
      zeros_(labels.size()),
      base_files_(initial.model().universe.files),
      base_sums_(labels.size()),
      child_sums_(labels.size()) {
    if (pfns_ * labels_.size() <= cache_entries) base_pfn_.resize(pfns_ * labels_.size());
    const std::size_t memo = labels_.size() <= kMemoLabels ? labels_.size() : 0;
    pfn_memo_.reset(kMemoBits, memo);
    position_memo_.reset(kMemoBits, memo);
}

std::size_t OrbitFingerprint::memo_bytes(std::size_t relabellings) {
    if (relabellings > kMemoLabels) return 0;
    const std::size_t slots = std::size_t{1} << kMemoBits;
    return slots * (sizeof(PfnKey) + sizeof(PositionKey) + 2 + 2 * relabellings * sizeof(Sum));
}

const OrbitFingerprint::Sum* OrbitFingerprint::pfn_hashes(const Execution& e, model::Pfn p) {
    const PfnKey key = pfn_key(e, p);
    if (std::equal(key.words.begin() + 1, key.words.end(), idle_key_.words.begin() + 1))
        return zeros_.data();  // pfn_parts would be idle_parts_: pfn_hash is zero
    bool hit = false;
    Sum* out = pfn_memo_.find(key, hit, labels_.size());
    if (hit) return out;
    const PfnParts parts = pfn_parts(e, p);
    for (std::size_t g = 0; g < labels_.size(); g++) out[g] = pfn_hash(parts, g, p);
    return out;
}

const OrbitFingerprint::Sum* OrbitFingerprint::position_hashes(model::FileId f,
                                                               model::PageOffset offset,
                                                               const model::Slot* slot,
                                                               void* const* entry) {
    PositionKey key;
    key.words[0] = offset;
    key.words[1] = std::uint64_t{f} | std::uint64_t{slot != nullptr} << 8 |
                   std::uint64_t{entry != nullptr} << 9;
    if (slot) {
        key.words[1] |= static_cast<std::uint64_t>(slot->kind) << 16 |
                        std::uint64_t{slot->shared} << 24 | static_cast<std::uint64_t>(slot->order) << 32;
        key.words[2] = slot->pfn;
    }
    if (entry) key.words[3] = reinterpret_cast<std::uintptr_t>(*entry);
    bool hit = false;
    Sum* out = position_memo_.find(key, hit, labels_.size());
    if (hit) return out;
    for (std::size_t g = 0; g < labels_.size(); g++) out[g] = position_hash(g, f, offset, slot, entry);
    return out;
}

OrbitFingerprint::Sum OrbitFingerprint::pfn_hash(const PfnParts& parts, std::size_t g,
                                                 model::Pfn p) const {
    if (parts == idle_parts_) return {};
    const Relabelling& r = labels_[g];
    const std::uint64_t file = parts.file >= 0 ? 1 + r.file_to[static_cast<std::size_t>(parts.file)] : 0;
    const std::uint64_t head = parts.head >= 0 ? 1 + r.pfn_to[static_cast<std::size_t>(parts.head)] : 0;
    return component(kPfnKey | r.pfn_to[p], parts.rest.hi, parts.rest.lo, file << 32 | head);
}

OrbitFingerprint::Sum OrbitFingerprint::position_hash(std::size_t g, model::FileId f,
                                                      model::PageOffset offset,
                                                      const model::Slot* slot,
                                                      void* const* entry) const {
    const Relabelling& r = labels_[g];
    // Zero and empty entries hold no pfn to relabel.
    const std::uint64_t pfn = slot && slot->covers_pfns() ? r.pfn_to[slot->pfn] : 0;
    const std::uint64_t kind = slot ? static_cast<std::uint64_t>(slot->order) << 3 |
                                          static_cast<std::uint64_t>(slot->kind) << 1 | slot->shared
                                    : 0;
    // What is there (bits 62, 63), the offset's top byte and the slot's kind.
    const std::uint64_t what = std::uint64_t{slot != nullptr} << 63 |
                               std::uint64_t{entry != nullptr} << 62 |
                               (offset >> kFileShift) << 24 | kind;
    return component(kPositionKey | std::uint64_t{r.file_to[f]} << kFileShift |
                         (offset & kOffsetMask),
                     pfn, what, entry ? relabelled_entry(*entry, r) : 0);
}

void OrbitFingerprint::add_slot_diff(std::vector<Sum>& sums, const Execution& child,
                                     SlotRef slot) {
    const auto f = static_cast<model::FileId>(slot.file);
    const FileHashes& base = base_files_[f];
    const std::size_t n = sums.size();
    // The base's component at the position, if any, out (the operation
    // changed what is there: op_slot), the child's in.
    for (std::size_t i = 0; i < base.positions.size() && base.positions[i] <= slot.offset; i++)
        if (base.positions[i] == slot.offset)
            for (std::size_t g = 0; g < n; g++) sums[g].subtract(base.hashes[i * n + g]);
    const model::Slot* now = find_small(child.model().files[f].slots, slot.offset);
    void* const* entry = find_small(child.world().i_pages[f], slot.offset);
    if (!now && !entry) return;
    const Sum* h = position_hashes(f, slot.offset, now, entry);
    for (std::size_t g = 0; g < n; g++) sums[g].add(h[g]);
}

void OrbitFingerprint::sums_of(const Execution& e, std::vector<Sum>& sums, bool base) {
    const std::size_t n = labels_.size();
    std::fill(sums.begin(), sums.end(), Sum{});
    const bool keep_pfns = base && cached();
    for (model::Pfn p = 0; p < pfns_; p++) {
        // An idle pfn's hashes are zero under every relabelling (pfn_hash).
        const Sum* h = pfn_hashes(e, p);
        for (std::size_t g = 0; g < n; g++) {
            sums[g].add(h[g]);
            if (keep_pfns) base_pfn_[p * n + g] = h[g];
        }
    }
    for (std::size_t i = 0; i < e.model().files.size(); i++) {
        const auto f = static_cast<model::FileId>(i);
        FileHashes* kept = base ? &base_files_[f] : nullptr;
        if (kept) {
            kept->positions.clear();
            kept->hashes.clear();
        }
        for_each_position(e.model().files[f], e.world().i_pages[f],
                          [&](model::PageOffset o, const model::Slot* slot, void* const* entry) {
                              if (kept) kept->positions.push_back(o);
                              const Sum* h = position_hashes(f, o, slot, entry);
                              for (std::size_t g = 0; g < n; g++) {
                                  sums[g].add(h[g]);
                                  if (kept) kept->hashes.push_back(h[g]);
                              }
                          });
    }
}

const OrbitFingerprint::Sum* OrbitFingerprint::base_pfn_hashes(model::Pfn p) {
    if (cached()) return &base_pfn_[p * labels_.size()];
    return pfn_hashes(*base_, p);
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
        const Sum* before = base_pfn_hashes(p);
        for (std::size_t g = 0; g < labels_.size(); g++) child_sums_[g].subtract(before[g]);
        // After: base_pfn_hashes may use the same memo slot or scratch.
        const Sum* after = pfn_hashes(child, p);
        for (std::size_t g = 0; g < labels_.size(); g++) child_sums_[g].add(after[g]);
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
