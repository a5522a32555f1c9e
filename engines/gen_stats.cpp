#include "engines/gen_stats.h"

#include <algorithm>
#include <variant>

namespace daxcheck {

std::string op_kind_name(OpKind k) {
    switch (k) {
        case OpKind::AssociateExclusive: return "associate";
        case OpKind::AssociateShared: return "associate-shared";
        case OpKind::Disassociate: return "disassociate";
        case OpKind::Truncate: return "truncate";
        case OpKind::Pin: return "pin";
        case OpKind::Unpin: return "unpin";
        case OpKind::Misuse: return "misuse";
    }
    return "?";
}

std::string case_name(Case c) {
    switch (c) {
        case Case::PmdEntry: return "pmd";
        case Case::SharedPfn: return "shared-pfn";
        case Case::ReflinkSameFile: return "reflink-same-file";
        case Case::TruncatePinned: return "truncate-pinned";
        case Case::InvalidatePinned: return "invalidate-pinned";
        case Case::EntriesAtEnd: return "entries-at-end";
        case Case::SharedAtEnd: return "shared-at-end";
        case Case::MisuseOp: return "misuse";
    }
    return "?";
}

std::string case_description(Case c) {
    switch (c) {
        case Case::PmdEntry: return "a PMD entry was associated";
        case Case::SharedPfn: return "a pfn reached two owners or more";
        case Case::ReflinkSameFile: return "a pfn was owned twice by one file (reflink inside a file)";
        case Case::TruncatePinned: return "an entry with a pinned pfn was truncated";
        case Case::InvalidatePinned: return "an entry with a pinned pfn was invalidated";
        case Case::EntriesAtEnd: return "two entries or more were left at the end";
        case Case::SharedAtEnd: return "a pfn with two owners or more was left at the end";
        case Case::MisuseOp: return "a misuse operation was generated";
    }
    return "?";
}

std::string length_bucket_name(std::size_t i) {
    static const char* const names[kLengthBuckets] = {"0", "1-4", "5-9", "10-19", "20-49", "50+"};
    return i < kLengthBuckets ? names[i] : "?";
}

namespace {

bool entry_pinned(const model::ModelState& s, const model::Op& op) {
    const auto entry = model::entry_of(s, op);
    if (!entry) return false;
    for (std::uint64_t i = 0; i < s.universe.pages(entry->order); i++)
        if (entry->pfn + i < s.pfns.size() && s.pfns[entry->pfn + i].pins > 0) return true;
    return false;
}

std::size_t length_bucket(std::uint32_t n) {
    return n == 0 ? 0 : n < 5 ? 1 : n < 10 ? 2 : n < 20 ? 3 : n < 50 ? 4 : 5;
}

}  // namespace

void TestStats::note_step(const model::ModelState& before, const model::Op& op, bool legal,
                          const model::ModelState& after) {
    length++;
    auto reach = [this](Case c) { reached[std::size_t(c)] = true; };
    auto count = [this](OpKind k) { ops[std::size_t(k)]++; };
    if (!legal) {
        count(OpKind::Misuse);
        reach(Case::MisuseOp);
    }
    if (const auto* a = std::get_if<model::Associate>(&op)) {
        if (a->order != 0) reach(Case::PmdEntry);
        if (!legal) return;
        count(a->shared ? OpKind::AssociateShared : OpKind::AssociateExclusive);
        for (std::uint64_t i = 0; i < after.universe.pages(a->order); i++) {
            const model::Pfn p = a->pfn + i;
            if (p >= after.pfns.size()) break;
            max_owners = std::max<std::uint32_t>(max_owners, after.pfns[p].owners.size());
            for (const auto& o : before.pfns[p].owners)
                if (o.file == a->file) reach(Case::ReflinkSameFile);
        }
        if (max_owners >= 2) reach(Case::SharedPfn);
        return;
    }
    if (!legal) return;
    if (std::holds_alternative<model::Truncate>(op)) {
        count(OpKind::Truncate);
        if (entry_pinned(before, op)) reach(Case::TruncatePinned);
    } else if (std::holds_alternative<model::Disassociate>(op)) {
        count(OpKind::Disassociate);
        if (entry_pinned(before, op)) reach(Case::InvalidatePinned);
    } else if (std::holds_alternative<model::Pin>(op)) {
        count(OpKind::Pin);
    } else if (std::holds_alternative<model::Unpin>(op)) {
        count(OpKind::Unpin);
    }
}

void TestStats::note_end(const model::ModelState& end) {
    std::size_t entries = 0;
    for (const auto& f : end.files) entries += f.slots.size();
    if (entries >= 2) reached[std::size_t(Case::EntriesAtEnd)] = true;
    for (const auto& p : end.pfns)
        if (p.owners.size() >= 2) {
            reached[std::size_t(Case::SharedAtEnd)] = true;
            break;
        }
}

void GenerationStats::add(const TestStats& t) {
    length_min = runs == 0 ? t.length : std::min(length_min, t.length);
    length_max = std::max(length_max, t.length);
    runs++;
    for (std::size_t i = 0; i < kOpKinds; i++) ops[i] += t.ops[i];
    length_total += t.length;
    length_buckets[length_bucket(t.length)]++;
    max_owners = std::max(max_owners, t.max_owners);
    owners_runs[std::min<std::uint32_t>(t.max_owners, 4)]++;
    for (std::size_t i = 0; i < kCases; i++) runs_reaching[i] += t.reached[i];
}

std::vector<Case> required_cases(const std::string& property, Profile profile) {
    const bool reflink = profile == Profile::Reflink;
    if (property == "refinement")
        return reflink ? std::vector{Case::PmdEntry, Case::SharedPfn, Case::ReflinkSameFile}
                       : std::vector{Case::PmdEntry};
    if (property == "no-spurious-warn")
        return reflink ? std::vector{Case::SharedPfn, Case::TruncatePinned}
                       : std::vector{Case::TruncatePinned};
    if (property == "pin-warning") return {Case::TruncatePinned, Case::InvalidatePinned};
    if (property == "drain" || property == "order-independence")
        return {reflink ? Case::SharedAtEnd : Case::EntriesAtEnd};
    if (property == "misuse-detected") return {Case::MisuseOp};
    return {};
}

std::vector<Case> unreached_cases(const GenerationStats& s, const std::string& property,
                                  Profile profile) {
    std::vector<Case> out;
    for (Case c : required_cases(property, profile))
        if (s.runs_reaching[std::size_t(c)] == 0) out.push_back(c);
    return out;
}

}  // namespace daxcheck
