// The streaming property (DESIGN.md, invariant 2): redacting a speaker's text chunk by
// chunk finds the same entities however the chunks are cut. For every call of the dev
// corpora, final TRANSCRIPT chunks are split at random word boundaries into 2 to 4
// pieces (words and timings kept, seq renumbered in order), interim chunks are kept or
// dropped, SCREEN chunks are kept; the entities found in the re-chunked call, mapped back
// to the original chunks, must cover the same characters per type as those found in the
// original call.
//
// Failures name the call id, the re-chunking and original seq/byte offsets only; never
// chunk text.
#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "detectors/engine.h"
#include "gtest/gtest.h"
#include "pipeline/batch.h"
#include "pipeline/policy.h"
#include "tools/corpus_io.h"

namespace callredact {
namespace {

constexpr int kRechunkingsPerCall = 5;
constexpr uint32_t kSeed = 20240611;

// Where a byte of a re-chunked chunk came from.
struct Origin {
  uint64_t seq = 0;     // Original seq.
  uint32_t offset = 0;  // Byte offset of the piece's first byte in the original text.
  bool final = true;
};

struct Rechunked {
  v1::Call call;
  std::map<uint64_t, Origin> origin;  // New seq -> origin.
  std::vector<std::string> cuts;      // "seq S after word W", for failure messages.
};

Rechunked Rechunk(const v1::Call& call, std::mt19937* rng) {
  Rechunked out;
  *out.call.mutable_config() = call.config();
  uint64_t next_seq = 0;
  auto add = [&](v1::Chunk c, Origin o) {
    c.set_seq(next_seq);
    out.origin[next_seq] = o;
    ++next_seq;
    *out.call.add_chunks() = std::move(c);
  };
  for (const v1::Chunk& c : call.chunks()) {
    const bool transcript = c.source() == v1::TRANSCRIPT;
    if (transcript && !c.is_final()) {
      if ((*rng)() % 2 == 0) add(c, {c.seq(), 0, false});  // Keep or drop interim chunks.
      continue;
    }
    std::vector<std::pair<uint32_t, uint32_t>> words = WhitespaceTokens(c.text());
    if (!transcript || words.size() < 2) {
      add(c, {c.seq(), 0, true});
      continue;
    }
    const bool timed = c.words_size() == static_cast<int>(words.size());
    const size_t max_pieces = std::min<size_t>(4, words.size());
    const size_t pieces = 2 + (*rng)() % (max_pieces - 1);
    // Choose pieces - 1 distinct cut points among the word boundaries 1..n-1.
    std::vector<size_t> bounds;
    for (size_t i = 1; i < words.size(); ++i) bounds.push_back(i);
    std::shuffle(bounds.begin(), bounds.end(), *rng);
    bounds.resize(pieces - 1);
    std::sort(bounds.begin(), bounds.end());
    bounds.push_back(words.size());
    size_t from = 0;
    for (size_t to : bounds) {
      v1::Chunk piece = c;
      piece.clear_words();
      const uint32_t b = words[from].first, e = words[to - 1].second;
      piece.set_text(c.text().substr(b, e - b));
      if (timed) {
        for (size_t w = from; w < to; ++w) *piece.add_words() = c.words(static_cast<int>(w));
      }
      if (to != words.size()) out.cuts.push_back(absl::StrCat("seq ", c.seq(), " after word ", to));
      add(std::move(piece), {c.seq(), b, true});
      from = to;
    }
  }
  return out;
}

// Covered (type, original seq, byte) of final chunks, whitespace excluded.
using Covered = std::set<std::tuple<int, uint64_t, uint32_t>>;

Covered CoveredBytes(const v1::RedactedCall& rc, const std::map<uint64_t, Origin>& origin,
                     const std::map<uint64_t, const v1::Chunk*>& original) {
  Covered out;
  for (const v1::RedactedChunk& chunk : rc.chunks()) {
    for (const v1::DetectionEvent& e : chunk.events()) {
      for (const v1::Span& s : e.spans()) {
        auto o = origin.find(s.seq());
        if (o == origin.end() || !o->second.final) continue;
        const std::string& text = original.at(o->second.seq)->text();
        for (uint32_t k = s.start(); k < s.end(); ++k) {
          const uint32_t at = o->second.offset + k;
          if (at >= text.size() || IsAsciiSpace(text[at])) continue;
          out.insert({e.type(), o->second.seq, at});
        }
      }
    }
  }
  return out;
}

// "TYPE seq S [a,b)" ranges of `bytes`, without text.
std::string Describe(const Covered& bytes) {
  std::string out;
  auto it = bytes.begin();
  while (it != bytes.end()) {
    auto [type, seq, start] = *it;
    uint32_t end = start + 1;
    ++it;
    while (it != bytes.end() && std::get<0>(*it) == type && std::get<1>(*it) == seq &&
           std::get<2>(*it) <= end + 1) {
      end = std::get<2>(*it) + 1;
      ++it;
    }
    absl::StrAppend(&out, "  ", v1::EntityType_Name(static_cast<v1::EntityType>(type)),
                    " seq ", seq, " [", start, ",", end, ")\n");
  }
  return out;
}

class StreamingPropertyTest : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    auto engine = Engine::Load(std::string(CALLREDACT_SOURCE_DIR) + "/models");
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = new std::shared_ptr<const Engine>(*engine);
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  static std::shared_ptr<const Engine>* engine_;
};

std::shared_ptr<const Engine>* StreamingPropertyTest::engine_ = nullptr;

TEST_P(StreamingPropertyTest, RechunkingFindsTheSameEntities) {
  ASSERT_NE(engine_, nullptr);
  auto corpus = ReadCorpusFile(std::string(CALLREDACT_CORPUS_DIR) + "/" + GetParam());
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  ASSERT_FALSE(corpus->empty());
  std::shared_ptr<const Policy> policy = Policy::Default();
  std::mt19937 rng(kSeed);
  size_t cuts = 0, failures = 0;
  std::vector<std::string> failed_calls;
  for (const CorpusCall& cc : *corpus) {
    const std::string& id = cc.call.config().call_id();
    std::map<uint64_t, const v1::Chunk*> original;
    std::map<uint64_t, Origin> identity;
    for (const v1::Chunk& c : cc.call.chunks()) {
      original[c.seq()] = &c;
      identity[c.seq()] = {c.seq(), 0, c.source() == v1::SCREEN || c.is_final()};
    }
    auto whole = RedactCall(*engine_, policy, cc.call);
    ASSERT_TRUE(whole.ok()) << id << ": " << whole.status();
    const Covered expected = CoveredBytes(*whole, identity, original);
    for (int r = 0; r < kRechunkingsPerCall; ++r) {
      Rechunked re = Rechunk(cc.call, &rng);
      cuts += re.cuts.size();
      auto split = RedactCall(*engine_, policy, re.call);
      ASSERT_TRUE(split.ok()) << id << " rechunking " << r << ": " << split.status();
      ASSERT_EQ(split->chunks_size(), re.call.chunks_size()) << id;
      const Covered got = CoveredBytes(*split, re.origin, original);
      if (got == expected) continue;
      ++failures;
      if (failed_calls.empty() || failed_calls.back() != id) failed_calls.push_back(id);
      Covered missing, extra;
      std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(),
                          std::inserter(missing, missing.end()));
      std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(),
                          std::inserter(extra, extra.end()));
      std::string cut_list;
      for (const std::string& c : re.cuts) absl::StrAppend(&cut_list, "  ", c, "\n");
      ADD_FAILURE() << "call " << id << ", rechunking " << r << ": entities differ\n"
                    << "cuts:\n" << cut_list
                    << "found whole but not when re-chunked:\n" << Describe(missing)
                    << "found re-chunked but not whole:\n" << Describe(extra);
    }
  }
  // Thousands of cuts over both corpora.
  EXPECT_GT(cuts, 500u);
  std::string ids;
  for (const std::string& id : failed_calls) absl::StrAppend(&ids, " ", id);
  EXPECT_EQ(failures, 0u) << "failing calls:" << ids;
  RecordProperty("cuts", static_cast<int>(cuts));
}

INSTANTIATE_TEST_SUITE_P(Corpora, StreamingPropertyTest,
                         ::testing::Values("dev.jsonl", "dev_styles.jsonl", "probe.jsonl"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param).substr(
                               0, std::string(info.param).find('.'));
                         });

}  // namespace
}  // namespace callredact
