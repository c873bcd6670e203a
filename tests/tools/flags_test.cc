// FlagSet: the flag syntax and errors shared by every subcommand.
#include "tools/flags.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace callredact {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Options {
  std::string name;
  bool quiet = false;
  int count = 7;
  double ratio = 0;
  std::string mode;
};

FlagSet Flags(Options* o) {
  FlagSet f;
  f.String("name", &o->name)
      .Bool("quiet", &o->quiet)
      .Uint("count", 1, 10, &o->count)
      .Double("ratio", 0.5, &o->ratio)
      .Custom("mode", [o](const std::string& v) {
        if (v != "a" && v != "b") return absl::InvalidArgumentError("a or b");
        o->mode = v;
        return absl::OkStatus();
      });
  return f;
}

TEST(FlagSetTest, BothValueFormsBareBooleansAndPositionals) {
  Options o;
  std::vector<std::string> pos;
  ASSERT_TRUE(Flags(&o)
                  .Parse({"in.jsonl", "--name", "x y", "--count=3", "--quiet", "-",
                          "--ratio", "0.75", "--mode=b", "--", "last"},
                         &pos)
                  .ok());
  EXPECT_EQ(o.name, "x y");
  EXPECT_EQ(o.count, 3);
  EXPECT_TRUE(o.quiet);
  EXPECT_DOUBLE_EQ(o.ratio, 0.75);
  EXPECT_EQ(o.mode, "b");
  EXPECT_THAT(pos, ElementsAre("in.jsonl", "-", "--", "last"));
}

TEST(FlagSetTest, BooleanTakesTrueOrFalseAfterEquals) {
  Options o;
  o.quiet = true;
  std::vector<std::string> pos;
  ASSERT_TRUE(Flags(&o).Parse({"--quiet=false"}, &pos).ok());
  EXPECT_FALSE(o.quiet);
  // A bare boolean never takes the next argument as its value.
  ASSERT_TRUE(Flags(&o).Parse({"--quiet", "false"}, &pos).ok());
  EXPECT_TRUE(o.quiet);
  EXPECT_THAT(pos, ElementsAre("false"));
  absl::Status st = Flags(&o).Parse({"--quiet=yes"}, &pos);
  EXPECT_THAT(std::string(st.message()), HasSubstr("--quiet: true or false"));
}

TEST(FlagSetTest, ErrorsNameTheFlag) {
  Options o;
  std::vector<std::string> pos;
  auto message = [&](std::vector<std::string> args) {
    return std::string(Flags(&o).Parse(args, &pos).message());
  };
  EXPECT_EQ(message({"--bogus"}), "unknown flag --bogus");
  EXPECT_EQ(message({"--bogus=1"}), "unknown flag --bogus");
  EXPECT_EQ(message({"--name"}), "--name: needs a value");
  EXPECT_EQ(message({"--count", "0"}), "--count: a number in 1..10");
  EXPECT_EQ(message({"--count", "11"}), "--count: a number in 1..10");
  EXPECT_EQ(message({"--count", "-1"}), "--count: a number in 1..10");
  EXPECT_EQ(message({"--count", "3x"}), "--count: a number in 1..10");
  EXPECT_EQ(message({"--ratio", "0.1"}), "--ratio: a number >= 0.5");
  EXPECT_EQ(message({"--ratio", "nan"}), "--ratio: a number >= 0.5");
  EXPECT_EQ(message({"--mode", "c"}), "--mode: a or b");
  EXPECT_EQ(o.count, 7);  // Rejected values are not stored.
}

TEST(FlagSetTest, ArgvForm) {
  Options o;
  std::vector<std::string> pos;
  const char* argv[] = {"callredact", "redact", "--name", "n", "file"};
  ASSERT_TRUE(Flags(&o).Parse(5, const_cast<char**>(argv), 2, &pos).ok());
  EXPECT_EQ(o.name, "n");
  EXPECT_THAT(pos, ElementsAre("file"));
}

}  // namespace
}  // namespace callredact
