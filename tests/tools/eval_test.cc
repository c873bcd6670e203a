// Tests of the evaluator (tools/eval.h): hand-made calls with hand-computed metrics,
// and the dev corpora scored against their own gold entities.
#include "tools/eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace callredact {
namespace {

using ::testing::HasSubstr;

// One call, hand-checked:
//   seq 0 AGENT    "Hi, Lebo here. Your ID?"  IGNORE "Lebo" [4,8); 19 non-space chars.
//   seq 1 CUSTOMER "it is 800101 5009"        ZA_ID part 1 "800101 5009" [6,17); 14 chars.
//   seq 2 CUSTOMER "087 thanks"               ZA_ID part 2 "087" [0,3); 9 chars.
//   seq 3 SCREEN   "Name: Zoë Dlamini"        PERSON_NAME "Zoë Dlamini" [6,18); 15 chars
//                                             ("ë" is bytes 8..10).
//   seq 4 CUSTOMER "my pin 1234", interim     AUTH_CODE (interim) "1234" [7,11).
// Gold PII characters: ZA_ID 13, PERSON_NAME 10, total 23. Characters outside gold and
// IGNORE: 15 + 4 + 6 + 5 = 30. Spoken time of the ID (CUSTOMER): words "800101"
// [1200,1800), "5009" [1800,2200), "087" [2500,2900): 1400 ms.
constexpr char kCall[] = R"json({"call_id": "c1", "chunks": [
  {"seq": 0, "source": "TRANSCRIPT", "speaker": "AGENT", "is_final": true,
   "text": "Hi, Lebo here. Your ID?",
   "words": [{"text": "Hi,", "start_ms": 0, "end_ms": 100},
             {"text": "Lebo", "start_ms": 100, "end_ms": 200},
             {"text": "here.", "start_ms": 200, "end_ms": 300},
             {"text": "Your", "start_ms": 300, "end_ms": 400},
             {"text": "ID?", "start_ms": 400, "end_ms": 500}]},
  {"seq": 1, "source": "TRANSCRIPT", "speaker": "CUSTOMER", "is_final": true,
   "text": "it is 800101 5009",
   "words": [{"text": "it", "start_ms": 1000, "end_ms": 1100},
             {"text": "is", "start_ms": 1100, "end_ms": 1200},
             {"text": "800101", "start_ms": 1200, "end_ms": 1800},
             {"text": "5009", "start_ms": 1800, "end_ms": 2200}]},
  {"seq": 2, "source": "TRANSCRIPT", "speaker": "CUSTOMER", "is_final": true,
   "text": "087 thanks",
   "words": [{"text": "087", "start_ms": 2500, "end_ms": 2900},
             {"text": "thanks", "start_ms": 3000, "end_ms": 3300}]},
  {"seq": 3, "source": "SCREEN", "is_final": true, "text": "Name: Zo\u00eb Dlamini"},
  {"seq": 4, "source": "TRANSCRIPT", "speaker": "CUSTOMER", "is_final": false,
   "text": "my pin 1234",
   "words": [{"text": "my", "start_ms": 4000, "end_ms": 4100},
             {"text": "pin", "start_ms": 4100, "end_ms": 4300},
             {"text": "1234", "start_ms": 4300, "end_ms": 4900}]}],
 "entities": [
  {"type": "IGNORE", "parts": [{"seq": 0, "start": 4, "end": 8}]},
  {"type": "ZA_ID_NUMBER", "parts": [{"seq": 1, "start": 6, "end": 17},
                                     {"seq": 2, "start": 0, "end": 3}]},
  {"type": "PERSON_NAME", "parts": [{"seq": 3, "start": 6, "end": 18}]},
  {"type": "AUTH_CODE", "interim": true, "parts": [{"seq": 4, "start": 7, "end": 11}]}]})json";

std::vector<CorpusCall> Corpus() {
  // The reader takes one call per line.
  std::string line = kCall;
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::istringstream in(line);
  std::vector<CorpusCall> calls;
  absl::Status s = ReadCorpus(in, "c.jsonl", [&calls](CorpusCall&& c) {
    calls.push_back(std::move(c));
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return calls;
}

struct AudioSpec {
  const char* speaker;
  int64_t start_ms, end_ms;
};

EventRecord Ev(const std::string& type, std::vector<GoldPart> spans,
               std::vector<AudioSpec> audio = {}) {
  EventRecord e;
  e.call_id = "c1";
  e.type = type;
  e.confidence = 0.9;
  e.spans = std::move(spans);
  for (const AudioSpec& a : audio) e.audio.push_back({a.speaker, a.start_ms, a.end_ms});
  return e;
}

EventRecord IdEvent() {
  return Ev("ZA_ID_NUMBER", {{1, 6, 17}, {2, 0, 3}},
            {{"CUSTOMER", 1200, 2200}, {"CUSTOMER", 2500, 2900}});
}
EventRecord NameEvent() { return Ev("PERSON_NAME", {{3, 6, 18}}); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Expected values of a row; NaN means "no denominator".
struct RowExpect {
  std::string type;
  int64_t gold_entities, events;
  double leak, recall, typed, precision, audio_leak;
};

struct EvalCase {
  std::string what;
  std::vector<EventRecord> events;
  RowExpect overall;
  double over;
  std::vector<RowExpect> types;
  int64_t events_unscored = 0;
};

void ExpectRatio(const char* name, double actual, double expected) {
  SCOPED_TRACE(name);
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << actual;
  } else {
    EXPECT_NEAR(actual, expected, 1e-12);
  }
}

void ExpectRow(const EvalRow& row, const RowExpect& want) {
  SCOPED_TRACE(want.type);
  EXPECT_EQ(row.type, want.type);
  EXPECT_EQ(row.counts.gold_entities, want.gold_entities);
  EXPECT_EQ(row.counts.events, want.events);
  ExpectRatio("leak", row.leak, want.leak);
  ExpectRatio("recall", row.recall, want.recall);
  ExpectRatio("typed", row.typed, want.typed);
  ExpectRatio("precision", row.precision, want.precision);
  ExpectRatio("audio_leak", row.audio_leak, want.audio_leak);
}

TEST(EvaluateTest, HandComputedMetrics) {
  const std::vector<EvalCase> cases = {
      {"perfect",
       {IdEvent(), NameEvent()},
       {"OVERALL", 2, 2, 0, 1, 1, 1, 0},
       0,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 0}, {"PERSON_NAME", 1, 1, 0, 1, 1, 1, kNaN}}},
      {"no events",
       {},
       {"OVERALL", 2, 0, 1, 0, kNaN, kNaN, 1},
       0,
       {{"ZA_ID_NUMBER", 1, 0, 1, 0, kNaN, kNaN, 1},
        {"PERSON_NAME", 1, 0, 1, 0, kNaN, kNaN, kNaN}}},
      {"missing name event",
       {IdEvent()},
       {"OVERALL", 2, 1, 10.0 / 23, 0.5, 1, 1, 0},
       0,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 0}, {"PERSON_NAME", 1, 0, 1, 0, kNaN, kNaN, kNaN}}},
      // "thanks" is over-redaction (6 of 30); the event on the IGNORE region "Lebo" is not
      // and still counts as precise.
      {"over-redacting events",
       {IdEvent(), NameEvent(), Ev("PHONE_NUMBER", {{2, 4, 10}}), Ev("PERSON_NAME", {{0, 4, 8}})},
       {"OVERALL", 2, 4, 0, 1, 1, 0.75, 0},
       6.0 / 30,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 0},
        {"PHONE_NUMBER", 0, 1, kNaN, kNaN, kNaN, 0, kNaN},
        {"PERSON_NAME", 1, 2, 0, 1, 1, 1, kNaN}}},
      // A wide span covering "Name: " too: 5 characters of over-redaction, still precise.
      {"wide event",
       {IdEvent(), Ev("PERSON_NAME", {{3, 0, 18}})},
       {"OVERALL", 2, 2, 0, 1, 1, 1, 0},
       5.0 / 30,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 0}, {"PERSON_NAME", 1, 1, 0, 1, 1, 1, kNaN}}},
      {"mistyped event",
       {Ev("PHONE_NUMBER", {{1, 6, 17}, {2, 0, 3}}, {{"CUSTOMER", 1200, 2900}}), NameEvent()},
       {"OVERALL", 2, 2, 0, 1, 0.5, 1, 0},
       0,
       {{"ZA_ID_NUMBER", 1, 0, 0, 1, 0, kNaN, 0},
        {"PHONE_NUMBER", 0, 1, kNaN, kNaN, kNaN, 1, kNaN},
        {"PERSON_NAME", 1, 1, 0, 1, 1, 1, kNaN}}},
      // Both types overlap the ID: typed, since one overlapping event has the gold type.
      {"one of two overlapping events typed",
       {IdEvent(), Ev("PHONE_NUMBER", {{1, 6, 12}}), NameEvent()},
       {"OVERALL", 2, 3, 0, 1, 1, 1, 0},
       0,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 0},
        {"PHONE_NUMBER", 0, 1, kNaN, kNaN, kNaN, 1, kNaN},
        {"PERSON_NAME", 1, 1, 0, 1, 1, 1, kNaN}}},
      // Only the first chunk of the ID is found: "087" leaks (3 of 23), the ID is not
      // caught, 400 of its 1400 ms are not silenced.
      {"multi-chunk entity half found",
       {Ev("ZA_ID_NUMBER", {{1, 6, 17}}, {{"CUSTOMER", 1200, 2200}}), NameEvent()},
       {"OVERALL", 2, 2, 3.0 / 23, 0.5, 1, 1, 400.0 / 1400},
       0,
       {{"ZA_ID_NUMBER", 1, 1, 3.0 / 13, 0, kNaN, 1, 400.0 / 1400},
        {"PERSON_NAME", 1, 1, 0, 1, 1, 1, kNaN}}},
      // Spans that leave out the spaces inside entities still catch them.
      {"spaces inside entities uncovered",
       {Ev("ZA_ID_NUMBER", {{1, 6, 12}, {1, 13, 17}, {2, 0, 3}},
           {{"CUSTOMER", 1200, 2200}, {"CUSTOMER", 2500, 2900}}),
        Ev("PERSON_NAME", {{3, 6, 10}, {3, 11, 18}})},
       {"OVERALL", 2, 2, 0, 1, 1, 1, 0},
       0,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 0}, {"PERSON_NAME", 1, 1, 0, 1, 1, 1, kNaN}}},
      // A span ending inside "ë" does not cover it: one leaked character, name not caught.
      {"span splitting a UTF-8 character",
       {IdEvent(), Ev("PERSON_NAME", {{3, 6, 9}, {3, 11, 18}})},
       {"OVERALL", 2, 2, 1.0 / 23, 0.5, 1, 1, 0},
       0,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 0},
        {"PERSON_NAME", 1, 1, 1.0 / 10, 0, kNaN, 1, kNaN}}},
      // Events on the interim chunk are not scored at all; the interim AUTH_CODE entity
      // neither.
      {"interim chunks ignored",
       {IdEvent(), NameEvent(), Ev("AUTH_CODE", {{4, 7, 11}}), Ev("PHONE_NUMBER", {{4, 0, 2}})},
       {"OVERALL", 2, 2, 0, 1, 1, 1, 0},
       0,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 0}, {"PERSON_NAME", 1, 1, 0, 1, 1, 1, kNaN}},
       2},
      // Silenced: CUSTOMER [1500,2000) and [2500,2900) = 900 of 1400 ms; the AGENT range
      // over the same time does not count.
      {"audio partly covered",
       {Ev("ZA_ID_NUMBER", {{1, 6, 17}, {2, 0, 3}},
           {{"CUSTOMER", 1500, 2000}, {"CUSTOMER", 2500, 2900}, {"AGENT", 1000, 3000}}),
        NameEvent()},
       {"OVERALL", 2, 2, 0, 1, 1, 1, 500.0 / 1400},
       0,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 500.0 / 1400},
        {"PERSON_NAME", 1, 1, 0, 1, 1, 1, kNaN}}},
      // Audio from another event (even of another type) counts; overlaps count once.
      {"audio from several events",
       {Ev("ZA_ID_NUMBER", {{1, 6, 17}, {2, 0, 3}}, {{"CUSTOMER", 1200, 2000}}),
        Ev("PHONE_NUMBER", {{1, 6, 12}}, {{"CUSTOMER", 1800, 2900}}), NameEvent()},
       {"OVERALL", 2, 3, 0, 1, 1, 1, 0},
       0,
       {{"ZA_ID_NUMBER", 1, 1, 0, 1, 1, 1, 0},
        {"PHONE_NUMBER", 0, 1, kNaN, kNaN, kNaN, 1, kNaN},
        {"PERSON_NAME", 1, 1, 0, 1, 1, 1, kNaN}}},
  };
  const std::vector<CorpusCall> corpus = Corpus();
  for (const EvalCase& c : cases) {
    SCOPED_TRACE(c.what);
    absl::StatusOr<EvalReport> report = Evaluate(corpus, c.events);
    ASSERT_TRUE(report.ok()) << report.status();
    ExpectRow(report->overall, c.overall);
    ExpectRatio("over", report->over, c.over);
    EXPECT_EQ(report->other_chars, 30);
    EXPECT_EQ(report->overall.counts.gold_chars, 23);
    EXPECT_EQ(report->calls, 1);
    EXPECT_EQ(report->final_chunks, 4);
    EXPECT_EQ(report->events_read, static_cast<int64_t>(c.events.size()));
    EXPECT_EQ(report->events_unscored, c.events_unscored);
    ASSERT_EQ(report->types.size(), c.types.size());
    for (size_t i = 0; i < c.types.size(); ++i) ExpectRow(report->types[i], c.types[i]);
  }
}

TEST(EvaluateTest, RejectsEventsThatDoNotFitTheCorpus) {
  struct Case {
    std::string what;
    EventRecord event;
    std::string message;
  };
  EventRecord unknown_call = IdEvent();
  unknown_call.call_id = "c2";
  unknown_call.origin = "ev.jsonl:3";
  EventRecord unknown_seq = Ev("PERSON_NAME", {{3, 6, 18}, {7, 0, 1}});
  unknown_seq.origin = "ev.jsonl:4";
  EventRecord past_end = Ev("PERSON_NAME", {{3, 6, 19}});
  EventRecord bad_type = Ev("NAME", {{3, 6, 18}});
  const std::vector<Case> cases = {
      {"unknown call", unknown_call, "ev.jsonl:3: call_id: no call with this id in the corpus"},
      {"unknown seq", unknown_seq, "ev.jsonl:4: spans[1].seq: the call has no chunk with seq 7"},
      {"span past the text", past_end,
       "events[1]: spans[0].end: 19 is past the end of the chunk's text (18 bytes)"},
      {"unknown type", bad_type, "events[1]: type: unknown entity type"},
  };
  const std::vector<CorpusCall> corpus = Corpus();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    absl::StatusOr<EvalReport> report = Evaluate(corpus, {NameEvent(), c.event});
    EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(report.status().message()), HasSubstr(c.message));
  }
}

TEST(EvaluateTest, RejectsDuplicateCallIds) {
  std::vector<CorpusCall> corpus = Corpus();
  corpus.push_back(corpus[0]);
  absl::StatusOr<EvalReport> report = Evaluate(corpus, {});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("calls[1].call_id"));
}

TEST(FormatReportTest, TableAndJson) {
  absl::StatusOr<EvalReport> report =
      Evaluate(Corpus(), {IdEvent(), Ev("PHONE_NUMBER", {{2, 4, 10}})});
  ASSERT_TRUE(report.ok());
  const std::string table = FormatReport(*report);
  // Header, three type rows, OVERALL, over, totals.
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 7);
  EXPECT_THAT(table, HasSubstr("precision"));
  EXPECT_THAT(table, HasSubstr("ZA_ID_NUMBER"));
  EXPECT_THAT(table, HasSubstr("PERSON_NAME"));
  EXPECT_THAT(table, HasSubstr("OVERALL"));
  EXPECT_THAT(table, HasSubstr("over 0.2000 (6 of 30 characters outside gold entities)"));
  // PERSON_NAME: 1 gold, none caught, no events: leak 1, recall 0, typed and precision "-".
  EXPECT_THAT(table, HasSubstr("PERSON_NAME                1       0       0   1.0000   "
                               "0.0000        -         -        -"));

  const nlohmann::json j = nlohmann::json::parse(ReportToJson(*report));
  EXPECT_EQ(j["calls"], 1);
  EXPECT_DOUBLE_EQ(j["over"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(j["overall"]["leak"].get<double>(), 10.0 / 23);
  EXPECT_DOUBLE_EQ(j["overall"]["precision"].get<double>(), 0.5);
  ASSERT_EQ(j["types"].size(), 3u);
  EXPECT_EQ(j["types"][2]["type"], "PERSON_NAME");
  EXPECT_TRUE(j["types"][2]["precision"].is_null());
  EXPECT_EQ(j["types"][0]["gold_chars"], 13);
}

// The gold entities of `call` as events: their parts as spans, and the times of the
// words their parts overlap as audio ranges (what a perfect redactor would report).
std::vector<EventRecord> GoldAsEvents(const CorpusCall& cc) {
  std::vector<EventRecord> events;
  for (const GoldEntity& ge : cc.entities) {
    if (ge.type == "IGNORE") continue;
    EventRecord e;
    e.call_id = cc.call.config().call_id();
    e.type = ge.type;
    e.confidence = 1;
    e.spans = ge.parts;
    for (const GoldPart& part : ge.parts) {
      for (const v1::Chunk& chunk : cc.call.chunks()) {
        if (chunk.seq() != part.seq || chunk.words_size() == 0) continue;
        const auto tokens = WhitespaceTokens(chunk.text());
        for (size_t w = 0; w < tokens.size(); ++w) {
          if (tokens[w].first < part.end && part.start < tokens[w].second) {
            e.audio.push_back({v1::Speaker_Name(chunk.speaker()),
                               chunk.words(static_cast<int>(w)).start_ms(),
                               chunk.words(static_cast<int>(w)).end_ms()});
          }
        }
      }
    }
    events.push_back(std::move(e));
  }
  return events;
}

// Reads a dev corpus and scores its own gold entities, written out as event lines and
// read back: everything must be perfect. Checks the reader, the event writer and reader,
// and the evaluator together on real data.
void CheckGoldScoresPerfectly(const std::string& file, int64_t expected_calls) {
  SCOPED_TRACE(file);
  absl::StatusOr<std::vector<CorpusCall>> corpus =
      ReadCorpusFile(std::string(CALLREDACT_CORPUS_DIR) + "/" + file);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  ASSERT_EQ(static_cast<int64_t>(corpus->size()), expected_calls);

  std::string lines;
  int64_t scored_entities = 0;
  for (const CorpusCall& cc : *corpus) {
    for (const EventRecord& r : GoldAsEvents(cc)) {
      v1::DetectionEvent e;
      e.set_call_id(r.call_id);
      v1::EntityType type;
      ASSERT_TRUE(v1::EntityType_Parse(r.type, &type));
      e.set_type(type);
      e.set_confidence(r.confidence);
      for (const GoldPart& p : r.spans) {
        v1::Span* s = e.add_spans();
        s->set_seq(p.seq);
        s->set_start(p.start);
        s->set_end(p.end);
      }
      for (const EventRecord::Audio& a : r.audio) {
        v1::AudioRange* range = e.add_audio();
        v1::Speaker speaker;
        ASSERT_TRUE(v1::Speaker_Parse(a.speaker, &speaker));
        range->set_speaker(speaker);
        range->set_start_ms(a.start_ms);
        range->set_end_ms(a.end_ms);
      }
      lines += EventToJsonLine(e) + "\n";
    }
    for (const GoldEntity& ge : cc.entities) {
      if (ge.type != "IGNORE" && !ge.interim) ++scored_entities;
    }
  }
  std::istringstream in(lines);
  std::vector<EventRecord> events;
  ASSERT_TRUE(ReadEvents(in, "gold-events.jsonl", [&events](EventRecord&& e) {
                events.push_back(std::move(e));
                return absl::OkStatus();
              }).ok());

  absl::StatusOr<EvalReport> report = Evaluate(*corpus, events);
  ASSERT_TRUE(report.ok()) << report.status();
  const EvalRow& o = report->overall;
  EXPECT_EQ(o.counts.gold_entities, scored_entities);
  EXPECT_GT(o.counts.gold_chars, 0);
  EXPECT_GT(report->other_chars, 0);
  EXPECT_GT(o.counts.audio_ms, 0);
  EXPECT_EQ(o.leak, 0);
  EXPECT_EQ(report->over, 0);
  EXPECT_EQ(o.recall, 1);
  EXPECT_EQ(o.typed, 1);
  EXPECT_EQ(o.precision, 1);
  EXPECT_EQ(o.audio_leak, 0);
  // Only events of interim entities lie on interim chunks only.
  EXPECT_EQ(o.counts.events, scored_entities);
  EXPECT_EQ(report->types.size(), 13u);
  for (const EvalRow& row : report->types) {
    SCOPED_TRACE(row.type);
    EXPECT_EQ(row.leak, 0);
    EXPECT_EQ(row.recall, 1);
    EXPECT_EQ(row.typed, 1);
    EXPECT_EQ(row.precision, 1);
  }

  // With no events at all everything leaks and nothing is over-redacted.
  report = Evaluate(*corpus, {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->overall.leak, 1);
  EXPECT_EQ(report->overall.recall, 0);
  EXPECT_EQ(report->overall.audio_leak, 1);
  EXPECT_EQ(report->over, 0);
}

TEST(EvaluateCorpusTest, DevGoldScoresPerfectly) { CheckGoldScoresPerfectly("dev.jsonl", 300); }

TEST(EvaluateCorpusTest, DevStylesGoldScoresPerfectly) {
  CheckGoldScoresPerfectly("dev_styles.jsonl", 60);
}

TEST(EvaluateCorpusTest, ProbeGoldScoresPerfectly) { CheckGoldScoresPerfectly("probe.jsonl", 175); }

TEST(EvaluateCorpusTest, HeldOutGoldScoresPerfectly) {
  CheckGoldScoresPerfectly("heldout.jsonl", 40);
}

}  // namespace
}  // namespace callredact
