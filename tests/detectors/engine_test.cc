// Tests of the detection engine (detectors/engine.h): loading the models, errors for bad
// model files, and a table of positives and hard negatives per entity type, run through
// RedactCall (pipeline/batch.h) with the default policy on small made-up calls: the
// agent's question, then the customer's answer.
//
// Failure messages name the case and byte offsets, never chunk text.
#include "detectors/engine.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/batch.h"
#include "pipeline/policy.h"
#include "tests/common/check_digits.h"

namespace callredact {
namespace {

using ::callredact::test_support::LuhnDigit;

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ModelsDir() { return std::string(CALLREDACT_SOURCE_DIR) + "/models"; }


// A valid SA ID number for 1 January 1980, and the same with its check digit wrong.
std::string ValidId() {
  const std::string body = "800101500908";
  return body + LuhnDigit(body);
}
std::string NearMissId() {
  std::string id = ValidId();
  id.back() = id.back() == '9' ? '0' : static_cast<char>(id.back() + 1);
  return id;
}

std::shared_ptr<const Engine> SharedEngine() {
  static const std::shared_ptr<const Engine>* engine = [] {
    auto e = Engine::Load(ModelsDir());
    return e.ok() ? new std::shared_ptr<const Engine>(*e) : new std::shared_ptr<const Engine>();
  }();
  return *engine;
}

TEST(EngineLoadTest, LoadsTheModels) {
  auto engine = Engine::Load(ModelsDir());
  ASSERT_TRUE(engine.ok()) << engine.status();
  EXPECT_GT((*engine)->pack().pattern_size(), 0);
  EXPECT_GT((*engine)->pack().cue_size(), 0);
  // Both lexicons are merged.
  ASSERT_NE((*engine)->lexicon().Digit("eight"), nullptr);
  EXPECT_EQ(*(*engine)->lexicon().Digit("eight"), "8");
  ASSERT_NE((*engine)->lexicon().Digit("agt"), nullptr);
  EXPECT_EQ(*(*engine)->lexicon().Digit("agt"), "8");
  EXPECT_EQ(Engine::DefaultModelsDir().empty(), false);
}

TEST(EngineLoadTest, MissingFolderFails) {
  auto engine = Engine::Load("/nonexistent/models");
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(std::string(engine.status().message()), HasSubstr("/nonexistent/models"));
}

// A models folder in a temp dir: the real lexicons and gazetteers and a detector pack
// written by the test.
class BadModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "callredact_models_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    for (const auto& entry : fs::directory_iterator(ModelsDir())) {
      if (entry.path().filename() == "detectors.textproto") continue;
      fs::copy(entry.path(), dir_ / entry.path().filename(), fs::copy_options::recursive);
    }
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Writes `text` and, after it (so line numbers in `text` stay), the real pack's
  // gazetteer list, which every pack needs for names and addresses.
  void WritePack(const std::string& text) {
    std::ofstream out(dir_ / "detectors.textproto");
    out << text << "\n";
    std::ifstream real(std::string(CALLREDACT_SOURCE_DIR) + "/models/detectors.textproto");
    std::string line;
    bool in_gazetteer = false;
    while (std::getline(real, line)) {
      if (line.rfind("gazetteer {", 0) == 0) in_gazetteer = true;
      if (!in_gazetteer) continue;
      const std::string rel = "file: \"gazetteers/";
      if (size_t at = line.find(rel); at != std::string::npos) {
        line.replace(at, rel.size(),
                     "file: \"" + std::string(CALLREDACT_SOURCE_DIR) + "/models/gazetteers/");
      }
      out << line << "\n";
      if (line.find('}') != std::string::npos) in_gazetteer = false;
    }
  }
  std::string PackPath() const { return (dir_ / "detectors.textproto").string(); }

  fs::path dir_;
};

constexpr char kGoodHeader[] =
    "lexicon_file: \"lexicon_en.textproto\"\n"      // Line 1.
    "lexicon_file: \"lexicon_af.textproto\"\n"      // Line 2.
    "cue_window_words: 10\n";                       // Line 3.

TEST_F(BadModelTest, GoodMinimalPackLoads) {
  WritePack(std::string(kGoodHeader) +
            "pattern { id: \"x\" entity: ZA_ID_NUMBER regex: \"\\\\b\\\\d{13}\\\\b\" "
            "validator: \"za_id\" confidence: 0.9 }\n");
  auto engine = Engine::Load(dir_.string());
  ASSERT_TRUE(engine.ok()) << engine.status();
}

TEST_F(BadModelTest, ErrorsNameFileAndLine) {
  struct Case {
    std::string name;
    std::string body;  // After the 3 header lines.
    std::string line;  // ":<line>:" expected in the message.
    std::string what;  // Expected in the message.
  };
  const Case kCases[] = {
      {"syntax error", "pattern { id: \"x\" entity: ZA_ID_NUMBER\nregex: }\n", ":5:", ""},
      {"unknown field", "\n\nno_such_field: 3\n", ":6:", "no_such_field"},
      {"unknown enum", "pattern { id: \"x\" entity: NOT_A_TYPE }\n", ":4:", "NOT_A_TYPE"},
      {"unknown validator",
       "pattern { id: \"a\" entity: ZA_ID_NUMBER regex: \"\\\\d{13}\" confidence: 0.9 }\n"
       "\n"
       "pattern { id: \"b\" entity: TAX_NUMBER regex: \"\\\\d{10}\"\n"
       "  validator: \"no_such_check\" confidence: 0.9 }\n",
       ":6:", "no_such_check"},
      {"bad regex",
       "pattern { id: \"a\" entity: ZA_ID_NUMBER regex: \"\\\\d{13}\" confidence: 0.9 }\n"
       "pattern { id: \"broken\" entity: TAX_NUMBER regex: \"(\\\\d{10}\" confidence: 0.9 }\n",
       ":5:", "regex"},
      {"missing entity", "\npattern { id: \"a\" regex: \"\\\\d{13}\" confidence: 0.9 }\n", ":5:",
       "entity"},
      {"empty id", "pattern { entity: ZA_ID_NUMBER regex: \"\\\\d{13}\" }\n", ":4:", "id"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    WritePack(std::string(kGoodHeader) + c.body);
    auto engine = Engine::Load(dir_.string());
    ASSERT_FALSE(engine.ok());
    const std::string message(engine.status().message());
    EXPECT_THAT(message, HasSubstr(PackPath() + c.line)) << message;
    EXPECT_THAT(message, HasSubstr(c.what)) << message;
  }
}

TEST_F(BadModelTest, MissingOrBrokenLexiconNamesItsFile) {
  WritePack("lexicon_file: \"no_such_lexicon.textproto\"\n");
  auto engine = Engine::Load(dir_.string());
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(std::string(engine.status().message()),
              HasSubstr((dir_ / "no_such_lexicon.textproto").string()));

  {
    std::ofstream out(dir_ / "broken_lexicon.textproto");
    out << "language: \"xx\"\ndigit { word: \"een\" value: }\n";
  }
  WritePack("lexicon_file: \"broken_lexicon.textproto\"\n");
  engine = Engine::Load(dir_.string());
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(std::string(engine.status().message()),
              HasSubstr((dir_ / "broken_lexicon.textproto").string() + ":2:"));
}

// ---- Detection table -----------------------------------------------------------------

struct Turn {
  v1::Speaker speaker;
  std::string text;
};

v1::Call MakeCall(const std::vector<Turn>& turns) {
  v1::Call call;
  call.mutable_config()->set_call_id("engine-test");
  int64_t t = 1000;
  for (size_t i = 0; i < turns.size(); ++i) {
    v1::Chunk* c = call.add_chunks();
    c->set_seq(i);
    c->set_source(v1::TRANSCRIPT);
    c->set_speaker(turns[i].speaker);
    c->set_is_final(true);
    c->set_text(turns[i].text);
    for (std::string_view w : SplitWords(turns[i].text)) {
      v1::Word* word = c->add_words();
      word->set_text(std::string(w));
      word->set_start_ms(t);
      word->set_end_ms(t + 250);
      t += 300;
    }
    t += 700;
  }
  return call;
}

// One detection case: the customer's answer (last turn) holds `target`.
struct DetectCase {
  std::string name;
  std::string question;  // The agent's words before the answer.
  std::string answer;    // The customer's words.
  std::string target;    // Substring of `answer` the case is about.
  v1::EntityType type;   // Expected type; ENTITY_TYPE_UNSPECIFIED: never reported.
};

struct Found {
  bool exact = false;        // An event of the expected type spans exactly the target.
  double confidence = 0;     // Its confidence.
  int overlapping = 0;       // Events of any type touching the target.
  int other_type = 0;        // Events of another type touching the target.
};

Found Detect(const DetectCase& c) {
  v1::Call call = MakeCall({{v1::AGENT, c.question}, {v1::CUSTOMER, c.answer}});
  auto out = RedactCall(SharedEngine(), Policy::Default(), call);
  Found f;
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok()) return f;
  const size_t pos = c.answer.find(c.target);
  EXPECT_NE(pos, std::string::npos) << "target not in answer";
  const uint32_t tb = static_cast<uint32_t>(pos), te = static_cast<uint32_t>(pos + c.target.size());
  for (const v1::RedactedChunk& rc : out->chunks()) {
    for (const v1::DetectionEvent& e : rc.events()) {
      bool touches = false;
      for (const v1::Span& s : e.spans()) {
        if (s.seq() == 1 && s.start() < te && tb < s.end()) touches = true;
      }
      if (!touches) continue;
      ++f.overlapping;
      if (e.type() != c.type) {
        ++f.other_type;
        continue;
      }
      if (e.spans_size() == 1 && e.spans(0).start() == tb && e.spans(0).end() == te) {
        f.exact = true;
        f.confidence = e.confidence();
      }
    }
  }
  return f;
}

void ExpectCases(const std::vector<DetectCase>& cases) {
  ASSERT_NE(SharedEngine(), nullptr);
  for (const DetectCase& c : cases) {
    SCOPED_TRACE(c.name);
    Found f = Detect(c);
    if (c.type == v1::ENTITY_TYPE_UNSPECIFIED) {
      EXPECT_EQ(f.overlapping, 0) << "reported, but must never be";
    } else {
      EXPECT_TRUE(f.exact) << "no " << v1::EntityType_Name(c.type)
                           << " event spanning exactly the target";
      EXPECT_EQ(f.other_type, 0) << "also reported as another type";
      EXPECT_GE(f.confidence, 0.5);
    }
  }
}

constexpr v1::EntityType kNone = v1::ENTITY_TYPE_UNSPECIFIED;
constexpr char kNeutral[] = "How can I help you today?";

TEST(EngineDetectTest, ExpiryAndCodeRightAfterACard) {
  ExpectCases({
      {"expiry after the card", kNeutral, "Card is easier. 5183 4870 4453 3674, 12/25, 058.",
       "12/25", v1::CARD_EXPIRY},
      {"code after the card and its expiry", kNeutral,
       "Card is easier. 5183 4870 4453 3674, 12/25, 058.", "058", v1::CARD_SECURITY_CODE},
      {"a year after an ID number that also passes the card check", kNeutral,
       "MOLEFE 6103051464085 1961 MOTHER", "1961", kNone},
      {"an amount after a card is not its code", kNeutral,
       "My card 5183 4870 4453 3674 was charged 250 rand twice.", "250", kNone},
  });
}

// The agent reads a passport back spelled ("D for delta, 9 4 8 ..."): the same value as
// the customer's "D94887506", so it is found without a cue.
TEST(EngineDetectTest, SpelledPassportReadBack) {
  v1::Call call = MakeCall({{v1::AGENT, "Any passport for the profile?"},
                            {v1::CUSTOMER, "Okay, it's D94887506."},
                            {v1::AGENT, "Thanks. I'll add it to your travel notes."},
                            {v1::AGENT, "D for delta, 9 4 8 8 7 5 0 6."}});
  auto out = RedactCall(SharedEngine(), Policy::Default(), call);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->chunks_size(), 4);
  EXPECT_EQ(out->chunks(3).text(), "[PASSPORT_NUMBER].");
}

TEST(EngineDetectTest, PasswordsAndCodeWordsAnsweringTheirQuestion) {
  ExpectCases({
      {"words and digits", "For security, what's the account password?",
       "It's Blue Buffalo 19, all one word.", "Blue Buffalo 19", v1::AUTH_CODE},
      {"one word in lower case", "for security first give me the current codeword", "sunbird",
       "sunbird", v1::AUTH_CODE},
      {"a corrected password", "Can you give me your password?",
       "It's jasmine seventy... no, sorry, jasmine seventy two.", "jasmine seventy two",
       v1::AUTH_CODE},
      {"a question back is no password", "what's the codeword", "what time", "what time", kNone},
      {"a security question's answer", "Now the security question: what was your first pet?",
       "Oh, it was Bongo.", "Bongo", v1::AUTH_CODE},
      {"a request is no password", "what's the password? and delivery or collection?",
       "Delivered please, to my home.", "Delivered please", kNone},
      {"a plan is no password", "And your password?", "I'll do that tonight.", "do that tonight",
       kNone},
      {"not the whole answer", "And your password?", "Let me write it down first.",
       "write it down", kNone},
      {"no password question", "How can I help?", "it is a blue buffalo painting", "blue buffalo",
       kNone},
  });
}

// A passport whose letter is written on its first digits, the rest in later groups.
TEST(EngineDetectTest, PassportLetterOnItsFirstDigits) {
  ExpectCases({
      {"letter and digits, then more digits", "And the passport number?", "It's A123 4567 8.",
       "A123 4567 8", v1::PASSPORT_NUMBER},
      {"paper size and a count", kNeutral, "The A4 paper and 3 boxes.", "A4 paper and 3", kNone},
      {"two spaced letters", "And the passport?", "m a seven three nine two one five",
       "m a seven three nine two one five", v1::PASSPORT_NUMBER},
      {"a pause after the letter", "Passport number?", "It's capital A... zero seven three one four five nine two",
       "A... zero seven three one four five nine two", v1::PASSPORT_NUMBER},
      {"a travel document on a screen", kNeutral, "Case 2024/GP/1187 | Travel doc: AE0417832 | Opened",
       "AE0417832", v1::PASSPORT_NUMBER},
      {"the s of \"it's\" is no letter of it", "Passport number?", "it's a 05123456",
       "a 05123456", v1::PASSPORT_NUMBER},
      {"any phonetic word after a passport question", "passport number?",
       "Mike zero zero six one four eight two two", "Mike zero zero six one four eight two two",
       v1::PASSPORT_NUMBER},
      {"two phonetic words, a comma, the digits", "and your passport number?",
       "It's foxtrot november, four eight two nine one three",
       "foxtrot november, four eight two nine one three", v1::PASSPORT_NUMBER},
      {"a date after a passport question stays a date", "and date of birth as on the passport",
       "seventh of november seventy five", "seventh of november seventy five",
       v1::DATE_OF_BIRTH},
      {"a phonetic letter before the digits", "Can I have your passport number please?",
       "yes it's alpha zero five one two three four five six",
       "alpha zero five one two three four five six", v1::PASSPORT_NUMBER},
  });
}

TEST(EngineDetectTest, ExpiryWithAnApostropheYear) {
  v1::Call call = MakeCall({{v1::AGENT, "Can I have the card number?"},
                            {v1::CUSTOMER, "4111 1111 1111 1111"},
                            {v1::AGENT, "And the expiry?"},
                            {v1::CUSTOMER, "September '27"}});
  auto out = RedactCall(SharedEngine(), Policy::Default(), call);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->chunks_size(), 4);
  EXPECT_EQ(out->chunks(3).text(), "[CARD_EXPIRY]");
}

// The agent reads a date of birth back in another form, with no cue of its own.
TEST(EngineDetectTest, DateOfBirthReadBackInAnotherForm) {
  v1::Call call = MakeCall({{v1::AGENT, "And your date of birth?"},
                            {v1::CUSTOMER, "the second of november nineteen ninety one"},
                            {v1::AGENT, "Thank you. Let me check the system here."},
                            {v1::AGENT, "So 02/11/1991, and the account is still open."}});
  auto out = RedactCall(SharedEngine(), Policy::Default(), call);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->chunks_size(), 4);
  EXPECT_EQ(out->chunks(3).text(), "So [DATE_OF_BIRTH], and the account is still open.");
}

// A list number before a whole written number is no part of it.
TEST(EngineDetectTest, ListNumberBeforeAWrittenNumber) {
  ExpectCases({
      {"applicant 1 and a tax number", kNeutral,
       "Tax refs updated: Applicant 1 9194240405 | Applicant 2 1487690735", "9194240405",
       v1::TAX_NUMBER},
  });
}

TEST(EngineDetectTest, BusinessNumbersAreNotPersonal) {
  ExpectCases({
      {"share-call number", kNeutral, "If you need us again, the fraud line is 0860 100 222.",
       "0860 100 222", kNone},
      {"toll-free number", kNeutral, "You can call 0800 123 456 7 for free.", "0800 123 456 7",
       kNone},
      {"a mobile number still is", kNeutral, "You can call me on 082 555 1234.",
       "082 555 1234", v1::PHONE_NUMBER},
      {"the company's number after 'our ... number'", kNeutral,
       "If the card is declined abroad, our international number is +27 11 324 4444.",
       "+27 11 324 4444", kNone},
      {"the company calling from its number", kNeutral,
       "The team leader will call you from 015 290 2000 before arrival.", "015 290 2000", kNone},
      {"the customer's landline", kNeutral, "Call me at home on 015 290 2000 after five.",
       "015 290 2000", v1::PHONE_NUMBER},
      {"a role mailbox", kNeutral, "You can email the documents to claims@sizwefuneral.co.za.",
       "claims@sizwefuneral.co.za", kNone},
      {"a personal address", kNeutral, "My email is thandi.nkosi@gmail.com.",
       "thandi.nkosi@gmail.com", v1::EMAIL_ADDRESS},
  });
}

TEST(EngineDetectTest, BranchCodesAndImeisAreNotAccountsOrIds) {
  ExpectCases({
      {"branch code after the bank", "And the bank?", "Standard Bank, 051001.", "051001", kNone},
      {"IMEI", "Your ID number?", "No sorry, that's on the box: 352601815908305.",
       "352601815908305", kNone},
  });
}

TEST(EngineDetectTest, DatesOfBirthInMoreForms) {
  ExpectCases({
      {"apostrophe year", "And your date of birth?", "3 March '90.", "3 March '90",
       v1::DATE_OF_BIRTH},
      {"day and month with a cue in the same utterance", "Date of birth?",
       "She was born on the 2nd of February, so she's six weeks old.", "the 2nd of February",
       v1::DATE_OF_BIRTH},
      {"Afrikaans ordinal, month and units-first year", "en jou geboortedatum",
       "agtiende januarie agt en sestig", "agtiende januarie agt en sestig", v1::DATE_OF_BIRTH},
      {"compact date after DOB", kNeutral, "PAX 1: NKOSI/THABO MR DOB 30SEP71 PPT",
       "30SEP71", v1::DATE_OF_BIRTH},
      {"numeric with a two-digit year", "your date of birth?", "12/03/85", "12/03/85",
       v1::DATE_OF_BIRTH},
      {"ordinal day and month, two-digit year", "date of birth?",
       "the twelfth of the third eighty five", "the twelfth of the third eighty five",
       v1::DATE_OF_BIRTH},
      {"a day and month answering a later question is not a birthday",
       "Date of birth and departure date?", "Friday 28 June, the evening bus.", "28 June",
       v1::ENTITY_TYPE_UNSPECIFIED},
  });
}


TEST(EngineDetectTest, IdNumbers) {
  const std::string id = ValidId(), near = NearMissId();
  ExpectCases({
      {"valid written ID without context", kNeutral, "I was told " + id + " is on file", id,
       v1::ZA_ID_NUMBER},
      {"valid ID after ID question", "Can I have your ID number please?", "It's " + id, id,
       v1::ZA_ID_NUMBER},
      {"grouped ID after ID question", "Can I have your ID number please?",
       "It's " + id.substr(0, 6) + " " + id.substr(6, 4) + " " + id.substr(10), 
       id.substr(0, 6) + " " + id.substr(6, 4) + " " + id.substr(10), v1::ZA_ID_NUMBER},
      {"near miss after ID question", "Can I have your ID number please?", "It's " + near, near,
       v1::ZA_ID_NUMBER},
      {"near miss without context", kNeutral, "I was told " + near + " is on file", near,
       kNone},
  });
  const DetectCase valid{"valid", "Can I have your ID number please?", "It's " + id, id,
                         v1::ZA_ID_NUMBER};
  const DetectCase miss{"near", "Can I have your ID number please?", "It's " + near, near,
                        v1::ZA_ID_NUMBER};
  EXPECT_LT(Detect(miss).confidence, Detect(valid).confidence)
      << "a near miss must be less certain than a valid checksum";
}

TEST(EngineDetectTest, NumbersThatAreNotPersonal) {
  ExpectCases({
      {"amount", "What is the problem with the payment?", "I paid R1 250.00 last week",
       "R1 250.00", kNone},
      {"amount in words", "What is the problem with the payment?",
       "I paid one thousand two hundred rand", "one thousand two hundred", kNone},
      {"time", kNeutral, "Please call me back at 14:30 tomorrow", "14:30", kNone},
      {"date not DOB", "When did you make the payment?", "On 13 January 2024", "13 January 2024",
       kNone},
      {"ISO date not DOB", "When did you make the payment?", "It was 2024-01-13",
       "2024-01-13", kNone},
      {"percentage", kNeutral, "I used 75% of my data", "75", kNone},
      {"percent in words", kNeutral, "The rate went up by 12 percent", "12", kNone},
      {"count", kNeutral, "I have 3 children and 2 cars", "3", kNone},
      {"duration", kNeutral, "I waited 45 minutes on hold", "45", kNone},
      {"branch code asked", "What is the branch code?", "It's 250655", "250655", kNone},
      {"branch code after account question", "What is your account number?",
       "The branch code is 250655", "250655", kNone},
      {"universal branch code", "Which bank is it?", "Capitec, universal branch code 470010",
       "470010", kNone},
  });
}

TEST(EngineDetectTest, TenDigitsTypedByTheQuestion) {
  ExpectCases({
      {"phone after cell question", "What is your cell number?", "It's 0612345678",
       "0612345678", v1::PHONE_NUMBER},
      {"account after account question", "What is your account number?", "It's 0612345678",
       "0612345678", v1::BANK_ACCOUNT_NUMBER},
      {"spoken phone", "What is your cell number?",
       "It's oh six one two three four five six seven eight",
       "oh six one two three four five six seven eight", v1::PHONE_NUMBER},
      {"account number that is no phone", "What is your account number?", "It's 1234567890",
       "1234567890", v1::BANK_ACCOUNT_NUMBER},
      // The area code's brackets belong to the number; a bracket before a sentence does not.
      {"bracketed area code", "What is your cell number?", "It's (061) 234-5678 thanks",
       "(061) 234-5678", v1::PHONE_NUMBER},
      {"bracket only before", "What is your cell number?", "It's (cell 0612345678) thanks",
       "0612345678", v1::PHONE_NUMBER},
  });
}

// One SCREEN chunk redacted as a call of its own.
v1::RedactedChunk RedactScreen(const std::string& text) {
  v1::Call call;
  call.mutable_config()->set_call_id("screen-test");
  v1::Chunk* c = call.add_chunks();
  c->set_seq(0);
  c->set_source(v1::SCREEN);
  c->set_is_final(true);
  c->set_text(text);
  auto out = RedactCall(SharedEngine(), Policy::Default(), call);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? out->chunks(0) : v1::RedactedChunk();
}

// A screen row with no DOB label on its line: the date that is the birth date of the
// row's SA ID number is the date of birth; another date on the row is not.
TEST(EngineDetectTest, DateEqualToTheIdsBirthDateIsTheDateOfBirth) {
  const std::string id = ValidId();  // Born 1980-01-01.
  v1::RedactedChunk out = RedactScreen("NAME  ID  DATE  OPENED  LIMIT\nSMITH, Anna  " + id +
                                       "  1980/01/01  2024/03/15  R5,000");
  EXPECT_EQ(out.text().find("1980/01/01"), std::string::npos) << "the birth date is redacted";
  EXPECT_NE(out.text().find("2024/03/15"), std::string::npos) << "another date is not";
  int dobs = 0;
  for (const auto& e : out.events()) dobs += e.type() == v1::DATE_OF_BIRTH;
  EXPECT_EQ(dobs, 1);
}

// "Name (date)" on a screen: the bracketed date right after a person's name is their
// date of birth; a bracketed date after anything else is not.
TEST(EngineDetectTest, BracketedDateAfterANameIsTheDateOfBirth) {
  const std::string text = RedactScreen(
                                 "Dependant 1 ....... Lerato Mokoena (2011/04/23)\n"
                                 "Cover start ....... (2019/02/01)")
                                 .text();
  EXPECT_EQ(text.find("2011/04/23"), std::string::npos) << "the dependant's birth date";
  EXPECT_NE(text.find("2019/02/01"), std::string::npos) << "a cover start date";
  EXPECT_EQ(text.find("Lerato"), std::string::npos);
}

TEST(EngineDetectTest, SpokenDatesOfBirthWithCommasAndTwoDigitYears) {
  ExpectCases({
      {"commas between the parts", "And your date of birth?", "the fifteenth, june, eighty two",
       "the fifteenth, june, eighty two", v1::DATE_OF_BIRTH},
      {"comma before a four-digit year", "Date of birth?", "15 June, 1982", "15 June, 1982",
       v1::DATE_OF_BIRTH},
      {"cardinal day and two-digit year", "What's your date of birth", "fifteen june eighty two",
       "fifteen june eighty two", v1::DATE_OF_BIRTH},
      {"day, month abbreviation and year in one word", "Date of birth?", "It's 15-Jun-1982",
       "15-Jun-1982", v1::DATE_OF_BIRTH},
  });
}

// A card's expiry on a screen whose card number is masked: the card label lines above
// make it card data; without any card in sight an expiry-shaped date is left alone.
TEST(EngineDetectTest, ScreenExpiryUnderAMaskedCard) {
  EXPECT_EQ(RedactScreen("Card: **** **** **** 1234\nExp: 03/28\nStatus: Active").text().find("03/28"),
            std::string::npos);
  EXPECT_NE(RedactScreen("Policy: Funeral Plan\nExp: 03/28\nStatus: Active").text().find("03/28"),
            std::string::npos);
}

TEST(EngineDetectTest, SecurityCodeOnlyAfterItsQuestion) {
  ExpectCases({
      {"cvv asked", "And the three digits on the back of the card?", "It's 123", "123",
       v1::CARD_SECURITY_CODE},
      {"cvv spoken", "What is the CVV?", "one two three", "one two three",
       v1::CARD_SECURITY_CODE},
      {"three digits without question", kNeutral, "It's 123", "123", kNone},
  });
}

TEST(EngineDetectTest, OneTimePinOnlyAfterItsQuestion) {
  ExpectCases({
      {"otp", "I've sent you a one time pin, please read it to me.", "It's 482913", "482913",
       v1::AUTH_CODE},
      {"otp spoken", "Please read me the OTP.", "four eight two nine one three",
       "four eight two nine one three", v1::AUTH_CODE},
      {"six digits without question", kNeutral, "It's 482913", "482913", kNone},
  });
}

TEST(EngineDetectTest, PassportOnlyAfterItsQuestion) {
  ExpectCases({
      {"passport", "What is your passport number?", "It's A12345678", "A12345678",
       v1::PASSPORT_NUMBER},
      {"passport spaced letter", "What is your passport number?", "It's A 12345678",
       "A 12345678", v1::PASSPORT_NUMBER},
      {"passport spelled with a pause after the letter", "Passport number?",
       "capital A, one two three, four five six, seven eight",
       "A, one two three, four five six, seven eight", v1::PASSPORT_NUMBER},
      {"passport without question", kNeutral, "It's A12345678", "A12345678", kNone},
  });
}

TEST(EngineDetectTest, DateOfBirthOnlyAfterItsQuestion) {
  ExpectCases({
      {"dob words", "Can you confirm your date of birth?", "It's 13 January 1960",
       "13 January 1960", v1::DATE_OF_BIRTH},
      {"dob numeric", "Can you confirm your date of birth?", "It's 13/01/1960", "13/01/1960",
       v1::DATE_OF_BIRTH},
      {"dob iso", "What is your date of birth?", "1960-01-13", "1960-01-13", v1::DATE_OF_BIRTH},
      {"same date, other question", "When did the problem start?", "It's 13 January 1960",
       "13 January 1960", kNone},
      {"impossible date after question", "Can you confirm your date of birth?",
       "It's 31 February 1980", "31 February 1980", kNone},
  });
}

TEST(EngineDetectTest, CardExpiryOnlyAfterItsQuestion) {
  ExpectCases({
      {"expiry slash", "What is the expiry date on the card?", "It's 05/28", "05/28",
       v1::CARD_EXPIRY},
      {"expiry words", "And the card's expiry date?", "June 2027", "June 2027",
       v1::CARD_EXPIRY},
      // A card expiry needs a card: a passport or permit that expires is not one.
      {"passport expiry", "When does your passport expire?", "June 2027", "June 2027", kNone},
      {"month and year without question", kNeutral, "It happened in June 2027", "June 2027",
       kNone},
  });
}

TEST(EngineDetectTest, Emails) {
  ExpectCases({
      {"written", kNeutral, "Send it to info.desk@example.co.za please",
       "info.desk@example.co.za", v1::EMAIL_ADDRESS},
      {"spoken", "What is your email address?", "It's sipho dot mokoena at gmail dot com",
       "sipho dot mokoena at gmail dot com", v1::EMAIL_ADDRESS},
      {"spoken underscore", "What is your email address?",
       "It's info underscore desk at webmail dot co dot za",
       "info underscore desk at webmail dot co dot za", v1::EMAIL_ADDRESS},
      {"at without a domain", kNeutral, "I was at home all day", "at home", kNone},
  });
}

TEST(EngineDetectTest, PaymentCards) {
  const std::string body = "453201511283036";
  const std::string card = body + LuhnDigit(body);
  std::string bad = card;
  bad.back() = bad.back() == '9' ? '0' : static_cast<char>(bad.back() + 1);
  ExpectCases({
      {"card without context", kNeutral, "The number is " + card, card,
       v1::PAYMENT_CARD_NUMBER},
      {"card after card question", "What is the card number?", "It's " + card, card,
       v1::PAYMENT_CARD_NUMBER},
      {"card grouped", "What is the card number?",
       "It's " + card.substr(0, 4) + " " + card.substr(4, 4) + " " + card.substr(8, 4) + " " +
           card.substr(12),
       card.substr(0, 4) + " " + card.substr(4, 4) + " " + card.substr(8, 4) + " " +
           card.substr(12),
       v1::PAYMENT_CARD_NUMBER},
      {"luhn failure without context", kNeutral, "The number is " + bad, bad, kNone},
  });
}

TEST(EngineDetectTest, EventsNeverCarryTheValue) {
  const std::string id = ValidId();
  v1::Call call = MakeCall({{v1::AGENT, "Can I have your ID number please?"},
                            {v1::CUSTOMER, "It's " + id}});
  auto out = RedactCall(SharedEngine(), Policy::Default(), call);
  ASSERT_TRUE(out.ok()) << out.status();
  int events = 0;
  for (const v1::RedactedChunk& rc : out->chunks()) {
    EXPECT_THAT(rc.text(), Not(HasSubstr(id.substr(0, 6))));
    for (const v1::DetectionEvent& e : rc.events()) {
      ++events;
      const std::string serialized = e.SerializeAsString();
      EXPECT_EQ(serialized.find(id), std::string::npos);
      EXPECT_EQ(e.detector().find(id.substr(0, 6)), std::string::npos);
    }
  }
  EXPECT_EQ(events, 1);
}

}  // namespace
}  // namespace callredact
