#include "mpi/mpi_cluster.h"

#include <mpi.h>

#include <climits>
#include <csignal>
#include <cstdlib>
#include <string>

namespace daxcheck {
namespace {

// MPI counts are ints: a level's exchange past 2 GiB per process is refused,
// not truncated.
int count_of(std::size_t n, const char* what) {
    if (n > static_cast<std::size_t>(INT_MAX))
        throw ClusterError(std::string(what) + ": more than 2 GiB in one exchange; run more ranks");
    return static_cast<int>(n);
}

}  // namespace

MpiCluster::MpiCluster() {
    check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
    int rank = 0, size = 1;
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
    rank_ = static_cast<unsigned>(rank);
    size_ = static_cast<unsigned>(size);
}

void MpiCluster::check(int rc, const char* call) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(rc, text, &length);
    throw ClusterError(std::string("MPI error in ") + call + ": " + std::string(text, length));
}

void MpiCluster::maybe_fail([[maybe_unused]] const char* call) {
    calls_++;
#ifdef DAXCHECK_MPI_FAULTS
    const char* fault = std::getenv("DAXCHECK_MPI_FAULT");
    if (!fault) return;
    const std::string f = fault;
    const auto first = f.find(':'), second = f.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) return;
    if (std::stoul(f.substr(first + 1, second - first - 1)) != rank_ ||
        std::stoul(f.substr(second + 1)) != calls_)
        return;
    if (f.substr(0, first) == "kill") std::raise(SIGKILL);
    throw ClusterError(std::string("MPI error in ") + call + ": injected by DAXCHECK_MPI_FAULT");
#endif
}

std::vector<std::uint8_t> MpiCluster::exchange(
    const std::vector<std::vector<std::uint8_t>>& outgoing) {
    maybe_fail("MPI_Alltoallv");
    std::vector<int> send_counts(size_), send_at(size_), receive_counts(size_), receive_at(size_);
    std::vector<std::uint8_t> sending;
    // Sized once: growing it would briefly hold twice the level's queues.
    std::size_t bytes = 0;
    for (const auto& part : outgoing) bytes += part.size();
    sending.reserve(bytes);
    for (unsigned r = 0; r < size_; r++) {
        const auto& part = r < outgoing.size() ? outgoing[r] : std::vector<std::uint8_t>{};
        send_at[r] = count_of(sending.size(), "MPI_Alltoallv");
        send_counts[r] = count_of(part.size(), "MPI_Alltoallv");
        sending.insert(sending.end(), part.begin(), part.end());
    }
    check(MPI_Alltoall(send_counts.data(), 1, MPI_INT, receive_counts.data(), 1, MPI_INT,
                       MPI_COMM_WORLD),
          "MPI_Alltoall");
    std::size_t total = 0;
    for (unsigned r = 0; r < size_; r++) {
        receive_at[r] = count_of(total, "MPI_Alltoallv");
        total += static_cast<std::size_t>(receive_counts[r]);
    }
    std::vector<std::uint8_t> received(total);
    check(MPI_Alltoallv(sending.data(), send_counts.data(), send_at.data(), MPI_BYTE,
                        received.data(), receive_counts.data(), receive_at.data(), MPI_BYTE,
                        MPI_COMM_WORLD),
          "MPI_Alltoallv");
    return received;
}

std::vector<std::uint8_t> MpiCluster::gather(const std::vector<std::uint8_t>& mine) {
    maybe_fail("MPI_Allgatherv");
    const int count = count_of(mine.size(), "MPI_Allgatherv");
    std::vector<int> counts(size_), at(size_);
    check(MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD),
          "MPI_Allgather");
    std::size_t total = 0;
    for (unsigned r = 0; r < size_; r++) {
        at[r] = count_of(total, "MPI_Allgatherv");
        total += static_cast<std::size_t>(counts[r]);
    }
    std::vector<std::uint8_t> every(total);
    check(MPI_Allgatherv(mine.data(), count, MPI_BYTE, every.data(), counts.data(), at.data(),
                         MPI_BYTE, MPI_COMM_WORLD),
          "MPI_Allgatherv");
    return every;
}

std::uint64_t MpiCluster::reduce(std::uint64_t value, int op) {
    maybe_fail("MPI_Allreduce");
    std::uint64_t out = 0;
    const MPI_Op ops[] = {MPI_SUM, MPI_MIN, MPI_MAX};
    check(MPI_Allreduce(&value, &out, 1, MPI_UINT64_T, ops[op], MPI_COMM_WORLD), "MPI_Allreduce");
    return out;
}

std::uint64_t MpiCluster::sum(std::uint64_t value) { return reduce(value, 0); }
std::uint64_t MpiCluster::min(std::uint64_t value) { return reduce(value, 1); }
std::uint64_t MpiCluster::max(std::uint64_t value) { return reduce(value, 2); }

}  // namespace daxcheck
