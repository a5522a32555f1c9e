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

// How a problem names the variant: with the port file it came from, if any.
std::string named(const Variant& v) {
    const std::string name = v.name.empty() ? "a variant with no name" : "variant '" + v.name + "'";
    return v.port_file.empty() ? name : v.port_file + ": " + name;
}

}  // namespace

bool register_variant(Variant v) {
    std::string missing;
    for (const auto& [field, absent] : {std::pair<const char*, bool>{".name", v.name.empty()},
                                        {".associate", !v.associate},
                                        {".disassociate", !v.disassociate},
                                        {".decode", !v.decode}})
        if (absent) missing += (missing.empty() ? "" : ", ") + std::string(field);
    if (!missing.empty()) {
        problems().push_back(named(v) + " has no " + missing +
                             " (a variant needs .name, .associate, .disassociate and .decode)");
        return false;
    }
    if (const Variant* earlier = find_variant(v.name)) {
        // Said of the port: whichever registered first, the name is its to change.
        const bool two_ports = !v.port_file.empty() && !earlier->port_file.empty();
        const Variant& port = v.port_file.empty() ? *earlier : v;
        problems().push_back(two_ports ? named(v) + " is registered twice (" + earlier->port_file +
                                             " registers it too): give one of them a name of its own"
                                       : named(port) + " has the name of an in-tree variant: give it a name of its own");
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

const std::vector<std::string>& registration_problems() {
    // A port's base is checked once every port has registered: before, it
    // showed only under --base or --level fs.
    static const bool bases_checked = [] {
        for (const Variant& v : registered()) {
            if (v.port_file.empty() || v.base.empty()) continue;
            const Variant* base = find_variant(v.base);
            if (!base || base == &v)
                problems().push_back(named(v) + " names base '" + v.base + "', which is " +
                                     (base ? "itself" : "no variant (./daxcheck list shows them)"));
        }
        return true;
    }();
    (void)bases_checked;
    return problems();
}

const Variant* find_variant(const std::string& name) {
    for (const auto& v : registered())
        if (v.name == name) return &v;
    return nullptr;
}

const FaultPath* fault_path_of(const Variant& v, std::string* why) {
    return fault_path_of(v, find_variant, why);
}

const FaultPath* fault_path_of(const Variant& v,
                               const std::function<const Variant*(const std::string&)>& find,
                               std::string* why) {
    // A port without a fault path of its own runs under its base's; a base
    // that is itself such a port passes on its own base's (a patch on top of
    // a patch leaves the callers as they were).
    std::vector<const Variant*> chain{&v};
    // Who the error is about: `v`, and how the search reached the variant
    // that broke the chain ("fix -> rfc") when that is not `v` itself.
    const auto from = [&] {
        if (chain.size() == 1) return "variant '" + v.name + "'";
        std::string through;
        for (const Variant* c : chain) through += (through.empty() ? "" : " -> ") + c->name;
        return "variant '" + v.name + "' (base chain " + through + ")";
    };
    while (!chain.back()->fault_path) {
        const Variant& at = *chain.back();
        if (at.base.empty()) {
            if (why)
                *why = chain.size() == 1
                    ? from() + " has no fault path and names no base (.base = \"v6.15\", say)"
                    : from() + " has no fault path: '" + at.name + "' has none and names no base";
            return nullptr;
        }
        const Variant* base = find(at.base);
        if (!base || std::find(chain.begin(), chain.end(), base) != chain.end()) {
            if (why)
                *why = from() + (chain.size() == 1 ? "" : ": '" + at.name + "'") + " names base '" + at.base +
                       "', which is " + (base ? "already in its base chain" : "no variant");
            return nullptr;
        }
        chain.push_back(base);
    }
    return chain.back()->fault_path;
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
