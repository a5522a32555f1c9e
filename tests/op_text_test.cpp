#include <gtest/gtest.h>

#include "harness/op_text.h"

using namespace daxcheck;
using namespace daxcheck::model;

namespace {
std::string error_of(std::string_view line) {
    auto r = parse_op(line);
    if (auto* e = std::get_if<OpParseError>(&r)) return e->message;
    return "";
}
}  // namespace

TEST(OpText, PrintsEveryOperation) {
    EXPECT_EQ(to_text(Associate{1, 2, 3, 1, true}), "associate B 2 pfn=3 order=1 shared=1");
    EXPECT_EQ(to_text(Disassociate{0, 4}), "disassociate A 4");
    EXPECT_EQ(to_text(Truncate{2, 0}), "truncate C 0");
    EXPECT_EQ(to_text(Pin{7}), "pin 7");
    EXPECT_EQ(to_text(Unpin{7}), "unpin 7");
    EXPECT_EQ(to_text(DisassociateStray{1, 2, 0}), "disassociate-stray B pfn=2 order=0");
}

TEST(OpText, RoundTrips) {
    for (const Op& op : std::vector<Op>{Associate{25, 511, 1023, 9, false}, Disassociate{3, 9},
                                        Truncate{0, 0}, Pin{1}, Unpin{2},
                                        DisassociateStray{4, 8, 0}}) {
        auto parsed = parse_op(to_text(op));
        ASSERT_TRUE(std::holds_alternative<Op>(parsed)) << to_text(op);
        EXPECT_EQ(std::get<Op>(parsed), op);
    }
}

TEST(OpText, KeyedFieldsInAnyOrderAndExtraSpaces) {
    auto parsed = parse_op("  associate\tA 0   shared=1 order=0 pfn=2 ");
    ASSERT_TRUE(std::holds_alternative<Op>(parsed));
    EXPECT_EQ(std::get<Op>(parsed), (Op{Associate{0, 0, 2, 0, true}}));
}

TEST(OpText, ErrorsSayWhatIsWrong) {
    EXPECT_NE(error_of("frobnicate A 0").find("unknown operation 'frobnicate'"), std::string::npos);
    EXPECT_NE(error_of("associate A 0 pfn=2 order=0").find("needs shared="), std::string::npos);
    EXPECT_NE(error_of("associate A x pfn=2 order=0 shared=0").find("offset must be a decimal"),
              std::string::npos);
    EXPECT_NE(error_of("associate a 0 pfn=2 order=0 shared=0").find("file must be a letter"),
              std::string::npos);
    EXPECT_NE(error_of("associate A 0 pfn=2 order=300 shared=0").find("too large"), std::string::npos);
    EXPECT_NE(error_of("pin 99999999999999999999999").find("too large"), std::string::npos);
    EXPECT_NE(error_of("associate A 0 pfn=2 order=0 shared=2").find("0 or 1"), std::string::npos);
    EXPECT_NE(error_of("pin 1 2").find("unexpected word '2'"), std::string::npos);
    EXPECT_NE(error_of("pin 1 colour=red").find("unknown field 'colour'"), std::string::npos);
    EXPECT_NE(error_of("associate A 0 pfn=1 pfn=2 order=0 shared=0").find("given twice"),
              std::string::npos);
    EXPECT_NE(error_of("disassociate A").find("needs its offset"), std::string::npos);
    EXPECT_NE(error_of("pin -1").find("decimal"), std::string::npos);
    EXPECT_EQ(error_of(""), "empty operation");
}
