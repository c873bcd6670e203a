// Tests of CallSession (pipeline/call_session.h): entities over several chunks, hold-back
// and release, interim hypotheses, hold expiry, input validation, fail-closed faults and
// audio ranges. Failure messages never contain chunk text.
#include "pipeline/call_session.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/policy.h"
#include "tools/corpus_io.h"
#include "tests/common/check_digits.h"

namespace callredact {
namespace {

using ::callredact::test_support::LuhnDigit;

using ::testing::HasSubstr;
using Clock = CallSession::Clock;
using namespace std::chrono_literals;

std::shared_ptr<const Engine> SharedEngine() {
  static const std::shared_ptr<const Engine>* engine = [] {
    auto e = Engine::Load(std::string(CALLREDACT_SOURCE_DIR) + "/models");
    return e.ok() ? new std::shared_ptr<const Engine>(*e) : new std::shared_ptr<const Engine>();
  }();
  return *engine;
}


// A valid SA ID number (1 January 1980), made here, not copied from the corpus.
const std::string& Id() {
  static const std::string* id = [] {
    const std::string body = "800101500908";
    return new std::string(body + LuhnDigit(body));
  }();
  return *id;
}

// Digits spoken one word each ("8" -> "eight").
std::string Spoken(const std::string& digits) {
  static const char* const kWords[] = {"oh",  "one", "two",   "three", "four",
                                       "five", "six", "seven", "eight", "nine"};
  std::string out;
  for (char c : digits) {
    if (!out.empty()) out += " ";
    out += kWords[c - '0'];
  }
  return out;
}

// A final TRANSCRIPT chunk with one word every 300 ms from `start_ms`.
v1::Chunk Said(uint64_t seq, v1::Speaker speaker, const std::string& text, int64_t start_ms,
               bool is_final = true) {
  v1::Chunk c;
  c.set_seq(seq);
  c.set_source(v1::TRANSCRIPT);
  c.set_speaker(speaker);
  c.set_is_final(is_final);
  c.set_text(text);
  int64_t t = start_ms;
  for (std::string_view w : SplitWords(text)) {
    v1::Word* word = c.add_words();
    word->set_text(std::string(w));
    word->set_start_ms(t);
    word->set_end_ms(t + 250);
    t += 300;
  }
  return c;
}

// Whether `text` still shows any of the ID's spoken or written digits.
bool ShowsDigits(const std::string& text) {
  for (const char* w : {"oh", "one", "two", "three", "four", "five", "six", "seven", "eight",
                        "nine", "0", "1", "5", "8", "9"}) {
    // Whole words only: "[REDACTED]" and labels contain none of these as words.
    for (std::string_view tok : SplitWords(text)) {
      if (tok == w) return true;
    }
  }
  return absl::StrContains(text, Id().substr(0, 6));
}

std::vector<uint64_t> Seqs(const std::vector<v1::RedactedChunk>& out) {
  std::vector<uint64_t> seqs;
  for (const auto& rc : out) seqs.push_back(rc.seq());
  return seqs;
}

class CallSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(SharedEngine(), nullptr);
    options_.call_id = "session-test";
  }
  void TearDown() override { CallSession::SetFaultHookForTesting(nullptr); }

  std::unique_ptr<CallSession> NewSession() {
    return std::make_unique<CallSession>(SharedEngine(), Policy::Default(), options_);
  }

  SessionOptions options_;
  const std::string kIdQuestion = "Can I have your ID number please?";
};

// All events of `type` in `out`, with the seq of the chunk each is attached to.
std::vector<std::pair<uint64_t, v1::DetectionEvent>> EventsOf(
    const std::vector<v1::RedactedChunk>& out, v1::EntityType type) {
  std::vector<std::pair<uint64_t, v1::DetectionEvent>> events;
  for (const auto& rc : out) {
    for (const auto& e : rc.events()) {
      if (e.type() == type) events.emplace_back(rc.seq(), e);
    }
  }
  return events;
}

TEST_F(CallSessionTest, NumberOverTwoAndThreeChunksIsOneEntity) {
  const std::vector<std::vector<size_t>> kCuts = {{6, 13}, {6, 10, 13}, {3, 5, 13}};
  for (const auto& cuts : kCuts) {
    SCOPED_TRACE("pieces " + std::to_string(cuts.size()));
    auto session = NewSession();
    std::vector<v1::RedactedChunk> out;
    ASSERT_TRUE(session->Add(Said(0, v1::AGENT, kIdQuestion, 1000), &out).ok());
    std::vector<v1::Chunk> pieces;
    size_t from = 0;
    int64_t t = 4000;
    for (size_t to : cuts) {
      pieces.push_back(Said(pieces.size() + 1, v1::CUSTOMER, Spoken(Id().substr(from, to - from)), t));
      t += 300 * static_cast<int64_t>(to - from) + 500;
      from = to;
    }
    for (const auto& p : pieces) ASSERT_TRUE(session->Add(p, &out).ok());
    ASSERT_TRUE(session->Finish(&out).ok());
    ASSERT_EQ(out.size(), pieces.size() + 1);

    auto ids = EventsOf(out, v1::ZA_ID_NUMBER);
    ASSERT_EQ(ids.size(), 1u) << "one entity, one event";
    EXPECT_EQ(ids[0].first, pieces.back().seq()) << "attached to the completing chunk";
    const v1::DetectionEvent& e = ids[0].second;
    ASSERT_EQ(e.spans_size(), static_cast<int>(pieces.size()));
    for (size_t i = 0; i < pieces.size(); ++i) {
      EXPECT_EQ(e.spans(static_cast<int>(i)).seq(), pieces[i].seq());
      EXPECT_EQ(e.spans(static_cast<int>(i)).start(), 0u);
      EXPECT_EQ(e.spans(static_cast<int>(i)).end(), pieces[i].text().size());
    }
    EXPECT_TRUE(e.confirmed());
    EXPECT_EQ(e.call_id(), "session-test");
    for (const auto& rc : out) {
      EXPECT_FALSE(ShowsDigits(rc.text())) << "seq " << rc.seq();
      if (rc.seq() != pieces.back().seq() && rc.seq() != 0) {
        EXPECT_EQ(rc.events_size(), 0);
      }
    }
  }
}

TEST_F(CallSessionTest, HeldUntilTheNextChunkOrFinish) {
  auto session = NewSession();
  std::vector<v1::RedactedChunk> out;
  ASSERT_TRUE(session->Add(Said(0, v1::AGENT, kIdQuestion, 1000), &out).ok());
  EXPECT_EQ(Seqs(out), std::vector<uint64_t>{0});
  out.clear();
  // An open number at the end: held.
  ASSERT_TRUE(session->Add(Said(1, v1::CUSTOMER, "It's " + Spoken(Id().substr(0, 6)), 4000),
                           &out)
                  .ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(session->held_chunks(), 1u);
  ASSERT_TRUE(session->NextHoldDeadline().has_value());
  // The continuation completes it; both stay held while the number may still go on.
  ASSERT_TRUE(session->Add(Said(2, v1::CUSTOMER, Spoken(Id().substr(6)), 7000), &out).ok());
  EXPECT_TRUE(out.empty());
  // Finish releases both, in order.
  ASSERT_TRUE(session->Finish(&out).ok());
  EXPECT_EQ(Seqs(out), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(session->held_chunks(), 0u);
  EXPECT_FALSE(session->NextHoldDeadline().has_value());
  EXPECT_EQ(EventsOf(out, v1::ZA_ID_NUMBER).size(), 1u);
}

TEST_F(CallSessionTest, ReleasedWhenTheNextChunkClosesTheNumber) {
  auto session = NewSession();
  std::vector<v1::RedactedChunk> out;
  ASSERT_TRUE(session->Add(Said(0, v1::AGENT, kIdQuestion, 1000), &out).ok());
  out.clear();
  ASSERT_TRUE(session->Add(Said(1, v1::CUSTOMER, Spoken(Id()), 4000), &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(session->Add(Said(2, v1::CUSTOMER, "thanks", 9000), &out).ok());
  EXPECT_EQ(Seqs(out), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(EventsOf(out, v1::ZA_ID_NUMBER).size(), 1u);
  // A chunk without an open tail goes out at once.
  out.clear();
  ASSERT_TRUE(session->Add(Said(3, v1::CUSTOMER, "that is all", 10000), &out).ok());
  EXPECT_EQ(Seqs(out), std::vector<uint64_t>{3});
}

TEST_F(CallSessionTest, OtherSpeakerIsNotDelayedByAHeldChunk) {
  auto session = NewSession();
  std::vector<v1::RedactedChunk> out;
  ASSERT_TRUE(session->Add(Said(0, v1::AGENT, kIdQuestion, 1000), &out).ok());
  out.clear();
  ASSERT_TRUE(session->Add(Said(1, v1::CUSTOMER, Spoken(Id().substr(0, 6)), 4000), &out).ok());
  EXPECT_TRUE(out.empty());
  // A short agent acknowledgement while the customer's number is still open.
  ASSERT_TRUE(session->Add(Said(2, v1::AGENT, "okay", 6000), &out).ok());
  EXPECT_EQ(Seqs(out), std::vector<uint64_t>{2});
  EXPECT_EQ(session->held_chunks(), 1u);
  // A screen capture goes out at once too.
  out.clear();
  v1::Chunk screen;
  screen.set_seq(3);
  screen.set_source(v1::SCREEN);
  screen.set_is_final(true);
  screen.set_text("Status: verified");
  ASSERT_TRUE(session->Add(screen, &out).ok());
  EXPECT_EQ(Seqs(out), std::vector<uint64_t>{3});
  out.clear();
  ASSERT_TRUE(session->Add(Said(4, v1::CUSTOMER, Spoken(Id().substr(6)), 6500), &out).ok());
  ASSERT_TRUE(session->Finish(&out).ok());
  EXPECT_EQ(Seqs(out), (std::vector<uint64_t>{1, 4}));
  auto ids = EventsOf(out, v1::ZA_ID_NUMBER);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0].second.spans_size(), 2);
}

TEST_F(CallSessionTest, EveryChunkAnsweredOnceInOrderPerStream) {
  auto corpus = ReadCorpusFile(std::string(CALLREDACT_CORPUS_DIR) + "/dev_styles.jsonl");
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const CorpusCall& cc : *corpus) {
    SCOPED_TRACE(cc.call.config().call_id());
    auto session = NewSession();
    std::vector<v1::RedactedChunk> out;
    for (const v1::Chunk& c : cc.call.chunks()) ASSERT_TRUE(session->Add(c, &out).ok());
    ASSERT_TRUE(session->Finish(&out).ok());
    EXPECT_EQ(session->held_chunks(), 0u);
    std::map<uint64_t, int> answered;
    std::map<uint64_t, int> stream_of;
    for (const v1::Chunk& c : cc.call.chunks()) {
      stream_of[c.seq()] = c.source() == v1::SCREEN ? 2 : c.speaker() == v1::AGENT ? 0 : 1;
    }
    std::map<int, uint64_t> last_final;
    for (const v1::RedactedChunk& rc : out) {
      ASSERT_EQ(stream_of.count(rc.seq()), 1u) << "answer to an unknown seq " << rc.seq();
      ++answered[rc.seq()];
      if (!rc.is_final()) continue;
      const int stream = stream_of[rc.seq()];
      if (last_final.count(stream)) {
        EXPECT_GT(rc.seq(), last_final[stream]) << "out of order in stream " << stream;
      }
      last_final[stream] = rc.seq();
    }
    for (const v1::Chunk& c : cc.call.chunks()) {
      EXPECT_EQ(answered[c.seq()], 1) << "seq " << c.seq();
    }
  }
}

TEST_F(CallSessionTest, InterimAnsweredAtOnceWithOpenTailMasked) {
  auto session = NewSession();
  std::vector<v1::RedactedChunk> out;
  ASSERT_TRUE(session->Add(Said(0, v1::AGENT, kIdQuestion, 1000), &out).ok());
  out.clear();
  ASSERT_TRUE(
      session->Add(Said(1, v1::CUSTOMER, "It's " + Spoken(Id().substr(0, 6)), 4000, false), &out)
          .ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_FALSE(out[0].is_final());
  EXPECT_FALSE(ShowsDigits(out[0].text()));
  EXPECT_TRUE(absl::StartsWith(out[0].text(), "It's ")) << "text before the tail is kept";
  EXPECT_EQ(out[0].events_size(), 0);
  EXPECT_EQ(session->held_chunks(), 0u) << "interim chunks are never held";
  // The final version replaces it and is handled as usual.
  out.clear();
  ASSERT_TRUE(session->Add(Said(2, v1::CUSTOMER, "It's " + Spoken(Id()), 4000), &out).ok());
  ASSERT_TRUE(session->Finish(&out).ok());
  EXPECT_EQ(EventsOf(out, v1::ZA_ID_NUMBER).size(), 1u);
}

// redactor.proto's contract: an interim answer may overtake an earlier final chunk of
// its speaker that is still held; its redaction covers that chunk's open tail too, and
// the held chunk still comes back once, complete, before the next final.
TEST_F(CallSessionTest, InterimOvertakesAHeldFinalAndMasksItsTail) {
  auto session = NewSession();
  std::vector<v1::RedactedChunk> out;
  ASSERT_TRUE(session->Add(Said(0, v1::AGENT, kIdQuestion, 1000), &out).ok());
  out.clear();
  ASSERT_TRUE(session->Add(Said(1, v1::CUSTOMER, Spoken(Id().substr(0, 6)), 4000), &out).ok());
  EXPECT_TRUE(out.empty()) << "the open number is held";
  ASSERT_TRUE(
      session->Add(Said(2, v1::CUSTOMER, Spoken(Id().substr(6, 3)), 6000, false), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seq(), 2u);
  EXPECT_FALSE(ShowsDigits(out[0].text()));
  EXPECT_EQ(session->held_chunks(), 1u);
  out.clear();
  ASSERT_TRUE(session->Add(Said(3, v1::CUSTOMER, Spoken(Id().substr(6)), 6000), &out).ok());
  ASSERT_TRUE(session->Finish(&out).ok());
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_EQ(out[1].seq(), 3u);
  for (const auto& rc : out) EXPECT_FALSE(ShowsDigits(rc.text())) << "seq " << rc.seq();
  EXPECT_EQ(EventsOf(out, v1::ZA_ID_NUMBER).size(), 1u);
}

TEST_F(CallSessionTest, ExpiredHoldReleasesMaskedThenCompletes) {
  options_.max_hold = 1500ms;
  auto session = NewSession();
  std::vector<v1::RedactedChunk> out;
  const Clock::time_point t0 = Clock::now();
  ASSERT_TRUE(session->Add(Said(0, v1::AGENT, kIdQuestion, 1000), &out, t0).ok());
  out.clear();
  ASSERT_TRUE(
      session->Add(Said(1, v1::CUSTOMER, Spoken(Id().substr(0, 6)), 4000), &out, t0).ok());
  ASSERT_TRUE(out.empty());
  ASSERT_TRUE(session->NextHoldDeadline().has_value());
  EXPECT_EQ(*session->NextHoldDeadline(), t0 + 1500ms);
  // Not yet.
  ASSERT_TRUE(session->ExpireHolds(t0 + 1499ms, &out).ok());
  EXPECT_TRUE(out.empty());
  // Expired: released with the tail masked and an unconfirmed event.
  ASSERT_TRUE(session->ExpireHolds(t0 + 1500ms, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_TRUE(out[0].provisional());
  EXPECT_FALSE(ShowsDigits(out[0].text()));
  // The masked candidate is reported, unconfirmed, so its audio is silenced too.
  EXPECT_GE(out[0].events_size(), 1) << "no event for the masked tail";
  for (const auto& e : out[0].events()) {
    EXPECT_FALSE(e.confirmed());
    EXPECT_GT(e.audio_size(), 0);
  }
  EXPECT_EQ(session->held_chunks(), 0u);
  // The continuation arrives later: the entity is completed and reported.
  out.clear();
  ASSERT_TRUE(
      session->Add(Said(2, v1::CUSTOMER, Spoken(Id().substr(6)), 6000), &out, t0 + 2s).ok());
  ASSERT_TRUE(session->Finish(&out).ok());
  ASSERT_EQ(Seqs(out), std::vector<uint64_t>{2}) << "seq 1 is never sent again";
  EXPECT_FALSE(ShowsDigits(out[0].text()));
  auto ids = EventsOf(out, v1::ZA_ID_NUMBER);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(ids[0].second.confirmed());
  ASSERT_EQ(ids[0].second.spans_size(), 2);
  EXPECT_EQ(ids[0].second.spans(0).seq(), 1u);
  EXPECT_EQ(ids[0].second.spans(1).seq(), 2u);
}

// ---- Bad input ---------------------------------------------------------------------

constexpr char kSecret[] = "SECRETVALUE";

TEST_F(CallSessionTest, BadInputNamesTheFieldNeverTheText) {
  struct Case {
    std::string name;
    std::vector<v1::Chunk> chunks;  // The last one is bad.
    std::string field;
  };
  const std::string text = std::string("my id is ") + kSecret;
  v1::Chunk ok0 = Said(5, v1::CUSTOMER, text, 1000);
  v1::Chunk same_seq = Said(5, v1::AGENT, text, 2000);
  v1::Chunk lower_seq = Said(4, v1::AGENT, text, 2000);
  v1::Chunk no_speaker = Said(6, v1::SPEAKER_UNSPECIFIED, text, 2000);
  v1::Chunk no_source = Said(6, v1::AGENT, text, 2000);
  no_source.set_source(v1::SOURCE_UNSPECIFIED);
  v1::Chunk big = Said(6, v1::AGENT, "", 2000);
  big.set_text(std::string(70 * 1024, 'a') + " " + kSecret);
  v1::Chunk bad_utf8 = Said(6, v1::AGENT, text, 2000);
  bad_utf8.set_text(text + " \xc3");
  bad_utf8.clear_words();
  v1::Chunk few_words = Said(6, v1::AGENT, text, 2000);
  few_words.mutable_words()->RemoveLast();
  v1::Chunk wrong_word = Said(6, v1::AGENT, text, 2000);
  wrong_word.mutable_words(3)->set_text(std::string(kSecret) + "X");
  v1::Chunk bad_time = Said(6, v1::AGENT, text, 2000);
  bad_time.mutable_words(1)->set_end_ms(bad_time.words(1).start_ms() - 1);
  const Case kCases[] = {
      {"seq repeated", {ok0, same_seq}, "chunk.seq"},
      {"seq decreasing", {ok0, lower_seq}, "chunk.seq"},
      {"missing speaker", {ok0, no_speaker}, "chunk.speaker"},
      {"missing source", {ok0, no_source}, "chunk.source"},
      {"over-size text", {ok0, big}, "chunk.text"},
      {"invalid UTF-8", {ok0, bad_utf8}, "chunk.text"},
      {"fewer words than tokens", {ok0, few_words}, "chunk.words"},
      {"word text differs", {ok0, wrong_word}, "chunk.words"},
      {"word ends before it starts", {ok0, bad_time}, "chunk.words"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    auto session = NewSession();
    std::vector<v1::RedactedChunk> out;
    absl::Status st;
    for (const v1::Chunk& chunk : c.chunks) {
      st = session->Add(chunk, &out);
      if (&chunk != &c.chunks.back()) {
        ASSERT_TRUE(st.ok()) << st.code();
      }
    }
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    const std::string message(st.message());
    EXPECT_THAT(message, HasSubstr(c.field)) << "field not named";
    EXPECT_FALSE(absl::StrContains(message, kSecret)) << "message reveals chunk text";
    EXPECT_FALSE(absl::StrContains(message, "my id")) << "message reveals chunk text";
    for (const auto& rc : out) {
      EXPECT_FALSE(absl::StrContains(rc.text(), "\xc3")) << "bad chunk answered";
    }
  }
}

// ---- Fail closed -------------------------------------------------------------------

const char* g_fail_stage = nullptr;

absl::Status FailAt(const char* stage) {
  if (g_fail_stage != nullptr && std::string(stage) == g_fail_stage) {
    return absl::InternalError(std::string("injected fault at ") + stage);
  }
  return absl::OkStatus();
}

TEST_F(CallSessionTest, FaultAtEveryStageFailsClosed) {
  CallSession::SetFaultHookForTesting(&FailAt);
  for (const char* stage : {"tokenize", "detect", "redact", "release"}) {
    for (bool final_chunk : {true, false}) {
      SCOPED_TRACE(std::string(stage) + (final_chunk ? " final" : " interim"));
      g_fail_stage = nullptr;
      auto session = NewSession();
      std::vector<v1::RedactedChunk> out;
      ASSERT_TRUE(session->Add(Said(0, v1::AGENT, kIdQuestion, 1000), &out).ok());
      ASSERT_TRUE(session->Add(Said(1, v1::CUSTOMER, Spoken(Id().substr(0, 6)), 4000), &out).ok());
      g_fail_stage = stage;
      absl::Status st =
          session->Add(Said(2, v1::CUSTOMER, Spoken(Id().substr(6)) + " " + Id(), 6000,
                            final_chunk),
                       &out);
      if (!final_chunk && std::string(stage) == "release") {
        // Interim chunks have no release stage.
        EXPECT_TRUE(st.ok());
      } else {
        EXPECT_EQ(st.code(), absl::StatusCode::kInternal);
        EXPECT_FALSE(absl::StrContains(st.message(), Id()));
        // The session is over; Finish must not flush the held text.
        g_fail_stage = nullptr;
        absl::Status fin = session->Finish(&out);
        EXPECT_FALSE(fin.ok());
      }
      for (const auto& rc : out) {
        EXPECT_FALSE(ShowsDigits(rc.text())) << "raw digits released in seq " << rc.seq();
      }
      g_fail_stage = nullptr;
    }
  }
}

// ---- Audio ranges ------------------------------------------------------------------

TEST_F(CallSessionTest, AudioRangesFromWordTimingsPlusMargin) {
  struct Case {
    uint32_t margin;
    int64_t start;  // Start of the first chunk's first word.
  };
  for (const Case& c : {Case{0, 4000}, Case{200, 4000}, Case{500, 100}}) {
    SCOPED_TRACE("margin " + std::to_string(c.margin) + " start " + std::to_string(c.start));
    options_.audio_margin_ms = c.margin;
    auto session = NewSession();
    std::vector<v1::RedactedChunk> out;
    ASSERT_TRUE(session->Add(Said(0, v1::AGENT, kIdQuestion, 0), &out).ok());
    // "It's" then 6 digit words, then a second chunk of 7 digit words.
    v1::Chunk a = Said(1, v1::CUSTOMER, "It's " + Spoken(Id().substr(0, 6)), c.start);
    v1::Chunk b = Said(2, v1::CUSTOMER, Spoken(Id().substr(6)), c.start + 3000);
    ASSERT_TRUE(session->Add(a, &out).ok());
    ASSERT_TRUE(session->Add(b, &out).ok());
    ASSERT_TRUE(session->Finish(&out).ok());
    auto ids = EventsOf(out, v1::ZA_ID_NUMBER);
    ASSERT_EQ(ids.size(), 1u);
    const v1::DetectionEvent& e = ids[0].second;
    ASSERT_EQ(e.audio_size(), 1);
    EXPECT_EQ(e.audio(0).speaker(), v1::CUSTOMER);
    const int64_t first_word = a.words(1).start_ms();
    const int64_t last_word = b.words(b.words_size() - 1).end_ms();
    EXPECT_EQ(e.audio(0).start_ms(), std::max<int64_t>(0, first_word - c.margin));
    EXPECT_EQ(e.audio(0).end_ms(), last_word + c.margin);
    EXPECT_TRUE(e.mute_audio()) << "the default policy mutes audio";
  }
}

TEST_F(CallSessionTest, ScreenEventsHaveNoAudio) {
  auto session = NewSession();
  std::vector<v1::RedactedChunk> out;
  v1::Chunk screen;
  screen.set_seq(0);
  screen.set_source(v1::SCREEN);
  screen.set_is_final(true);
  screen.set_text("ID Number: " + Id());
  ASSERT_TRUE(session->Add(screen, &out).ok());
  ASSERT_EQ(out.size(), 1u) << "screen chunks are never held";
  auto ids = EventsOf(out, v1::ZA_ID_NUMBER);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0].second.audio_size(), 0);
  ASSERT_EQ(ids[0].second.spans_size(), 1);
  EXPECT_EQ(ids[0].second.spans(0).start(), 11u);
  EXPECT_EQ(ids[0].second.spans(0).end(), 11u + Id().size());
  EXPECT_EQ(out[0].text(), "ID Number: [ZA_ID_NUMBER]");
}

}  // namespace
}  // namespace callredact
