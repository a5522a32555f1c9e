// The visitor of many lambdas for std::visit, written once for the project.
#pragma once

namespace daxcheck {

template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;  // clang 14 (the fuzz preset) needs the guide

}  // namespace daxcheck
