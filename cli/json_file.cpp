#include "cli/json_file.h"

#include <fmt/format.h>

#include "cli/output_file.h"

namespace daxcheck {

bool write_json_file(const nlohmann::json& doc, const std::string& path, std::string& error) {
    error = write_output_file(path, doc.dump(2) + "\n");
    return error.empty();
}

bool write_json_and_say(const nlohmann::json& doc, const std::string& path) {
    std::string error;
    if (!write_json_file(doc, path, error)) {
        fmt::print(stderr, "daxcheck: {}\n", error);
        return false;
    }
    fmt::print("wrote {}\n", output_name(path));
    return true;
}

}  // namespace daxcheck
