// Words for the command lines the tool prints (reproduce, regenerate): a
// word with anything a shell treats specially is single-quoted, so a printed
// line runs as it reads when pasted into sh or bash (a word with a control
// character: into bash, ksh or zsh).
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

namespace daxcheck {

inline std::string shell_quoted(std::string_view word) {
    // A control character (a newline, an escape sequence in a file's name)
    // would reach the terminal raw and split or rewrite the printed line:
    // such a word is ANSI-C quoted ($'...', bash, ksh, zsh; POSIX 2024).
    const bool control = std::any_of(word.begin(), word.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (control) {
        std::string out = "$'";
        char hex[8];
        for (char c : word) {
            const auto b = static_cast<unsigned char>(c);
            if (c == '\\' || c == '\'') out += std::string("\\") + c;
            else if (c == '\n') out += "\\n";
            else if (c == '\t') out += "\\t";
            else if (b < 0x20 || b == 0x7f) {
                std::snprintf(hex, sizeof hex, "\\x%02x", b);
                out += hex;
            } else {
                out += c;
            }
        }
        return out + "'";
    }
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
