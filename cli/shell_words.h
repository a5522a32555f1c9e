// Words for the command lines the tool prints (reproduce, regenerate): a
// word with anything a shell treats specially is single-quoted, so a printed
// line runs as it reads when pasted into sh or bash.
#pragma once

#include <string>
#include <string_view>

namespace daxcheck {

inline std::string shell_quoted(std::string_view word) {
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./=:,+@%") == std::string_view::npos;
    if (plain) return std::string(word);
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A file name as a command's argument: quoted, and "./" before one that
// starts with '-', which the command would read as an option.
inline std::string shell_path(std::string_view path) {
    return shell_quoted(!path.empty() && path.front() == '-' ? "./" + std::string(path) : std::string(path));
}

}  // namespace daxcheck
