// What running kernels did with a filesystem-level sequence, for the report's
// "on a running kernel" column: the `kernel:` lines of corpus files holding
// the same sequence, and the verdicts of `./daxcheck kernel --json` runs whose
// reproducer was that sequence (README "On a running kernel").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "fslevel/fs_op.h"
#include "model/universe.h"

namespace daxcheck {

struct KernelObservation {
    std::string kernel;  // "6.12", "sid (7.2.13+deb14-amd64)"
    std::string what;    // "bugs clear_inode" (corpus) or the runner's verdict line
    std::string source;  // the corpus file or the kernel JSON it came from
};

class KernelEvidence {
public:
    // Reads the `level: fs` corpus files in `dir` that have `kernel:` lines
    // (unreadable or malformed files are skipped: replay reports them).
    void add_corpus_dir(const std::string& dir);
    // Reads a `./daxcheck kernel --json` document: each run whose input is a
    // readable `level: fs` .dax file. False with `error` naming the file when
    // it is not such a document.
    bool add_kernel_json(const std::string& path, std::string& error);

    // Everything known for this sequence in this universe (any property).
    std::vector<KernelObservation> of(const model::Universe& u, const std::vector<fslevel::Op>& ops) const;

private:
    void add(const std::string& key, KernelObservation o);
    std::map<std::string, std::vector<KernelObservation>> by_sequence_;
};

}  // namespace daxcheck
