// "-" as an output's name (--json -): standard output, in every place an
// output's name is used.
#include <gtest/gtest.h>

#include "cli/output_file.h"

using namespace daxcheck;

// A printed command keeps "-" (an interrupted run's whole-run line said
// --json ./-, which names a file); other names are quoted as before.
TEST(OutputFile, DashStaysDashInPrintedCommands) {
    EXPECT_EQ(output_word("-"), "-");
    EXPECT_EQ(output_word("-x.json"), "./-x.json");
    EXPECT_EQ(output_word("a b.json"), "'a b.json'");
    EXPECT_EQ(output_name("-"), "stdout");
    EXPECT_EQ(output_name("out.json"), "out.json");
}

// "-" is the file behind stdout when outputs are compared (race --json -
// onto --emit's predictions file, through a redirection, was not refused).
TEST(OutputFile, DashIsTheFileBehindStdout) {
    EXPECT_TRUE(same_file("-", "/dev/stdout"));
    EXPECT_TRUE(same_file("/dev/stdout", "-"));
    EXPECT_FALSE(same_file("-", "/dev/null/none"));
}
