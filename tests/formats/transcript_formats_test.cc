#include "tools/transcript_formats.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/formats/fake_redactor.h"

namespace callredact {
namespace {

using ::callredact::testing::FakeRedact;
using ::callredact::testing::IdentityRedact;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::ordered_json;

ParsedTranscript MustParse(const std::string& content,
                           TranscriptFormat format = TranscriptFormat::kAuto,
                           const ParseOptions& options = {}) {
  absl::StatusOr<ParsedTranscript> p = ParseTranscript("calls/c1.x", content, options, format);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *std::move(p) : ParsedTranscript{};
}

std::string MustWrite(const ParsedTranscript& p, const v1::RedactedCall& r) {
  absl::StatusOr<std::string> out = WriteTranscript(p, r);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : "";
}

// Every event span of the fake points at a digit token of the chunk text.
void ExpectSpansPointAtDigits(const ParsedTranscript& p, const v1::RedactedCall& r) {
  int events = 0;
  for (const auto& rc : r.chunks()) {
    for (const auto& ev : rc.events()) {
      for (const auto& sp : ev.spans()) {
        const std::string& text = p.call.chunks(static_cast<int>(sp.seq())).text();
        ASSERT_LE(sp.end(), text.size());
        std::string value = text.substr(sp.start(), sp.end() - sp.start());
        EXPECT_NE(value.find_first_of("0123456789"), std::string::npos) << value;
        EXPECT_EQ(value.find(' '), std::string::npos) << value;
        ++events;
      }
    }
  }
  EXPECT_GT(events, 0);
}

void ExpectWordsMatchTokens(const v1::Chunk& c) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char ch : c.text() + " ") {
    if (testing::IsWs(ch)) {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  ASSERT_EQ(c.words_size(), static_cast<int>(tokens.size())) << "seq " << c.seq();
  for (int i = 0; i < c.words_size(); ++i) {
    EXPECT_EQ(c.words(i).text(), tokens[i]);
    EXPECT_LE(c.words(i).start_ms(), c.words(i).end_ms());
  }
}

TEST(DetectFormat, FromContent) {
  struct Case {
    std::string content;
    TranscriptFormat want;
  } cases[] = {
      {"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", TranscriptFormat::kWebVtt},
      {"\xEF\xBB\xBFWEBVTT - title\n", TranscriptFormat::kWebVtt},
      {"1\n00:00:01,000 --> 00:00:02,000\nhi\n", TranscriptFormat::kSrt},
      {"\n\n1\r\n00:00:01,000 --> 00:00:02,000\r\nhi\r\n", TranscriptFormat::kSrt},
      {"AGENT: hello\nCUSTOMER: hi\n", TranscriptFormat::kPlainText},
      {"1 apple\n2 pears\n", TranscriptFormat::kPlainText},
      {R"({"jobName":"j","results":{"transcripts":[],"items":[]}})",
       TranscriptFormat::kAwsTranscribe},
      {R"({"JobStatus":"COMPLETED","Transcript":[]})", TranscriptFormat::kAwsTranscribe},
      {R"({"text":" hi","segments":[],"language":"en"})", TranscriptFormat::kWhisperJson},
      {"{\"call_id\":\"a\",\"chunks\":[]}\n{\"call_id\":\"b\",\"chunks\":[]}\n",
       TranscriptFormat::kCorpusJsonl},
      {"{\"call_id\":\"a\",\"chunks\":[]}\n", TranscriptFormat::kCorpusJsonl},
      {"{not json at all\n", TranscriptFormat::kPlainText},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.content);
    EXPECT_EQ(DetectFormat(c.content), c.want);
  }
}

TEST(FormatName, RoundTrips) {
  for (auto f : {TranscriptFormat::kAuto, TranscriptFormat::kCorpusJsonl, TranscriptFormat::kWebVtt,
                 TranscriptFormat::kSrt, TranscriptFormat::kPlainText,
                 TranscriptFormat::kAwsTranscribe, TranscriptFormat::kWhisperJson}) {
    absl::StatusOr<TranscriptFormat> back = ParseFormatName(FormatName(f));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, f);
  }
  EXPECT_FALSE(ParseFormatName("docx").ok());
}

// ---------------------------------------------------------------------------------------
// WebVTT

constexpr char kVtt[] =
    "WEBVTT\n"
    "\n"
    "1\n"
    "00:00:01.000 --> 00:00:03.000 align:start\n"
    "<v Agent>Can I have your ID number?</v>\n"
    "\n"
    "2\n"
    "00:00:03.500 --> 00:00:06.000\n"
    "<v Customer>It is 8001015009087\n"
    "thanks\n"
    "\n"
    "NOTE checked by Thandi 0821234567\n"
    "\n"
    "00:06.500 --> 00:08.000\n"
    "no voice 42 here\n";

TEST(WebVtt, Parses) {
  ParsedTranscript p = MustParse(kVtt);
  EXPECT_EQ(p.format, TranscriptFormat::kWebVtt);
  EXPECT_EQ(p.call.config().call_id(), "c1");
  ASSERT_EQ(p.call.chunks_size(), 3);
  const auto& c = p.call.chunks();
  EXPECT_EQ(c[0].text(), "Can I have your ID number?");
  EXPECT_EQ(c[0].speaker(), v1::AGENT);
  EXPECT_EQ(c[1].text(), "It is 8001015009087\nthanks");
  EXPECT_EQ(c[1].speaker(), v1::CUSTOMER);
  EXPECT_EQ(c[2].text(), "no voice 42 here");
  EXPECT_EQ(c[2].speaker(), v1::CUSTOMER);  // ParseOptions::default_speaker.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(c[i].seq(), static_cast<uint64_t>(i));
    EXPECT_EQ(c[i].source(), v1::TRANSCRIPT);
    EXPECT_TRUE(c[i].is_final());
    ExpectWordsMatchTokens(c[i]);
  }
  // 3500..6000 spread over 4 tokens.
  EXPECT_EQ(c[1].words(0).start_ms(), 3500);
  EXPECT_EQ(c[1].words(1).start_ms(), 4125);
  EXPECT_EQ(c[1].words(3).end_ms(), 6000);
  EXPECT_EQ(c[2].words(0).start_ms(), 6500);
}

TEST(WebVtt, WritesBackKeepingTimingAndVoices) {
  ParsedTranscript p = MustParse(kVtt);
  v1::RedactedCall r = FakeRedact(p.call);
  ExpectSpansPointAtDigits(p, r);
  EXPECT_EQ(MustWrite(p, r),
            "WEBVTT\n"
            "\n"
            "1\n"
            "00:00:01.000 --> 00:00:03.000 align:start\n"
            "<v Agent>Can I have your ID number?</v>\n"
            "\n"
            "2\n"
            "00:00:03.500 --> 00:00:06.000\n"
            "<v Customer>It is [PHONE_NUMBER]\n"
            "thanks\n"
            "\n"
            "00:06.500 --> 00:08.000\n"
            "no voice [PHONE_NUMBER] here\n");
}

TEST(WebVtt, UnknownVoiceNamesAreWrittenAsRoles) {
  const std::string vtt =
      "WEBVTT Call with Thandi\n\n"
      "Thandi-intro\n00:01.000 --> 00:02.000\n<v Thandi Nkosi>hello\n\n"
      "00:02.000 --> 00:03.000\n<v.loud Sipho>hi there\n\n"
      "00:03.000 --> 00:04.000\n<v Speaker 2>ok\n";
  ParsedTranscript p = MustParse(vtt);
  ASSERT_EQ(p.call.chunks_size(), 3);
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::AGENT);     // First seen.
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::CUSTOMER);  // Second seen.
  EXPECT_EQ(p.call.chunks(2).speaker(), v1::CUSTOMER);  // Third and later.
  std::string out = MustWrite(p, IdentityRedact(p.call));
  EXPECT_EQ(out,
            "WEBVTT\n\n"
            "00:01.000 --> 00:02.000\n<v Agent>hello\n\n"
            "00:02.000 --> 00:03.000\n<v.loud Customer>hi there\n\n"
            "00:03.000 --> 00:04.000\n<v Speaker 2>ok\n");
  EXPECT_THAT(out, Not(HasSubstr("Thandi")));
  EXPECT_THAT(out, Not(HasSubstr("Sipho")));
}

TEST(WebVtt, IdentityRoundTripIsExact) {
  const std::string vtt =
      "WEBVTT\r\nKind: captions\r\n\r\nSTYLE\r\n::cue { color: white }\r\n\r\n"
      "a1b2\r\n00:00:01.000 --> 00:00:02.000\r\n<v Caller>two\r\nlines\r\n\r\n"
      "00:00:02.000 --> 00:00:03.000\r\n\r\n"
      "00:00:03.000 --> 00:00:04.000\r\n<v Agent 1>end</v>";
  ParsedTranscript p = MustParse(vtt);
  ASSERT_EQ(p.call.chunks_size(), 2);
  EXPECT_EQ(p.call.chunks(0).text(), "two\r\nlines");
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::CUSTOMER);
  EXPECT_EQ(p.call.chunks(1).text(), "end");
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::AGENT);
  EXPECT_EQ(MustWrite(p, IdentityRedact(p.call)), vtt);
}

// ---------------------------------------------------------------------------------------
// SRT

constexpr char kSrt[] =
    "1\r\n"
    "00:00:01,000 --> 00:00:02,500\r\n"
    "AGENT: Your phone number please?\r\n"
    "\r\n"
    "2\r\n"
    "00:00:03,000 --> 00:00:05,000\r\n"
    "Customer:  082 555 1234\r\n"
    "\r\n"
    "3\r\n"
    "00:00:05,000 --> 00:00:06,000\r\n"
    "Thandi: it is 0825551234\r\n";

TEST(Srt, ParsesSpeakerPrefixes) {
  ParsedTranscript p = MustParse(kSrt);
  EXPECT_EQ(p.format, TranscriptFormat::kSrt);
  ASSERT_EQ(p.call.chunks_size(), 3);
  EXPECT_EQ(p.call.chunks(0).text(), "Your phone number please?");
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::AGENT);
  EXPECT_EQ(p.call.chunks(1).text(), "082 555 1234");
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::CUSTOMER);
  // Not a recognised label: stays in the text (and is redacted with it).
  EXPECT_EQ(p.call.chunks(2).text(), "Thandi: it is 0825551234");
  EXPECT_EQ(p.sources[1].label, "Customer");
  for (const auto& c : p.call.chunks()) ExpectWordsMatchTokens(c);
  EXPECT_EQ(p.call.chunks(1).words(0).start_ms(), 3000);
  EXPECT_EQ(p.call.chunks(1).words(2).end_ms(), 5000);
}

TEST(Srt, WritesBack) {
  ParsedTranscript p = MustParse(kSrt);
  v1::RedactedCall r = FakeRedact(p.call);
  ExpectSpansPointAtDigits(p, r);
  EXPECT_EQ(MustWrite(p, r),
            "1\r\n"
            "00:00:01,000 --> 00:00:02,500\r\n"
            "AGENT: Your phone number please?\r\n"
            "\r\n"
            "2\r\n"
            "00:00:03,000 --> 00:00:05,000\r\n"
            "Customer:  [PHONE_NUMBER] [PHONE_NUMBER] [PHONE_NUMBER]\r\n"
            "\r\n"
            "3\r\n"
            "00:00:05,000 --> 00:00:06,000\r\n"
            "Thandi: it is [PHONE_NUMBER]\r\n");
  EXPECT_EQ(MustWrite(p, IdentityRedact(p.call)), kSrt);
}

// ---------------------------------------------------------------------------------------
// Plain text

TEST(PlainText, ParsesLinesAndPrefixes) {
  const std::string text =
      "AGENT: Good morning, may I have your account number?\n"
      "\n"
      "  customer:\t1234 5678 90\n"
      "Speaker 1: spoken by someone\n"
      "no prefix 77\n"
      "AGENT:\n"
      "Note: 55 is not a speaker";
  ParsedTranscript p = MustParse(text);
  EXPECT_EQ(p.format, TranscriptFormat::kPlainText);
  ASSERT_EQ(p.call.chunks_size(), 5);
  EXPECT_EQ(p.call.chunks(0).text(), "Good morning, may I have your account number?");
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::AGENT);
  EXPECT_EQ(p.call.chunks(1).text(), "1234 5678 90");
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::CUSTOMER);
  EXPECT_EQ(p.call.chunks(2).text(), "spoken by someone");
  EXPECT_EQ(p.call.chunks(2).speaker(), v1::AGENT);  // First generic label seen.
  EXPECT_EQ(p.call.chunks(3).text(), "no prefix 77");
  EXPECT_EQ(p.call.chunks(3).speaker(), v1::CUSTOMER);  // default_speaker
  EXPECT_EQ(p.call.chunks(4).text(), "Note: 55 is not a speaker");
  for (const auto& c : p.call.chunks()) EXPECT_EQ(c.words_size(), 0);  // No timing.

  v1::RedactedCall r = FakeRedact(p.call);
  ExpectSpansPointAtDigits(p, r);
  EXPECT_EQ(MustWrite(p, r),
            "AGENT: Good morning, may I have your account number?\n"
            "\n"
            "  customer:\t[PHONE_NUMBER] [PHONE_NUMBER] [PHONE_NUMBER]\n"
            "Speaker 1: spoken by someone\n"
            "no prefix [PHONE_NUMBER]\n"
            "AGENT:\n"
            "Note: [PHONE_NUMBER] is not a speaker");
  EXPECT_EQ(MustWrite(p, IdentityRedact(p.call)), text);
}

TEST(PlainText, SpeakerLabelOptionsOverride) {
  ParseOptions options;
  options.speaker_labels["Speaker 1"] = v1::CUSTOMER;
  options.default_speaker = v1::AGENT;
  ParsedTranscript p =
      MustParse("Speaker 1: a\nSpeaker 2: b\nc\n", TranscriptFormat::kAuto, options);
  ASSERT_EQ(p.call.chunks_size(), 3);
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::CUSTOMER);
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::AGENT);  // First label seen by the rule.
  EXPECT_EQ(p.call.chunks(2).speaker(), v1::AGENT);
}

// ---------------------------------------------------------------------------------------
// AWS Transcribe

Json AwsItem(const std::string& content, const std::string& start, const std::string& end,
             const std::string& speaker) {
  Json item = {{"start_time", start},
               {"end_time", end},
               {"alternatives", Json::array({{{"confidence", "0.99"}, {"content", content}},
                                             {{"confidence", "0.5"}, {"content", content + "x"}}})},
               {"type", "pronunciation"}};
  if (!speaker.empty()) item["speaker_label"] = speaker;
  return item;
}
Json AwsPunct(const std::string& p) {
  return {{"alternatives", Json::array({{{"confidence", "0.0"}, {"content", p}}})},
          {"type", "punctuation"}};
}

TEST(Aws, ParsesSpeakerLabelsAndItems) {
  Json doc = {{"jobName", "job-1"},
              {"results",
               {{"transcripts",
                 Json::array({{{"transcript", "Number please? It is 0821234567. Thanks."}}})},
                {"speaker_labels", {{"speakers", 2}, {"segments", Json::array()}}},
                {"items", Json::array({AwsItem("Number", "0.5", "0.9", "spk_0"),
                                       AwsItem("please", "0.9", "1.3", "spk_0"), AwsPunct("?"),
                                       AwsItem("It", "2.0", "2.2", "spk_1"),
                                       AwsItem("is", "2.2", "2.4", "spk_1"),
                                       AwsItem("0821234567", "2.5", "4.0", "spk_1"), AwsPunct("."),
                                       AwsItem("Thanks", "4.5", "5.0", "spk_1"), AwsPunct(".")})}}},
              {"status", "COMPLETED"}};
  ParsedTranscript p = MustParse(doc.dump(2));
  EXPECT_EQ(p.format, TranscriptFormat::kAwsTranscribe);
  ASSERT_EQ(p.call.chunks_size(), 3);
  EXPECT_EQ(p.call.chunks(0).text(), "Number please?");
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::AGENT);
  EXPECT_EQ(p.call.chunks(1).text(), "It is 0821234567.");
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::CUSTOMER);
  EXPECT_EQ(p.call.chunks(2).text(), "Thanks.");
  for (const auto& c : p.call.chunks()) ExpectWordsMatchTokens(c);
  EXPECT_EQ(p.call.chunks(1).words(2).start_ms(), 2500);
  EXPECT_EQ(p.call.chunks(1).words(2).end_ms(), 4000);
  EXPECT_EQ(p.call.chunks(0).words(1).end_ms(), 1300);

  v1::RedactedCall r = FakeRedact(p.call);
  ExpectSpansPointAtDigits(p, r);
  std::string out = MustWrite(p, r);
  EXPECT_THAT(out, Not(HasSubstr("0821234567")));
  Json back = Json::parse(out);
  EXPECT_EQ(back["jobName"], "job-1");
  EXPECT_EQ(back["results"]["transcripts"][0]["transcript"],
            "Number please? It is [PHONE_NUMBER] Thanks.");
  const Json& item = back["results"]["items"][5];
  EXPECT_EQ(item["alternatives"].size(), 1u);
  EXPECT_EQ(item["alternatives"][0]["content"], "[PHONE_NUMBER]");
  EXPECT_EQ(item["start_time"], "2.5");
  EXPECT_EQ(back["results"]["items"][3]["alternatives"][0]["content"], "It");
  EXPECT_EQ(back["results"]["items"].size(), doc["results"]["items"].size());
}

TEST(Aws, OlderOutputWithSpeakersOnlyInSegments) {
  auto seg_item = [](const char* s, const char* e, const char* spk) {
    return Json{{"start_time", s}, {"end_time", e}, {"speaker_label", spk}};
  };
  Json segs = Json::array({{{"speaker_label", "spk_1"},
                            {"start_time", "0.0"},
                            {"end_time", "1.0"},
                            {"items", Json::array({seg_item("0.0", "0.5", "spk_1")})}},
                           {{"speaker_label", "spk_0"},
                            {"start_time", "1.0"},
                            {"end_time", "2.0"},
                            {"items", Json::array({seg_item("1.0", "1.5", "spk_0")})}}});
  Json doc = {{"results",
               {{"transcripts", Json::array({{{"transcript", "Hello 12"}}})},
                {"speaker_labels", {{"speakers", 2}, {"segments", segs}}},
                {"items", Json::array({AwsItem("Hello", "0.0", "0.5", ""),
                                       AwsItem("12", "1.0", "1.5", "")})}}}};
  ParsedTranscript p = MustParse(doc.dump());
  ASSERT_EQ(p.call.chunks_size(), 2);
  EXPECT_EQ(p.sources[0].label, "spk_1");
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::AGENT);  // First seen, whatever its number.
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::CUSTOMER);
  ParseOptions options;
  options.speaker_labels["spk_1"] = v1::CUSTOMER;
  options.speaker_labels["spk_0"] = v1::AGENT;
  p = MustParse(doc.dump(), TranscriptFormat::kAwsTranscribe, options);
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::CUSTOMER);
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::AGENT);
}

TEST(Aws, ChannelLabelsWithoutResultItems) {
  Json ch0 = {{"channel_label", "ch_0"},
              {"items", Json::array({AwsItem("Hello", "0.0", "0.4", ""), AwsPunct("."),
                                     AwsItem("Code", "3.0", "3.4", "")})}};
  Json ch1 = {
      {"channel_label", "ch_1"},
      {"items", Json::array({AwsItem("Hi", "1.0", "1.2", ""), AwsItem("1234", "1.3", "2.0", "")})}};
  Json doc = {
      {"results",
       {{"transcripts", Json::array({{{"transcript", "Hello. Hi 1234 Code"}}})},
        {"channel_labels", {{"channels", Json::array({ch0, ch1})}, {"number_of_channels", 2}}}}}};
  ParsedTranscript p = MustParse(doc.dump());
  ASSERT_EQ(p.call.chunks_size(), 3);
  EXPECT_EQ(p.call.chunks(0).text(), "Hello.");
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::AGENT);
  EXPECT_EQ(p.call.chunks(1).text(), "Hi 1234");
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::CUSTOMER);
  EXPECT_EQ(p.call.chunks(2).text(), "Code");
  EXPECT_EQ(p.call.chunks(2).speaker(), v1::AGENT);
  std::string out = MustWrite(p, FakeRedact(p.call));
  EXPECT_THAT(out, Not(HasSubstr("1234")));
  Json back = Json::parse(out);
  EXPECT_EQ(
      back["results"]["channel_labels"]["channels"][1]["items"][1]["alternatives"][0]["content"],
      "[PHONE_NUMBER]");
}

TEST(Aws, CallAnalyticsParticipantRoles) {
  Json doc = {{"JobStatus", "COMPLETED"},
              {"Transcript",
               Json::array({{{"Id", "a"},
                             {"ParticipantRole", "CUSTOMER"},
                             {"BeginOffsetMillis", 100},
                             {"EndOffsetMillis", 2000},
                             {"Content", "My PIN is 4321."},
                             {"Items", Json::array({{{"Content", "My"},
                                                     {"BeginOffsetMillis", 100},
                                                     {"EndOffsetMillis", 300},
                                                     {"Type", "pronunciation"}},
                                                    {{"Content", "PIN"},
                                                     {"BeginOffsetMillis", 300},
                                                     {"EndOffsetMillis", 600},
                                                     {"Type", "pronunciation"}},
                                                    {{"Content", "is"},
                                                     {"BeginOffsetMillis", 600},
                                                     {"EndOffsetMillis", 800},
                                                     {"Type", "pronunciation"}},
                                                    {{"Content", "4321"},
                                                     {"BeginOffsetMillis", 900},
                                                     {"EndOffsetMillis", 1900},
                                                     {"Type", "pronunciation"}},
                                                    {{"Content", "."}, {"Type", "punctuation"}}})}},
                            {{"Id", "b"},
                             {"ParticipantRole", "AGENT"},
                             {"BeginOffsetMillis", 2500},
                             {"EndOffsetMillis", 3000},
                             {"Content", "Thank you."}}})}};
  ParsedTranscript p = MustParse(doc.dump());
  ASSERT_EQ(p.call.chunks_size(), 2);
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::CUSTOMER);
  EXPECT_EQ(p.call.chunks(0).text(), "My PIN is 4321.");
  EXPECT_EQ(p.call.chunks(0).words(3).text(), "4321.");
  EXPECT_EQ(p.call.chunks(0).words(3).start_ms(), 900);
  EXPECT_EQ(p.call.chunks(0).words(3).end_ms(), 1900);
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::AGENT);
  ExpectWordsMatchTokens(p.call.chunks(1));
  Json back = Json::parse(MustWrite(p, FakeRedact(p.call)));
  EXPECT_EQ(back["Transcript"][0]["Content"], "My PIN is [PHONE_NUMBER]");
  EXPECT_EQ(back["Transcript"][0]["Items"][3]["Content"], "[PHONE_NUMBER]");
  EXPECT_EQ(back["Transcript"][0]["Items"][2]["Content"], "is");
}

// ---------------------------------------------------------------------------------------
// Whisper

constexpr char kWhisper[] = R"({
  "text": " Can I have your number? Sure, it's 082 555 1234.",
  "segments": [
    {"id": 0, "seek": 0, "start": 0.0, "end": 2.0, "text": " Can I have your number?",
     "tokens": [50364, 1664], "speaker": "SPEAKER_00",
     "words": [{"word": " Can", "start": 0.0, "end": 0.3}, {"word": " I", "start": 0.3, "end": 0.4},
               {"word": " have", "start": 0.4, "end": 0.6}, {"word": " your", "start": 0.6, "end": 0.8},
               {"word": " number", "start": 0.8, "end": 1.5}, {"word": "?", "start": 1.5, "end": 1.6}]},
    {"id": 1, "seek": 0, "start": 2.5, "end": 6.0, "text": " Sure, it's 082 555 1234.",
     "tokens": [50364, 99], "speaker": "SPEAKER_01",
     "words": [{"word": " Sure,", "start": 2.5, "end": 2.9}, {"word": " it's", "start": 3.0, "end": 3.2},
               {"word": " 082", "start": 3.3, "end": 4.0}, {"word": " 555", "start": 4.1, "end": 4.8},
               {"word": " 1234.", "start": 4.9, "end": 5.9}]}
  ],
  "language": "en"
}
)";

TEST(Whisper, ParsesSegmentsWithWords) {
  ParsedTranscript p = MustParse(kWhisper);
  EXPECT_EQ(p.format, TranscriptFormat::kWhisperJson);
  ASSERT_EQ(p.call.chunks_size(), 2);
  EXPECT_EQ(p.call.chunks(0).text(), " Can I have your number?");
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::AGENT);
  EXPECT_EQ(p.call.chunks(1).text(), " Sure, it's 082 555 1234.");
  EXPECT_EQ(p.call.chunks(1).speaker(), v1::CUSTOMER);
  for (const auto& c : p.call.chunks()) ExpectWordsMatchTokens(c);
  EXPECT_EQ(p.call.chunks(0).words(4).text(), "number?");  // "number" + "?"
  EXPECT_EQ(p.call.chunks(0).words(4).start_ms(), 800);
  EXPECT_EQ(p.call.chunks(0).words(4).end_ms(), 1600);
  EXPECT_EQ(p.call.chunks(1).words(3).start_ms(), 4100);
}

TEST(Whisper, WritesBackMaskingWordsAndTokens) {
  ParsedTranscript p = MustParse(kWhisper);
  v1::RedactedCall r = FakeRedact(p.call);
  ExpectSpansPointAtDigits(p, r);
  std::string out = MustWrite(p, r);
  for (const char* digits : {"082", "555", "1234", "1664"})
    EXPECT_THAT(out, Not(HasSubstr(digits)));
  Json back = Json::parse(out);
  EXPECT_EQ(back["text"],
            " Can I have your number? Sure, it's [PHONE_NUMBER] [PHONE_NUMBER] [PHONE_NUMBER]");
  const Json& seg = back["segments"][1];
  EXPECT_EQ(seg["text"], " Sure, it's [PHONE_NUMBER] [PHONE_NUMBER] [PHONE_NUMBER]");
  EXPECT_EQ(seg["tokens"], Json::array());
  EXPECT_EQ(seg["start"], 2.5);
  EXPECT_EQ(seg["words"][1]["word"], " it's");
  EXPECT_EQ(seg["words"][2]["word"], " [PHONE_NUMBER]");
  EXPECT_EQ(seg["words"][2]["start"], 3.3);
  EXPECT_EQ(seg["speaker"], "SPEAKER_01");
  EXPECT_EQ(back["language"], "en");
}

TEST(Whisper, WithoutWordsSpreadsTheSegment) {
  ParsedTranscript p =
      MustParse(R"({"segments": [{"start": 1.0, "end": 2.0, "text": " one two three four"}]})");
  ASSERT_EQ(p.call.chunks_size(), 1);
  EXPECT_EQ(p.call.chunks(0).speaker(), v1::CUSTOMER);
  ExpectWordsMatchTokens(p.call.chunks(0));
  EXPECT_EQ(p.call.chunks(0).words(1).start_ms(), 1250);
  EXPECT_EQ(p.call.chunks(0).words(3).end_ms(), 2000);
}

TEST(Whisper, ChangedTextMasksWordsTheSpansMiss) {
  // A redactor that rewrites a word without an event span: the word list must not keep it.
  ParsedTranscript p = MustParse(kWhisper);
  v1::RedactedCall r = IdentityRedact(p.call);
  r.mutable_chunks(1)->set_text(" Sure, it's [REDACTED] 555 1234.");
  Json back = Json::parse(MustWrite(p, r));
  EXPECT_EQ(back["segments"][1]["words"][2]["word"], " [REDACTED]");
  EXPECT_EQ(back["segments"][1]["words"][3]["word"], " 555");
}

// ---------------------------------------------------------------------------------------
// Errors

TEST(Errors, NameFileAndLineWithoutText) {
  const std::string secret = "8001015009087";
  struct Case {
    std::string content;
    TranscriptFormat format;
    std::string want;  // Expected prefix of the message.
  } cases[] = {
      {"WEBVTX\n\n00:01.000 --> 00:02.000\n" + secret + "\n", TranscriptFormat::kWebVtt,
       "calls/c1.x:1:"},
      {"WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n" + secret + "\nbad cue\n",
       TranscriptFormat::kWebVtt, "calls/c1.x:6:"},
      {"WEBVTT\n\n00:01.000 --> 0" + secret + "\nx\n", TranscriptFormat::kWebVtt, "calls/c1.x:3:"},
      {"1\n00:00:01,000 --> 00:00:02,000\nok\n\nX" + secret +
           "\n00:00:02,000 --> 00:00:03,000\nb\n",
       TranscriptFormat::kSrt, "calls/c1.x:5:"},
      {"{\"segments\": [\n{\"text\": \"" + secret + "\",\n \"start\": 0, \"end\": }]}",
       TranscriptFormat::kWhisperJson, "calls/c1.x:3:"},
      {"{\"text\": \"" + secret + "\"}", TranscriptFormat::kWhisperJson, "calls/c1.x: /segments:"},
      {"{\"segments\": [{\"text\": \"" + secret + "\", \"start\": \"x\", \"end\": 1}]}",
       TranscriptFormat::kWhisperJson, "calls/c1.x: /segments/0:"},
      {"{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"content\": "
       "\"" +
           secret + "\"}]}]}}",
       TranscriptFormat::kAwsTranscribe, "calls/c1.x: /results/items/0:"},
      {"AGENT: ok\nCUSTOMER: " + secret + " \xC3\x28\n", TranscriptFormat::kAuto, "calls/c1.x:2:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.content);
    absl::StatusOr<ParsedTranscript> p = ParseTranscript("calls/c1.x", c.content, {}, c.format);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(p.status().message()), ::testing::StartsWith(c.want));
    EXPECT_THAT(std::string(p.status().message()), Not(HasSubstr(secret)));
    EXPECT_THAT(std::string(p.status().message()), Not(HasSubstr("bad cue")));
  }
}

TEST(Errors, CorpusJsonlIsLeftToCorpusIo) {
  absl::StatusOr<ParsedTranscript> p =
      ParseTranscript("a.jsonl", "{\"call_id\":\"a\",\"chunks\":[]}\n", {});
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnimplemented);
}

TEST(Errors, WriteRejectsMismatchedAnswer) {
  ParsedTranscript p = MustParse(kSrt);
  v1::RedactedCall r = IdentityRedact(p.call);
  r.mutable_chunks()->RemoveLast();
  EXPECT_FALSE(WriteTranscript(p, r).ok());
}

TEST(Events, JsonLines) {
  ParsedTranscript p = MustParse(kSrt);
  std::string events = EventsToJsonl(FakeRedact(p.call));
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < events.size()) {
    size_t nl = events.find('\n', pos);
    lines.push_back(events.substr(pos, nl - pos));
    pos = nl + 1;
  }
  ASSERT_EQ(lines.size(), 4u);
  Json ev = Json::parse(lines[0]);
  EXPECT_EQ(ev["call_id"], "c1");
  EXPECT_EQ(ev["type"], "PHONE_NUMBER");
  EXPECT_EQ(ev["spans"][0]["seq"], 1);
  EXPECT_EQ(ev["spans"][0]["start"], 0);
  EXPECT_EQ(ev["spans"][0]["end"], 3);
  EXPECT_EQ(ev["audio"][0]["speaker"], "CUSTOMER");
  EXPECT_EQ(ev["audio"][0]["start_ms"], 3000);
  EXPECT_THAT(events, Not(HasSubstr("082")));
}

}  // namespace
}  // namespace callredact
