#include "cli/json_file.h"

#include "cli/output_file.h"

namespace daxcheck {

bool write_json_file(const nlohmann::json& doc, const std::string& path, std::string& error) {
    error = write_output_file(path, doc.dump(2) + "\n");
    return error.empty();
}

}  // namespace daxcheck
