// End-to-end tests of the `callredact` binary (CALLREDACT_BINARY): `redact` on plain
// text and on a corpus file with events, `eval` on its events, and errors for bad input
// and bad usage. Failure messages never contain chunk text.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/common/check_digits.h"

namespace callredact {
namespace {

using ::callredact::test_support::LuhnDigit;

namespace fs = std::filesystem;
using ::nlohmann::json;


const std::string& Id() {
  static const std::string* id = [] {
    const std::string body = "800101500908";
    return new std::string(body + LuhnDigit(body));
  }();
  return *id;
}

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "callredact_cli_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(fs::exists(CALLREDACT_BINARY)) << "binary not built";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // Runs the binary with `args` (already shell-quoted where needed) and `stdin_text`.
  Result Run(const std::string& args, const std::string& stdin_text = "") {
    const std::string in = Write("stdin.txt", stdin_text);
    const std::string out = (dir_ / "stdout.txt").string();
    const std::string err = (dir_ / "stderr.txt").string();
    const std::string cmd = std::string("'") + CALLREDACT_BINARY + "' " + args + " <'" + in +
                            "' >'" + out + "' 2>'" + err + "'";
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Read(out);
    r.err = Read(err);
    return r;
  }

  fs::path dir_;
};

// A two-call corpus: an ID asked and given, and an e-mail on a screen.
std::string Corpus() {
  const std::string answer = "It's " + Id();
  json c1 = {
      {"call_id", "cli-1"},
      {"chunks",
       {{{"seq", 0},
         {"source", "TRANSCRIPT"},
         {"speaker", "AGENT"},
         {"is_final", true},
         {"text", "Can I have your ID number?"},
         {"words",
          {{{"text", "Can"}, {"start_ms", 0}, {"end_ms", 200}},
           {{"text", "I"}, {"start_ms", 250}, {"end_ms", 300}},
           {{"text", "have"}, {"start_ms", 350}, {"end_ms", 500}},
           {{"text", "your"}, {"start_ms", 550}, {"end_ms", 700}},
           {{"text", "ID"}, {"start_ms", 750}, {"end_ms", 900}},
           {{"text", "number?"}, {"start_ms", 950}, {"end_ms", 1200}}}}},
        {{"seq", 1},
         {"source", "TRANSCRIPT"},
         {"speaker", "CUSTOMER"},
         {"is_final", true},
         {"text", answer},
         {"words",
          {{{"text", "It's"}, {"start_ms", 2000}, {"end_ms", 2200}},
           {{"text", Id()}, {"start_ms", 2300}, {"end_ms", 5000}}}}}}},
      {"entities", {{{"type", "ZA_ID_NUMBER"}, {"parts", {{{"seq", 1}, {"start", 5}, {"end", 18}}}}}}}};
  json c2 = {
      {"call_id", "cli-2"},
      {"chunks",
       {{{"seq", 0},
         {"source", "SCREEN"},
         {"is_final", true},
         {"text", "Email: info.desk@example.co.za"}}}},
      {"entities",
       {{{"type", "EMAIL_ADDRESS"}, {"parts", {{{"seq", 0}, {"start", 7}, {"end", 30}}}}}}}};
  return c1.dump() + "\n" + c2.dump() + "\n";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  return lines;
}

TEST_F(CliTest, RedactsPlainTextFromStdin) {
  Result r = Run("redact", "my id number is " + Id() + "\nthat is all\n");
  EXPECT_EQ(r.exit_code, 0) << "stderr size " << r.err.size();
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(absl::StrContains(r.out, Id())) << "value in output";
  EXPECT_TRUE(absl::StrContains(lines[0], "[ZA_ID_NUMBER]"));
  EXPECT_TRUE(absl::StartsWith(lines[0], "my id number is "));
  EXPECT_EQ(lines[1], "that is all");
}

TEST_F(CliTest, RedactsACorpusWithEventsAndEvaluates) {
  const std::string corpus = Write("corpus.jsonl", Corpus());
  const std::string events = (dir_ / "events.jsonl").string();
  Result r = Run("redact --format corpus --events '" + events + "' '" + corpus + "'");
  ASSERT_EQ(r.exit_code, 0) << "stderr size " << r.err.size();
  EXPECT_FALSE(absl::StrContains(r.out, Id())) << "value in output";
  EXPECT_FALSE(absl::StrContains(r.out, "info.desk")) << "value in output";
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  json first = json::parse(lines[0], nullptr, false);
  ASSERT_FALSE(first.is_discarded());
  EXPECT_EQ(first["call_id"], "cli-1");
  ASSERT_EQ(first["chunks"].size(), 2u);
  EXPECT_EQ(first["chunks"][1]["seq"], 1);
  EXPECT_FALSE(first.contains("entities"));

  const std::string event_text = Read(events);
  EXPECT_FALSE(absl::StrContains(event_text, Id())) << "value in events";
  EXPECT_FALSE(absl::StrContains(event_text, "info.desk")) << "value in events";
  std::vector<std::string> event_lines = Lines(event_text);
  ASSERT_EQ(event_lines.size(), 2u);
  bool id_found = false, email_found = false;
  for (const std::string& line : event_lines) {
    json e = json::parse(line, nullptr, false);
    ASSERT_FALSE(e.is_discarded());
    if (e["call_id"] == "cli-1" && e["type"] == "ZA_ID_NUMBER") {
      id_found = true;
      ASSERT_EQ(e["spans"].size(), 1u);
      EXPECT_EQ(e["spans"][0]["seq"], 1);
      EXPECT_EQ(e["spans"][0]["start"], 5);
      EXPECT_EQ(e["spans"][0]["end"], 18);
      ASSERT_EQ(e["audio"].size(), 1u);
      EXPECT_EQ(e["audio"][0]["speaker"], "CUSTOMER");
      EXPECT_EQ(e["audio"][0]["start_ms"], 2300);
      EXPECT_EQ(e["audio"][0]["end_ms"], 5000);
    }
    if (e["call_id"] == "cli-2" && e["type"] == "EMAIL_ADDRESS") email_found = true;
  }
  EXPECT_TRUE(id_found);
  EXPECT_TRUE(email_found);

  Result ev = Run("eval --corpus '" + corpus + "' --events '" + events + "' --json");
  ASSERT_EQ(ev.exit_code, 0) << "stderr size " << ev.err.size();
  json report = json::parse(ev.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  ASSERT_TRUE(report.contains("overall"));
  EXPECT_EQ(report["overall"]["recall"], 1.0);
  EXPECT_EQ(report["overall"]["leak"], 0.0);

  Result table = Run("eval --corpus '" + corpus + "' --events '" + events + "'");
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_FALSE(table.out.empty());
}

TEST_F(CliTest, MissingFileFails) {
  const std::string missing = (dir_ / "missing.jsonl").string();
  Result r = Run("redact --format corpus '" + missing + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 2) << "a missing file is no usage error";
  EXPECT_TRUE(absl::StrContains(r.err, missing)) << "stderr does not name the file";
  EXPECT_TRUE(r.out.empty());

  Result ev = Run("eval --corpus '" + missing + "' --events '" + missing + "'");
  EXPECT_NE(ev.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(ev.err, missing)) << "stderr does not name the file";
}

TEST_F(CliTest, MalformedLineNamesFileAndLineNotText) {
  // Line 1 is good; line 2 is cut off in the middle of its text.
  std::string good = Lines(Corpus())[0];
  std::string broken = Lines(Corpus())[0];
  broken = broken.substr(0, broken.find(Id()) + 6);
  const std::string corpus = Write("bad.jsonl", good + "\n" + broken + "\n");
  Result r = Run("redact --format corpus '" + corpus + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, corpus + ":2")) << "stderr does not name file:line";
  EXPECT_FALSE(absl::StrContains(r.err, Id().substr(0, 6))) << "stderr reveals text";
  EXPECT_FALSE(absl::StrContains(r.err, "Can I have")) << "stderr reveals text";
  EXPECT_FALSE(absl::StrContains(r.out, Id().substr(0, 6))) << "stdout reveals text";

  // An event file with a bad line.
  const std::string good_corpus = Write("corpus.jsonl", Corpus());
  const std::string events =
      Write("events.jsonl", "{\"call_id\": \"cli-1\", \"type\": \"ZA_ID_NUMBER\", \"confidence\": "
                            "0.9, \"spans\": [{\"seq\": 1, \"start\": 5, \"end\": 18}]}\n"
                            "{\"call_id\": \"cli-1\", \"type\": \"NOT_A_TYPE\"}\n");
  Result ev = Run("eval --corpus '" + good_corpus + "' --events '" + events + "'");
  EXPECT_NE(ev.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(ev.err, events + ":2")) << "stderr does not name file:line";
}

TEST_F(CliTest, BadUsageExitsTwo) {
  struct Case {
    std::string name;
    std::string args;
  };
  const Case kCases[] = {
      {"unknown redact flag", "redact --no-such-flag"},
      {"unknown eval flag", "eval --corpus a --events b --no-such-flag"},
      {"bad format", "redact --format xml"},
      {"flag without value", "redact --format"},
      {"eval without corpus", "eval --events x"},
      {"jobs not a number", "redact --input-dir a --output-dir b --jobs many"},
      {"negative jobs", "redact --input-dir a --output-dir b --jobs -1"},
      {"margin not a number", "mute --events e --margin-ms 1x in.wav out.wav"},
      {"serve positional", "serve extra"},
      {"serve zero streams", "serve --max-streams 0"},
      {"unknown command", "no-such-command"},
      {"no command", ""},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    Result r = Run(c.args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_FALSE(r.err.empty()) << "no usage message";
  }
  Result help = Run("redact --help");
  EXPECT_EQ(help.exit_code, 0);
}

}  // namespace
}  // namespace callredact
