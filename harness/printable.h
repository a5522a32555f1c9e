// Text from outside (file names, file content) as it may be printed: control
// characters, backslashes and bytes that are not UTF-8 become escapes (\n,
// \t, \x1b, \\, \xff), so a hostile file name prints as one readable line.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace daxcheck {

inline std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    const auto byte = [](std::size_t k, std::string_view t) { return static_cast<unsigned char>(t[k]); };
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = byte(i, s);
        // A well-formed multi-byte UTF-8 sequence (no overlong forms) is kept.
        std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                      : c >= 0xF0 && c <= 0xF4 ? 4 : 1;
        if (n > 1) {
            bool ok = i + n <= s.size();
            for (std::size_t k = 1; ok && k < n; k++) ok = (byte(i + k, s) & 0xC0) == 0x80;
            if (ok && c == 0xE0) ok = byte(i + 1, s) >= 0xA0;
            if (ok && c == 0xF0) ok = byte(i + 1, s) >= 0x90;
            if (ok && c == 0xF4) ok = byte(i + 1, s) <= 0x8F;
            if (ok && c == 0xED) ok = byte(i + 1, s) <= 0x9F;
            if (ok && !(c == 0xEF && byte(i + 1, s) == 0xBB && byte(i + 2, s) == 0xBF)) {
                out.append(s.substr(i, n));
                i += n;
                continue;
            }
        }
        char esc[8];
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\r') out += "\\r";
        else if (c == '\\') out += "\\\\";
        else if (c < 0x20 || c >= 0x7f) {
            std::snprintf(esc, sizeof esc, "\\x%02x", c);
            out += esc;
        } else {
            out += static_cast<char>(c);
        }
        i++;
    }
    return out;
}

}  // namespace daxcheck
