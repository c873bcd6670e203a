#include "detectors/tokenizer.h"

#include <cctype>

namespace callredact {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Punctuation split off the edges of a word. '+' and '@' are not: they belong to phone
// numbers and e-mail addresses. '#' and '*' stay too (masked values on screens).
bool IsEdgePunct(char c) {
  switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '"': case '\'':
    case '(': case ')': case '[': case ']': case '{': case '}': case '|': case '<':
    case '>': case '=': case '-': case '/': case '\\':
      return true;
    default:
      return false;
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');  // ASCII only, no locale.
  }
  return out;
}

// Where to split a hyphenated number word ("twenty-two" at 6): a tens word, a hyphen and
// letters. 0 when `w` is not one.
size_t HyphenatedTensSplit(std::string_view w) {
  const size_t h = w.find('-');
  if (h == std::string_view::npos || h + 1 >= w.size()) return 0;
  const std::string head = Lower(w.substr(0, h));
  static const char* const kTens[] = {"twenty", "thirty", "forty",  "fifty",
                                      "sixty",  "seventy", "eighty", "ninety"};
  bool tens = false;
  for (const char* t : kTens) tens |= head == t;
  if (!tens) return 0;
  for (char c : w.substr(h + 1)) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return 0;
  }
  return h;
}

// Where "-en-" starts in an Afrikaans compound number ("twee-en-sewentig"): a unit, "-en-"
// and a tens word ending in "tig". 0 when `w` is not one.
size_t AfrikaansUnitsEnTens(std::string_view w) {
  if (w.find('-') == std::string_view::npos) return 0;  // Most words: no copy.
  const std::string lower = Lower(w);
  const size_t en = lower.find("-en-");
  if (en == std::string::npos || en == 0 || lower.size() < en + 4 + 4) return 0;
  static const char* const kUnits[] = {"een", "twee", "drie", "vier", "vyf",
                                       "ses", "sewe", "agt",  "nege"};
  const std::string_view unit = std::string_view(lower).substr(0, en);
  bool known = false;
  for (const char* u : kUnits) known |= unit == u;
  const std::string_view tens = std::string_view(lower).substr(en + 4);
  return known && tens.size() > 3 && tens.substr(tens.size() - 3) == "tig" ? en : 0;
}

}  // namespace

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;  // Truncated sequence.
    for (size_t k = 1; k <= n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

size_t CountWords(std::string_view text) {
  size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = IsSpace(c);
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

std::vector<Token> Tokenize(const v1::Chunk& chunk, Break first_break) {
  std::vector<Token> tokens;
  const std::string& text = chunk.text();
  const size_t word_count = CountWords(text);
  // Most words are one token; punctuation adds a few.
  tokens.reserve(word_count + word_count / 4 + 2);
  const bool timed =
      chunk.words_size() > 0 && static_cast<size_t>(chunk.words_size()) == word_count;
  const bool screen = chunk.source() == v1::SCREEN;
  size_t i = 0;
  int word_index = -1;
  bool pending_line = false;
  auto push = [&](size_t b, size_t e, bool punct) {
    Token t;
    t.seq = chunk.seq();
    t.begin = static_cast<uint32_t>(b);
    t.end = static_cast<uint32_t>(e);
    t.norm = Lower(std::string_view(text).substr(b, e - b));
    t.punct = punct;
    {
      const unsigned char c0 = static_cast<unsigned char>(text[b]);
      t.capitalized = !punct && ((c0 >= 'A' && c0 <= 'Z') || c0 >= 0xC0);
      t.all_caps = t.capitalized;
      for (size_t k = b + 1; k < e && t.all_caps; ++k) {
        t.all_caps = !(text[k] >= 'a' && text[k] <= 'z');
      }
    }
    t.source = chunk.source();
    t.speaker = chunk.speaker();
    if (tokens.empty()) {
      t.brk = first_break;
    } else if (pending_line) {
      t.brk = Break::kLine;
    }
    pending_line = false;
    if (timed && word_index >= 0) {
      t.start_ms = chunk.words(word_index).start_ms();
      t.end_ms = chunk.words(word_index).end_ms();
    }
    // A screen field separator breaks like a new line.
    if (screen && punct && (t.norm == "|" || t.norm == "[" || t.norm == "]")) {
      pending_line = true;
    }
    tokens.push_back(std::move(t));
  };
  while (i < text.size()) {
    if (IsSpace(text[i])) {
      // On a screen a new line or a tab separates fields ("MAIN MEMBER\tMOLEFE THABO\tPLAN").
      if ((text[i] == '\n' || text[i] == '\t') && screen) pending_line = true;
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    size_t end = i;
    ++word_index;
    // Leading punctuation, one token each.
    size_t b = start;
    while (b < end && IsEdgePunct(text[b])) {
      push(b, b + 1, true);
      ++b;
    }
    // Trailing punctuation.
    size_t e = end;
    while (e > b && IsEdgePunct(text[e - 1])) --e;
    // Keep a trailing apostrophe-s word whole ("it's" has inner punctuation only).
    // "twenty-two", "Seventy-seven", "twenty-third": a hyphenated spoken number is two
    // words to the normaliser, like "twenty two" (both keep the word's timing).
    // "customer_name=Lerato" on a screen: the key, "=", and the value.
    if (screen && e > b) {
      const size_t eq = std::string_view(text).substr(b, e - b).find('=');
      if (eq != std::string_view::npos && eq > 0 && b + eq + 1 < e) {
        push(b, b + eq, false);
        push(b + eq, b + eq + 1, true);
        b = b + eq + 1;
      }
    }
    if (e > b) {
      const std::string_view word = std::string_view(text).substr(b, e - b);
      const size_t h = HyphenatedTensSplit(word);
      const size_t en = AfrikaansUnitsEnTens(word);
      if (h > 0) {
        push(b, b + h, false);
        push(b + h + 1, e, false);
      } else if (en > 0) {
        // "twee-en-sewentig": "twee", "en", "sewentig" (72 to the normaliser).
        push(b, b + en, false);
        push(b + en + 1, b + en + 3, false);
        push(b + en + 4, e, false);
      } else {
        push(b, e, false);
      }
    }
    for (size_t k = e; k < end; ++k) push(k, k + 1, true);
  }
  return tokens;
}

}  // namespace callredact
