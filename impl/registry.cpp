// The variant registry: ports register themselves at start-up; listing order
// is the in-tree order of impl/expectations.cpp, then out-of-tree variants.
#include <algorithm>
#include <cstdio>

#include "impl/expectations.h"
#include "impl/variant.h"

namespace daxcheck {
namespace {

std::vector<Variant>& registered() {
    static std::vector<Variant> all;
    return all;
}

std::vector<std::string>& problems() {
    static std::vector<std::string> all;
    return all;
}

std::size_t rank(const Variant& v) {
    const auto& order = in_tree_variant_order();
    auto it = std::find(order.begin(), order.end(), v.name);
    return static_cast<std::size_t>(it - order.begin());  // out of tree: order.size()
}

}  // namespace

bool register_variant(Variant v) {
    if (v.name.empty() || !v.associate || !v.disassociate || !v.decode) {
        problems().push_back("variant '" + v.name +
                             "' is missing a name, associate, disassociate or decode");
        return false;
    }
    if (find_variant(v.name)) {
        problems().push_back("variant '" + v.name + "' is registered twice");
        return false;
    }
    auto& all = registered();
    all.push_back(std::move(v));
    std::stable_sort(all.begin(), all.end(), [](const Variant& a, const Variant& b) {
        const auto ra = rank(a), rb = rank(b);
        return ra != rb ? ra < rb : (ra == in_tree_variant_order().size() && a.name < b.name);
    });
    return true;
}

const std::vector<Variant>& variants() { return registered(); }

const std::vector<std::string>& registration_problems() { return problems(); }

const Variant* find_variant(const std::string& name) {
    for (const auto& v : registered())
        if (v.name == name) return &v;
    return nullptr;
}

const FaultPath* fault_path_of(const Variant& v, std::string* why) {
    if (v.fault_path) return v.fault_path;
    if (v.base.empty()) {
        if (why) *why = "variant '" + v.name + "' has no fault path and names no base (.base = \"v6.15\", say)";
        return nullptr;
    }
    const Variant* base = find_variant(v.base);
    if (!base || base == &v || !base->fault_path) {
        if (why) *why = "variant '" + v.name + "' names base '" + v.base + "', which is not an in-tree variant with a fault path";
        return nullptr;
    }
    return base->fault_path;
}

std::string to_string(const Decoded& d) {
    switch (d.kind) {
        case Decoded::Kind::Free: return "Free";
        case Decoded::Kind::Owned:
            return "Owned(" + std::string(1, model::file_letter(d.file)) + "," +
                   std::to_string(d.offset) + ")";
        case Decoded::Kind::Shared: return "Shared(" + std::to_string(d.count) + ")";
        case Decoded::Kind::Invalid: return "Invalid(" + d.reason + ")";
    }
    return "?";
}

}  // namespace daxcheck
