#include "cli/json_file.h"

#include <cstdio>
#include <fstream>

namespace daxcheck {

bool write_json_file(const nlohmann::json& doc, const std::string& path, std::string& error) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp);
        if (!out || !(out << doc.dump(2) << "\n") || !out.flush()) {
            error = "cannot write " + tmp;
            std::remove(tmp.c_str());
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        error = "cannot rename " + tmp + " to " + path;
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace daxcheck
