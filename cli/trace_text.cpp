#include "cli/trace_text.h"

#include <fmt/format.h>

namespace daxcheck {
namespace {

// `head` is the operation's line; its pfns and warnings go under it.
void step_text(std::string& out, const std::string& indent, const std::string& head, const TraceStep& s) {
    out += fmt::format("{}{}{}\n", indent, head, s.failure ? "   <- breaks here" : "");
    for (const auto& p : s.pfns)
        out += fmt::format("{}     pfn {:<3} model {:<22} decode {:<18} {}{}\n", indent, p.pfn, p.model,
                           p.decode, p.raw, p.mismatch ? "   MISMATCH" : "");
    for (const auto& w : s.warnings) out += fmt::format("{}     warning: {}\n", indent, w);
}

}  // namespace

std::string trace_steps_text(const Trace& t, const std::string& indent) {
    std::string out;
    for (std::size_t i = 0; i < t.steps.size(); i++)
        step_text(out, indent, fmt::format("#{} {}", i + 1, t.steps[i].op), t.steps[i]);
    if (!t.end_steps.empty()) {
        // Unnumbered: a reproducer lists only the steps above.
        out += fmt::format("{}the end check then runs:\n", indent);
        for (const TraceStep& s : t.end_steps) step_text(out, indent, "   " + s.op, s);
    }
    return out;
}

}  // namespace daxcheck
