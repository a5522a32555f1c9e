// The filesystem-level operation language (SPEC 8), one operation a line, as
// counterexamples print them and corpus files with `level: fs` hold them:
//   write A 0 [LEN]          reflink A 0 B 0 LEN      truncate A SIZE
//   read-fault A 0 [pmd]     write-fault A 0 [pmd]    punch A 0 LEN
//   unshare A 0 LEN          invalidate A 0 LEN       pin A 0     unpin A 0
// Offsets, lengths and sizes are in pages.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fslevel/fs_op.h"

namespace daxcheck::fslevel {

std::string to_text(const Op& op);

struct ParseError {
    std::string message;
};
std::variant<Op, ParseError> parse_op(std::string_view line);

std::vector<std::string> op_names();

}  // namespace daxcheck::fslevel
