// main() of the daxcheck binary: the command line, in this process alone.
#include "cli/cli_main.h"

int main(int argc, char** argv) { return daxcheck::cli_entry(argc, argv, nullptr); }
