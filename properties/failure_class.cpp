#include "properties/failure_class.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "harness/model_before.h"
#include "properties/relation.h"

namespace daxcheck {
namespace {

void sort_unique(std::vector<std::string>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Numbers become N and lone capitals (file letters) F.
std::string without_numbers_and_files(const std::string& m) {
    std::string out;
    for (std::size_t i = 0; i < m.size(); i++) {
        const unsigned char c = m[i];
        if (std::isdigit(c)) {
            out += 'N';
            while (i + 1 < m.size() && std::isdigit(static_cast<unsigned char>(m[i + 1]))) i++;
            // "1 page" and "2 pages" are one class: the count's noun in the singular.
            for (const char* noun : {" page", " pin", " reference", " operation", " call"}) {
                const std::size_t n = std::strlen(noun);
                if (m.compare(i + 1, n, noun) == 0 && i + 1 + n < m.size() && m[i + 1 + n] == 's' &&
                    (i + 2 + n == m.size() || !std::isalnum(static_cast<unsigned char>(m[i + 2 + n])))) {
                    out += noun;
                    i += n + 1;  // past the noun and its 's'
                    break;
                }
            }
        } else if (std::isupper(c) && (i == 0 || !std::isalnum(static_cast<unsigned char>(m[i - 1]))) &&
                   (i + 1 == m.size() || !std::isalnum(static_cast<unsigned char>(m[i + 1])))) {
            out += 'F';
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// Drops " (...)" groups: the operations a release ran, raw page fields.
std::string without_details(const std::string& m) {
    std::string out;
    for (std::size_t i = 0; i < m.size(); i++) {
        if (m[i] == ' ' && i + 1 < m.size() && m[i + 1] == '(') {
            int depth = 0;
            std::size_t j = i + 1;
            for (; j < m.size(); j++) {
                depth += m[j] == '(' ? 1 : m[j] == ')' ? -1 : 0;
                if (depth == 0) break;
            }
            if (j < m.size()) {
                i = j;
                continue;
            }
        }
        out += m[i];
    }
    return out;
}

bool allowed(const Property& p, const model::ModelState& s, const model::Op& op) {
    return model::is_legal(s, op) || (p.with_misuse && model::misuse_check(s, op));
}

}  // namespace

std::string FailureClass::key() const {
    std::string out = property;
    if (!warning_sites.empty()) out += " | warns " + fmt::format("{}", fmt::join(warning_sites, "; "));
    if (!pfn_pairs.empty()) out += " | pfns " + fmt::format("{}", fmt::join(pfn_pairs, "; "));
    if (!shape.empty()) out += " | " + shape;
    return out;
}

std::vector<std::string> FailureClass::parts() const {
    std::vector<std::string> out;
    for (const auto& w : warning_sites) out.push_back("warns " + w);
    for (const auto& q : pfn_pairs) out.push_back("pfn " + q);
    if (!shape.empty()) out.push_back(shape);
    return out;
}

std::string message_shape(const std::string& message) {
    std::string m = message;
    if (m.rfind("after #", 0) == 0) {
        // "after #3: ..." (function level) or "after #3 (read-fault B 0): ..." (filesystem level)
        auto colon = m.find("): ");
        if (colon == std::string::npos) colon = m.find(": ");
        else colon += 1;
        if (colon != std::string::npos) m = m.substr(colon + 2);
    }
    if (m.rfind("at the end: ", 0) == 0) m = m.substr(12);
    return without_numbers_and_files(without_details(m));
}

std::string model_class(const model::PfnState& p) {
    if (p.owners.empty()) return "free";
    return p.shared ? "shared" : "owned";
}

std::string decoded_class(const Decoded& d) {
    switch (d.kind) {
        case Decoded::Kind::Free: return "Free";
        case Decoded::Kind::Owned: return "Owned";
        case Decoded::Kind::Shared: return "Shared";
        case Decoded::Kind::Invalid: return "Invalid(" + without_numbers_and_files(d.reason) + ")";
    }
    return "?";
}

FailureClass classify(const Property& p, const Execution& after,
                      const std::vector<kshim::warning_record>& warnings,
                      const std::vector<model::Pfn>& pfns, const std::string& message) {
    FailureClass c;
    c.property = p.name;
    for (const auto& w : warnings)
        c.warning_sites.push_back(fmt::format("{}: WARN_ON_ONCE({})", w.function, w.condition));
    for (model::Pfn pfn : pfns) {
        if (pfn >= after.model().pfns.size()) continue;
        const auto& state = after.model().pfns[pfn];
        const Decoded d = after.decode(pfn);
        if (relation_mismatch(state, d))
            c.pfn_pairs.push_back(model_class(state) + " -> " + decoded_class(d));
    }
    sort_unique(c.warning_sites);
    sort_unique(c.pfn_pairs);
    // A port that stopped (BUG_ON) is named whatever else broke: its label
    // must not read as a pure relation failure while its failure line is a
    // BUG (finding 16f).
    const std::size_t stopped = message.find(kPortStopped);
    if (stopped != std::string::npos) c.shape = message_shape(message.substr(stopped));
    else if (c.warning_sites.empty() && c.pfn_pairs.empty()) c.shape = message_shape(message);
    return c;
}

std::optional<FailureClass> failure_class_of(const Variant& v, const Property& p,
                                             const model::Universe& u,
                                             const std::vector<model::Op>& ops) {
    Execution exec(v, u);
    ModelBefore model_before(exec.model());  // not a copy of every pfn per step
    for (const model::Op& op : ops) {
        if (!allowed(p, exec.model(), op)) return std::nullopt;
        const ModelBefore::Change change = model_before.change_of(op);
        const StepOutcome outcome = exec.step(op);
        auto failure = kernel_bug_failure(outcome);
        if (!failure) failure = p.after_step(StepView{model_before.state(), op, outcome, exec});
        if (failure) return classify(p, exec, outcome.warnings, exec.step_pfns(), *failure);
        model_before.catch_up(exec.model(), change);
    }
    if (!p.at_end) return std::nullopt;
    const std::size_t warned = exec.world().warnings.size();
    const auto end = p.at_end(exec);
    if (!end) return std::nullopt;
    return classify_end(p, exec, warned, *end);
}

std::vector<FailureAt> failures_along(const Variant& v, const Property& p, const model::Universe& u,
                                      const std::vector<model::Op>& ops) {
    std::vector<FailureAt> out;
    Execution exec(v, u);
    ModelBefore model_before(exec.model());
    for (std::size_t i = 0; i < ops.size(); i++) {
        const model::Op& op = ops[i];
        if (!allowed(p, exec.model(), op)) return {};
        const ModelBefore::Change change = model_before.change_of(op);
        const StepOutcome outcome = exec.step(op);
        if (outcome.kernel_bug) {  // the port stopped: nothing after it is the version's
            out.push_back({i + 1, classify(p, exec, outcome.warnings, exec.step_pfns(), *kernel_bug_failure(outcome)),
                           true});
            return out;
        }
        if (auto failure = p.after_step(StepView{model_before.state(), op, outcome, exec}))
            out.push_back({i + 1, classify(p, exec, outcome.warnings, exec.step_pfns(), *failure), false});
        model_before.catch_up(exec.model(), change);
    }
    if (!p.at_end) return out;
    const std::size_t warned = exec.world().warnings.size();
    if (const auto end = p.at_end(exec)) out.push_back({ops.size() + 1, classify_end(p, exec, warned, *end), false});
    return out;
}

std::vector<FailureClass> failure_classes_along(const Variant& v, const Property& p,
                                                const model::Universe& u,
                                                const std::vector<model::Op>& ops) {
    std::vector<FailureClass> out;
    for (FailureAt& f : failures_along(v, p, u, ops)) out.push_back(std::move(f.cls));
    return out;
}

FailureClass classify_end(const Property& p, const Execution& after, std::size_t warnings_before,
                          const std::string& message) {
    const auto& all = after.world().warnings;
    const std::vector<kshim::warning_record> during(
        all.begin() + static_cast<long>(std::min(warnings_before, all.size())), all.end());
    std::vector<model::Pfn> every(after.model().pfns.size());
    for (model::Pfn i = 0; i < every.size(); i++) every[i] = i;
    return classify(p, after, during, every, message);
}

bool ClassFilter::counts(const FailureClass& c) const {
    if (target && !(c == *target)) return false;
    return std::none_of(known.begin(), known.end(), [&](const FailureClass& k) { return k == c; });
}

bool fails_counted(const Variant& v, const Property& p, const model::Universe& u,
                   const std::vector<model::Op>& ops, const ClassFilter& filter) {
    const auto c = failure_class_of(v, p, u, ops);
    return c && filter.counts(*c);
}

}  // namespace daxcheck
