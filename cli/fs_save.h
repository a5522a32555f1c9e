// `run --level fs --save-failures`: each new filesystem-level counterexample
// becomes a `level: fs` corpus file (engines/corpus_file.h) that `replay`
// checks and `./daxcheck kernel` boots, with the calls the variant's fault
// path derives written under a comment header.
#pragma once

#include <string>
#include <vector>

#include "fslevel/fs_op.h"
#include "impl/expectations.h"
#include "impl/variant.h"
#include "properties/property.h"

namespace daxcheck {

struct FsFailure {
    const Variant* variant = nullptr;
    const Property* property = nullptr;
    Profile profile = Profile::Exclusive;
    std::vector<fslevel::Op> ops;  // the shrunk counterexample
    std::string message;           // "after #4 (read-fault A 3): ..."
    std::string reproduce;         // the command line that found it
    Expectation expected;
    // The cell's classes found before this one (--classes): its sequence
    // fails with them first, and shows this one only past them.
    std::vector<std::string> classes_before;
};

// The file name it gets: fs-<variant>--<property>--<profile>--<hash>.dax.
std::string fs_corpus_file_name(const FsFailure& f);

// Writes each failure to `dir` unless the same sequence (property, universe,
// operations) is already there for that variant; prints what it did. A file
// already at the name is kept. `command` names what found it in the comment.
// Returns false when a file could not be written (the error is printed).
bool save_fs_failures(const std::vector<FsFailure>& failures, const model::Universe& u,
                      const std::string& dir, const std::string& command);

}  // namespace daxcheck
