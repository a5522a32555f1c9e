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
    if (u.pmd_order < 1 || u.pmd_order > 12) return "pmd-order must be 1..12";
    if (u.pfns < 1 || u.pfns > (std::uint64_t{1} << 20)) return "pfns must be 1..1048576";
    if (u.offsets < 1 || u.offsets > (std::uint64_t{1} << 20)) return "offsets must be 1..1048576";
    if (u.max_pins > 1000) return "max-pins must be 0..1000";
    return "";
}

char file_letter(FileId f) { return static_cast<char>('A' + f); }

}  // namespace daxcheck::model
