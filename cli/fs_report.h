// The report of `run --level fs --report` (index.html): the verdict table of
// the filesystem level with an "on a running kernel" column, then each failure
// with the calls its operations derived. Written by cli/report_command.*.
#pragma once

#include <string>
#include <vector>

#include "cli/kernel_evidence.h"
#include "fslevel/fs_op.h"
#include "impl/expectations.h"
#include "impl/variant.h"
#include "properties/property.h"

namespace daxcheck {

struct FsReportCell {
    const Variant* variant = nullptr;
    const Property* property = nullptr;
    Profile profile = Profile::Exclusive;
    bool failed = false;
    Expectation expected;
    std::uint64_t walks = 0, operations = 0, calls = 0;
    std::vector<fslevel::Op> ops;  // the shrunk counterexample, when failed
    std::string failure;           // "after #4 (read-fault A 3): ..."
    std::string trace;             // fslevel::format_trace of it
    // The cell's later failure classes (--classes), each found past the
    // ones before it: its failure line and trace (replayed past them).
    struct LaterClass {
        std::string failure, trace;
    };
    std::vector<LaterClass> more_classes;
    std::string reproduce;
    bool as_expected() const { return failed != expected.pass; }
};

// `header`: the run's first line ("daxcheck run --level fs: seed 1, ...");
// `regenerate`: the command that writes this report again; `results_json`:
// the report's results.json, named in the hint to boot what has no kernel
// evidence yet.
std::string fs_report_html(const std::vector<FsReportCell>& cells, const model::Universe& u,
                           const KernelEvidence& kernels, const std::string& header,
                           const std::string& regenerate, const std::string& generated_at,
                           const std::string& results_json);

}  // namespace daxcheck
