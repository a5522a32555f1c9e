// The flags a `--level fs` command does not take (README "The filesystem
// level"): naming one is a usage error, never a flag silently ignored.
#pragma once

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <string>

namespace daxcheck {

// "" when `cmd` got none of `flags`; else the usage error naming the first.
inline std::string fs_level_refuses(const CLI::App& cmd, std::initializer_list<const char*> flags) {
    for (const char* flag : flags)
        if (cmd.count(flag))
            return std::string("--level fs: ") + flag + " is function-level only (" + cmd.get_name() +
                   " --level fs does not take it)";
    return "";
}

}  // namespace daxcheck
