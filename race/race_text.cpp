#include "race/race_text.h"

#include <fmt/format.h>

#include <algorithm>

namespace daxcheck::race {

std::string failure_text(const RaceFailure& f, const std::string& in) {
    std::string out;
    if (f.prefix.empty()) out += in + "from the initial state:\n";
    else out += fmt::format("{}after the prefix of {} operation{}:\n", in, f.prefix.size(),
                            f.prefix.size() == 1 ? "" : "s");
    for (std::size_t i = 0; i < f.prefix.size(); i++)
        out += fmt::format("{}  #{} {}\n", in, i + 1, f.prefix[i]);
    out += fmt::format("{}two processes at once ({} steps, {} preemption{}):\n", in, f.schedule.size(),
                       f.preemptions, f.preemptions == 1 ? "" : "s");
    std::size_t width = std::max<std::size_t>(f.pair.a.text.size(), 24);
    for (const auto& s : f.step_text) width = std::max(width, s.size());
    out += fmt::format("{}  {:>4}  {:<{}} | {}\n", in, "step", f.pair.a.text, width, f.pair.b.text);
    for (std::size_t i = 0; i < f.schedule.size() && i < f.step_text.size(); i++) {
        const std::string& s = f.step_text[i];
        if (f.schedule[i] == 0) out += fmt::format("{}  {:>4}  {:<{}} |\n", in, i + 1, s, width);
        else out += fmt::format("{}  {:>4}  {:<{}} | {}\n", in, i + 1, "", width, s);
    }
    for (int t = 0; t < 2; t++)
        if (f.run.bug[t]) out += fmt::format("{}  {} stopped: {}\n", in, t ? f.pair.b.text : f.pair.a.text, *f.run.bug[t]);
    // The pfns where the result differs from either serial order.
    auto pfn_lines = [&](const Outcome& o, const char* label) {
        std::string s = fmt::format("{}{:<18}", in, label);
        bool first = true;
        for (std::size_t p = 0; p < o.pfns.size(); p++) {
            if (f.outcome.pfns[p] == f.serial_ab.pfns[p] && f.outcome.pfns[p] == f.serial_ba.pfns[p]) continue;
            s += fmt::format("{}pfn {}: {}", first ? "" : "; ", p, o.pfns[p]);
            first = false;
        }
        if (first) s += "(the same pfns)";
        for (const auto& w : o.warnings) s += "; " + w;
        for (const auto& b : o.bugs) s += "; " + b;
        return s + "\n";
    };
    out += pfn_lines(f.serial_ab, "serial A then B:");
    out += pfn_lines(f.serial_ba, "serial B then A:");
    out += pfn_lines(f.outcome, "interleaved:");
    out += fmt::format("{}why: {}\n", in, f.why);
    return out;
}

}  // namespace daxcheck::race
