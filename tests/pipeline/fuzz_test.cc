// Randomised robustness of CallSession (a fuzz smoke run; longer runs are opt-in):
// random chunks built from the vocabulary detection cares about (digits, number words in
// English and Afrikaans, e-mail words, cues, names, punctuation, screen separators) plus
// random bytes, random speakers, interim flags, sequence gaps and word timings that may be
// wrong, and random hold expiries. Whatever comes in, the session must not crash and must
// keep its contract:
//   - Add() either succeeds or fails with INVALID_ARGUMENT (bad input) and the call ends;
//   - every accepted chunk comes back exactly once (finals once; interims at once), as
//     valid UTF-8, by Finish() at the latest;
//   - a redacted chunk never grows a digit run its input did not have.
//
//   CALLREDACT_FUZZ_CALLS=20000 build/bin/pipeline_tests --gtest_filter='Fuzz*'
// runs longer (default 300 calls, a few seconds; CALLREDACT_FUZZ_SEED picks the seed).
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "detectors/tokenizer.h"
#include "pipeline/call_session.h"
#include "pipeline/policy.h"

namespace callredact {
namespace {

std::shared_ptr<const Engine> FuzzEngine() {
  static const std::shared_ptr<const Engine>* engine = [] {
    auto e = Engine::Load(std::string(CALLREDACT_SOURCE_DIR) + "/models");
    return e.ok() ? new std::shared_ptr<const Engine>(*e) : new std::shared_ptr<const Engine>();
  }();
  return *engine;
}

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

const std::vector<std::string>& Vocabulary() {
  static const auto* words = new std::vector<std::string>{
      "0", "1", "5", "8001015009087", "800101", "5009", "087", "082", "555", "1234", "+27",
      "(0)82", "(081)", "501-8536", "4111", "12/27", "03/28", "1980/01/01", "15-Jun-1982",
      "oh", "zero", "one", "two", "three", "eight", "nine", "double", "triple", "twenty",
      "thirty", "hundred", "thousand", "and", "nul", "een", "agt", "nege", "sewe", "vyf",
      "uh", "um", "ag", "sorry", "i", "mean", "dot", "at", "punt", "by", "underscore",
      "gmail", "com", "co", "za", "thandi", "Thandi", "NKOSI", "Nkosi", "van", "der", "Merwe",
      "my", "name", "is", "ID", "number", "cell", "account", "card", "expiry", "cvv", "pin",
      "otp", "passport", "tax", "date", "of", "birth", "born", "address", "street", "road",
      "unit", "P", "O", "Box", "A", "B", "for", "alpha", "january", "june", "the", "fifteenth",
      "R1", "250.00", "rand", "%", "?", ".", ",", ":", "|", "[", "]", "(", ")", "-", "/",
      "Customer:", "Name:", "DOB:", "ID/Passport", "MOONSAMY/YASHIEL", "signed", "by", "Sisi",
      "a", "s", "d", "l", "m", "i", "n", "\xC3\xA9", "Gr\xC3\xA2" "ce", "\xE2\x80\x99", "@",
      "thandi.nkosi@gmail.com", "****", "#", "\t", "\n"};
  return *words;
}

// Valid UTF-8 noise: ASCII, two- and three-byte sequences.
std::string Noise(std::mt19937_64& rng) {
  static const char* const kPieces[] = {"x", "7", " ", "\xC3\xA9", "\xE2\x82\xAC", "'", "\"",
                                        "\\", "{", "}", "\r\n", "  "};
  std::string s;
  const int n = static_cast<int>(rng() % 12);
  for (int i = 0; i < n; ++i) s += kPieces[rng() % (sizeof kPieces / sizeof *kPieces)];
  return s;
}

// `defect`: 0 for a valid chunk, else one kind of bad input (wrong word count, a word
// that does not match the text, invalid UTF-8).
v1::Chunk RandomChunk(std::mt19937_64& rng, uint64_t seq, int64_t* clock_ms, int defect) {
  v1::Chunk c;
  c.set_seq(seq);
  const int who = static_cast<int>(rng() % 10);
  if (who < 2) {
    c.set_source(v1::SCREEN);
  } else {
    c.set_source(v1::TRANSCRIPT);
    c.set_speaker(who < 6 ? v1::AGENT : v1::CUSTOMER);
    c.set_is_final(rng() % 5 != 0);
  }
  if (c.source() == v1::SCREEN) c.set_is_final(true);
  const auto& vocab = Vocabulary();
  std::string text;
  const int words = static_cast<int>(rng() % 16);
  for (int i = 0; i < words; ++i) {
    if (!text.empty() && rng() % 8 != 0) text += ' ';
    text += rng() % 10 == 0 ? Noise(rng) : vocab[rng() % vocab.size()];
  }
  c.set_text(text);
  if (defect == 3) c.set_text(text + "\xC3");  // A truncated UTF-8 sequence.
  // Word timings: usually present, one per word.
  if (c.source() == v1::TRANSCRIPT && (rng() % 4 != 0 || defect == 1 || defect == 2)) {
    std::vector<std::string_view> split = SplitWords(text);
    size_t n = split.size();
    if (defect == 1) n += 1 + rng() % 2;
    for (size_t i = 0; i < n; ++i) {
      v1::Word* w = c.add_words();
      w->set_text(i < split.size() && !(defect == 2 && i == 0) ? std::string(split[i]) : "w");
      w->set_start_ms(*clock_ms);
      *clock_ms += static_cast<int64_t>(rng() % 9000);
      w->set_end_ms(*clock_ms);
    }
  }
  return c;
}

size_t LongestDigitRun(const std::string& s) {
  size_t best = 0, cur = 0;
  for (char ch : s) {
    cur = (ch >= '0' && ch <= '9') ? cur + 1 : 0;
    if (cur > best) best = cur;
  }
  return best;
}

TEST(FuzzTest, RandomCallsNeverCrashAndKeepTheContract) {
  ASSERT_NE(FuzzEngine(), nullptr);
  const uint64_t calls = EnvOr("CALLREDACT_FUZZ_CALLS", 300);
  const uint64_t seed = EnvOr("CALLREDACT_FUZZ_SEED", 20261130);
  std::mt19937_64 rng(seed);
  size_t chunks_in = 0, rejected_calls = 0;
  for (uint64_t call = 0; call < calls; ++call) {
    SCOPED_TRACE("seed " + std::to_string(seed) + ", call " + std::to_string(call));
    SessionOptions options;
    options.call_id = "fuzz-" + std::to_string(call);
    options.audio_margin_ms = static_cast<uint32_t>(rng() % 200);
    options.max_hold = std::chrono::milliseconds(rng() % 3000);
    CallSession session(FuzzEngine(), Policy::Default(), options);
    std::vector<v1::RedactedChunk> out;
    std::map<uint64_t, const v1::Chunk*> accepted;
    std::vector<v1::Chunk> sent;
    sent.reserve(64);
    int64_t clock_ms = 0;
    uint64_t seq = 0;
    auto now = CallSession::Clock::now();
    bool failed = false;
    const int n = 1 + static_cast<int>(rng() % 40);
    // One call in six gets one bad chunk somewhere: kind 0 repeats the previous seq,
    // kinds 1 to 3 are RandomChunk defects.
    const int bad_at = rng() % 6 == 0 ? static_cast<int>(rng() % n) : -1;
    const int bad_kind = static_cast<int>(rng() % 4);
    for (int i = 0; i < n && !failed; ++i) {
      const bool repeat = i == bad_at && bad_kind == 0 && i > 0;
      const int defect = i == bad_at ? bad_kind : 0;
      if (i > 0 && !repeat) seq += rng() % 5 == 0 ? 2 : 1;  // Gaps in seq are allowed.
      sent.push_back(RandomChunk(rng, seq, &clock_ms, defect));
      now += std::chrono::milliseconds(rng() % 2500);
      absl::Status st = session.Add(sent.back(), &out, now);
      if (!st.ok()) {
        EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st.message();
        failed = true;
        ++rejected_calls;
        break;
      }
      accepted[sent.back().seq()] = &sent.back();
      ++chunks_in;
      if (rng() % 3 == 0) {
        ASSERT_TRUE(session.ExpireHolds(now, &out).ok());
      }
    }
    if (failed) continue;  // The session must not be used after an error.
    ASSERT_TRUE(session.Finish(&out).ok());
    std::map<uint64_t, int> answers;
    for (const v1::RedactedChunk& rc : out) {
      ++answers[rc.seq()];
      ASSERT_TRUE(accepted.count(rc.seq())) << "answer for a chunk never sent";
      EXPECT_TRUE(IsValidUtf8(rc.text())) << "seq " << rc.seq();
      EXPECT_LE(LongestDigitRun(rc.text()), LongestDigitRun(accepted[rc.seq()]->text()))
          << "seq " << rc.seq();
    }
    for (const auto& [s, chunk] : accepted) {
      EXPECT_EQ(answers[s], 1) << "seq " << s << " answered " << answers[s] << " times";
    }
  }
  // The generator must exercise both paths, or the test proves little.
  RecordProperty("chunks_in", static_cast<int>(chunks_in));
  RecordProperty("rejected_calls", static_cast<int>(rejected_calls));
  EXPECT_GT(chunks_in, calls);
  EXPECT_GT(rejected_calls, 0u);
}

}  // namespace
}  // namespace callredact
