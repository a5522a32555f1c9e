#include "engines/orbit_fingerprint.h"

#include <algorithm>

namespace daxcheck {
namespace {

// Component kinds, in a hash seed's top byte; the position below it.
constexpr std::uint64_t kPfnSeed = std::uint64_t{1} << 56;
constexpr std::uint64_t kFileSeed = std::uint64_t{2} << 56;

}  // namespace

OrbitFingerprint::OrbitFingerprint(const std::vector<Relabelling>& labels, const Execution& initial)
    : labels_(labels),
      pfns_(static_cast<std::size_t>(initial.model().universe.pfns)),
      files_(initial.model().universe.files),
      layout_(initial),
      base_sums_(labels.size()),
      child_sums_(labels.size()),
      file_hashes_(labels.size() * files_),
      idle_parts_(pfn_parts(initial, labels[0], 0)) {
    if (pfns_ <= kCacheEntries) idle_hashes_.resize(pfns_);
    for (model::Pfn q = 0; q < pfns_; q++) {
        const Sum h = idle_hash(q);
        if (!idle_hashes_.empty()) idle_hashes_[q] = h;
        idle_sum_.add(h);
    }
    if (pfns_ * labels_.size() <= kCacheEntries) {
        base_excess_.resize(pfns_ * labels_.size());
        base_stamp_.assign(pfns_, 0);
    }
}

OrbitFingerprint::Sum OrbitFingerprint::idle_hash(std::uint64_t position) {
    if (!idle_hashes_.empty() && idle_hashes_[position].hi != 0) return idle_hashes_[position];
    // An idle pfn's parts name no pfn: the same at every position.
    const Fingerprint h = hash_pfn(idle_parts_, layout_, labels_[0], kPfnSeed | position);
    return {h.hi, h.lo};
}

const OrbitFingerprint::Sum* OrbitFingerprint::base_excesses(model::Pfn p) {
    if (base_stamp_[p] != base_number_) {
        base_stamp_[p] = base_number_;
        const PfnParts parts = pfn_parts(*base_, labels_[0], p);
        for (std::size_t g = 0; g < labels_.size(); g++)
            base_excess_[p * labels_.size() + g] = pfn_excess(parts, *base_, g, p);
    }
    return &base_excess_[p * labels_.size()];
}

OrbitFingerprint::Sum OrbitFingerprint::pfn_excess(const PfnParts& parts, const Execution& e,
                                                   std::size_t g, model::Pfn p) {
    const model::Pfn at = labels_[g].pfn_to[p];
    const Fingerprint h = hash_pfn(parts, e, labels_[g], kPfnSeed | at);
    Sum s{h.hi, h.lo};
    s.subtract(idle_hash(at));
    return s;
}

OrbitFingerprint::Sum OrbitFingerprint::file_hash(const Execution& e, std::size_t g,
                                                  model::FileId f) {
    const Fingerprint h = hash_file(e, labels_[g], f, kFileSeed | labels_[g].file_to[f]);
    return {h.hi, h.lo};
}

void OrbitFingerprint::sums_of(const Execution& e, std::vector<Sum>& sums,
                               std::vector<Sum>* files) {
    std::fill(sums.begin(), sums.end(), idle_sum_);
    for (model::Pfn p = 0; p < pfns_; p++) {
        const PfnParts parts = pfn_parts(e, labels_[0], p);
        if (idle(parts)) continue;  // adds nothing under any relabelling
        for (std::size_t g = 0; g < labels_.size(); g++) sums[g].add(pfn_excess(parts, e, g, p));
    }
    for (std::size_t g = 0; g < labels_.size(); g++)
        for (std::size_t f = 0; f < files_; f++) {
            const Sum h = file_hash(e, g, static_cast<model::FileId>(f));
            if (files) (*files)[g * files_ + f] = h;
            sums[g].add(h);
        }
}

bool OrbitFingerprint::idle(const PfnParts& parts) const {
    // An idle pfn names no file and no other pfn: it encodes the same under
    // every relabelling.
    return parts.mapping == idle_parts_.mapping && parts.head == idle_parts_.head &&
           parts.rest == idle_parts_.rest;
}

void OrbitFingerprint::set_base(const Execution& e) {
    base_ = &e;
    base_number_++;
    sums_of(e, base_sums_, &file_hashes_);
}

Fingerprint OrbitFingerprint::base() const { return orbit(base_sums_); }

Fingerprint OrbitFingerprint::of(const Execution& e) {
    sums_of(e, child_sums_, nullptr);
    return orbit(child_sums_);
}

Fingerprint OrbitFingerprint::child(const Execution& child, int file) {
    child_sums_ = base_sums_;
    for (model::Pfn p : child.step_pfns()) {
        const Sum* before = !base_excess_.empty() ? base_excesses(p) : nullptr;
        const PfnParts was = before ? PfnParts{} : pfn_parts(*base_, labels_[0], p);
        const PfnParts now = pfn_parts(child, labels_[0], p);
        for (std::size_t g = 0; g < labels_.size(); g++) {
            child_sums_[g].subtract(before ? before[g] : pfn_excess(was, *base_, g, p));
            child_sums_[g].add(pfn_excess(now, child, g, p));
        }
    }
    if (file >= 0) {
        const auto f = static_cast<model::FileId>(file);
        for (std::size_t g = 0; g < labels_.size(); g++) {
            child_sums_[g].subtract(file_hashes_[g * files_ + f]);
            child_sums_[g].add(file_hash(child, g, f));
        }
    }
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
