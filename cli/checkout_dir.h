// Which checkout's corpus/ and reports/ a command defaults to: the one
// ./daxcheck was run from (the script exports it as DAXCHECK_CHECKOUT), else
// the source tree the binary was built from, else the working directory. A
// binary built against another checkout's package (DAXCHECK_PACKAGE_DIR, a
// --port build in the cache) would otherwise write into that checkout.
// Inline: race's concurrency build, under its own namespace, uses it too.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#ifndef DAXCHECK_SOURCE_DIR
#define DAXCHECK_SOURCE_DIR "."
#endif

namespace daxcheck {

// The checkout's root ("" for the working directory): a directory holding
// corpus/.
inline std::string checkout_dir() {
    std::error_code ec;
    if (const char* given = std::getenv("DAXCHECK_CHECKOUT"); given && *given)
        if (std::filesystem::is_directory(std::string(given) + "/corpus", ec)) return given;
    const std::string compiled = DAXCHECK_SOURCE_DIR;
    if (std::filesystem::is_directory(compiled + "/corpus", ec)) return compiled;
    return "";
}

// Where replay reads and --save-failures writes by default.
inline std::string default_corpus_dir() {
    const std::string root = checkout_dir();
    return root.empty() ? "corpus" : root + "/corpus";
}

}  // namespace daxcheck
