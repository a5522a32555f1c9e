// The daxcheck command line, for the binaries' main(): cli/entry.cpp
// (daxcheck) and mpi/main.cpp (daxcheck-mpi).
#pragma once

namespace daxcheck {

class Cluster;

// Parses argv and runs the subcommand; returns the exit status (README).
// `cluster`: the processes `explore` spreads its search over (nullptr: this
// process alone). Exceptions other than write errors on stdout/stderr pass.
int cli_main(int argc, char** argv, Cluster* cluster);
// cli_main, with a write error on stdout or stderr reported as exit status 2.
int cli_entry(int argc, char** argv, Cluster* cluster);

}  // namespace daxcheck
