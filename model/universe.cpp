#include "model/universe.h"

namespace daxcheck::model {

Universe Universe::with_pmd_order(unsigned order, std::uint64_t blocks) {
    Universe u;
    u.pmd_order = order;
    u.pfns = blocks << order;
    u.offsets = blocks << order;
    return u;
}

std::string universe_problem(const Universe& u) {
    if (u.files < 1 || u.files > kMaxFiles) return "files must be 1.." + std::to_string(kMaxFiles);
    if (u.pmd_order < 1 || u.pmd_order > kMaxPmdOrder)
        return "pmd-order must be 1.." + std::to_string(kMaxPmdOrder);
    if (u.pfns < 1 || u.pfns > kMaxPfns) return "pfns must be 1.." + std::to_string(kMaxPfns);
    if (u.offsets < 1 || u.offsets > kMaxPfns)
        return "offsets must be 1.." + std::to_string(kMaxPfns);
    if (u.max_pins > 1000) return "max-pins must be 0..1000";
    return "";
}

char file_letter(FileId f) { return static_cast<char>('A' + f); }

}  // namespace daxcheck::model
