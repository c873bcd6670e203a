// Tests of the tokenizer (detectors/tokenizer.h): byte offsets, punctuation splitting,
// UTF-8, word timings, screen line breaks, and UTF-8 validation.
#include "detectors/tokenizer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace callredact {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

v1::Chunk Transcript(const std::string& text, uint64_t seq = 0) {
  v1::Chunk c;
  c.set_seq(seq);
  c.set_source(v1::TRANSCRIPT);
  c.set_speaker(v1::CUSTOMER);
  c.set_is_final(true);
  c.set_text(text);
  return c;
}

v1::Chunk Screen(const std::string& text) {
  v1::Chunk c;
  c.set_seq(3);
  c.set_source(v1::SCREEN);
  c.set_is_final(true);
  c.set_text(text);
  return c;
}

// Each token as "norm@begin-end", and "!" appended for punctuation.
std::vector<std::string> Describe(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) {
    out.push_back(t.norm + "@" + std::to_string(t.begin) + "-" + std::to_string(t.end) +
                  (t.punct ? "!" : ""));
  }
  return out;
}

struct OffsetCase {
  std::string text;
  std::vector<std::string> tokens;
};

TEST(TokenizeTest, OffsetsAndPunctuation) {
  const OffsetCase kCases[] = {
      {"Customer: Thandi", {"customer@0-8", ":@8-9!", "thandi@10-16"}},
      {"  two   spaces ", {"two@2-5", "spaces@8-14"}},
      {"Hello, world.", {"hello@0-5", ",@5-6!", "world@7-12", ".@12-13!"}},
      {"(082)", {"(@0-1!", "082@1-4", ")@4-5!"}},
      {"\"yes?!\"", {"\"@0-1!", "yes@1-4", "?@4-5!", "!@5-6!", "\"@6-7!"}},
      // Inner punctuation stays with the word.
      {"thandi.nkosi@gmail.com.", {"thandi.nkosi@gmail.com@0-22", ".@22-23!"}},
      {"call 800-101-5009,", {"call@0-4", "800-101-5009@5-17", ",@17-18!"}},
      {"pay R4505.28 now", {"pay@0-3", "r4505.28@4-12", "now@13-16"}},
      {"at 14:30.", {"at@0-2", "14:30@3-8", ".@8-9!"}},
      {"+27821234567", {"+27821234567@0-12"}},
      {"ID:8001015009087", {"id:8001015009087@0-16"}},
      {"...", {".@0-1!", ".@1-2!", ".@2-3!"}},
      // A hyphenated spoken number is two words; other hyphenated words stay whole.
      {"Twenty-two eighty-five.", {"twenty@0-6", "two@7-10", "eighty@11-17", "five@18-22", ".@22-23!"}},
      {"the twenty-third", {"the@0-3", "twenty@4-10", "third@11-16"}},
      {"Mhlongo-Zwane e-mail", {"mhlongo-zwane@0-13", "e-mail@14-20"}},
      {"twenty-20", {"twenty-20@0-9"}},
      // Afrikaans: unit, "en", tens.
      {"twee-en-sewentig", {"twee@0-4", "en@5-7", "sewentig@8-16"}},
      {"spring-en-somer", {"spring-en-somer@0-15"}},
      {"", {}},
  };
  for (const OffsetCase& c : kCases) {
    SCOPED_TRACE("text: '" + c.text + "'");
    std::vector<Token> tokens = Tokenize(Transcript(c.text), Break::kHard);
    EXPECT_THAT(Describe(tokens), ElementsAreArray(c.tokens));
    for (const Token& t : tokens) {
      ASSERT_LE(t.end, c.text.size());
      ASSERT_LT(t.begin, t.end);
    }
  }
}

TEST(TokenizeTest, Utf8ByteOffsets) {
  // "Zoë" is 4 bytes: Z, o, and the two bytes of ë.
  const OffsetCase kCases[] = {
      {"Zo\xc3\xab", {"zo\xc3\xab@0-4"}},
      {"Zo\xc3\xab, Dlamini", {"zo\xc3\xab@0-4", ",@4-5!", "dlamini@6-13"}},
      {"\xe2\x80\x9cZo\xc3\xab\xe2\x80\x9d", {"\xe2\x80\x9czo\xc3\xab\xe2\x80\x9d@0-10"}},
      {"Ren\xc3\xa9 M\xc3\xbcller 8", {"ren\xc3\xa9@0-5", "m\xc3\xbcller@6-13", "8@14-15"}},
  };
  for (const OffsetCase& c : kCases) {
    SCOPED_TRACE("case text size " + std::to_string(c.text.size()));
    EXPECT_THAT(Describe(Tokenize(Transcript(c.text), Break::kHard)), ElementsAreArray(c.tokens));
  }
}

TEST(TokenizeTest, KeepsSeqSourceAndSpeaker) {
  v1::Chunk c = Transcript("eight oh", 7);
  c.set_speaker(v1::AGENT);
  std::vector<Token> tokens = Tokenize(c, Break::kHard);
  ASSERT_EQ(tokens.size(), 2u);
  for (const Token& t : tokens) {
    EXPECT_EQ(t.seq, 7u);
    EXPECT_EQ(t.source, v1::TRANSCRIPT);
    EXPECT_EQ(t.speaker, v1::AGENT);
  }
}

TEST(TokenizeTest, WordTimingsPerWhitespaceWord) {
  v1::Chunk c = Transcript("Customer: (082) done.");
  const int64_t kTimes[][2] = {{100, 200}, {300, 450}, {500, 600}};
  const char* const kWords[] = {"Customer:", "(082)", "done."};
  for (int i = 0; i < 3; ++i) {
    v1::Word* w = c.add_words();
    w->set_text(kWords[i]);
    w->set_start_ms(kTimes[i][0]);
    w->set_end_ms(kTimes[i][1]);
  }
  std::vector<Token> tokens = Tokenize(c, Break::kHard);
  // customer : ( 082 ) done .
  const int kWordOf[] = {0, 0, 1, 1, 1, 2, 2};
  ASSERT_EQ(tokens.size(), 7u);
  for (size_t i = 0; i < tokens.size(); ++i) {
    SCOPED_TRACE("token " + std::to_string(i));
    EXPECT_EQ(tokens[i].start_ms, kTimes[kWordOf[i]][0]);
    EXPECT_EQ(tokens[i].end_ms, kTimes[kWordOf[i]][1]);
  }
}

TEST(TokenizeTest, NoTimingsWhenWordsDoNotMatch) {
  v1::Chunk none = Transcript("eight oh");
  v1::Chunk wrong = Transcript("eight oh");
  v1::Word* w = wrong.add_words();
  w->set_text("eight");
  w->set_start_ms(10);
  w->set_end_ms(20);
  for (const v1::Chunk* c : {&none, &wrong}) {
    SCOPED_TRACE("words " + std::to_string(c->words_size()));
    for (const Token& t : Tokenize(*c, Break::kHard)) {
      EXPECT_EQ(t.start_ms, -1);
      EXPECT_EQ(t.end_ms, -1);
    }
  }
}

std::vector<Break> Breaks(const std::vector<Token>& tokens) {
  std::vector<Break> out;
  for (const Token& t : tokens) out.push_back(t.brk);
  return out;
}

TEST(TokenizeTest, FirstBreakIsTheCallers) {
  for (Break b : {Break::kNone, Break::kChunk, Break::kTurn, Break::kLine, Break::kHard}) {
    SCOPED_TRACE(static_cast<int>(b));
    std::vector<Token> tokens = Tokenize(Transcript("one two"), b);
    EXPECT_THAT(Breaks(tokens), ElementsAre(b, Break::kNone));
  }
}

TEST(TokenizeTest, ScreenLineBreaksAndFieldSeparators) {
  {
    std::vector<Token> tokens = Tokenize(Screen("Name: Thandi\nID: 8001"), Break::kHard);
    EXPECT_THAT(Describe(tokens), ElementsAre("name@0-4", ":@4-5!", "thandi@6-12", "id@13-15",
                                              ":@15-16!", "8001@17-21"));
    EXPECT_THAT(Breaks(tokens), ElementsAre(Break::kHard, Break::kNone, Break::kNone,
                                            Break::kLine, Break::kNone, Break::kNone));
  }
  {
    std::vector<Token> tokens = Tokenize(Screen("Cell: 082 | Acc: 1234"), Break::kHard);
    EXPECT_THAT(Describe(tokens), ElementsAre("cell@0-4", ":@4-5!", "082@6-9", "|@10-11!",
                                              "acc@12-15", ":@15-16!", "1234@17-21"));
    // The token after the separator starts a new line: 082 and 1234 never join.
    EXPECT_EQ(tokens[4].brk, Break::kLine);
    EXPECT_EQ(tokens[2].brk, Break::kNone);
  }
  {
    // "|" glued to the words still separates them.
    std::vector<Token> tokens = Tokenize(Screen("082|1234"), Break::kHard);
    EXPECT_THAT(Describe(tokens), ElementsAre("082|1234@0-8"));
    tokens = Tokenize(Screen("082 |1234"), Break::kHard);
    EXPECT_THAT(Describe(tokens), ElementsAre("082@0-3", "|@4-5!", "1234@5-9"));
    EXPECT_EQ(tokens[2].brk, Break::kLine);
  }
  {
    // A screen's key=value pairs are split; a tab separates fields like a line.
    std::vector<Token> tokens = Tokenize(Screen("name=Thandi\tID 8001"), Break::kHard);
    EXPECT_THAT(Describe(tokens), ElementsAre("name@0-4", "=@4-5!", "thandi@5-11", "id@12-14",
                                              "8001@15-19"));
    EXPECT_EQ(tokens[3].brk, Break::kLine);
  }
  {
    // Windows line ends and blank lines.
    std::vector<Token> tokens = Tokenize(Screen("a\r\n\r\nb"), Break::kHard);
    ASSERT_EQ(tokens.size(), 2u);
    EXPECT_EQ(tokens[1].brk, Break::kLine);
  }
}

TEST(TokenizeTest, TranscriptNewlinesAreNotScreenLines) {
  std::vector<Token> tokens = Tokenize(Transcript("eight\noh | one"), Break::kHard);
  for (size_t i = 1; i < tokens.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(tokens[i].brk, Break::kNone);
  }
}

TEST(SplitWordsTest, AsciiWhitespace) {
  EXPECT_THAT(SplitWords(" a\tbb\n\nccc  "), ElementsAre("a", "bb", "ccc"));
  EXPECT_THAT(SplitWords("Customer: (082)"), ElementsAre("Customer:", "(082)"));
  EXPECT_TRUE(SplitWords("   ").empty());
  EXPECT_TRUE(SplitWords("").empty());
}

TEST(IsValidUtf8Test, GoodAndBad) {
  struct Case {
    std::string name;
    std::string bytes;
    bool valid;
  };
  const Case kCases[] = {
      {"empty", "", true},
      {"ascii", "plain text 123", true},
      {"two-byte", "Zo\xc3\xab", true},
      {"three-byte", "\xe2\x82\xac", true},
      {"four-byte", "\xf0\x9f\x98\x80", true},
      {"max code point", "\xf4\x8f\xbf\xbf", true},
      {"last before surrogates", "\xed\x9f\xbf", true},
      {"first after surrogates", "\xee\x80\x80", true},
      {"two-byte at end", "ab\xc3\xab", true},
      {"overlong slash 2", "\xc0\xaf", false},
      {"overlong nul 2", "\xc0\x80", false},
      {"overlong 2 c1", "\xc1\xbf", false},
      {"overlong 3", "\xe0\x80\xaf", false},
      {"overlong 4", "\xf0\x80\x80\xaf", false},
      {"surrogate high", "\xed\xa0\x80", false},
      {"surrogate low", "\xed\xbf\xbf", false},
      {"above max", "\xf4\x90\x80\x80", false},
      {"f5 lead", "\xf5\x80\x80\x80", false},
      {"lone continuation", "a\x80z", false},
      {"ff", "\xff", false},
      {"truncated 2", "Zo\xc3", false},
      {"truncated 3", "\xe2\x82", false},
      {"truncated 4", "\xf0\x9f\x98", false},
      {"bad continuation", "\xc3\x28", false},
      {"ascii inside sequence", "\xe2\x82x", false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(IsValidUtf8(c.bytes), c.valid);
  }
}

}  // namespace
}  // namespace callredact

namespace callredact {
namespace {

// Casing survives in two flags (norm is lower case): capitalised, and all capitals.
TEST(TokenizerCaseTest, CapitalizedAndAllCaps) {
  std::vector<Token> t = Tokenize(Screen("Grâce NKOSI ÉLAN Van der A3 x"), Break::kHard);
  ASSERT_EQ(t.size(), 7u);
  auto flags = [&](size_t i) { return std::make_pair(t[i].capitalized, t[i].all_caps); };
  EXPECT_EQ(flags(0), std::make_pair(true, false));  // Grâce
  EXPECT_EQ(flags(1), std::make_pair(true, true));   // NKOSI
  EXPECT_EQ(flags(2), std::make_pair(true, true));   // ÉLAN (no ASCII lower case)
  EXPECT_EQ(flags(3), std::make_pair(true, false));  // Van
  EXPECT_EQ(flags(4), std::make_pair(false, false)); // der
  EXPECT_EQ(flags(5), std::make_pair(true, true));   // A3
  EXPECT_EQ(flags(6), std::make_pair(false, false)); // x
}

}  // namespace
}  // namespace callredact
