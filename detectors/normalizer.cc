#include "detectors/normalizer.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_set>

namespace callredact {
namespace {

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsAlnumWord(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '_' && c < 0x80) return false;
  }
  return true;
}

// "800-101-5009", "800.101.5009" and "2-0-1-5-8-1-6-4" are digit groups; "2026-02-09",
// "3.5" and "14:30" are not. Returns the digits, or "" when the token is not joinable.
std::string JoinableDigits(std::string_view s) {
  if (IsDigits(s)) return std::string(s);
  std::string digits;
  std::vector<size_t> groups;
  size_t cur = 0;
  char sep = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      ++cur;
    } else if (c == '-' || c == '.') {
      if (cur == 0 || (sep && c != sep)) return "";
      sep = c;
      groups.push_back(cur);
      cur = 0;
    } else {
      return "";
    }
  }
  if (cur == 0) return "";
  groups.push_back(cur);
  if (groups.size() < 2 || digits.size() < 7) return "";
  // Dates: 4-2-2 or 2-2-4.
  if (groups.size() == 3 && ((groups[0] == 4 && groups[1] == 2 && groups[2] == 2) ||
                             (groups[0] == 2 && groups[1] == 2 && groups[2] == 4))) {
    return "";
  }
  // Digit by digit with hyphens, as some transcribers write a number read out
  // ("2-0-1-5-8-1-6-4").
  bool singles = sep == '-';
  for (size_t g : groups) singles &= g == 1;
  if (singles) return digits;
  for (size_t g : groups) {
    if (g < 2) return "";
  }
  return digits;
}

// "r35", "r4505.28", "r1": an amount in rand.
bool IsAmount(std::string_view s) {
  return s.size() >= 2 && s[0] == 'r' && s[1] >= '0' && s[1] <= '9';
}

// The letters of a passport written on its first digits ("m94", "a1234"): 1 or 2 lower-case
// letters, then digits only, and no amount ("r35"). 0 when `w` is not one.
size_t LetterPrefixLength(std::string_view w) {
  size_t letters = 0;
  while (letters < w.size() && letters < 3 && w[letters] >= 'a' && w[letters] <= 'z') ++letters;
  if (letters < 1 || letters > 2 || letters == w.size() || IsAmount(w) ||
      !IsDigits(w.substr(letters))) {
    return 0;
  }
  return letters;
}

const std::unordered_set<std::string>& Tlds() {
  // Last labels of e-mail domains as they are spoken.
  static const auto* kTlds = new std::unordered_set<std::string>{
      "com", "za", "net", "org", "co", "io", "gov", "edu", "info", "biz", "africa",
      "me", "uk", "us", "online", "ac", "de", "nl", "au", "ca", "mobi", "email"};
  return *kTlds;
}

const std::unordered_set<std::string>& EmailStopWords() {
  // Words that end an e-mail's local part when met going left from "at".
  static const auto* kStop = new std::unordered_set<std::string>{
      "is", "it's", "its", "it", "email", "e-mail", "mail", "address", "my", "me", "the",
      "that's", "thats", "was", "to", "on", "you", "us", "him", "her", "them", "here",
      "there", "and", "or", "a", "an", "of", "for", "at", "in", "send", "use", "uses",
      "sorry", "yes", "ja", "okay", "ok", "so", "um", "uh", "epos", "e-pos", "adres",
      "confirm", "let", "please", "sure", "is:", "it’s", "that", "this", "with", "from",
      "we", "i'm", "can", "will", "be", "should", "must", "go", "goes", "use",
      "reach", "contact", "details", "again", "repeat", "read", "back", "correct",
      "right", "no", "not", "but", "then", "just", "also", "via", "new", "old", "work",
      "personal", "private", "number", "name", "spell", "spelled", "spelt"};
  return *kStop;
}

class Builder {
 public:
  Builder(const Lexicon& lex, const std::vector<Token>& tokens, const NormalizerOptions& opt,
          bool final_window)
      : lex_(lex), t_(tokens), opt_(opt), final_(final_window) {
    // Each token is classified once per window: the rules below ask about the same
    // token many times.
    entries_.resize(t_.size());
    joinable_.resize(t_.size());
    for (size_t i = 0; i < t_.size(); ++i) {
      entries_[i] = lex_.Find(t_[i].norm);
      joinable_[i] = !JoinableDigits(t_[i].norm).empty();
    }
    view_.text.reserve(t_.size() * 8);
    view_.token_at.reserve(t_.size() * 8);
  }

  NormalizeResult Run() {
    NormalizeResult r;
    open_from_ = t_.size();
    FindSpokenEmails();
    size_t i = 0;
    size_t email = 0;
    while (i < t_.size()) {
      Separator(i);
      while (email < emails_.size() && emails_[email].first < i) ++email;
      if (email < emails_.size() && emails_[email].first == i) {
        EmitEmail(emails_[email].first, emails_[email].second);
        i = emails_[email].second;
        continue;
      }
      // Spelling first: "o for oscar" is the letter o, not a zero.
      if (size_t next = TrySpelledLetter(i); next > i) {
        i = next;
        continue;
      }
      if (size_t next = TryRun(i); next > i) {
        i = next;
        continue;
      }
      // "double", "plus" at the end: a number that has not started yet.
      if (IsDangling(i) && OnlyOpenersFrom(i)) open_from_ = std::min(open_from_, OpenStart(i));
      if (size_t next = TryAmount(i); next > i) {
        i = next;
        continue;
      }
      Emit(t_[i].norm, static_cast<int32_t>(i));
      ++i;
    }
    if (!final_) {
      OpenEmailTail();
      OpenWordTail();
    }
    r.view = std::move(view_);
    r.view.token_count = t_.size();
    r.open_from = final_ ? t_.size() : open_from_;
    return r;
  }

 private:
  const std::string& N(size_t i) const { return t_[i].norm; }
  // Token i's lexicon entry (nullptr: in no class).
  const Lexicon::Entry* E(size_t i) const { return entries_[i]; }
  // Token i's value in one lexicon class, or nullptr.
  const std::string* Lex(size_t i, const std::string* Lexicon::Entry::*field) const {
    const Lexicon::Entry* e = entries_[i];
    return e ? e->*field : nullptr;
  }

  void Separator(size_t i) {
    if (view_.text.empty()) return;
    if (t_[i].brk >= Break::kTurn) {
      Emit("\n", -1);
    } else {
      Emit(" ", -1);
    }
  }

  void Emit(std::string_view s, int32_t token) {
    view_.text.append(s);
    view_.token_at.insert(view_.token_at.end(), s.size(), token);
  }

  bool GapBefore(size_t i) const {
    if (i == 0) return false;
    if (t_[i].brk >= Break::kTurn) return true;
    if (opt_.max_gap_ms <= 0) return false;
    const Token& a = t_[i - 1];
    const Token& b = t_[i];
    return a.end_ms >= 0 && b.start_ms >= 0 && b.start_ms - a.end_ms > opt_.max_gap_ms;
  }

  bool IsNumberWordAt(size_t i) const {
    if (i >= t_.size()) return false;
    return (E(i) && E(i)->number_word()) || joinable_[i] || TrunkGroupAt(i);
  }

  // "0)82" of "+27 (0)82 ...": a bracketed trunk 0 glued to the digits after it.
  bool TrunkGroupAt(size_t i) const {
    const std::string& w = N(i);
    return w.size() > 2 && w[0] == '0' && w[1] == ')' && IsDigits(std::string_view(w).substr(2));
  }

  // A digit word that is also a filler ("ag": eight, or "ag sorry") is a digit only
  // when a number continues after it.
  bool DigitWordAt(size_t i) const {
    if (!Lex(i, &Lexicon::Entry::digit)) return false;
    if (!(E(i) && E(i)->filler)) return true;
    return i + 1 < t_.size() && !GapBefore(i + 1) && IsNumberWordAt(i + 1) &&
           !(E(i + 1) && E(i + 1)->filler);
  }

  // Skippable inside a number: fillers, repairs, and the punctuation of a pause.
  // Returns how many tokens the filler at `i` spans (0 when it is not one).
  size_t FillerLength(size_t i) const {
    const std::string& w = N(i);
    if (t_[i].punct) {
      return (w == "," || w == "." || w == ";" || w == "-" || w == "/" || w == "(" ||
              w == ")")
                 ? 1
                 : 0;
    }
    if (DigitWordAt(i)) return 0;
    const Lexicon::Entry* e = E(i);
    if (!e) return 0;
    // Two-word repairs ("i mean"); the pair is only built for a repair's first word.
    if (e->repair_prefix && i + 1 < t_.size() && lex_.IsRepair(w + " " + N(i + 1))) return 2;
    return e->filler || e->repair ? 1 : 0;
  }

  // Reads one number element at `i` into `out` (digits and the token of each); returns
  // the next token index, or i when there is no number element at i.
  size_t Element(size_t i, bool at_start, std::string* digits,
                 std::vector<int32_t>* owners, bool* plus) const {
    const std::string& w = N(i);
    auto put = [&](std::string_view d, size_t tok) {
      digits->append(d);
      owners->insert(owners->end(), d.size(), static_cast<int32_t>(tok));
    };
    // Spoken "plus": an international prefix when a number follows.
    if (at_start && (w == "plus" || w == "+") && i + 1 < t_.size() && !GapBefore(i + 1) &&
        IsNumberWordAt(i + 1)) {
      size_t next = Element(i + 1, false, digits, owners, plus);
      if (next > i + 1) {
        *plus = true;
        owners->front() = static_cast<int32_t>(i);
        return next;
      }
    }
    if (at_start && w.size() > 1 && w[0] == '+' && IsDigits(std::string_view(w).substr(1))) {
      *plus = true;
      put(std::string_view(w).substr(1), i);
      return i + 1;
    }
    // "+27 (0)82 555 1234", "+27 (0) 82 ...": after a country code, a bracketed 0 is
    // the trunk prefix, written but never dialled.
    if (*plus && !at_start && i > 0 && t_[i - 1].punct && N(i - 1) == "(") {
      if (TrunkGroupAt(i)) {
        put(std::string_view(w).substr(2), i);
        return i + 1;
      }
      if (w == "0" && i + 1 < t_.size() && t_[i + 1].punct && N(i + 1) == ")") return i + 1;
    }
    if (joinable_[i]) {
      put(JoinableDigits(w), i);
      return i + 1;
    }
    if (DigitWordAt(i)) {
      const std::string* d = Lex(i, &Lexicon::Entry::digit);
      // Afrikaans says the unit first: "drie en twintig" is 23, "vyf en vyftig" 55.
      if (*d != "0" && i + 2 < t_.size() && N(i + 1) == "en" && !GapBefore(i + 1) &&
          !GapBefore(i + 2)) {
        if (const std::string* tens = Lex(i + 2, &Lexicon::Entry::tens)) {
          put(std::string_view(*tens).substr(0, 1), i);
          put(*d, i + 2);
          return i + 3;
        }
      }
      // "X hundred" / "X thousand", and "two thousand and one" / "one hundred and
      // thirty four" as the numbers they are (2001, 134). Without "and", a hundred inside a
      // digit sequence stays "00" ("oh five hundred one" is 0500 1).
      if (i + 1 < t_.size() && !GapBefore(i + 1)) {
        if (const std::string* s = Lex(i + 1, &Lexicon::Entry::scale)) {
          const long scale = std::atol(s->c_str());
          size_t k = i + 2;
          const bool with_and = k < t_.size() && (N(k) == "and" || N(k) == "en");
          if (with_and) ++k;
          long rest = 0;
          size_t end = k;
          if ((with_and || scale >= 1000) && k < t_.size() && !GapBefore(k)) {
            rest = SmallNumber(k, &end);
          }
          if (rest > 0 && rest < scale) {
            const std::string value = std::to_string(std::atol(d->c_str()) * scale + rest);
            for (size_t c = 0; c + 1 < value.size(); ++c) put(value.substr(c, 1), i);
            put(value.substr(value.size() - 1), end - 1);
            return end;
          }
          put(*d, i);
          put(std::string_view(*s).substr(1), i + 1);
          return i + 2;
        }
      }
      put(*d, i);
      return i + 1;
    }
    if (const std::string* m = Lex(i, &Lexicon::Entry::multiplier)) {
      size_t j = i + 1;
      if (j < t_.size() && !GapBefore(j)) {
        const std::string* d = Lex(j, &Lexicon::Entry::digit);
        std::string single;
        if (!d && N(j).size() == 1 && IsDigits(N(j))) {
          single = N(j);
          d = &single;
        }
        if (d) {
          int times = std::max(1, std::atoi(m->c_str()));
          for (int k = 0; k < times; ++k) put(*d, k == 0 ? i : j);
          return j + 1;
        }
      }
      return i;
    }
    if (const std::string* teen = Lex(i, &Lexicon::Entry::teen)) {
      put(*teen, i);
      if (i + 1 < t_.size() && !GapBefore(i + 1)) {
        if (const std::string* s = Lex(i + 1, &Lexicon::Entry::scale)) {
          put(std::string_view(*s).substr(1), i + 1);
          return i + 2;
        }
      }
      return i + 1;
    }
    if (const std::string* tens = Lex(i, &Lexicon::Entry::tens)) {
      if (i + 1 < t_.size() && !GapBefore(i + 1)) {
        const std::string* d = Lex(i + 1, &Lexicon::Entry::digit);
        if (d && *d != "0" && DigitWordAt(i + 1)) {
          put(std::string_view(*tens).substr(0, 1), i);
          put(*d, i + 1);
          return i + 2;
        }
      }
      put(*tens, i);
      return i + 1;
    }
    return i;
  }

  // A spoken number below a hundred at `k` ("one", "nineteen", "thirty four"); 0 when
  // none. `*end` gets the token after it.
  long SmallNumber(size_t k, size_t* end) const {
    if (const std::string* teen = Lex(k, &Lexicon::Entry::teen)) {
      *end = k + 1;
      return std::atol(teen->c_str());
    }
    if (const std::string* tens = Lex(k, &Lexicon::Entry::tens)) {
      long v = std::atol(tens->c_str());
      *end = k + 1;
      if (k + 1 < t_.size() && !GapBefore(k + 1) && DigitWordAt(k + 1)) {
        long unit = std::atol(Lex(k + 1, &Lexicon::Entry::digit)->c_str());
        if (unit > 0) {
          v += unit;
          *end = k + 2;
        }
      }
      return v;
    }
    if (DigitWordAt(k)) {
      *end = k + 1;
      return std::atol(Lex(k, &Lexicon::Entry::digit)->c_str());
    }
    return 0;
  }

  // A number: digit groups, digit words and fillers between them. Emits it as one view
  // word of digits and returns the token after it, or returns i when none starts here.
  size_t TryRun(size_t i) {
    // Reused buffers: TryRun is tried at every token.
    std::string& digits = run_digits_;
    std::vector<int32_t>& owners = run_owners_;
    digits.clear();
    owners.clear();
    bool plus = false;
    // "M94" + "437" + "804": a passport's letters written on its first digits, the rest
    // of the digits in the next groups. The letters become a view word of their own
    // ("m 94437804"), the digits run on.
    const std::string& w0 = N(i);
    size_t letters = LetterPrefixLength(w0);
    size_t j;
    if (letters > 0 && i + 1 < t_.size() && !GapBefore(i + 1) && IsNumberWordAt(i + 1)) {
      digits.append(w0, letters, std::string::npos);
      owners.insert(owners.end(), w0.size() - letters, static_cast<int32_t>(i));
      j = i + 1;
    } else {
      letters = 0;
      j = Element(i, true, &digits, &owners, &plus);
      if (j == i) return i;
    }
    size_t last = j;  // One past the last token that gave digits.
    while (j < t_.size()) {
      if (GapBefore(j)) break;
      // "Applicant 1 9194240405": a written number of seven digits or more is whole; a
      // list number or a count of one or two digits before it is no part of it.
      if (digits.size() <= 2 && !plus && IsDigits(N(j)) && N(j).size() >= 7 && last == i + 1 &&
          IsDigits(N(i))) {
        break;
      }
      size_t k = Element(j, false, &digits, &owners, &plus);
      if (k > j) {
        last = j = k;
        continue;
      }
      // Up to three fillers or pause marks, when the number goes on after them.
      // At most three filler or repair words and three pause marks: a dotted leader
      // ("DOB 1 ........ 12 Mar") separates fields, it does not pause a number.
      size_t skip = j;
      int fillers = 0, marks = 0;
      while (skip < t_.size() && !GapBefore(skip)) {
        size_t len = FillerLength(skip);
        if (len == 0) break;
        if (t_[skip].punct ? ++marks > 3 : ++fillers > 3) break;
        skip += len;
      }
      if (marks > 3) break;
      if (skip == j) break;
      if (skip >= t_.size()) {
        // Only fillers after the number: it may go on in the next chunk.
        j = skip;
        break;
      }
      if (GapBefore(skip) || !IsNumberWordAt(skip)) break;
      j = skip;
    }
    // Open when nothing but fillers follows the number in this window.
    if (OnlyOpenersFrom(last)) open_from_ = std::min(open_from_, OpenStart(i));
    if (letters > 0) {
      Emit(std::string_view(w0).substr(0, letters), static_cast<int32_t>(i));
      Emit(" ", -1);
    }
    if (plus) Emit("+", static_cast<int32_t>(i));
    for (size_t k = 0; k < digits.size(); ++k) {
      view_.text.push_back(digits[k]);
      view_.token_at.push_back(owners[k]);
    }
    return last;
  }

  // A word that needs a digit after it: "double", "triple", "plus".
  bool IsDangling(size_t k) const {
    const std::string& w = N(k);
    return Lex(k, &Lexicon::Entry::multiplier) || w == "plus" || w == "+";
  }

  // Whether nothing but fillers, pause marks and dangling words follows from `k` to
  // the end of the window, so a number there may still go on in the next chunk.
  bool OnlyOpenersFrom(size_t k) const {
    for (; k < t_.size(); ++k) {
      // "drie en" + "twintig": Afrikaans tens may follow a unit and "en"; "two thousand
      // and" + "nineteen": the rest of a number may follow a scale and "and".
      if (N(k) == "en" && k > 0 && DigitWordAt(k - 1)) continue;
      if ((N(k) == "and" || N(k) == "en") && k > 0 && Lex(k - 1, &Lexicon::Entry::scale)) continue;
      if (FillerLength(k) == 0 && !IsDangling(k)) return false;
    }
    return true;
  }

  // Where an open number's hold starts: include a letter just before it (a passport
  // prefix) so the whole candidate is held together.
  size_t OpenStart(size_t i) const {
    if (i > 0 && N(i - 1).size() == 1 && std::isalpha(static_cast<unsigned char>(N(i - 1)[0])))
      return i - 1;
    return i;
  }

  // "R35 500" and "R1 480 000": amounts absorb the digit groups that follow them.
  size_t TryAmount(size_t i) {
    if (!IsAmount(N(i))) return i;
    Emit(N(i), static_cast<int32_t>(i));
    size_t j = i + 1;
    while (j < t_.size() && !GapBefore(j) && N(j).size() == 3 && IsDigits(N(j))) {
      Emit(N(j), static_cast<int32_t>(j));
      ++j;
    }
    return j;
  }

  // "a for apple" -> "a"; "e for echo, n for november" -> "en"; "a as in alpha" -> "a";
  // "mike oscar lima echo" -> "mole" (three or more phonetic-alphabet words).
  size_t TrySpelledLetter(size_t i) {
    // The tokens one spelled letter takes at `k` (0: none).
    auto spelled = [&](size_t k) -> size_t {
      const std::string& w = N(k);
      if (w.size() != 1 || !std::isalpha(static_cast<unsigned char>(w[0]))) return 0;
      if (k + 2 < t_.size() && N(k + 1) == "for" && N(k + 2).size() > 1 && N(k + 2)[0] == w[0]) {
        return 3;
      }
      if (k + 3 < t_.size() && N(k + 1) == "as" && N(k + 2) == "in" && N(k + 3).size() > 1 &&
          N(k + 3)[0] == w[0]) {
        return 4;
      }
      return 0;
    };
    auto phonetic = [&](size_t k) {
      return k < t_.size() && !t_[k].punct && Lex(k, &Lexicon::Entry::letter) != nullptr;
    };
    if (spelled(i) > 0) {
      size_t k = i;
      for (;;) {
        view_.text.push_back(N(k)[0]);
        view_.token_at.push_back(static_cast<int32_t>(k));
        k += spelled(k);
        // The spelling words map to no view byte; a match over the letters covers them.
        if (k < t_.size() && spelled(k) > 0) continue;
        if (k + 1 < t_.size() && (N(k) == "," || N(k) == "and") && spelled(k + 1) > 0) {
          ++k;
          continue;
        }
        return k;
      }
    }
    if (!phonetic(i)) return i;
    size_t n = 0;
    for (size_t k = i; k < t_.size() && !GapBefore(k) && n < 3; ++k) {
      if (phonetic(k)) {
        ++n;
      } else if (!(t_[k].punct && N(k) == ",")) {
        break;
      }
    }
    if (n < 3) {
      // "alpha zero five one ...": one phonetic word before a number is a passport's
      // letter. Only the words that are no one's name or a place ("Mike", "Lima").
      static const char* const kLetterOnly[] = {
          "alpha", "alfa", "bravo", "delta", "echo", "foxtrot", "golf", "hotel", "kilo",
          "papa", "quebec", "sierra", "tango", "uniform", "whiskey", "whisky", "xray",
          "yankee"};
      // After a passport question any phonetic word before the number is a letter
      // ("Mike zero zero six ..."), and so are two ("foxtrot november, four eight two").
      const bool passport_answer =
          (t_[i].expectation & (1u << static_cast<int>(v1::CTX_PASSPORT))) != 0;
      // Never a month: "seventh of november seventy five" is a date.
      bool letter_only = passport_answer && !Lex(i, &Lexicon::Entry::month);
      for (const char* w : kLetterOnly) letter_only |= N(i) == w;
      if (!letter_only) return i;
      size_t k = i + 1;
      std::vector<size_t> letters = {i};
      auto skip_comma = [&](size_t at) {
        return at < t_.size() && t_[at].punct && N(at) == "," ? at + 1 : at;
      };
      // (A month may be the second: "foxtrot november, 4 8 2" spells "fn".)
      if (k < t_.size() && !GapBefore(k) && phonetic(skip_comma(k)) &&
          IsNumberWordAt(skip_comma(skip_comma(k) + 1))) {
        letters.push_back(skip_comma(k));
        k = skip_comma(k) + 1;
      }
      const size_t digits = skip_comma(k);
      if (digits >= t_.size() || GapBefore(digits) || !IsNumberWordAt(digits)) return i;
      for (size_t l : letters) {
        view_.text.push_back((*Lex(l, &Lexicon::Entry::letter))[0]);
        view_.token_at.push_back(static_cast<int32_t>(l));
      }
      return k;
    }
    size_t k = i;
    while (k < t_.size() && (k == i || !GapBefore(k))) {
      if (phonetic(k)) {
        view_.text.push_back((*Lex(k, &Lexicon::Entry::letter))[0]);
        view_.token_at.push_back(static_cast<int32_t>(k));
        ++k;
      } else if (t_[k].punct && N(k) == "," && phonetic(k + 1)) {
        ++k;
      } else {
        break;
      }
    }
    return k;
  }

  bool IsConnector(size_t i) const {
    const std::string* s = Lex(i, &Lexicon::Entry::email);
    return s && *s != "@";
  }
  bool IsAt(size_t i) const {
    const std::string* s = Lex(i, &Lexicon::Entry::email);
    return (s && *s == "@") || N(i) == "@";
  }
  bool IsLabel(size_t i) const {
    const std::string& w = N(i);
    return !t_[i].punct && IsAlnumWord(w) && !IsConnector(i) && !IsAt(i);
  }
  bool IsDottedDomain(size_t i) const {
    const std::string& w = N(i);
    size_t dot = w.rfind('.');
    return dot != std::string::npos && dot > 0 && Tlds().count(w.substr(dot + 1)) > 0;
  }

  // The local part of an e-mail ending at token `end` (inclusive); returns its first
  // token, or npos when the words before do not form one. Going left from "at": digits
  // and number words ("fifty seven", "84"), then names spelled as words, single letters
  // ("s d l a m i n i", "n molefe") and connectors ("dot", "underscore"), with at most
  // two whole words, up to a word that cannot be part of an address ("is", "email").
  // A single letter among spelled letters ("s d l a m i n i"), even when it is also a
  // stop word ("a") or a digit word ("o").
  bool SpelledLetterAt(size_t i) const {
    auto letter = [&](size_t k) {
      return k < t_.size() && !t_[k].punct && N(k).size() == 1 &&
             std::isalpha(static_cast<unsigned char>(N(k)[0]));
    };
    return letter(i) && (letter(i + 1) || (i > 0 && letter(i - 1)));
  }

  size_t LocalPartStart(size_t end) const {
    auto spelled = [&](size_t i) { return SpelledLetterAt(i); };
    // "a dot zungu": a single letter before a connector is a letter, not the article.
    auto initial = [&](size_t i) {
      return N(i).size() == 1 && std::isalpha(static_cast<unsigned char>(N(i)[0])) &&
             i + 1 < t_.size() && IsConnector(i + 1);
    };
    auto usable = [&](size_t i) {
      return !t_[i].punct && (!EmailStopWords().count(N(i)) || spelled(i) || initial(i)) &&
             (IsLabel(i) || IsConnector(i) || N(i).find('.') != std::string::npos);
    };
    // "priya dot g, underscore, nine one, at": commas are pauses, not part of it.
    auto pause = [&](size_t i) { return t_[i].punct && N(i) == ","; };
    while (end > 0 && pause(end)) --end;
    if (!usable(end) || IsConnector(end)) return std::string::npos;
    size_t p = end;
    int words = 0;
    bool seen_name = false;
    for (size_t i = end + 1; i-- > 0;) {
      if (i < end && pause(i) && i > 0 && usable(i - 1)) continue;
      if (!usable(i)) break;
      if (i < end && GapBefore(i + 1)) break;
      const std::string& w = N(i);
      // A spelled "o" among spelled letters ("s i t h o l e") is the letter.
      const bool spelled_o = w == "o" && spelled(i);
      const bool number = ((E(i) && E(i)->number_word()) || IsDigits(w)) && !spelled_o;
      if (number && seen_name) {
        // Digits inside the local part only next to a connector ("tasneem dot 8").
        if (!(i + 1 <= end && IsConnector(i + 1))) break;
      }
      if (!number && !IsConnector(i)) {
        seen_name = true;
        if (w.size() > 1 && ++words > 3) break;  // "megs dot van wyk".
      }
      p = i;
    }
    while (p <= end && IsConnector(p)) ++p;
    if (p > end || !seen_name) return std::string::npos;
    return p;
  }

  // The domain after "at" at token `k`: labels ("voda mail", "telkom s a", "m web") and
  // "dot" label pairs ending in a known TLD, or a dotted token ("gmail.com"). Returns
  // one past its last token, or npos.
  size_t DomainEnd(size_t k) const {
    size_t j = k + 1;
    if (j >= t_.size() || GapBefore(j)) return std::string::npos;
    if (IsDottedDomain(j)) {
      size_t end = j + 1;
      while (end + 1 < t_.size() && IsConnector(end) && *Lex(end, &Lexicon::Entry::email) == "." &&
             IsLabel(end + 1) && Tlds().count(N(end + 1))) {
        end += 2;
      }
      return end;
    }
    size_t q = j;
    int labels = 0;
    while (q < t_.size() && labels < 3 && IsLabel(q) && !GapBefore(q)) {
      ++q;
      ++labels;
    }
    if (labels == 0) return std::string::npos;
    size_t end = std::string::npos;
    while (q + 1 < t_.size() && !GapBefore(q) && IsConnector(q) &&
           *Lex(q, &Lexicon::Entry::email) == "." && (IsLabel(q + 1) || IsDottedDomain(q + 1))) {
      if (Tlds().count(N(q + 1)) || IsDottedDomain(q + 1)) end = q + 2;
      q += 2;
    }
    return end;
  }

  void FindSpokenEmails() {
    for (size_t k = 1; k + 1 < t_.size(); ++k) {
      if (!IsAt(k) || GapBefore(k)) continue;
      size_t end = DomainEnd(k);
      if (end == std::string::npos) continue;
      size_t start = LocalPartStart(k - 1);
      if (start == std::string::npos) continue;
      if (!emails_.empty() && emails_.back().second > start) continue;
      emails_.emplace_back(start, end);
      k = end - 1;
    }
  }

  void EmitEmail(size_t a, size_t b) {
    for (size_t i = a; i < b; ++i) {
      const std::string& w = N(i);
      std::string piece;
      if (t_[i].punct && w == ",") continue;  // A pause inside a spoken address.
      if (IsAt(i)) {
        piece = "@";
      } else if (IsConnector(i)) {
        piece = *Lex(i, &Lexicon::Entry::email);
      } else if (w == "o" && SpelledLetterAt(i)) {
        piece = w;  // "s i t h o l e": the letter o.
      } else if (const std::string* d = Lex(i, &Lexicon::Entry::digit)) {
        piece = *d;
      } else if (const std::string* teen = Lex(i, &Lexicon::Entry::teen)) {
        piece = *teen;
      } else if (const std::string* tens = Lex(i, &Lexicon::Entry::tens)) {
        piece = *tens;
        if (i + 1 < b && Lex(i + 1, &Lexicon::Entry::digit)) {
          piece = tens->substr(0, 1) + *Lex(i + 1, &Lexicon::Entry::digit);
          view_.text.append(piece);
          view_.token_at.insert(view_.token_at.end(), 1, static_cast<int32_t>(i));
          view_.token_at.insert(view_.token_at.end(), 1, static_cast<int32_t>(i + 1));
          ++i;
          continue;
        }
      } else {
        piece = w;
      }
      Emit(piece, static_cast<int32_t>(i));
    }
  }

  // A half-spoken e-mail at the end of the window ("thandi dot nkosi", "... at gmail",
  // "... at gmail dot") is held until it is complete.
  void OpenEmailTail() {
    size_t n = t_.size();
    while (n > 0 && t_[n - 1].punct) --n;
    if (n == 0) return;
    // Walk back over the domain part to an "at", if there is one within reach.
    size_t last = n - 1;
    size_t k = last;
    size_t steps = 0;
    while (k > 0 && steps < 8 && !IsAt(k) && (IsLabel(k) || IsConnector(k) || IsDottedDomain(k))) {
      --k;
      ++steps;
    }
    size_t chain_end = std::string::npos;
    bool domain_like = last == k + 1;
    for (size_t q = k + 1; q <= last; ++q) domain_like |= IsConnector(q) || IsDottedDomain(q);
    if (IsAt(k) && k > 0 && k < last + 1 && (k == last || domain_like)) {
      // "... at", "... at gmail", "... at gmail dot co": the domain may go on; but an
      // address already complete and followed by a word ("... dot com thanks") is not.
      for (const auto& [first, end] : emails_) {
        if (first < k && k < end && end <= last && !IsConnector(end)) return;
      }
      chain_end = k - 1;
    } else if (IsConnector(last) && last > 0) {
      chain_end = last - 1;
    } else if (last >= 2 && IsConnector(last - 1) && IsLabel(last)) {
      chain_end = last;
    }
    if (chain_end == std::string::npos) return;
    size_t start = LocalPartStart(chain_end);
    if (start == std::string::npos) return;
    open_from_ = std::min(open_from_, start);
  }

  // Words at the end of a window that begin longer entities: a single letter (a
  // passport prefix, a spelled name), "x for xray" spelling, and a month or day word (a
  // date whose year is still to come). They are held until the next chunk says more.
  void OpenWordTail() {
    size_t n = t_.size();
    while (n > 0 && t_[n - 1].punct) --n;
    if (n == 0) return;
    size_t k = n - 1;
    auto starts_entity = [&](size_t i) {
      const std::string& w = N(i);
      if (w.size() == 1 && std::isalpha(static_cast<unsigned char>(w[0]))) return true;
      // "M94": a passport's letter and first digits, the rest still to come.
      if (const size_t letters = LetterPrefixLength(w); letters > 0 && w.size() - letters < 9) {
        return true;
      }
      // "x for" whose "xray" comes next.
      if (w == "for" && i >= 1 && N(i - 1).size() == 1 &&
          std::isalpha(static_cast<unsigned char>(N(i - 1)[0]))) {
        return true;
      }
      if (Lex(i, &Lexicon::Entry::month)) return true;
      return i >= 2 && N(i - 1) == "for" && N(i - 2).size() == 1 && !w.empty() &&
             w[0] == N(i - 2)[0];
    };
    if (!starts_entity(k)) return;
    // Extend back over spelled letters and a day number ("13 january", "e for echo n").
    size_t start = k;
    while (start > 0 && !GapBefore(start)) {
      size_t p = start - 1;
      if (t_[p].punct && N(p) == ",") {
        if (p == 0) break;
        --p;
      }
      if (starts_entity(p) || N(p) == "for" || IsNumberWordAt(p) || N(p) == "of" ||
          N(p) == "the") {
        start = p;
      } else {
        break;
      }
    }
    open_from_ = std::min(open_from_, start);
  }

  const Lexicon& lex_;
  const std::vector<Token>& t_;
  const NormalizerOptions& opt_;
  const bool final_;
  View view_;
  size_t open_from_ = 0;
  std::vector<std::pair<size_t, size_t>> emails_;  // [first, end) token ranges.
  std::vector<const Lexicon::Entry*> entries_;     // Per token, see E().
  std::vector<bool> joinable_;                     // Per token: JoinableDigits is not empty.
  std::string run_digits_;                         // TryRun's buffers.
  std::vector<int32_t> run_owners_;
};

}  // namespace

NormalizeResult Normalize(const Lexicon& lexicon, const std::vector<Token>& tokens,
                          const NormalizerOptions& options, bool final_window) {
  return Builder(lexicon, tokens, options, final_window).Run();
}

}  // namespace callredact
