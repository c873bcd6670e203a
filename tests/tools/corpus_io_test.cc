// Tests of the corpus and event-file readers and writers (tools/corpus_io.h).
#include "tools/corpus_io.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace callredact {
namespace {

using ::nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Values that appear in the chunk texts of the test lines and must never appear in an
// error message.
const char* const kSecrets[] = {"secret", "8001015009087", "Zo\xc3\xab", "dlamini"};

void ExpectNoText(const std::string& message) {
  const std::string lower = absl::AsciiStrToLower(message);
  for (const char* secret : kSecrets) {
    EXPECT_FALSE(absl::StrContains(lower, absl::AsciiStrToLower(secret)))
        << "error message reveals text: " << message;
  }
}

// A valid call: an AGENT chunk with an ID number, an interim CUSTOMER chunk and a SCREEN
// chunk with a name containing a two-byte character ("Zoë": bytes 6..10 of seq 2).
json BaseCall() {
  return json::parse(R"json({
    "call_id": "c1",
    "chunks": [
      {"seq": 0, "source": "TRANSCRIPT", "speaker": "AGENT", "is_final": true,
       "text": "my id SECRET8001015009087",
       "words": [{"text": "my", "start_ms": 0, "end_ms": 100},
                 {"text": "id", "start_ms": 100, "end_ms": 200},
                 {"text": "SECRET8001015009087", "start_ms": 200, "end_ms": 900}]},
      {"seq": 1, "source": "TRANSCRIPT", "speaker": "CUSTOMER", "is_final": false,
       "text": "Zo\u00eb secret",
       "words": [{"text": "Zo\u00eb", "start_ms": 1000, "end_ms": 1300},
                 {"text": "secret", "start_ms": 1300, "end_ms": 1500}]},
      {"seq": 2, "source": "SCREEN", "is_final": true,
       "text": "Name: Zo\u00eb Dlamini\nID:  SECRET"}
    ],
    "entities": [
      {"type": "ZA_ID_NUMBER", "parts": [{"seq": 0, "start": 6, "end": 25}]},
      {"type": "PERSON_NAME", "parts": [{"seq": 2, "start": 6, "end": 18}]},
      {"type": "PERSON_NAME", "interim": true, "parts": [{"seq": 1, "start": 0, "end": 4}]},
      {"type": "IGNORE", "parts": [{"seq": 0, "start": 0, "end": 2}]}
    ]})json");
}

absl::Status ReadAll(const std::string& text, std::vector<CorpusCall>* calls) {
  std::istringstream in(text);
  return ReadCorpus(in, "t.jsonl", [calls](CorpusCall&& call) {
    calls->push_back(std::move(call));
    return absl::OkStatus();
  });
}

TEST(ReadCorpusTest, ParsesAGoodLine) {
  std::vector<CorpusCall> calls;
  // A blank line and a CRLF line ending are accepted.
  ASSERT_TRUE(ReadAll(BaseCall().dump() + "\r\n\n" + BaseCall().dump() + "\n", &calls).ok());
  ASSERT_EQ(calls.size(), 2u);
  const CorpusCall& c = calls[0];
  EXPECT_EQ(c.call.config().call_id(), "c1");
  ASSERT_EQ(c.call.chunks_size(), 3);
  const v1::Chunk& c0 = c.call.chunks(0);
  EXPECT_EQ(c0.seq(), 0u);
  EXPECT_EQ(c0.source(), v1::TRANSCRIPT);
  EXPECT_EQ(c0.speaker(), v1::AGENT);
  EXPECT_TRUE(c0.is_final());
  EXPECT_EQ(c0.text(), "my id SECRET8001015009087");
  ASSERT_EQ(c0.words_size(), 3);
  EXPECT_EQ(c0.words(2).text(), "SECRET8001015009087");
  EXPECT_EQ(c0.words(2).start_ms(), 200);
  EXPECT_EQ(c0.words(2).end_ms(), 900);
  EXPECT_EQ(c.call.chunks(1).speaker(), v1::CUSTOMER);
  EXPECT_FALSE(c.call.chunks(1).is_final());
  EXPECT_EQ(c.call.chunks(2).source(), v1::SCREEN);
  EXPECT_EQ(c.call.chunks(2).speaker(), v1::SPEAKER_UNSPECIFIED);
  EXPECT_EQ(c.call.chunks(2).words_size(), 0);
  ASSERT_EQ(c.entities.size(), 4u);
  EXPECT_EQ(c.entities[0].type, "ZA_ID_NUMBER");
  ASSERT_EQ(c.entities[0].parts.size(), 1u);
  EXPECT_EQ(c.entities[0].parts[0].seq, 0u);
  EXPECT_EQ(c.entities[0].parts[0].start, 6u);
  EXPECT_EQ(c.entities[0].parts[0].end, 25u);
  EXPECT_FALSE(c.entities[0].interim);
  EXPECT_TRUE(c.entities[2].interim);
  EXPECT_EQ(c.entities[3].type, "IGNORE");
}

TEST(ReadCorpusTest, EntitiesAreOptional) {
  json call = BaseCall();
  call.erase("entities");
  std::vector<CorpusCall> calls;
  ASSERT_TRUE(ReadAll(call.dump(), &calls).ok());
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(calls[0].entities.empty());
}

TEST(ReadCorpusTest, StopsAtTheCallbacksError) {
  std::istringstream in(BaseCall().dump() + "\n" + BaseCall().dump() + "\n");
  int seen = 0;
  absl::Status s = ReadCorpus(in, "t.jsonl", [&seen](CorpusCall&&) {
    ++seen;
    return absl::CancelledError("enough");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(seen, 1);
}

struct BadCorpusCase {
  std::string what;
  // Either a raw line or a change to BaseCall().
  std::string raw;
  std::function<void(json&)> change;
  std::string message;  // Expected after "t.jsonl:2: ".
};

TEST(ReadCorpusTest, RejectsBadInputNamingLineAndField) {
  const std::vector<BadCorpusCase> cases = {
      {"bad escape inside text",
       R"({"call_id": "c1", "chunks": [{"text": "SECRET8001015009087 \q"}]})",
       nullptr, "invalid JSON at byte"},
      {"truncated line", R"({"call_id": "c1", "chunks": [{"text": "SECRET8001015009087)", nullptr,
       "invalid JSON at byte"},
      {"invalid UTF-8 in text", "{\"call_id\": \"c1\", \"chunks\": [{\"text\": \"secret \xff\"}]}",
       nullptr, "invalid JSON at byte"},
      {"not an object", "[\"secret\"]", nullptr, "line: must be a JSON object"},
      {"missing call_id", "", [](json& j) { j.erase("call_id"); }, "call_id: missing"},
      {"call_id number", "", [](json& j) { j["call_id"] = 7; }, "call_id: must be a string"},
      {"call_id empty", "", [](json& j) { j["call_id"] = ""; }, "call_id: must not be empty"},
      {"missing chunks", "", [](json& j) { j.erase("chunks"); }, "chunks: missing"},
      {"chunks object", "", [](json& j) { j["chunks"] = json::object(); },
       "chunks: must be an array"},
      {"chunk not object", "", [](json& j) { j["chunks"][0] = "secret"; },
       "chunks[0]: must be a JSON object"},
      {"missing seq", "", [](json& j) { j["chunks"][0].erase("seq"); }, "chunks[0].seq: missing"},
      {"negative seq", "", [](json& j) { j["chunks"][0]["seq"] = -1; },
       "chunks[0].seq: must not be negative"},
      {"string seq", "", [](json& j) { j["chunks"][0]["seq"] = "0"; },
       "chunks[0].seq: must be an integer"},
      {"fractional seq", "", [](json& j) { j["chunks"][0]["seq"] = 0.5; },
       "chunks[0].seq: must be an integer"},
      {"seq not increasing", "", [](json& j) { j["chunks"][1]["seq"] = 0; },
       "chunks[1].seq: 0 is not greater than the previous chunk's 0"},
      {"unknown source", "", [](json& j) { j["chunks"][0]["source"] = "SECRET8001015009087"; },
       "chunks[0].source: unknown source"},
      {"missing source", "", [](json& j) { j["chunks"][0].erase("source"); },
       "chunks[0].source: missing"},
      {"unknown speaker", "", [](json& j) { j["chunks"][1]["speaker"] = "Secret Dlamini"; },
       "chunks[1].speaker: unknown speaker"},
      {"transcript without speaker", "", [](json& j) { j["chunks"][0].erase("speaker"); },
       "chunks[0].speaker: missing"},
      {"screen with speaker", "", [](json& j) { j["chunks"][2]["speaker"] = "AGENT"; },
       "chunks[2].speaker: must be absent for SCREEN chunks"},
      {"is_final string", "", [](json& j) { j["chunks"][0]["is_final"] = "true"; },
       "chunks[0].is_final: must be true or false"},
      {"missing is_final", "", [](json& j) { j["chunks"][2].erase("is_final"); },
       "chunks[2].is_final: missing"},
      {"missing text", "", [](json& j) { j["chunks"][0].erase("text"); },
       "chunks[0].text: missing"},
      {"text number", "", [](json& j) { j["chunks"][0]["text"] = 8001015009087; },
       "chunks[0].text: must be a string"},
      {"words object", "", [](json& j) { j["chunks"][0]["words"] = json::object(); },
       "chunks[0].words: must be an array"},
      {"too few words", "", [](json& j) { j["chunks"][0]["words"].erase(2); },
       "chunks[0].words: 2 entries for 3 tokens of text"},
      {"word without text", "", [](json& j) { j["chunks"][0]["words"][2].erase("text"); },
       "chunks[0].words[2].text: missing"},
      {"word start_ms float", "", [](json& j) { j["chunks"][0]["words"][1]["start_ms"] = 1.5; },
       "chunks[0].words[1].start_ms: must be an integer"},
      {"word start_ms negative", "",
       [](json& j) { j["chunks"][0]["words"][0]["start_ms"] = -5; },
       "chunks[0].words[0].start_ms: must not be negative"},
      {"word ends before start", "", [](json& j) { j["chunks"][0]["words"][1]["end_ms"] = 50; },
       "chunks[0].words[1].end_ms: 50 is before start_ms 100"},
      {"entities object", "", [](json& j) { j["entities"] = json::object(); },
       "entities: must be an array"},
      {"unknown type", "", [](json& j) { j["entities"][0]["type"] = "SECRET_THING"; },
       "entities[0].type: unknown entity type"},
      {"unspecified type", "",
       [](json& j) { j["entities"][0]["type"] = "ENTITY_TYPE_UNSPECIFIED"; },
       "entities[0].type: unknown entity type"},
      {"missing type", "", [](json& j) { j["entities"][1].erase("type"); },
       "entities[1].type: missing"},
      {"interim string", "", [](json& j) { j["entities"][0]["interim"] = "yes"; },
       "entities[0].interim: must be true or false"},
      {"missing parts", "", [](json& j) { j["entities"][0].erase("parts"); },
       "entities[0].parts: missing"},
      {"empty parts", "", [](json& j) { j["entities"][0]["parts"] = json::array(); },
       "entities[0].parts: must not be empty"},
      {"part unknown seq", "", [](json& j) { j["entities"][0]["parts"][0]["seq"] = 9; },
       "entities[0].parts[0].seq: no chunk with seq 9"},
      {"part missing end", "", [](json& j) { j["entities"][0]["parts"][0].erase("end"); },
       "entities[0].parts[0].end: missing"},
      {"part end past text", "", [](json& j) { j["entities"][0]["parts"][0]["end"] = 26; },
       "entities[0].parts[0].end: 26 is past the end of text (25 bytes)"},
      {"part end before start", "", [](json& j) { j["entities"][0]["parts"][0]["end"] = 3; },
       "entities[0].parts[0].end: 3 is before start 6"},
      {"part empty", "", [](json& j) { j["entities"][0]["parts"][0]["end"] = 6; },
       "entities[0].parts[0]: empty span"},
      {"part start beyond 32 bits", "",
       [](json& j) { j["entities"][0]["parts"][0]["start"] = 5000000000; },
       "entities[0].parts[0].start: must be at most 4294967295"},
      {"part start inside a character", "",
       [](json& j) { j["entities"][1]["parts"][0]["start"] = 9; },
       "entities[1].parts[0].start: 9 is not on a UTF-8 character boundary"},
      {"part end inside a character", "",
       [](json& j) { j["entities"][1]["parts"][0]["end"] = 9; },
       "entities[1].parts[0].end: 9 is not on a UTF-8 character boundary"},
  };
  for (const BadCorpusCase& c : cases) {
    SCOPED_TRACE(c.what);
    std::string line = c.raw;
    if (c.change) {
      json call = BaseCall();
      c.change(call);
      line = call.dump();
    }
    std::vector<CorpusCall> calls;
    // The bad line is line 2, after a good one.
    absl::Status s = ReadAll(BaseCall().dump() + "\n" + line + "\n", &calls);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), HasSubstr("t.jsonl:2: " + c.message));
    ExpectNoText(std::string(s.message()));
    EXPECT_EQ(calls.size(), 1u);
  }
}

TEST(ReadCorpusFileTest, MissingFileIsNotFound) {
  absl::StatusOr<std::vector<CorpusCall>> calls = ReadCorpusFile("/nonexistent/x.jsonl");
  EXPECT_EQ(calls.status().code(), absl::StatusCode::kNotFound);
}

TEST(WhitespaceTokensTest, SplitsOnRunsOfAsciiWhitespace) {
  using P = std::pair<uint32_t, uint32_t>;
  EXPECT_THAT(WhitespaceTokens("  a bc\n\td  "), ElementsAre(P(2, 3), P(4, 6), P(8, 9)));
  EXPECT_THAT(WhitespaceTokens(""), ElementsAre());
  EXPECT_THAT(WhitespaceTokens("Zo\xc3\xab x"), ElementsAre(P(0, 4), P(5, 6)));
}

v1::DetectionEvent SampleEvent() {
  v1::DetectionEvent e;
  e.set_call_id("dev-00007");
  e.set_type(v1::ZA_ID_NUMBER);
  e.set_confidence(0.99);
  e.set_detector("za_id.spoken");
  e.set_confirmed(true);
  v1::Span* s = e.add_spans();
  s->set_seq(1);
  s->set_start(0);
  s->set_end(22);
  s = e.add_spans();
  s->set_seq(2);
  s->set_start(0);
  s->set_end(30);
  v1::AudioRange* a = e.add_audio();
  a->set_speaker(v1::CUSTOMER);
  a->set_start_ms(9120);
  a->set_end_ms(14870);
  return e;
}

TEST(EventJsonTest, WritesTheFormatSchemaInOrder) {
  EXPECT_EQ(EventToJsonLine(SampleEvent()),
            R"({"call_id":"dev-00007","type":"ZA_ID_NUMBER","confidence":0.99,)"
            R"("spans":[{"seq":1,"start":0,"end":22},{"seq":2,"start":0,"end":30}],)"
            R"("audio":[{"speaker":"CUSTOMER","start_ms":9120,"end_ms":14870}],)"
            R"("detector":"za_id.spoken","confirmed":true,"mute_audio":false})");
  v1::DetectionEvent e;
  e.set_call_id("c");
  e.set_type(v1::PERSON_NAME);
  e.set_confidence(0.5);
  e.set_pseudonym("PN-1a2b");
  e.set_key_id("k7");
  EXPECT_EQ(EventToJsonLine(e),
            R"({"call_id":"c","type":"PERSON_NAME","confidence":0.5,"spans":[],"audio":[],)"
            R"("confirmed":false,"mute_audio":false,"pseudonym":"PN-1a2b","key_id":"k7"})");
}

void ExpectSameRecord(const EventRecord& a, const EventRecord& b) {
  EXPECT_EQ(a.call_id, b.call_id);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.confidence, b.confidence);
  ASSERT_EQ(a.spans.size(), b.spans.size());
  for (size_t i = 0; i < a.spans.size(); ++i) {
    EXPECT_EQ(a.spans[i].seq, b.spans[i].seq);
    EXPECT_EQ(a.spans[i].start, b.spans[i].start);
    EXPECT_EQ(a.spans[i].end, b.spans[i].end);
  }
  ASSERT_EQ(a.audio.size(), b.audio.size());
  for (size_t i = 0; i < a.audio.size(); ++i) {
    EXPECT_EQ(a.audio[i].speaker, b.audio[i].speaker);
    EXPECT_EQ(a.audio[i].start_ms, b.audio[i].start_ms);
    EXPECT_EQ(a.audio[i].end_ms, b.audio[i].end_ms);
  }
  EXPECT_EQ(a.detector, b.detector);
  EXPECT_EQ(a.confirmed, b.confirmed);
}

TEST(EventJsonTest, RoundTrips) {
  std::vector<v1::DetectionEvent> events = {SampleEvent(), SampleEvent()};
  events[1].set_confirmed(false);
  events[1].set_confidence(0.123456789);
  events[1].clear_audio();
  events[1].set_type(v1::STREET_ADDRESS);
  std::string text;
  for (const v1::DetectionEvent& e : events) text += EventToJsonLine(e) + "\n";
  std::istringstream in(text);
  std::vector<EventRecord> read;
  ASSERT_TRUE(ReadEvents(in, "e.jsonl", [&read](EventRecord&& r) {
                read.push_back(std::move(r));
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(read.size(), 2u);
  for (size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSameRecord(read[i], EventToRecord(events[i]));
    EXPECT_EQ(read[i].origin, "e.jsonl:" + std::to_string(i + 1));
  }
}

TEST(EventJsonTest, ReadsTheFormatExampleWithoutExtras) {
  std::istringstream in(
      R"({"call_id": "dev-00007", "type": "ZA_ID_NUMBER", "confidence": 1,)"
      R"( "spans": [{"seq": 1, "start": 0, "end": 22}]})");
  std::vector<EventRecord> read;
  ASSERT_TRUE(ReadEvents(in, "e.jsonl", [&read](EventRecord&& r) {
                read.push_back(std::move(r));
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].confidence, 1.0);
  EXPECT_TRUE(read[0].audio.empty());
  EXPECT_TRUE(read[0].confirmed);
  EXPECT_EQ(read[0].detector, "");
}

struct BadEventCase {
  std::string what;
  std::string raw;
  std::function<void(json&)> change;
  std::string message;
};

TEST(EventJsonTest, RejectsBadInputNamingLineAndField) {
  const json good = json::parse(EventToJsonLine(SampleEvent()));
  const std::vector<BadEventCase> cases = {
      {"invalid JSON", R"({"call_id": "SECRET8001015009087)", nullptr, "invalid JSON at byte"},
      {"not an object", "3", nullptr, "line: must be a JSON object"},
      {"missing call_id", "", [](json& j) { j.erase("call_id"); }, "call_id: missing"},
      {"empty call_id", "", [](json& j) { j["call_id"] = ""; }, "call_id: must not be empty"},
      {"missing type", "", [](json& j) { j.erase("type"); }, "type: missing"},
      {"unknown type", "", [](json& j) { j["type"] = "SECRET8001015009087"; },
       "type: unknown entity type"},
      {"missing confidence", "", [](json& j) { j.erase("confidence"); }, "confidence: missing"},
      {"confidence string", "", [](json& j) { j["confidence"] = "0.9"; },
       "confidence: must be a number"},
      {"confidence above 1", "", [](json& j) { j["confidence"] = 1.5; },
       "confidence: must be between 0 and 1"},
      {"missing spans", "", [](json& j) { j.erase("spans"); }, "spans: missing"},
      {"span not object", "", [](json& j) { j["spans"][1] = 4; },
       "spans[1]: must be a JSON object"},
      {"span end before start", "", [](json& j) { j["spans"][1]["start"] = 31; },
       "spans[1].end: 30 is before start 31"},
      {"span seq negative", "", [](json& j) { j["spans"][0]["seq"] = -2; },
       "spans[0].seq: must not be negative"},
      {"audio object", "", [](json& j) { j["audio"] = json::object(); },
       "audio: must be an array"},
      {"audio unknown speaker", "", [](json& j) { j["audio"][0]["speaker"] = "SCREEN"; },
       "audio[0].speaker: unknown speaker"},
      {"audio missing end", "", [](json& j) { j["audio"][0].erase("end_ms"); },
       "audio[0].end_ms: missing"},
      {"audio end before start", "", [](json& j) { j["audio"][0]["end_ms"] = 9000; },
       "audio[0].end_ms: 9000 is before start_ms 9120"},
      {"detector number", "", [](json& j) { j["detector"] = 1; },
       "detector: must be a string"},
      {"confirmed string", "", [](json& j) { j["confirmed"] = "no"; },
       "confirmed: must be true or false"},
  };
  for (const BadEventCase& c : cases) {
    SCOPED_TRACE(c.what);
    std::string line = c.raw;
    if (c.change) {
      json e = good;
      c.change(e);
      line = e.dump();
    }
    std::istringstream in(good.dump() + "\n\n" + line + "\n");
    int read = 0;
    absl::Status s = ReadEvents(in, "e.jsonl", [&read](EventRecord&&) {
      ++read;
      return absl::OkStatus();
    });
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), HasSubstr("e.jsonl:3: " + c.message));
    ExpectNoText(std::string(s.message()));
    EXPECT_EQ(read, 1);
  }
}

TEST(RedactedCallJsonTest, WritesCorpusShapeWithRedactedWords) {
  std::vector<CorpusCall> calls;
  ASSERT_TRUE(ReadAll(BaseCall().dump(), &calls).ok());
  const v1::Call& original = calls[0].call;

  v1::RedactedCall rc;
  rc.set_call_id("c1");
  const char* const texts[] = {"my id [ZA_ID_NUMBER]", "[PERSON_NAME]",
                               "Name: [PERSON_NAME]\nID:  [ID]"};
  for (int i = 0; i < original.chunks_size(); ++i) {
    v1::RedactedChunk* r = rc.add_chunks();
    r->set_seq(original.chunks(i).seq());
    r->set_source(original.chunks(i).source());
    r->set_speaker(original.chunks(i).speaker());
    r->set_is_final(original.chunks(i).is_final());
    r->set_text(texts[i]);
  }
  const std::string line = RedactedCallToJsonLine("c1", rc, original);
  EXPECT_EQ(
      line,
      R"({"call_id":"c1","chunks":[)"
      R"({"seq":0,"source":"TRANSCRIPT","speaker":"AGENT","is_final":true,)"
      R"("text":"my id [ZA_ID_NUMBER]","words":[{"text":"my","start_ms":0,"end_ms":100},)"
      R"({"text":"id","start_ms":100,"end_ms":200},)"
      R"({"text":"[ZA_ID_NUMBER]","start_ms":200,"end_ms":900}]},)"
      // Two words in the original, one token after redaction: no words.
      R"({"seq":1,"source":"TRANSCRIPT","speaker":"CUSTOMER","is_final":false,)"
      R"("text":"[PERSON_NAME]"},)"
      R"({"seq":2,"source":"SCREEN","is_final":true,"text":"Name: [PERSON_NAME]\nID:  [ID]"}]})");
  ExpectNoText(line);

  // The output is itself a valid corpus line.
  std::vector<CorpusCall> back;
  ASSERT_TRUE(ReadAll(line, &back).ok());
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].call.chunks(0).words(2).text(), "[ZA_ID_NUMBER]");
  EXPECT_TRUE(back[0].entities.empty());
}

// The writers build lines by hand; they must give exactly what nlohmann's
// ordered_json::dump(-1, ' ', false, replace) gave, for any string and double.
const std::string kAwkwardStrings[] = {
    "plain",
    "quote \" backslash \\ slash /",
    std::string("controls \b\f\n\r\t \x01\x1f \x7f nul:") + std::string(1, '\0') + "end",
    "Zo\xc3\xab \xe2\x80\x99 \xf0\x9f\x98\x80",  // 2-, 3- and 4-byte characters.
    "bad \xff byte",
    "cut \xc3",
    "overlong \xc0\xaf and surrogate \xed\xa0\x80",
    "",
};

std::string NlohmannDump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

TEST(EventJsonTest, EscapesLikeNlohmann) {
  const double confidences[] = {0.99, 1.0, 0.0, -0.0, 1e-7, 0.1 + 0.2, 123456789.125};
  size_t k = 0;
  for (const std::string& text : kAwkwardStrings) {
    SCOPED_TRACE(k);
    v1::DetectionEvent e = SampleEvent();
    e.set_call_id(text);
    e.set_detector(text);
    e.set_pseudonym(text.empty() ? "" : text + "p");
    e.set_confidence(confidences[k++ % (sizeof(confidences) / sizeof(double))]);
    nlohmann::ordered_json want;
    want["call_id"] = e.call_id();
    want["type"] = "ZA_ID_NUMBER";
    want["confidence"] = e.confidence();
    want["spans"] = nlohmann::ordered_json::array();
    for (const v1::Span& s : e.spans()) {
      want["spans"].push_back({{"seq", s.seq()}, {"start", s.start()}, {"end", s.end()}});
    }
    want["audio"] = nlohmann::ordered_json::array();
    want["audio"].push_back({{"speaker", "CUSTOMER"}, {"start_ms", 9120}, {"end_ms", 14870}});
    if (!e.detector().empty()) want["detector"] = e.detector();
    want["confirmed"] = true;
    want["mute_audio"] = false;
    if (!e.pseudonym().empty()) want["pseudonym"] = e.pseudonym();
    EXPECT_EQ(EventToJsonLine(e), NlohmannDump(want));
  }
}

TEST(RedactedCallJsonTest, EscapesLikeNlohmann) {
  std::vector<CorpusCall> calls;
  ASSERT_TRUE(ReadAll(BaseCall().dump(), &calls).ok());
  const v1::Call& original = calls[0].call;
  for (const std::string& text : kAwkwardStrings) {
    v1::RedactedCall rc;
    v1::RedactedChunk* r = rc.add_chunks();
    r->set_seq(1);
    r->set_source(v1::TRANSCRIPT);
    r->set_speaker(v1::CUSTOMER);
    r->set_text("x " + text);  // Two tokens for two words, unless text has spaces.
    nlohmann::ordered_json chunk;
    chunk["seq"] = 1;
    chunk["source"] = "TRANSCRIPT";
    chunk["speaker"] = "CUSTOMER";
    chunk["is_final"] = false;
    chunk["text"] = r->text();
    const auto tokens = WhitespaceTokens(r->text());
    if (tokens.size() == 2) {
      chunk["words"] = nlohmann::ordered_json::array();
      for (size_t i = 0; i < 2; ++i) {
        nlohmann::ordered_json w;
        w["text"] = r->text().substr(tokens[i].first, tokens[i].second - tokens[i].first);
        w["start_ms"] = original.chunks(1).words(static_cast<int>(i)).start_ms();
        w["end_ms"] = original.chunks(1).words(static_cast<int>(i)).end_ms();
        chunk["words"].push_back(w);
      }
    }
    nlohmann::ordered_json want;
    want["call_id"] = text;
    want["chunks"] = nlohmann::ordered_json::array({chunk});
    EXPECT_EQ(RedactedCallToJsonLine(text, rc, original), NlohmannDump(want));
  }
}

// ReadCorpusText (whole text in memory) and ReadCorpus (a stream) agree on calls, line
// numbers, blank lines, CRLF and a last line without a newline.
TEST(ReadCorpusTextTest, AgreesWithTheStreamReader) {
  const std::string good = BaseCall().dump();
  const std::string text = "\n" + good + "\r\n  \n" + good + "\n" + good;
  std::vector<CorpusCall> from_stream, from_text;
  ASSERT_TRUE(ReadAll(text, &from_stream).ok());
  ASSERT_TRUE(ReadCorpusText(text, "t.jsonl", [&](CorpusCall&& c) {
                from_text.push_back(std::move(c));
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(from_text.size(), 3u);
  ASSERT_EQ(from_stream.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(from_text[i].call.SerializeAsString(), from_stream[i].call.SerializeAsString());
    EXPECT_EQ(from_text[i].entities.size(), from_stream[i].entities.size());
  }
  const std::string bad = good + "\r\n\n{\"call_id\": \"c1\", \"chunks\": [secret]}\n" + good;
  absl::Status s = ReadCorpusText(bad, "t.jsonl", [](CorpusCall&&) { return absl::OkStatus(); });
  EXPECT_THAT(std::string(s.message()), HasSubstr("t.jsonl:3: invalid JSON at byte 30"));
  ExpectNoText(std::string(s.message()));
  std::vector<CorpusCall> ignored;
  EXPECT_EQ(ReadAll(bad, &ignored), s);
}

// As with nlohmann, a repeated key's last value counts and null means absent.
TEST(ReadCorpusTest, RepeatedKeyLastValueCounts) {
  std::vector<CorpusCall> calls;
  ASSERT_TRUE(ReadAll(R"({"call_id": "a", "chunks": [], "call_id": "b"})", &calls).ok());
  EXPECT_EQ(calls[0].call.config().call_id(), "b");
  json call = BaseCall();
  std::string line = call.dump();
  // A word whose start_ms is given twice: the second (bad) value is the one read.
  const std::string word = R"({"end_ms":100,"start_ms":0,"text":"my"})";  // Keys sorted.
  ASSERT_NE(line.find(word), std::string::npos);
  line.replace(line.find(word), word.size(),
               R"({"end_ms":100,"start_ms":0,"text":"my","start_ms":null})");
  absl::Status s = ReadAll(line, &calls);
  EXPECT_THAT(std::string(s.message()), HasSubstr("chunks[0].words[0].start_ms: missing"));
}

TEST(ReadWholeStreamTest, ReadsFilesAndPipesWhole) {
  std::string big(200000, 'x');
  big += "end";
  std::istringstream in(big);
  std::string out;
  ASSERT_TRUE(ReadWholeStream(in, "s", &out).ok());
  EXPECT_EQ(out, big);
  // From where the stream is, not from its start.
  std::istringstream part("skip rest");
  std::string word;
  part >> word;
  ASSERT_TRUE(ReadWholeStream(part, "s", &out).ok());
  EXPECT_EQ(out, " rest");
}

}  // namespace
}  // namespace callredact
