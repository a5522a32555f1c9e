// main() of daxcheck-mpi: the daxcheck command line, one process per MPI
// rank (`mpirun -np N daxcheck-mpi explore ...`, README "On a cluster").
// `explore` spreads its search over the ranks; every rank computes the same
// result and rank 0 prints it and writes the files. A rank that sees an MPI
// error aborts the whole job with exit status 3 and says why: the search
// is incomplete and no result is printed for it. (A rank that dies makes
// mpirun end the job with a non-zero status as well.)
#include <mpi.h>

#include <cstdio>

#include "cli/cli_main.h"
#include "mpi/mpi_cluster.h"

int main(int argc, char** argv) {
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        std::fprintf(stderr, "daxcheck-mpi: MPI_Init failed (started outside mpirun/srun?)\n");
        return 3;
    }
    int status = 0;
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    try {
        daxcheck::MpiCluster cluster;
        // Every rank prints the same: only the first one's output is kept.
        if (rank != 0 && !std::freopen("/dev/null", "w", stdout)) return 3;
        status = daxcheck::cli_entry(argc, argv, &cluster);
    } catch (const daxcheck::ClusterError& e) {
        std::fprintf(stderr,
                     "daxcheck-mpi: rank %d: %s\ndaxcheck-mpi: the search is incomplete: no "
                     "result; aborting every rank\n",
                     rank, e.what());
        std::fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, 3);
        return 3;
    }
    MPI_Finalize();
    return status;
}
