// Writes a JSON document as a whole file, through cli/output_file.h: a
// reader never sees half a file, and only a regular file is ever replaced.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace daxcheck {

// false, with `error` set, when the file cannot be written.
bool write_json_file(const nlohmann::json& doc, const std::string& path, std::string& error);

// write_json_file, then "wrote PATH" on stdout; false when the file cannot
// be written, with "daxcheck: <why>" on stderr (the caller exits 2).
bool write_json_and_say(const nlohmann::json& doc, const std::string& path);

}  // namespace daxcheck
