// The processes one search is spread over (issue 18). The engines take a
// Cluster as a parameter (nullptr: this process alone); mpi/ implements it
// with MPI ranks. Every call is collective: each process makes the same
// calls in the same order. A dead process or a transport error throws
// ClusterError (or ends the whole job): never a partial result.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace daxcheck {

struct ClusterError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Cluster {
public:
    virtual ~Cluster() = default;
    virtual unsigned rank() const = 0;  // this process, 0..size()-1
    virtual unsigned size() const = 0;  // how many processes
    // Sends outgoing[r] to process r (size() entries); returns what every
    // process sent to this one, concatenated in rank order.
    virtual std::vector<std::uint8_t> exchange(
        const std::vector<std::vector<std::uint8_t>>& outgoing) = 0;
    // Every process's `mine`, concatenated in rank order, on every process.
    virtual std::vector<std::uint8_t> gather(const std::vector<std::uint8_t>& mine) = 0;
    // The sum, smallest and largest of every process's value.
    virtual std::uint64_t sum(std::uint64_t value) = 0;
    virtual std::uint64_t min(std::uint64_t value) = 0;
    virtual std::uint64_t max(std::uint64_t value) = 0;
};

}  // namespace daxcheck
