// Writes a JSON document as a whole file: to a temporary name first, then
// renamed into place, so a reader never sees half a file.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace daxcheck {

// false, with `error` set, when the file cannot be written.
bool write_json_file(const nlohmann::json& doc, const std::string& path, std::string& error);

}  // namespace daxcheck
