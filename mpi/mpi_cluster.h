// engines/cluster.h over MPI (Open MPI or MPICH): one process per rank of
// MPI_COMM_WORLD. An MPI call that fails throws ClusterError naming the call
// and MPI's reason (errors are returned, not fatal, on the communicator).
#pragma once

#include "engines/cluster.h"

namespace daxcheck {

class MpiCluster : public Cluster {
public:
    // MPI_Init must have run. Throws ClusterError when MPI refuses.
    MpiCluster();
    unsigned rank() const override { return rank_; }
    unsigned size() const override { return size_; }
    std::vector<std::uint8_t> exchange(
        const std::vector<std::vector<std::uint8_t>>& outgoing) override;
    std::vector<std::uint8_t> gather(const std::vector<std::uint8_t>& mine) override;
    std::uint64_t sum(std::uint64_t value) override;
    std::uint64_t min(std::uint64_t value) override;
    std::uint64_t max(std::uint64_t value) override;

private:
    void check(int rc, const char* call);
    std::uint64_t reduce(std::uint64_t value, int op);
    // Test builds (DAXCHECK_MPI_FAULTS): DAXCHECK_MPI_FAULT=kill:R:N or
    // error:R:N makes rank R die (SIGKILL) or see an MPI error at its N-th
    // collective call.
    void maybe_fail(const char* call);
    unsigned rank_ = 0, size_ = 1;
    unsigned long calls_ = 0;
};

}  // namespace daxcheck
