// Splits chunk text into tokens that keep their UTF-8 byte offsets and audio times.
//
// A token is a whitespace-separated word with leading and trailing punctuation split
// off into tokens of their own ("Customer:" -> "Customer", ":"), so that a redaction
// covers exactly the word and never the punctuation around it. Inner punctuation stays
// ("thandi.nkosi@gmail.com", "800-101-5009", "R4505.28", "14:30").
#ifndef CALLREDACT_DETECTORS_TOKENIZER_H_
#define CALLREDACT_DETECTORS_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "callredact/v1/redactor.pb.h"

namespace callredact {

// How a token relates to the one before it in its stream.
enum class Break : uint8_t {
  kNone = 0,      // Same chunk, separated by spaces only (or nothing, for punctuation).
  kChunk = 1,     // First token of a later chunk of the same speaker, close in time.
  kTurn = 2,      // First token after the other speaker took a turn.
  kLine = 3,      // A line break or field separator on a SCREEN chunk.
  kHard = 4,      // Nothing continues across it: another screen, a long pause.
};

struct Token {
  uint64_t seq = 0;        // Chunk seq.
  uint32_t begin = 0;      // UTF-8 byte offsets into the chunk text, end exclusive.
  uint32_t end = 0;
  std::string norm;        // Lower-case (ASCII) form; the text the detectors read.
  bool punct = false;      // Punctuation only.
  // The original word starts with an ASCII upper-case letter or a non-ASCII letter
  // (casing is otherwise lost in `norm`).
  bool capitalized = false;
  // Capitalized and no ASCII lower-case letter after the first ("NKOSI", "PMT", "A"):
  // tells a shouted screen value from a Title-case one.
  bool all_caps = false;
  Break brk = Break::kNone;
  int64_t start_ms = -1;   // Audio time of the word it is part of; -1 when unknown.
  int64_t end_ms = -1;
  // Dialogue expectation (ContextKind bit mask) in force when the token arrived.
  uint32_t expectation = 0;
  // Where the token comes from, so detectors can tell agent from customer and screen.
  v1::Source source = v1::TRANSCRIPT;
  v1::Speaker speaker = v1::SPEAKER_UNSPECIFIED;
};

// Tokenizes `chunk.text`. Word timings are taken from `chunk.words` when their count
// matches the whitespace-separated words of the text (the caller validates that).
// `brk` is the Break of the first token.
std::vector<Token> Tokenize(const v1::Chunk& chunk, Break first_break);

// Whether `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

// Splits on ASCII whitespace; the words FORMAT.md's `words` list corresponds to.
std::vector<std::string_view> SplitWords(std::string_view text);
// SplitWords(text).size(), without building the vector.
size_t CountWords(std::string_view text);

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_TOKENIZER_H_
