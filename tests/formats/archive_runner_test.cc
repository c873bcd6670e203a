#include "tools/archive_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/formats/fake_redactor.h"

namespace callredact {
namespace {

namespace fs = std::filesystem;
using ::callredact::testing::FakeRedact;
using ::testing::HasSubstr;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

std::string Srt(int n) {
  return "1\n00:00:01,000 --> 00:00:02,000\nAGENT: call " + std::to_string(n) +
         " number please\n\n2\n00:00:02,000 --> 00:00:04,000\nCUSTOMER: it is 0821234567\n";
}

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("callredact_archive_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    in_ = root_ / "in";
    out_ = root_ / "out";
    fs::create_directories(in_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // n SRT files spread over a few directories; returns their relative paths.
  std::vector<std::string> MakeTree(int n) {
    std::vector<std::string> rels;
    for (int i = 0; i < n; ++i) {
      std::string rel = "day" + std::to_string(i % 4) + "/call" + std::to_string(i) + ".srt";
      WriteAll(in_ / rel, Srt(i));
      rels.push_back(rel);
    }
    return rels;
  }

  ArchiveOptions Options(int jobs = 2) {
    ArchiveOptions o;
    o.input_dir = in_.string();
    o.output_dir = out_.string();
    o.jobs = jobs;
    o.progress = 0;
    return o;
  }

  // A fake that counts its calls by call id.
  RedactFn Counting() {
    return [this](const v1::Call& call) -> absl::StatusOr<v1::RedactedCall> {
      std::lock_guard<std::mutex> lock(mu_);
      ++calls_[call.config().call_id()];
      return FakeRedact(call);
    };
  }
  size_t TotalCalls() {
    size_t n = 0;
    for (auto& [id, c] : calls_) n += c;
    return n;
  }

  fs::path root_, in_, out_;
  std::mutex mu_;
  std::map<std::string, int> calls_;
};

TEST_F(ArchiveTest, RedactsEveryFormatInATree) {
  WriteAll(in_ / "a/one.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Agent>pin 1234\n");
  WriteAll(in_ / "a/b/two.srt", Srt(2));
  WriteAll(in_ / "three.txt", "AGENT: hello\nCUSTOMER: 0821234567\n");
  WriteAll(in_ / "four.json",
           R"({"segments":[{"start":0.0,"end":1.0,"text":" call 0821234567"}]})");
  WriteAll(in_ / "audio.wav", "RIFF....");               // Not a transcript: ignored.
  WriteAll(in_ / ".hidden/five.txt", "CUSTOMER: 99\n");  // Hidden: ignored.
  absl::StatusOr<ArchiveReport> report = RunArchive(Options(), Counting());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->total, 4u);
  EXPECT_EQ(report->processed, 4u);
  EXPECT_TRUE(report->failed.empty());
  for (const char* rel : {"a/one.vtt", "a/b/two.srt", "three.txt", "four.json"}) {
    SCOPED_TRACE(rel);
    std::string out = ReadAll(out_ / rel);
    EXPECT_FALSE(out.empty());
    EXPECT_THAT(out, HasSubstr("[PHONE_NUMBER]"));
    EXPECT_EQ(out.find("0821234567"), std::string::npos);
    std::string events = ReadAll(out_ / (std::string(rel) + ".events.jsonl"));
    EXPECT_THAT(events, HasSubstr("\"type\":\"PHONE_NUMBER\""));
  }
  EXPECT_EQ(ReadAll(out_ / "three.txt"), "AGENT: hello\nCUSTOMER: [PHONE_NUMBER]\n");
  EXPECT_FALSE(fs::exists(out_ / "audio.wav"));
  EXPECT_FALSE(fs::exists(out_ / ".hidden"));
  // No temporary files are left behind.
  for (auto& e : fs::recursive_directory_iterator(out_)) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST_F(ArchiveTest, FailuresAreReportedAndTheRestIsWritten) {
  std::vector<std::string> rels = MakeTree(6);
  WriteAll(in_ / "broken.vtt", "WEBVTT\n\nnot a cue 8001015009087\nstill not\n");
  RedactFn redact = [](const v1::Call& call) -> absl::StatusOr<v1::RedactedCall> {
    if (call.config().call_id() == "call3") return absl::InternalError("engine failed");
    return FakeRedact(call);
  };
  absl::StatusOr<ArchiveReport> report = RunArchive(Options(3), redact);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->total, 7u);
  EXPECT_EQ(report->processed, 5u);
  ASSERT_EQ(report->failed.size(), 2u);
  EXPECT_EQ(report->failed[0].path, "broken.vtt");
  EXPECT_THAT(report->failed[0].message, HasSubstr("broken.vtt:3:"));
  EXPECT_EQ(report->failed[0].message.find("8001015009087"), std::string::npos);
  EXPECT_EQ(report->failed[1].path, "day3/call3.srt");
  EXPECT_THAT(report->failed[1].message, HasSubstr("engine failed"));
  for (const std::string& rel : rels) {
    EXPECT_EQ(fs::exists(out_ / rel), rel != "day3/call3.srt") << rel;
  }
  EXPECT_FALSE(fs::exists(out_ / "day3/call3.srt.events.jsonl"));
}

TEST_F(ArchiveTest, ExceptionsInTheRedactorAreFailuresToo) {
  MakeTree(3);
  RedactFn redact = [](const v1::Call& call) -> absl::StatusOr<v1::RedactedCall> {
    if (call.config().call_id() == "call1") throw std::runtime_error("secret 0821234567");
    return FakeRedact(call);
  };
  absl::StatusOr<ArchiveReport> report = RunArchive(Options(), redact);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->failed.size(), 1u);
  EXPECT_EQ(report->failed[0].message.find("0821234567"), std::string::npos);
  EXPECT_EQ(report->processed, 2u);
}

// Runs the archive in a child process whose redactor dies (like kill -9) when called for
// the (k+1)-th time; returns the number of complete outputs left behind.
size_t CrashAfter(const ArchiveOptions& options, int k) {
  pid_t pid = fork();
  if (pid == 0) {
    std::atomic<int> calls{0};
    RedactFn redact = [&](const v1::Call& call) -> absl::StatusOr<v1::RedactedCall> {
      if (calls++ == k) _exit(3);
      return FakeRedact(call);
    };
    (void)RunArchive(options, redact);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  size_t complete = 0;
  if (fs::exists(options.output_dir)) {
    for (auto& e : fs::recursive_directory_iterator(options.output_dir)) {
      std::string p = e.path().string();
      if (e.is_regular_file() && p.size() > 4 && p.compare(p.size() - 4, 4, ".srt") == 0) {
        ++complete;
        EXPECT_TRUE(fs::exists(p + ".events.jsonl")) << p;  // Events are written first.
      }
    }
  }
  return complete;
}

TEST_F(ArchiveTest, ResumesAfterACrash) {
  std::vector<std::string> rels = MakeTree(20);
  size_t complete = CrashAfter(Options(1), 7);
  EXPECT_EQ(complete, 7u);  // One worker: exactly the files before the crash.

  absl::StatusOr<ArchiveReport> report = RunArchive(Options(1), Counting());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->skipped, 7u);
  EXPECT_EQ(report->processed, 13u);
  EXPECT_EQ(TotalCalls(), 13u);
  for (auto& [id, n] : calls_) EXPECT_EQ(n, 1) << id;
  for (const std::string& rel : rels) {
    EXPECT_THAT(ReadAll(out_ / rel), HasSubstr("[PHONE_NUMBER]")) << rel;
  }

  // A third run has nothing left to do.
  calls_.clear();
  report = RunArchive(Options(4), Counting());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->skipped, 20u);
  EXPECT_EQ(TotalCalls(), 0u);
}

TEST_F(ArchiveTest, ResumesAfterACrashWithManyWorkers) {
  MakeTree(40);
  size_t complete = CrashAfter(Options(4), 15);
  EXPECT_LE(complete, 15u);
  ArchiveOptions with_bar = Options(4);
  with_bar.progress = 1;  // Exercises the progress thread (output goes to stderr).
  absl::StatusOr<ArchiveReport> report = RunArchive(with_bar, Counting());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->skipped, complete);
  EXPECT_EQ(TotalCalls(), 40u - complete);
  EXPECT_EQ(report->processed + report->skipped, 40u);
  EXPECT_TRUE(report->failed.empty());
}

TEST_F(ArchiveTest, EventsWithoutTranscriptAreRedone) {
  MakeTree(2);
  // As if a crash came between the two renames.
  WriteAll(out_ / "day0/call0.srt.events.jsonl", "partial\n");
  absl::StatusOr<ArchiveReport> report = RunArchive(Options(), Counting());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->processed, 2u);
  EXPECT_THAT(ReadAll(out_ / "day0/call0.srt.events.jsonl"), HasSubstr("PHONE_NUMBER"));
}

TEST_F(ArchiveTest, ShardsCoverEveryFileExactlyOnce) {
  std::vector<std::string> rels = MakeTree(30);
  size_t total = 0;
  std::vector<size_t> per_shard;
  for (uint32_t s = 0; s < 3; ++s) {
    ArchiveOptions o = Options();
    o.shard_index = s;
    o.shard_count = 3;
    absl::StatusOr<ArchiveReport> report = RunArchive(o, Counting());
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->skipped, 0u);  // No shard touched another's files.
    total += report->total;
    per_shard.push_back(report->processed);
  }
  EXPECT_EQ(total, 30u);
  EXPECT_EQ(TotalCalls(), 30u);
  EXPECT_EQ(calls_.size(), 30u);
  for (auto& [id, n] : calls_) EXPECT_EQ(n, 1) << id;
  for (size_t n : per_shard) EXPECT_GT(n, 0u);  // 30 files: every shard gets some.
  for (const std::string& rel : rels) {
    EXPECT_TRUE(fs::exists(out_ / rel)) << rel;
    int owners = 0;
    for (uint32_t s = 0; s < 3; ++s) owners += InShard(rel, s, 3);
    EXPECT_EQ(owners, 1);
  }
}

TEST(Shard, ParsesAndHashes) {
  uint32_t i = 9, n = 9;
  ASSERT_TRUE(ParseShard("2/5", &i, &n).ok());
  EXPECT_EQ(i, 2u);
  EXPECT_EQ(n, 5u);
  for (const char* bad : {"5/5", "1", "a/2", "1/0", "-1/3", "1/3x"}) {
    EXPECT_FALSE(ParseShard(bad, &i, &n).ok()) << bad;
  }
  // FNV-1a 64 reference values.
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST_F(ArchiveTest, RefusesOutputInsideInput) {
  ArchiveOptions o = Options();
  o.output_dir = (in_ / "redacted").string();
  EXPECT_FALSE(RunArchive(o, Counting()).ok());
  o.output_dir = in_.string();
  EXPECT_FALSE(RunArchive(o, Counting()).ok());
  o = Options();
  o.input_dir = (root_ / "missing").string();
  EXPECT_FALSE(RunArchive(o, Counting()).ok());
}

TEST_F(ArchiveTest, CorpusJsonlGoesToItsHandler) {
  WriteAll(in_ / "calls.jsonl", "{\"call_id\":\"a\",\"chunks\":[]}\n");
  absl::StatusOr<ArchiveReport> report = RunArchive(Options(), Counting());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->failed.size(), 1u);
  EXPECT_THAT(report->failed[0].message, HasSubstr("corpus_io"));

  fs::remove_all(out_);
  ArchiveOptions o = Options();
  o.jsonl = [](std::string_view, std::string_view content,
               const RedactFn&) -> absl::StatusOr<RedactedFile> {
    return RedactedFile{std::string(content), ""};
  };
  report = RunArchive(o, Counting());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->processed, 1u);
  EXPECT_TRUE(fs::exists(out_ / "calls.jsonl"));
}

TEST(AtomicWrite, WritesAndReplaces) {
  fs::path dir = fs::temp_directory_path() / ("callredact_atomic_" + std::to_string(getpid()));
  fs::remove_all(dir);
  std::string p = (dir / "x/y.txt").string();
  ASSERT_TRUE(WriteFileAtomically(p, "one").ok());
  ASSERT_TRUE(WriteFileAtomically(p, "two").ok());
  EXPECT_EQ(ReadAll(p), "two");
  size_t files = 0;
  for (auto& e : fs::directory_iterator(dir / "x")) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace callredact
