// Tests of the compiled Hyperscan database cache (detectors/hs_cache.h): a hit scans
// exactly like a fresh compile, corrupt, truncated and mismatched files are rebuilt, and
// an unusable directory only turns caching off. Each test uses its own directory through
// CALLREDACT_CACHE_DIR.
#include "detectors/hs_cache.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "detectors/engine.h"
#include "detectors/hyperscan_db.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/batch.h"
#include "pipeline/policy.h"

namespace callredact {
namespace {

namespace fs = std::filesystem;

using Matches = std::vector<std::pair<unsigned int, unsigned long long>>;

std::vector<HsExpression> Expressions(const std::string& extra_word) {
  return {{"\\b\\d{13}\\b", HS_FLAG_CASELESS, 0},
          {"\\bcard ending (in )?\\d{4}\\b", HS_FLAG_CASELESS, 1},
          {"\\b" + extra_word + "\\b", HS_FLAG_CASELESS, 7}};
}

const char kText[] = "my id is 8001015009087 and the Card ending in 4242, said alpha and beta";

Matches ScanAll(const HyperscanDatabase& db) {
  Matches out;
  absl::Status st =
      db.Scan(kText, [&](unsigned int id, unsigned long long to) { out.emplace_back(id, to); });
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

// The widths travel in the cache entry: they must survive a hit too.
std::vector<unsigned int> Widths(const HyperscanDatabase& db, size_t n) {
  std::vector<unsigned int> w;
  for (size_t i = 0; i < n; ++i) w.push_back(db.max_width(i));
  return w;
}

std::vector<fs::path> CacheFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  return files;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

class HsCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hs_cache_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ / "cache";
    if (const char* old = std::getenv("CALLREDACT_CACHE_DIR")) old_ = old, had_old_ = true;
    UseDir(dir_.string());
  }
  void TearDown() override {
    if (had_old_) {
      setenv("CALLREDACT_CACHE_DIR", old_.c_str(), 1);
    } else {
      unsetenv("CALLREDACT_CACHE_DIR");
    }
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(root_, ec);
  }
  static void UseDir(const std::string& dir) { setenv("CALLREDACT_CACHE_DIR", dir.c_str(), 1); }

  std::unique_ptr<HyperscanDatabase> Compile(const std::string& word = "alpha") {
    auto db = HyperscanDatabase::Compile(Expressions(word));
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  fs::path root_, dir_;
  std::string old_;
  bool had_old_ = false;
};

TEST_F(HsCacheTest, HitScansLikeAFreshCompile) {
  const HsCacheStats before = GetHsCacheStats();
  auto fresh = Compile();
  ASSERT_NE(fresh, nullptr);
  HsCacheStats s = GetHsCacheStats();
  EXPECT_EQ(s.misses - before.misses, 1u);
  EXPECT_EQ(s.stored - before.stored, 1u);
  ASSERT_EQ(CacheFiles(dir_).size(), 1u);
  EXPECT_EQ(CacheFiles(dir_)[0].extension(), ".hsdb");
  EXPECT_EQ(fs::status(dir_).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);

  auto cached = Compile();
  ASSERT_NE(cached, nullptr);
  s = GetHsCacheStats();
  EXPECT_EQ(s.hits - before.hits, 1u);
  EXPECT_EQ(s.misses - before.misses, 1u);
  const Matches want = ScanAll(*fresh);
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(ScanAll(*cached), want);
  EXPECT_EQ(Widths(*cached, 3), Widths(*fresh, 3));
  EXPECT_EQ(Widths(*fresh, 3)[0], 13u);
}

TEST_F(HsCacheTest, DifferentExpressionsGetDifferentEntries) {
  auto a = Compile("alpha");
  auto b = Compile("beta");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(CacheFiles(dir_).size(), 2u);
  EXPECT_NE(ScanAll(*a), ScanAll(*b));
}

TEST_F(HsCacheTest, CorruptOrTruncatedFileIsRebuilt) {
  auto fresh = Compile();
  ASSERT_NE(fresh, nullptr);
  const Matches want = ScanAll(*fresh);
  ASSERT_EQ(CacheFiles(dir_).size(), 1u);
  const fs::path file = CacheFiles(dir_)[0];
  const std::string good = ReadFile(file);

  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x20;
  for (const std::string& bad :
       {flipped, good.substr(0, good.size() / 2), std::string("junk"), std::string()}) {
    WriteFile(file, bad);
    const HsCacheStats before = GetHsCacheStats();
    auto rebuilt = Compile();
    ASSERT_NE(rebuilt, nullptr);
    const HsCacheStats after = GetHsCacheStats();
    EXPECT_EQ(after.rejected - before.rejected, 1u);
    EXPECT_EQ(after.stored - before.stored, 1u);
    EXPECT_EQ(ScanAll(*rebuilt), want);
    EXPECT_EQ(ReadFile(file), good);  // Rewritten whole.
  }
  const HsCacheStats before = GetHsCacheStats();
  auto again = Compile();
  EXPECT_EQ(GetHsCacheStats().hits - before.hits, 1u);
  EXPECT_EQ(ScanAll(*again), want);
}

TEST_F(HsCacheTest, FileOfAnotherKeyIsRejected) {
  auto a = Compile("alpha");
  ASSERT_EQ(CacheFiles(dir_).size(), 1u);
  const fs::path file_a = CacheFiles(dir_)[0];
  auto b = Compile("beta");
  ASSERT_EQ(CacheFiles(dir_).size(), 2u);
  fs::path file_b = CacheFiles(dir_)[0] == file_a ? CacheFiles(dir_)[1] : CacheFiles(dir_)[0];
  WriteFile(file_b, ReadFile(file_a));  // A valid entry, under the wrong name.

  const HsCacheStats before = GetHsCacheStats();
  auto b2 = Compile("beta");
  ASSERT_NE(b2, nullptr);
  EXPECT_EQ(GetHsCacheStats().rejected - before.rejected, 1u);
  EXPECT_EQ(ScanAll(*b2), ScanAll(*b));
}

TEST_F(HsCacheTest, UnusableDirectoryOnlyTurnsCachingOff) {
  auto want = ScanAll(*Compile());
  // Under a regular file: cannot be created.
  WriteFile(root_ / "plain", "x");
  UseDir((root_ / "plain" / "cache").string());
  EXPECT_EQ(HsCacheDir(), "");
  HsCacheStats before = GetHsCacheStats();
  auto db = Compile();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(ScanAll(*db), want);
  EXPECT_EQ(GetHsCacheStats().stored, before.stored);
  EXPECT_EQ(GetHsCacheStats().hits, before.hits);

  // Writable by others: its files could have been planted, so it is not read.
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::others_all);
  UseDir(dir_.string());
  EXPECT_EQ(HsCacheDir(), "");
  before = GetHsCacheStats();
  db = Compile();
  EXPECT_EQ(ScanAll(*db), want);
  EXPECT_EQ(GetHsCacheStats().hits, before.hits);

  // Set but empty: off.
  UseDir("");
  EXPECT_EQ(HsCacheDir(), "");
}

TEST_F(HsCacheTest, ReadOnlyDirectoryStillServesItsEntries) {
  auto want = ScanAll(*Compile());
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  const HsCacheStats before = GetHsCacheStats();
  auto db = Compile();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(GetHsCacheStats().hits - before.hits, 1u);
  EXPECT_EQ(ScanAll(*db), want);
}

// The whole engine (patterns and cues; gazetteers are a hash table) redacts identically
// from a cold and a warm cache.
TEST_F(HsCacheTest, EngineFromWarmCacheRedactsIdentically) {
  const std::string models = std::string(CALLREDACT_SOURCE_DIR) + "/models";
  v1::Call call;
  call.mutable_config()->set_call_id("c1");
  const char* lines[] = {"can I have your id number please",
                         "yes it is 8001015009087 my name is John Smith",
                         "and the address is 12 Long Street Cape Town"};
  for (int i = 0; i < 3; ++i) {
    v1::Chunk* c = call.add_chunks();
    c->set_seq(static_cast<uint64_t>(i));
    c->set_source(v1::TRANSCRIPT);
    c->set_speaker(i == 0 ? v1::AGENT : v1::CUSTOMER);
    c->set_is_final(true);
    c->set_text(lines[i]);
  }
  HsCacheStats before = GetHsCacheStats();
  auto cold = Engine::Load(models);
  ASSERT_TRUE(cold.ok()) << cold.status();
  EXPECT_EQ(GetHsCacheStats().stored - before.stored, 1u);  // The patterns and cues.
  before = GetHsCacheStats();
  auto warm = Engine::Load(models);
  ASSERT_TRUE(warm.ok()) << warm.status();
  EXPECT_EQ(GetHsCacheStats().hits - before.hits, 1u);

  auto a = RedactCall(*cold, Policy::Default(), call);
  auto b = RedactCall(*warm, Policy::Default(), call);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  int events = 0;
  for (const auto& c : a->chunks()) events += c.events_size();
  EXPECT_GT(events, 0);
  EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString());
}

}  // namespace
}  // namespace callredact
