// Tests of the normaliser (detectors/normalizer.h): for each rule, the view text and
// where every view word maps back to in the original chunks (View::token_at).
#include "detectors/normalizer.h"

#include <algorithm>
#include <string>
#include <vector>

#include "detectors/model_loader.h"
#include "detectors/tokenizer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace callredact {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// One chunk of a test window: its text, how it follows the previous chunk, and word
// timings (start_ms of the first word, then one word every step_ms; none when < 0).
struct Seg {
  std::string text;
  Break brk = Break::kChunk;
  int64_t start_ms = -1;
  int64_t step_ms = 400;
  v1::Source source = v1::TRANSCRIPT;
};

class NormalizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lexicon_ = new Lexicon();
    for (const char* file : {"lexicon_en.textproto", "lexicon_af.textproto"}) {
      v1::Lexicon lex;
      absl::Status st =
          LoadTextProto(std::string(CALLREDACT_SOURCE_DIR) + "/models/" + file, &lex);
      ASSERT_TRUE(st.ok()) << st;
      lexicon_->Merge(lex);
    }
  }
  static void TearDownTestSuite() {
    delete lexicon_;
    lexicon_ = nullptr;
  }

  // Tokenizes the segments as consecutive chunks of one stream (seq 0, 1, ...).
  void Build(const std::vector<Seg>& segs) {
    texts_.clear();
    tokens_.clear();
    for (size_t i = 0; i < segs.size(); ++i) {
      const Seg& s = segs[i];
      v1::Chunk c;
      c.set_seq(i);
      c.set_source(s.source);
      if (s.source == v1::TRANSCRIPT) c.set_speaker(v1::CUSTOMER);
      c.set_is_final(true);
      c.set_text(s.text);
      if (s.start_ms >= 0) {
        int64_t t = s.start_ms;
        for (std::string_view w : SplitWords(s.text)) {
          v1::Word* word = c.add_words();
          word->set_text(std::string(w));
          word->set_start_ms(t);
          word->set_end_ms(t + s.step_ms / 2);
          t += s.step_ms;
        }
      }
      texts_.push_back(s.text);
      for (Token& t : Tokenize(c, i == 0 ? Break::kHard : s.brk)) tokens_.push_back(std::move(t));
    }
  }

  NormalizeResult Run(const std::vector<Seg>& segs, bool final_window = true,
                      int64_t max_gap_ms = 6000) {
    Build(segs);
    NormalizerOptions opts;
    opts.max_gap_ms = max_gap_ms;
    NormalizeResult r = Normalize(*lexicon_, tokens_, opts, final_window);
    CheckMapping(r.view);
    return r;
  }

  // Every view byte maps to a token of the window, or is an inserted separator.
  void CheckMapping(const View& view) {
    ASSERT_EQ(view.token_at.size(), view.text.size());
    EXPECT_EQ(view.token_count, tokens_.size());
    for (size_t k = 0; k < view.text.size(); ++k) {
      const bool sep = view.text[k] == ' ' || view.text[k] == '\n';
      if (sep) {
        EXPECT_EQ(view.token_at[k], -1) << "view byte " << k;
      } else {
        EXPECT_GE(view.token_at[k], 0) << "view byte " << k;
        EXPECT_LT(view.token_at[k], static_cast<int32_t>(tokens_.size())) << "view byte " << k;
      }
    }
  }

  // The original text covered by tokens first..last, per chunk, joined by "|".
  std::string Original(size_t first, size_t last) const {
    std::string out;
    size_t k = first;
    while (k <= last) {
      const uint64_t seq = tokens_[k].seq;
      const uint32_t b = tokens_[k].begin;
      uint32_t e = tokens_[k].end;
      while (k <= last && tokens_[k].seq == seq) e = tokens_[k++].end;
      if (!out.empty()) out += "|";
      out += texts_[seq].substr(b, e - b);
    }
    return out;
  }

  // Each view word as "<view word>=<original text it maps back to>".
  std::vector<std::string> Words(const View& view) const {
    std::vector<std::string> out;
    size_t k = 0;
    while (k < view.text.size()) {
      if (view.token_at[k] < 0) {
        ++k;
        continue;
      }
      size_t b = k;
      int32_t first = view.token_at[k], last = view.token_at[k];
      while (k < view.text.size() && view.token_at[k] >= 0) {
        first = std::min(first, view.token_at[k]);
        last = std::max(last, view.token_at[k]);
        ++k;
      }
      out.push_back(view.text.substr(b, k - b) + "=" +
                    Original(static_cast<size_t>(first), static_cast<size_t>(last)));
    }
    return out;
  }

  // The token norm each view byte comes from ("" for separators).
  std::vector<std::string> Owners(const View& view) const {
    std::vector<std::string> out;
    for (int32_t t : view.token_at) out.push_back(t < 0 ? "" : tokens_[t].norm);
    return out;
  }

  static Lexicon* lexicon_;
  std::vector<std::string> texts_;
  std::vector<Token> tokens_;
};

Lexicon* NormalizerTest::lexicon_ = nullptr;

struct Case {
  std::string text;
  std::vector<std::string> words;  // Expected Words() of the view.
};

#define EXPECT_CASES(...)                                                   \
  do {                                                                      \
    const std::vector<Case> kCases = __VA_ARGS__;                           \
    for (const Case& c : kCases) {                                          \
      SCOPED_TRACE("text: '" + c.text + "'");                               \
      NormalizeResult r = Run({{c.text}});                                  \
      EXPECT_THAT(Words(r.view), ElementsAreArray(c.words));                \
    }                                                                       \
  } while (0)

TEST_F(NormalizerTest, EnglishDigitWords) {
  EXPECT_CASES({
      {"eight oh oh one", {"8001=eight oh oh one"}},
      {"zero one two three four five six seven eight nine",
       {"0123456789=zero one two three four five six seven eight nine"}},
      {"nought five o nine", {"0509=nought five o nine"}},
      {"Eight Oh One.", {"801=Eight Oh One", ".=."}},
      {"my id is eight oh", {"my=my", "id=id", "is=is", "80=eight oh"}},
  });
}

TEST_F(NormalizerTest, DoubleAndTriple) {
  EXPECT_CASES({
      {"eight oh double five", {"8055=eight oh double five"}},
      {"triple zero one", {"0001=triple zero one"}},
      {"treble two", {"222=treble two"}},
      {"double 5 nine", {"559=double 5 nine"}},
      // Not followed by a digit: an ordinary word.
      {"double check", {"double=double", "check=check"}},
  });
  NormalizeResult r = Run({{"double five"}});
  EXPECT_THAT(Owners(r.view), ElementsAre("double", "five"));
  r = Run({{"triple oh"}});
  EXPECT_THAT(Owners(r.view), ElementsAre("triple", "oh", "oh"));
}

TEST_F(NormalizerTest, AfrikaansDigits) {
  EXPECT_CASES({
      {"agt nul nul een", {"8001=agt nul nul een"}},
      {"twee drie vier vyf ses sewe nege", {"2345679=twee drie vier vyf ses sewe nege"}},
      {"dubbel vyf ses", {"556=dubbel vyf ses"}},
      {"trippel nul", {"000=trippel nul"}},
      // The unit first, then "en" and the tens.
      {"drie en twintig", {"23=drie en twintig"}},
      {"negentien vyf en vyftig", {"1955=negentien vyf en vyftig"}},
      {"nul en een", {"0=nul", "en=en", "1=een"}},
  });
}

TEST_F(NormalizerTest, AgIsEightOnlyBeforeANumber) {
  EXPECT_CASES({
      {"ag nul vyf", {"805=ag nul vyf"}},
      {"ag sorry", {"ag=ag", "sorry=sorry"}},
      {"ag sorry nul vyf", {"ag=ag", "sorry=sorry", "05=nul vyf"}},
      {"ag nee man", {"ag=ag", "nee=nee", "man=man"}},
      {"ag", {"ag=ag"}},
  });
}

TEST_F(NormalizerTest, TeensAndTens) {
  EXPECT_CASES({
      {"fifteen", {"15=fifteen"}},
      {"eighty five", {"85=eighty five"}},
      {"eighty", {"80=eighty"}},
      {"twenty twenty seven", {"2027=twenty twenty seven"}},
      {"nineteen eighty", {"1980=nineteen eighty"}},
      {"nineteen sixty two", {"1962=nineteen sixty two"}},
      {"vyftien", {"15=vyftien"}},
      {"negentien tagtig", {"1980=negentien tagtig"}},
  });
  NormalizeResult r = Run({{"eighty five"}});
  EXPECT_THAT(Owners(r.view), ElementsAre("eighty", "five"));
}

TEST_F(NormalizerTest, HundredsAndThousandsInsideDigits) {
  EXPECT_CASES({
      {"eight five hundred", {"8500=eight five hundred"}},
      {"five hundred one", {"5001=five hundred one"}},
      {"two thousand", {"2000=two thousand"}},
      {"fifteen hundred", {"1500=fifteen hundred"}},
  });
  NormalizeResult r = Run({{"five hundred"}});
  EXPECT_THAT(Owners(r.view), ElementsAre("five", "hundred", "hundred"));
}

TEST_F(NormalizerTest, DigitGroupsAndWordsJoin) {
  EXPECT_CASES({
      {"850101 five oh oh nine", {"8501015009=850101 five oh oh nine"}},
      {"8 5 0 1", {"8501=8 5 0 1"}},
      {"800101 5009 087", {"8001015009087=800101 5009 087"}},
      {"800-101-5009", {"8001015009=800-101-5009"}},
      {"082 123 4567", {"0821234567=082 123 4567"}},
      {"eight 0 0 one", {"8001=eight 0 0 one"}},
      // After a country code a bracketed trunk 0 is written, not dialled.
      {"+27 (0)82 555 1234", {"+27825551234=+27 (0)82 555 1234"}},
      {"+27 (0) 82 555 1234", {"+27825551234=+27 (0) 82 555 1234"}},
      // Without one it is an ordinary bracketed digit.
      {"(0)82", {"(=(", "0)82=0)82"}},
      // Dates, decimals and times are not digit groups.
      {"2026-02-09", {"2026-02-09=2026-02-09"}},
      {"3.5", {"3.5=3.5"}},
      {"14:30", {"14:30=14:30"}},
  });
}

TEST_F(NormalizerTest, FillersAndRepairsInsideANumber) {
  EXPECT_CASES({
      {"four two uh seven", {"427=four two uh seven"}},
      {"four two um uh seven", {"427=four two um uh seven"}},
      {"eight oh oh, sorry, oh one", {"80001=eight oh oh, sorry, oh one"}},
      {"eight oh i mean one", {"801=eight oh i mean one"}},
      {"vier twee ag nee sewe", {"427=vier twee ag nee sewe"}},
      // A filler after the number that is not followed by more digits is not part of it.
      {"four two uh thanks", {"42=four two", "uh=uh", "thanks=thanks"}},
  });
}

TEST_F(NormalizerTest, NumbersJoinAcrossChunksOfOneSpeaker) {
  NormalizeResult r = Run({{"eight oh oh"}, {"one oh one", Break::kChunk}});
  EXPECT_THAT(Words(r.view), ElementsAre("800101=eight oh oh|one oh one"));
  EXPECT_EQ(r.view.text, "800101");
}

TEST_F(NormalizerTest, TurnAndLineBreaksEndNumbers) {
  {
    NormalizeResult r = Run({{"eight oh"}, {"one two", Break::kTurn}});
    EXPECT_EQ(r.view.text, "80\n12");
    EXPECT_THAT(Words(r.view), ElementsAre("80=eight oh", "12=one two"));
  }
  {
    NormalizeResult r = Run({{"eight oh"}, {"one two", Break::kHard}});
    EXPECT_THAT(Words(r.view), ElementsAre("80=eight oh", "12=one two"));
  }
  {
    Seg screen{"Cell: 082 | 123 4567", Break::kHard};
    screen.source = v1::SCREEN;
    NormalizeResult r = Run({screen});
    EXPECT_EQ(r.view.text, "cell : 082 |\n1234567");
    EXPECT_THAT(Words(r.view),
                ElementsAre("cell=Cell", ":=:", "082=082", "|=|", "1234567=123 4567"));
  }
}

TEST_F(NormalizerTest, LongPauseEndsANumber) {
  // 400 ms per word; a 7 s pause before "three".
  Seg first{"one two", Break::kHard, 1000};
  Seg second{"three four", Break::kChunk, 1000 + 800 + 7000};
  NormalizeResult r = Run({first, second}, true, /*max_gap_ms=*/6000);
  EXPECT_THAT(Words(r.view), ElementsAre("12=one two", "34=three four"));
  // A short pause joins.
  Seg close{"three four", Break::kChunk, 1000 + 800 + 500};
  r = Run({first, close}, true, 6000);
  EXPECT_THAT(Words(r.view), ElementsAre("1234=one two|three four"));
  // No limit: joined whatever the pause.
  r = Run({first, second}, true, /*max_gap_ms=*/0);
  EXPECT_THAT(Words(r.view), ElementsAre("1234=one two|three four"));
}

TEST_F(NormalizerTest, SpokenEmails) {
  EXPECT_CASES({
      {"thandi dot nkosi at gmail dot com",
       {"thandi.nkosi@gmail.com=thandi dot nkosi at gmail dot com"}},
      {"my email is thandi underscore nkosi at gmail dot com",
       {"my=my", "email=email", "is=is",
        "thandi_nkosi@gmail.com=thandi underscore nkosi at gmail dot com"}},
      {"thandi dash nkosi at webmail dot co dot za",
       {"thandi-nkosi@webmail.co.za=thandi dash nkosi at webmail dot co dot za"}},
      {"lerato at gmail.com", {"lerato@gmail.com=lerato at gmail.com"}},
      {"sipho eighty four at gmail dot com",
       {"sipho84@gmail.com=sipho eighty four at gmail dot com"}},
      {"thandi punt nkosi at gmail punt com",
       {"thandi.nkosi@gmail.com=thandi punt nkosi at gmail punt com"}},
      {"jan punt botha by gmail punt com",
       {"jan.botha@gmail.com=jan punt botha by gmail punt com"}},
      // An English "by" without a domain after it stays a word.
      {"signed by thandi", {"signed=signed", "by=by", "thandi=thandi"}},
      // Spelled letters, "a" among them, are the local part ("a" alone is an article).
      {"s d l a m i n i eight two at gmail dot com",
       {"sdlamini82@gmail.com=s d l a m i n i eight two at gmail dot com"}},
      // An initial before a connector, three words, and pauses inside.
      {"a dot zungu ninety four at yahoo dot com",
       {"a.zungu94@yahoo.com=a dot zungu ninety four at yahoo dot com"}},
      {"megs dot van wyk at gmail dot com", {"megs.vanwyk@gmail.com=megs dot van wyk at gmail dot com"}},
      {"priya dot g , underscore , nine one , at gmail dot com",
       {"priya.g_91@gmail.com=priya dot g , underscore , nine one , at gmail dot com"}},
      // A spelled "o" among the letters is the letter, not a zero.
      {"n t o m b i dot s i t h o l e at gmail dot com",
       {"ntombi.sithole@gmail.com=n t o m b i dot s i t h o l e at gmail dot com"}},
      {"send it to a thandi at gmail dot com",
       {"send=send", "it=it", "to=to", "a=a", "thandi@gmail.com=thandi at gmail dot com"}},
      // A written address stays one view word.
      {"thandi.nkosi@gmail.com", {"thandi.nkosi@gmail.com=thandi.nkosi@gmail.com"}},
      // "at" without a domain is an ordinary word.
      {"i work at home", {"i=i", "work=work", "at=at", "home=home"}},
  });
}

TEST_F(NormalizerTest, SpelledLetters) {
  {
    NormalizeResult r = Run({{"a for apple"}});
    EXPECT_EQ(r.view.text, "a");
    EXPECT_THAT(Owners(r.view), ElementsAre("a"));
  }
  {
    NormalizeResult r = Run({{"e for echo n for november"}});
    EXPECT_EQ(r.view.text, "en");
    EXPECT_THAT(Owners(r.view), ElementsAre("e", "n"));
  }
  {
    // "for" without a matching word is not spelling.
    NormalizeResult r = Run({{"a for banana"}});
    EXPECT_EQ(r.view.text, "a for banana");
  }
}

TEST_F(NormalizerTest, AmountsAbsorbDigitGroups) {
  EXPECT_CASES({
      {"R1 480 000", {"r1480000=R1 480 000"}},
      {"R35 500 please", {"r35500=R35 500", "please=please"}},
      {"R4505.28", {"r4505.28=R4505.28"}},
      {"R120", {"r120=R120"}},
  });
  // The digit groups never become a number of their own.
  NormalizeResult r = Run({{"R1 480 000"}});
  EXPECT_EQ(r.view.text.find(" 480"), std::string::npos);
}

TEST_F(NormalizerTest, OpenFromATrailingNumber) {
  struct OpenCase {
    std::string text;
    size_t open_from;  // When not final; npos: none (== tokens.size()).
  };
  const size_t kNone = std::string::npos;
  const OpenCase kCases[] = {
      {"my id is eight oh", 3},
      {"eight oh oh one", 0},
      {"my id is 800101", 3},
      {"eight oh uh", 0},          // Only a filler after it: it may go on.
      {"eight oh thanks", kNone},  // A word after it ends it.
      {"four eight double", 0},    // "double" needs the digit that follows.
      {"it's triple", 1},
      {"dubbel", 0},
      {"my number is plus", 3},
      {"double check", kNone},
      {"two thousand and", 0},     // "nineteen" may come next.
      {"her passport is m94", 3},   // The rest of the digits may come next.
      {"drie en", 0},              // Afrikaans: "twintig" may come next.
      {"two cats and", kNone},
      {"thanks", kNone},
      {"", kNone},
      {"passport a 1 2 3", 1},      // A letter before it is held with it.
      {"thandi dot nkosi at gmail", 0},  // Half-spoken e-mail.
      {"thandi dot nkosi at gmail dot com thanks", kNone},
  };
  for (const OpenCase& c : kCases) {
    SCOPED_TRACE("text: '" + c.text + "'");
    NormalizeResult open = Run({{c.text}}, /*final_window=*/false);
    EXPECT_EQ(open.open_from, c.open_from == kNone ? tokens_.size() : c.open_from);
    NormalizeResult fin = Run({{c.text}}, /*final_window=*/true);
    EXPECT_EQ(fin.open_from, tokens_.size());
    // The view is the same either way.
    EXPECT_EQ(open.view.text, fin.view.text);
  }
}

TEST_F(NormalizerTest, OpenNumberOverChunks) {
  NormalizeResult r = Run({{"my number is"}, {"oh eight two", Break::kChunk}}, false);
  EXPECT_EQ(r.open_from, 3u);  // "oh", the first token of the second chunk.
  r = Run({{"my number is"}, {"oh eight two", Break::kChunk}}, true);
  EXPECT_EQ(r.open_from, tokens_.size());
}

}  // namespace
}  // namespace callredact
