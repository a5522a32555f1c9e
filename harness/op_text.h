// The one text syntax of an operation, as `./daxcheck run` prints it and
// corpus files hold it:
//   associate A 0 pfn=2 order=0 shared=1
//   disassociate A 0        truncate B 2        pin 3        unpin 3
//   disassociate-stray B pfn=2 order=0          (misuse only)
//   associate-zero A 0 order=0 shared=0         (a zero-page entry: covers no pfn)
//   grab A 0 order=0                            (grab_mapping_entry's empty entry)
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/op.h"

namespace daxcheck {

std::string to_text(const model::Op& op);

struct OpParseError {
    std::string message;
};
// Parses one line (no comment, no newline).
std::variant<model::Op, OpParseError> parse_op(std::string_view line);

// The operation names, in the order of model::Op.
std::vector<std::string> op_names();

}  // namespace daxcheck
