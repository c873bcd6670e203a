#include "detectors/name_address_detector.h"

#include <algorithm>
#include <array>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

#include "detectors/name_gazetteer.h"

namespace callredact {
namespace {

constexpr uint32_t kNameBit = 1u << static_cast<int>(v1::CTX_NAME);
constexpr uint32_t kAddressBit = 1u << static_cast<int>(v1::CTX_ADDRESS);

constexpr double kLabelConfidence = 0.9;
constexpr double kCueConfidence = 0.9;
constexpr double kExpectConfidence = 0.85;
constexpr double kWeakConfidence = 0.85;
constexpr double kGazPairConfidence = 0.75;
constexpr double kAddressConfidence = 0.97;
constexpr double kAddressContextConfidence = 0.88;

constexpr size_t kMaxNameWords = 5;
constexpr size_t kMaxUnknownWords = 2;
constexpr size_t kMaxStreetWords = 4;
// Look-ahead of an address part (AddressFrom): a house number, "and" and its tens, up
// to four street words and a street type; or three unknown words before a place.
constexpr size_t kMaxAddressLookahead = 7;
// Words after a name that can still reject it ("Sizwe Pension Fund").
constexpr size_t kNameLookahead = 3;
// Shortest word of an earlier name that is looked for again ("Mia" yes, "Li" no).
constexpr size_t kMinRepeatedNameLetters = 3;
constexpr size_t kMaxEntryPrefixWords = 4;

// How a name run was found; decides which words may be in it.
enum class Mode {
  kGazetteer,  // No cue: known names only.
  kGreeting,   // "thank you, X": known names only.
  kWeak,       // "this is X": a known or capitalised name.
  kKin,        // "my wife, X": a known or capitalised first word.
  kExpect,     // The agent asked for a name.
  kStrong,     // "my name is X", "Mr X".
  kLabel,      // "Customer: X" on a screen.
};

bool AllowsUnknown(Mode m) {
  return m == Mode::kExpect || m == Mode::kStrong || m == Mode::kLabel;
}

// One word of the view (a token, or the tokens of a spoken number or e-mail).
struct Unit {
  std::string_view text;
  size_t ft = 0, lt = 0;     // First and last token.
  // A turn, line or screen field break before it. (A boundary between two chunks of one
  // speaker's turn is no break: nothing here may depend on where chunks are cut.)
  bool nl = false;
  bool gap = false;          // A column gap (two or more spaces) before it, on a screen.
  bool punct = false;
  bool digits = false;
  bool alpha = false;
  bool cap = false;
  bool title = false;   // Capitalised with lower-case letters after ("Grâce", "Ilunga").
  // Two words joined by one slash, the SURNAME/FIRSTNAME of airline and travel screens.
  bool slash_pair = false;
  bool letter = false;  // A single letter.
  bool spelled = false;  // Letters spelled as "r for romeo e for echo" (the view joins them).
  v1::Source source = v1::TRANSCRIPT;
  v1::Speaker speaker = v1::SPEAKER_UNSPECIFIED;
  uint32_t expectation = 0;
  uint32_t one = 0;  // Bit per GazKind: an entry of exactly this unit.
  std::array<uint8_t, kGazKindCount> span{};  // Longest entry starting here, in units.
};

bool IsAlphaWord(std::string_view s) {
  if (s.empty()) return false;
  bool letter = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c >= 'a' && c <= 'z') || c >= 0x80) {
      letter = true;
    } else if ((c == '-' || c == '\'' || c == '/') && i > 0 && i + 1 < s.size()) {
      continue;
    } else {
      return false;
    }
  }
  return letter;
}

// A view unit of spoken "o"s: "o" is a digit in the view and "o o" one unit "00".
bool IsSpokenOs(std::string_view s) {
  return !s.empty() && s.size() <= 3 && s.find_first_not_of('0') == std::string_view::npos;
}

// "kerkstraat", "vleiweg", "beyerslaan": a street name and its Afrikaans type in one
// word, with at least three letters of name.
bool AfrikaansCompoundStreet(std::string_view s) {
  for (std::string_view type : {"straat", "laan", "rylaan", "weg", "singel", "steeg"}) {
    if (s.size() >= type.size() + 3 && s.substr(s.size() - type.size()) == type) {
      for (char c : s) {
        if (!(c >= 'a' && c <= 'z')) return false;
      }
      return true;
    }
  }
  return false;
}

// "t.m." or "t.m": initials written together with full stops.
bool IsDottedInitials(std::string_view s) {
  if (s.size() < 3) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i % 2 == 0 ? !(c >= 'a' && c <= 'z') : c != '.') return false;
  }
  return true;
}

// "e-l-e-n-i": letters joined by hyphens, one word to the tokenizer.
bool IsHyphenSpelled(std::string_view s) {
  if (s.size() < 5 || s.size() % 2 == 0) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i % 2 == 0 ? !(c >= 'a' && c <= 'z') : c != '-') return false;
  }
  return true;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

class Analysis {
 public:
  Analysis(const NameGazetteers& gaz, const std::vector<Token>& tokens, const View& view)
      : gaz_(gaz), tokens_(tokens), view_(view) {}

  absl::Status Build() {
    const std::string& t = view_.text;
    std::vector<int32_t> unit_at(t.size() + 1, -1);
    size_t i = 0;
    bool nl = false;
    while (i < t.size()) {
      if (t[i] == ' ' || t[i] == '\n') {
        nl |= t[i] == '\n';
        ++i;
        continue;
      }
      size_t b = i;
      int32_t f = -1, l = -1;
      while (i < t.size() && t[i] != ' ' && t[i] != '\n') {
        if (view_.token_at[i] >= 0) {
          if (f < 0) f = view_.token_at[i];
          l = std::max(l, view_.token_at[i]);
        }
        ++i;
      }
      if (f < 0) {
        nl = false;
        continue;
      }
      Unit u;
      u.text = std::string_view(t).substr(b, i - b);
      u.ft = static_cast<size_t>(f);
      u.lt = static_cast<size_t>(l);
      const Token& tok = tokens_[u.ft];
      u.nl = nl || tok.brk >= Break::kTurn;
      if (u.ft > 0 && tok.source == v1::SCREEN) {
        const Token& prev = tokens_[u.ft - 1];
        u.gap = prev.seq == tok.seq && tok.begin >= prev.end + 2;
      }
      u.punct = tok.punct && u.ft == u.lt;
      u.digits = IsDigits(u.text);
      u.alpha = !u.punct && IsAlphaWord(u.text);
      if (const size_t slash = u.text.find('/'); !u.punct && slash != std::string_view::npos) {
        const std::string_view left = u.text.substr(0, slash), right = u.text.substr(slash + 1);
        u.slash_pair = left.size() >= 2 && right.size() >= 2 && IsAlphaWord(left) &&
                       IsAlphaWord(right);
      }
      u.cap = tok.capitalized;
      u.title = tok.capitalized && !tok.all_caps;
      u.letter = u.alpha && u.text.size() == 1;
      u.source = tok.source;
      u.speaker = tok.speaker;
      u.expectation = tok.expectation;
      unit_at[b] = static_cast<int32_t>(units_.size());
      units_.push_back(u);
      nl = false;
    }
    // "k for kilo": the view keeps the letter; its unit covers the spelling words too.
    for (size_t k = 0; k < units_.size(); ++k) {
      if (!units_[k].letter) continue;
      const size_t limit = k + 1 < units_.size() ? units_[k + 1].ft : tokens_.size();
      size_t lt = units_[k].lt;
      while (lt + 1 < limit && lt + 1 <= units_[k].lt + 2 && !tokens_[lt + 1].punct) ++lt;
      if (lt == units_[k].lt + 2 && tokens_[units_[k].lt + 1].norm == "for") units_[k].lt = lt;
    }
    // "r for romeo e for echo": one unit "re" whose tokens alternate letter, "for", word.
    for (Unit& u : units_) {
      if (!u.alpha || u.letter || u.lt < u.ft + 2 || tokens_[u.ft + 1].norm != "for") continue;
      u.spelled = true;
      if (u.lt + 2 < tokens_.size() && tokens_[u.lt + 1].norm == "for" &&
          !tokens_[u.lt + 2].punct) {
        u.lt += 2;
      }
    }
    // The unit each view byte belongs to (for match ends).
    std::vector<int32_t> owner(t.size(), -1);
    int32_t cur = -1;
    for (size_t k = 0; k < t.size(); ++k) {
      if (unit_at[k] >= 0) cur = unit_at[k];
      if (t[k] != ' ' && t[k] != '\n') owner[k] = cur;
    }
    // The last units, when they are the first words of a longer gazetteer entry.
    tail_prefix_ = units_.size();
    std::string words;
    for (size_t k = units_.size(); k > 0 && units_.size() - k < kMaxEntryPrefixWords; --k) {
      const Unit& u = units_[k - 1];
      if (u.punct) break;
      words = words.empty() ? std::string(u.text) : absl::StrCat(absl::string_view(u.text.data(), u.text.size()), " ", words);
      if (gaz_.IsEntryPrefix(words)) tail_prefix_ = k - 1;
      if (u.nl || u.gap) break;
    }
    return gaz_.Scan(t, [&](GazKind kind, size_t b, size_t e) {
      if (unit_at[b] < 0 || e == 0 || owner[e - 1] < 0) return;
      const size_t ub = static_cast<size_t>(unit_at[b]);
      const size_t ue = static_cast<size_t>(owner[e - 1]);
      if (ue < ub || ue - ub >= 255) return;
      const size_t k = static_cast<size_t>(kind);
      const uint8_t len = static_cast<uint8_t>(ue - ub + 1);
      units_[ub].span[k] = std::max(units_[ub].span[k], len);
      if (len == 1) units_[ub].one |= 1u << k;
    });
  }

  size_t size() const { return units_.size(); }
  // First unit of the window's last words when they begin a longer gazetteer entry
  // (size() when they do not).
  size_t tail_prefix() const { return tail_prefix_; }
  const Unit& operator[](size_t i) const { return units_[i]; }

  bool One(size_t i, GazKind k) const {
    return i < units_.size() && (units_[i].one >> static_cast<size_t>(k) & 1u);
  }
  size_t Span(size_t i, GazKind k) const {
    return i < units_.size() ? units_[i].span[static_cast<size_t>(k)] : 0;
  }
  bool Word(size_t i) const { return i < units_.size() && units_[i].alpha; }
  // The chunk a unit comes from.
  uint64_t Seq(size_t i) const { return tokens_[units_[i].ft].seq; }
  bool Common(size_t i) const { return One(i, GazKind::kCommonWords); }
  bool KnownName(size_t i) const {
    return One(i, GazKind::kFirstNames) || One(i, GazKind::kSurnames);
  }
  bool Ambiguous(size_t i) const { return One(i, GazKind::kNameStopwords) || Common(i); }
  bool Punct(size_t i, std::string_view p) const {
    return i < units_.size() && units_[i].punct && units_[i].text == p;
  }
  // Separates two units: a break before `i`.
  bool Break(size_t i) const { return i < units_.size() && (units_[i].nl || units_[i].gap); }

 private:
  const NameGazetteers& gaz_;
  const std::vector<Token>& tokens_;
  const View& view_;
  std::vector<Unit> units_;
  size_t tail_prefix_ = 0;
};

struct Found {
  v1::EntityType type;
  size_t begin, end;  // Units, end exclusive.
  double confidence;
  const char* detector;
};

class Finder {
 public:
  // `open_token`: the first token of the normaliser's open tail (a half-spoken e-mail
  // or number), which may still become something else than the words it has now.
  Finder(const Analysis& a, bool final_window, size_t open_token)
      : a_(a), final_(final_window), open_token_(open_token) {
    org_.assign(a.size(), false);
    for (size_t i = 0; i < a.size(); ++i) {
      const size_t n = a.Span(i, GazKind::kOrganisations);
      for (size_t k = i; k < i + n && k < a.size(); ++k) org_[k] = true;
    }
    claimed_.assign(a.size(), false);
    last_word_ = a.size();
    for (size_t i = a.size(); i > 0; --i) {
      if (!a[i - 1].punct) {
        last_word_ = i - 1;
        break;
      }
    }
  }

  std::vector<Found> Run() {
    FindScreenLabels();
    FindScreenTables();
    FindScreenNameShapes();
    FindSecretAnswers();  // Before names: "It's Blue Buffalo 19" is a password, not a name.
    FindAddresses();
    FindNameCues();
    FindExpectedNames();
    FindGazetteerNames();
    FindVocatives();
    FindBornNames();
    FindSelfIntroductions();
    FindSelfSpelledWords();
    FindSpelledRepeats();
    FindBracketedNicknames();
    FindRepeatedNames();
    return std::move(found_);
  }

  // Whether the window's stream is known to be a cased transcript (DialogueState).
  void SetStreamCased(bool cased) { stream_cased_ = cased; }

  // A name the call produced before (its value as the view spells it, "jaco du plessis").
  void AddKnownName(std::string_view value) {
    size_t b = 0;
    while (b < value.size()) {
      size_t e = value.find(' ', b);
      if (e == std::string_view::npos) e = value.size();
      if (e - b >= kMinRepeatedNameLetters) known_name_words_.emplace(value.substr(b, e - b));
      b = e + 1;
    }
  }

  size_t open_unit() const { return open_; }

 private:
  // ---- Names -------------------------------------------------------------------------

  // Whether unit `i` can be a word of a name found in `mode`.
  bool NameWord(size_t i, Mode mode, bool first, size_t* unknown) const {
    const Analysis& a = a_;
    if (!a.Word(i) || a[i].letter || claimed_[i] || org_[i]) return false;
    if (a.One(i, GazKind::kNameTitles) && !first) return false;
    if (a.One(i, GazKind::kKinshipWords)) return false;
    const bool known = a.KnownName(i);
    const bool strong = mode == Mode::kStrong || mode == Mode::kLabel || mode == Mode::kExpect;
    if ((a.Span(i, GazKind::kStreetTypes) > 0 || a.One(i, GazKind::kNameStopsAfter) ||
         a.Span(i, GazKind::kAddressPrefixes) > 0) &&
        !known) {
      return false;
    }
    if (a.Common(i)) {
      // "April", "Will", "Grant": a capitalised known name after a strong cue or label,
      // or answering "your full names?" when a capitalised known name follows ("Grant
      // Smith.", not "Grant me a moment").
      if (!known || !a[i].cap || !strong) return false;
      if (mode == Mode::kStrong || mode == Mode::kLabel || !first) return true;
      return mode == Mode::kExpect && i + 1 < a.size() && !a.Break(i + 1) && a[i + 1].cap &&
             a.KnownName(i + 1) && !a.Ambiguous(i + 1) && !claimed_[i + 1];
    }
    if (known && !a.One(i, GazKind::kNameStopwords)) return true;
    // A surname that is also a word to leave alone on its own ("Zulu", the language)
    // after a first name: "sibusiso zulu".
    if (known) {
      // ... or a first name that is also a word ("ntombi", a girl) with a known surname
      // after it, after a weak cue or a relation: "this is ntombi sithole".
      const bool surname_next = i + 1 < a.size() && !a.Break(i + 1) &&
                                a.One(i + 1, GazKind::kSurnames) && !a.Ambiguous(i + 1);
      return a[i].cap || strong || (!first && a.One(i, GazKind::kSurnames)) ||
             ((mode == Mode::kWeak || mode == Mode::kKin) && first && surname_next &&
              !a.Common(i));
    }
    const bool place = a.Span(i, GazKind::kPlaceNames) > 0;
    if (a[i].cap && mode != Mode::kGazetteer && mode != Mode::kGreeting) {
      if (place && (mode == Mode::kWeak || mode == Mode::kKin) && first) return false;
      // After a weak cue a short all-capitals word is an abbreviation ("it's REF 2024",
      // "it's FNB"), not a name.
      if (mode == Mode::kWeak && !a[i].title && a[i].text.size() <= 4) return false;
      return true;
    }
    // "this is ntombi sithole", "my neighbour shaheeda naidoo": after a weak cue or a
    // relation, an unknown lower-case first name with a known surname right after it.
    if ((mode == Mode::kWeak || mode == Mode::kKin) && first && i + 1 < a.size() &&
        !a.Break(i + 1) && a.Word(i + 1) && a.One(i + 1, GazKind::kSurnames) &&
        !a.Ambiguous(i + 1) && !a.Common(i + 1) && *unknown < kMaxUnknownWords) {
      ++*unknown;
      return true;
    }
    if (AllowsUnknown(mode) || (mode == Mode::kKin && !first)) {
      if (*unknown >= kMaxUnknownWords) return false;
      ++*unknown;
      return true;
    }
    return false;
  }

  // The end of the name run starting at `start` (== start when there is none).
  size_t CollectName(size_t start, Mode mode, size_t* raw_end) const {
    const Analysis& a = a_;
    size_t i = start, end = start, words = 0, unknown = 0;
    bool comma_used = false;
    bool initials_only = false;  // Initials taken, no name word after them yet.
    *raw_end = start;
    while (i < a.size() && words < kMaxNameWords) {
      if (i > start && a.Break(i)) break;
      if (mode == Mode::kLabel && words == 1 && !comma_used && a.Punct(i, ",") &&
          i + 1 < a.size() && !a.Break(i + 1) && Initials(i + 1, mode) > i + 1) {
        // "Pillay, R.": the surname, a comma and initials.
        comma_used = true;
        i = end = Initials(i + 1, mode);
        break;
      }
      if (mode == Mode::kLabel && words == 1 && !comma_used && a.Punct(i, ",") &&
          i + 1 < a.size() && !a.Break(i + 1) && NameWord(i + 1, mode, false, &unknown)) {
        comma_used = true;
        i += 2;
        end = i;
        ++words;
        continue;
      }
      const size_t p = a.Span(i, GazKind::kSurnameParticles);
      if (p > 0 && !a.Common(i + p)) {
        size_t probe = unknown;
        // "van der merwe" is a surname entry whole, whether or not "merwe" is one alone.
        const bool entry = a.Span(i, GazKind::kSurnames) == p + 1 && !claimed_[i + p] &&
                           !org_[i + p] && a.Word(i + p);
        if (i + p < a.size() && !a.Break(i + p) &&
            (entry || NameWord(i + p, mode, false, &probe))) {
          unknown = probe;
          i += p + 1;
          end = i;
          ++words;
          continue;
        }
        if (i + p > last_word_) *raw_end = i + p;  // "Pieter van der" at the end.
      }
      if (words == 0 || initials_only) {
        // "N Dlamini", "H. Venter", "T. M. Baloyi", "v mabaso": initials before a name.
        if (size_t next = Initials(i, mode); next > i) {
          size_t probe = unknown;
          // A lower-case initial only before a known name ("v mabaso"; not Afrikaans "'n
          // landlyn", "a landline").
          if (next < a.size() && !a.Break(next) && NameWord(next, mode, words == 0, &probe) &&
              (a[i].cap || a.KnownName(next))) {
            i = next;
            initials_only = true;
            continue;
          }
        }
      }
      if (!NameWord(i, mode, words == 0 && !initials_only, &unknown)) break;
      initials_only = false;
      ++words;
      ++i;
      end = i;
    }
    // "MTHEMBU S", "CHEN W L", "Dlamini N.": initials after a surname on a screen field.
    if (mode == Mode::kLabel && words > 0 && end < a.size() && !a.Break(end)) {
      const size_t next = Initials(end, mode);
      // ... then the field ends, or the next field starts: "SEBOLA M ID 5610...",
      // "MKHABELA S 7705...".
      if (next > end && (next >= a.size() || a.Break(next) || FieldEnd(next) ||
                         a[next].digits || (a[next].cap && !a[next].title))) {
        end = next;
      }
    }
    *raw_end = std::max(*raw_end, end);
    return end;
  }

  // The end of the initials starting at unit `i` ("N", "H.", "T. M.", "T.M."), or `i`
  // when there are none. An initial is a single capital letter; lower case only in
  // modes with a cue (a speech transcript has no case: "registered to v mabaso").
  size_t Initials(size_t i, Mode mode) const {
    const Analysis& a = a_;
    size_t k = i;
    for (size_t n = 0; n < 3 && k < a.size() && (k == i || !a.Break(k)); ++n) {
      if (claimed_[k] || org_[k]) break;
      if (IsDottedInitials(a[k].text)) {  // "T.M.", one word to the tokenizer.
        ++k;
        if (k < a.size() && a.Punct(k, ".") && !a.Break(k)) ++k;
        continue;
      }
      // "O. Modise": a capital O is read as a zero in the view.
      const bool letter_o = a[k].text == "0" && a[k].cap;
      if (!a[k].letter && !letter_o) break;
      // "I applied": the pronoun, unless written as an initial ("I. Patel").
      if (a[k].text == "i" && !a.Punct(k + 1, ".")) break;
      if (!a[k].cap && (mode == Mode::kGazetteer || mode == Mode::kGreeting)) break;
      ++k;
      if (k < a.size() && a.Punct(k, ".") && !a.Break(k)) ++k;
    }
    return k;
  }

  // Whether unit `i` ends a screen field: a separator ("|", ";", ",", a tab gap) or a
  // bracket.
  bool FieldEnd(size_t i) const {
    const Analysis& a = a_;
    return a.Punct(i, "|") || a.Punct(i, ";") || a.Punct(i, ",") || a.Punct(i, "(") ||
           a.Punct(i, "/") || a.Break(i);
  }

  // Checks a name run and records it; returns whether it was taken.
  bool AddName(size_t start, size_t end, size_t raw_end, Mode mode, double confidence,
               const char* detector) {
    const Analysis& a = a_;
    if (end <= start) return false;
    // A place or an institution: "Nelson Mandela Drive", "Sol Plaatje University".
    if (mode != Mode::kLabel && end < a.size() && !a.Break(end) &&
        (a.Span(end, GazKind::kStreetTypes) > 0 || a.One(end, GazKind::kComplexWords))) {
      return false;
    }
    // "Cassim Traders": a business word in the name itself.
    if (mode != Mode::kLabel) {
      for (size_t k = start + 1; k < end; ++k) {
        if (a.One(k, GazKind::kNameStopsAfter) && !a.KnownName(k)) return false;
      }
    }
    // "Sizwe Pension Fund", "Thandi General Insurance": a business, not a person.
    // "Mabaso and Partners", "Ngwenya Home Insurance", "thembani bank fraud line": one
    // "and" or Title-case common word may come between.
    if (mode != Mode::kLabel) {
      size_t skipped = 0;
      for (size_t k = end; k < end + 3 && k < a.size() && !a.Break(k) && a.Word(k); ++k) {
        if (a.One(k, GazKind::kNameStopsAfter)) return false;
        if (EndsBusinessLookahead(k, &skipped)) break;
      }
    }
    if (mode == Mode::kGazetteer &&
        (a.Span(end - 1, GazKind::kStreetTypes) > 0 || a.One(end - 1, GazKind::kComplexWords))) {
      return false;
    }
    if (mode == Mode::kLabel) {
      // A screen value that is no known name at all ("IMMEDIATE PMT") needs the
      // "SURNAME, Firstname" or "SURNAME/FIRSTNAME" form, or Title case ("Applicant ......
      // Grâce Ilunga"),
      // the way names are written.
      bool known = false, comma = false, title = true;
      for (size_t k = start; k < end; ++k) {
        known |= a.KnownName(k) ||
                 (a.Span(k, GazKind::kSurnameParticles) > 0 && a.Span(k, GazKind::kSurnames) > 1);
        comma |= a.Punct(k, ",") || a[k].slash_pair;
        if (!a[k].punct) title &= a[k].title;
      }
      if (!known && !comma && !title) return false;
    }
    for (size_t k = start; k < end; ++k) {
      if (claimed_[k] || org_[k]) return false;
    }
    Claim(start, end);
    found_.push_back({v1::PERSON_NAME, start, end, confidence, detector});
    NoteOpen(start, raw_end);
    return true;
  }

  void Claim(size_t start, size_t end) {
    for (size_t k = start; k < end; ++k) claimed_[k] = true;
  }

  // A name [start, end) is open when it reaches the end of the window, or when the
  // words after it that AddName looks at (a street type, "Pension Fund") are not all
  // in the window yet.
  void NoteOpen(size_t start, size_t end) {
    if (final_ || end == 0) return;
    if (end - 1 >= last_word_ || end > last_word_ || NameMayChange(end)) {
      open_ = std::min(open_, start);
    }
  }

  // Whether the words after a name that AddName looks at ("Home Insurance", "and
  // Partners"), or an e-mail it may start ("lwazi underscore n 04 at ..."), are not all in
  // the window yet.
  bool NameMayChange(size_t end) const {
    const Analysis& a = a_;
    size_t k = end;
    size_t skipped = 0;
    for (size_t words = 0; words < kNameLookahead; ++words, ++k) {
      if (k >= a.size() || a[k].lt >= open_token_) return true;
      if (a.Break(k)) return false;
      if (EmailConnector(k)) return true;
      if (a[k].digits && words < 2) continue;
      if (!a.Word(k)) return false;
      if (EndsBusinessLookahead(k, &skipped)) return false;
    }
    return false;
  }

  // Whether unit `k` ends the look at the words after a name for a business word: a
  // common word does, except one "and" or Title-case word ("Mabaso and Partners",
  // "Ngwenya Home Insurance"). `skipped` counts the common words let through.
  bool EndsBusinessLookahead(size_t k, size_t* skipped) const {
    const Analysis& a = a_;
    return a.Common(k) && ((*skipped)++ > 0 || !(a[k].text == "and" || a[k].title));
  }

  bool EmailConnector(size_t k) const {
    const std::string_view t = a_[k].text;
    return t == "dot" || t == "underscore" || t == "at" || t == "dash" || t == "hyphen" ||
           t == "punt";
  }

  // Whether the units from `e` to the end of the window could all still be the start
  // of more of an address when the next chunk comes: separators, numbers, letters,
  // street and place words, or the first words of a longer gazetteer entry, with no
  // break and within an address part's look-ahead ("12 Main Road" + "Sunny", "..., two"
  // whose "one nine four" comes next, "unit 4" + "eagle's nest").
  bool AddressMayContinue(size_t e) const {
    const Analysis& a = a_;
    if (final_) return false;
    size_t words = 0;
    for (size_t k = e; k < a.size(); ++k) {
      if (a.Break(k)) return false;
      if (k >= a.tail_prefix()) return true;
      if (a[k].punct) {
        if (a.Punct(k, ",") || a.Punct(k, ";") || a.Punct(k, "-") || a.Punct(k, ".")) continue;
        return false;
      }
      if (++words > kMaxAddressLookahead) return false;
      if (a[k].digits || HouseNumber(k) || a[k].letter || StreetWord(k) ||
          Article(k) ||
          a.Span(k, GazKind::kPlaceNames) > 0 || a.Span(k, GazKind::kStreetTypes) > 0 ||
          a.Span(k, GazKind::kAddressPrefixes) > 0 ||
          a.Span(k, GazKind::kAddressAreaWords) > 0 || a.Span(k, GazKind::kComplexWords) > 0 ||
          (a[k].text == "and" && k > 0 && a[k - 1].digits)) {
        continue;
      }
      return false;
    }
    return true;
  }

  // Whether the text up to unit `i` in its turn or line is cased (has a capitalised
  // word): then a name in it is capitalised too.
  bool CasedBefore(size_t i) const {
    // A lower-case transcript capitalises nothing (not even its first word); a single
    // capital letter ("I") says nothing.
    if (stream_cased_) return true;
    const Analysis& a = a_;
    const size_t last = std::min(i, a.size() - 1);
    for (size_t k = last + 1; k-- > 0;) {
      if (a.Seq(k) != a.Seq(last)) return false;  // Only this chunk's own casing.
      if (a[k].cap && !a[k].letter && !a[k].digits) return true;
      if (a.Break(k)) return false;
    }
    return false;
  }

  // Skips "," and fillers after a cue.
  size_t SkipAfterCue(size_t i) const {
    const Analysis& a = a_;
    for (int k = 0; k < 3 && i < a.size(); ++k) {
      if (a.Punct(i, ",") || a.Punct(i, ":") || a.Punct(i, "-") || a[i].text == "uh" ||
          a[i].text == "um" || a[i].text == "er") {
        ++i;
      } else {
        break;
      }
    }
    return i;
  }

  void FindNameCues() {
    const Analysis& a = a_;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].source == v1::SCREEN) continue;
      size_t cue_end = 0;
      Mode mode = Mode::kStrong;
      const char* detector = "person_name.cue";
      double conf = kCueConfidence;
      const std::string_view w = a[i].text;
      if (size_t n = a.Span(i, GazKind::kNameCues)) {
        cue_end = i + n;
      } else if (w.size() > 2 && w.substr(w.size() - 2) == "'s" && i + 1 < a.size() &&
                 !a.Break(i + 1) && a[i + 1].text == "name" &&
                 !a.One(i, GazKind::kKinshipWords)) {
        // "the previous owner's name vimbai sibanda", "the deceased's name is ...".
        cue_end = i + 2;
        if (cue_end < a.size() && a[cue_end].text == "is") ++cue_end;
        detector = "person_name.possessive";
      } else if (a.One(i, GazKind::kNameTitles)) {
        cue_end = i + 1;
        // "Mr. Dlamini", but "Dumela ntate. I applied ...": a full stop ends a title only
        // when it is an abbreviation.
        if (a.Punct(cue_end, ".") && a[i].text.size() <= 4 && a[i].text != "mme") ++cue_end;
        detector = "person_name.title";
        // "12 Main Dr": a street, not a title (only for titles that are street types too).
        if (i > 0 && a.Span(i, GazKind::kStreetTypes) > 0 &&
            (a[i - 1].digits || a.Span(i - 1, GazKind::kStreetNames) > 0)) {
          continue;
        }
        // In a cased transcript the name after a title is capitalised ("The doctor said").
        const size_t n = SkipAfterCue(cue_end);
        if (n < a.size() && !a[n].cap && a.Span(n, GazKind::kSurnameParticles) == 0 &&
            CasedBefore(i)) {
          continue;
        }
      } else if (size_t k = a.Span(i, GazKind::kKinshipWords);
                 k && i > 0 &&
                 (a[i - 1].text == "my" || a[i - 1].text == "his" || a[i - 1].text == "her" ||
                  a[i - 1].text == "our" || a[i - 1].text == "your" ||
                  a[i - 1].text == "their" || a[i - 1].text == "the")) {
        cue_end = i + k;
        mode = Mode::kKin;
        detector = "person_name.relation";
        size_t j = SkipAfterCue(cue_end);
        // "my wife's name is thuli", "the kids are Ruan and Mia".
        if (j < a.size() && (a[j].text == "name" || a[j].text == "names")) ++j;
        if (j < a.size() && (a[j].text == "is" || a[j].text == "was" || a[j].text == "are")) ++j;
        cue_end = j;
      } else if (size_t w = a.Span(i, GazKind::kNameCuesWeak)) {
        cue_end = i + w;
        mode = Mode::kWeak;
        conf = kWeakConfidence;
        detector = "person_name.cue_weak";
      } else if (size_t g = a.Span(i, GazKind::kNameGreetings)) {
        cue_end = i + g;
        mode = Mode::kGreeting;
        conf = kWeakConfidence;
        detector = "person_name.greeting";
      } else {
        continue;
      }
      size_t s = SkipAfterCue(cue_end);
      if (s >= a.size() || (s > i + 1 && a[s].nl)) continue;
      // In a cased transcript a name is capitalised: "Is this cellphone the best number".
      if (!a[s].cap && !a[s].letter && a.Span(s, GazKind::kSurnameParticles) == 0 &&
          CasedBefore(i)) {
        continue;
      }
      size_t raw_end;
      size_t e = CollectName(s, mode, &raw_end);
      if (e > s) {
        // A weak cue needs a known or capitalised first word.
        const bool title = detector == std::string_view("person_name.title");
        // "reverend radebe retired last year": after a title and a known name, unknown
        // lower-case words are the sentence going on, not more of the name.
        if (title && a.KnownName(s) && !a[s].cap) {
          size_t k = s + 1;
          while (k < e && (a.KnownName(k) || a.Span(k, GazKind::kSurnameParticles) > 0)) ++k;
          e = raw_end = k;
        }
        if (AddName(s, e, raw_end, mode, conf, detector) && mode != Mode::kGreeting && !title) {
          // "the kids are Ruan and Mia", "my sisters, Ayanda, Zodwa and Lwazi", "speak to
          // Ayanda or Zodwa".
          for (size_t more = 0; more < 4; ++more) {
            size_t k = e;
            if (k < a.size() && a.Punct(k, ",")) ++k;
            if (k < a.size() && (a[k].text == "and" || a[k].text == "or")) ++k;
            if (k == e || k >= a.size() || a.Break(k)) break;
            const size_t next = k;
            // Another name starts with a known name, or a capitalised word in cased text
            // ("... and remember nobody" is no name).
            if (!(a.KnownName(next) && !a.Ambiguous(next)) &&
                !(a[next].title && !a.Common(next))) {
              break;
            }
            e = CollectName(next, mode, &raw_end);
            if (e <= next || !AddName(next, e, raw_end, mode, conf, detector)) break;
          }
        }
      } else if (mode == Mode::kStrong && s > last_word_) {
        // "my name is" at the end of the window: the name comes next. The cue itself is
        // not personal; nothing to hold.
      }
    }
  }

  // Skips the lead-in of an answer ("yes, my wife", "it's my account,", "Mine,").
  size_t SkipLeadIn(size_t i, size_t limit) const {
    const Analysis& a = a_;
    const size_t start = i;
    while (i < a.size() && i - start < limit && (i == start || !a[i].nl)) {
      size_t unknown = 0;
      if (a.Common(i) && NameWord(i, Mode::kExpect, true, &unknown)) break;  // "Grant Smith."
      if (a[i].punct || a.Common(i) || a.One(i, GazKind::kKinshipWords) ||
          a.Span(i, GazKind::kNameCuesWeak) > 0 || a.Span(i, GazKind::kNameGreetings) > 0 ||
          (a[i].digits && i == start)) {
        if (a[i].digits) break;
        ++i;
        continue;
      }
      break;
    }
    return i;
  }

  // The customer's answer to "your full names please".
  void FindExpectedNames() {
    const Analysis& a = a_;
    for (size_t c = 0; c < a.size(); ++c) {
      const Unit& u = a[c];
      if (u.source != v1::TRANSCRIPT || u.speaker != v1::CUSTOMER) continue;
      if (!(u.expectation & kNameBit)) continue;
      if (!u.nl) continue;  // Answers start a turn.
      size_t s = SkipLeadIn(c, 8);
      if (s >= a.size() || (s > c && a[s].nl)) continue;
      // Spelled out: "G U M E D E", "d for delta u for uniform ...".
      // (A spoken "o" is a digit in the view, and "o o" one unit "00": "M O O N".)
      auto letter = [&](size_t k) {
        return a[k].letter || a[k].spelled || IsSpokenOs(a[k].text);
      };
      if (letter(s)) {
        size_t e = s;
        while (e < a.size() && (e == s || !a.Break(e)) &&
               (letter(e) || (a[e].punct && a[e].text != "." && a[e].text != "?"))) {
          // "o for oscar": the view has the digit and the spelling words.
          if (a[e].text == "0" && e + 2 < a.size() && a[e + 1].text == "for" &&
              a[e + 2].text.front() == 'o') {
            e += 3;
            continue;
          }
          ++e;
        }
        while (e > s && a[e - 1].punct) --e;
        size_t letters = 0;
        for (size_t k = s; k < e; ++k) letters += a[k].spelled ? a[k].text.size() : letter(k);
        // "... c for charlie o for" at the end of the window: the spelling goes on.
        size_t raw = e;
        while (raw < a.size() && !a.Break(raw) && (a[raw].punct || a[raw].text == "for")) ++raw;
        if (letters >= 3) {
          if (AddName(s, e, raw, Mode::kExpect, kExpectConfidence, "person_name.spelled")) continue;
        }
      }
      size_t raw_end;
      size_t e = CollectName(s, Mode::kExpect, &raw_end);
      if (e <= s) continue;
      const size_t words = e - s;
      bool ok = words >= 2 || (a.KnownName(s) && !a.Ambiguous(s));
      if (!ok) {
        // A single unknown word: only when it is the whole answer.
        size_t k = e;
        while (k < a.size() && a[k].punct && !a[k].nl) ++k;
        ok = s == c && (k >= a.size() || a[k].nl);
      }
      if (ok && s != c) {
        // After a lead-in ("I'm a postgrad student"), unknown words are not enough.
        bool known = false;
        for (size_t k = s; k < e; ++k) known |= a.KnownName(k) && !a.Ambiguous(k);
        ok = known;
      }
      if (ok) AddName(s, e, raw_end, Mode::kExpect, kExpectConfidence, "person_name.answer");
    }
  }

  // "That account must be in your name, Ntsako." / "Thank you, Mrs Dlamini?": one or two
  // Title-case words between a comma and the end of a sentence address a person. Only
  // in cased transcripts; common words ("Thanks", "Sir"), honorifics ("Sisi") and places
  // are not names. The comma and the full stop are glued to their words, so a chunk
  // boundary never falls inside the pattern.
  void FindVocatives() {
    const Analysis& a = a_;
    for (size_t i = 1; i < a.size(); ++i) {
      if (a[i].source != v1::TRANSCRIPT || !a.Punct(i - 1, ",") || a.Break(i)) continue;
      size_t s = i;
      if (a.One(s, GazKind::kNameTitles)) {
        ++s;
        if (a.Punct(s, ".")) ++s;
      }
      size_t e = s;
      while (e < a.size() && e - s < 2 && !a.Break(e) && a[e].title && a.Word(e) &&
             !a[e].letter && !a.Common(e) && !a.Ambiguous(e) && !claimed_[e] && !org_[e] &&
             !a.One(e, GazKind::kKinshipWords) && !a.One(e, GazKind::kNameTitles) &&
             a.Span(e, GazKind::kPlaceNames) == 0 && a.Span(e, GazKind::kStreetTypes) == 0) {
        ++e;
      }
      if (e == s || e >= a.size() || a.Break(e)) continue;
      if (!a.Punct(e, ".") && !a.Punct(e, "?") && !a.Punct(e, "!")) continue;
      AddName(s, e, e, Mode::kStrong, kWeakConfidence, "person_name.vocative");
    }
  }

  // "Tsakani, born 3 August 2008": one to three name words right before "born" (a comma
  // or bracket between) are the person whose birth is given. Each word is a known name
  // or, in cased text, Title case and no common word ("Yes, two. Born ..." is not).
  void FindBornNames() {
    const Analysis& a = a_;
    // Name words at the end of the window (a comma or bracket after them at most) may be
    // followed by "born" in the next chunk: they are held until it comes.
    if (!final_) {
      size_t e = a.size();
      while (e > 0 && a.size() - e < 2 && (a.Punct(e - 1, ",") || a.Punct(e - 1, "("))) --e;
      if (e > 0 && BornNameWord(e - 1)) {
        open_ = std::min(open_, e - 1);
      }
    }
    for (size_t b = 1; b < a.size(); ++b) {
      if (a[b].text != "born" || a[b].source != v1::TRANSCRIPT || a.Break(b)) continue;
      size_t e = b;
      while (e > 0 && e + 2 > b && (a.Punct(e - 1, ",") || a.Punct(e - 1, "("))) --e;
      size_t s = e;
      while (s > 0 && e - s < 3 && !a.Break(s) && !claimed_[s - 1] && BornNameWord(s - 1)) --s;
      if (s == e) continue;
      AddName(s, e, e, Mode::kStrong, kWeakConfidence, "person_name.born");
    }
  }

  bool BornNameWord(size_t i) const {
    const Analysis& a = a_;
    return a[i].source == v1::TRANSCRIPT && a.Word(i) && !a[i].letter && !org_[i] &&
           !a.One(i, GazKind::kKinshipWords) && !a.One(i, GazKind::kNameTitles) &&
           ((a.KnownName(i) && !a.Ambiguous(i)) ||
            (a[i].title && !a.Common(i) && a.Span(i, GazKind::kPlaceNames) == 0));
  }

  // "morning nadia, sibusiso zulu here", "Thabo Molefe speaking": a name right before
  // "here" or "speaking" near the start of a turn introduces the speaker. At least one
  // word is a known name; the others are known, Title case, or unknown before a known one.
  void FindSelfIntroductions() {
    const Analysis& a = a_;
    for (size_t h = 1; h < a.size(); ++h) {
      const std::string_view w = a[h].text;
      if (a[h].source != v1::TRANSCRIPT || a.Break(h) ||
          !(w == "here" || w == "speaking" || w == "praat" || w == "hier")) {
        continue;
      }
      size_t start = h;  // The turn's first unit, within a few words.
      while (start > 0 && h - start < 7 && !a[start].nl) --start;
      if (!a[start].nl && start != 0) continue;
      size_t s = h, known = 0;
      while (s > start && h - s < 3 && !a.Break(s) && a.Word(s - 1) && !a[s - 1].letter &&
             !claimed_[s - 1] && !org_[s - 1] && !a.Common(s - 1) &&
             !a.One(s - 1, GazKind::kNameGreetings) && !a.One(s - 1, GazKind::kNameTitles)) {
        const bool k = a.KnownName(s - 1) && !a.Ambiguous(s - 1);
        // Each word a known name, or Title case in a cased transcript ("office gloria
        // speaking": "office" is no name).
        if (!k && !a.KnownName(s - 1) && !a[s - 1].title) break;
        known += k;
        --s;
      }
      if (s == h || known == 0) continue;
      AddName(s, h, h, Mode::kStrong, kWeakConfidence, "person_name.self_intro");
    }
  }

  // "what's your password?" - "It's Blue Buffalo 19, all one word.": the customer's
  // answer to a question for a password or code word (CTX_SECRET) is the secret,
  // whatever its words. Up to five words after a lead-in ("it's", "my password is"), to the first
  // comma or full stop; at least one of them not a common word (not "I forgot it").
  void FindSecretAnswers() {
    const Analysis& a = a_;
    constexpr uint32_t kSecretBit = 1u << static_cast<int>(v1::CTX_SECRET);
    for (size_t c = 0; c < a.size(); ++c) {
      const Unit& u = a[c];
      if (u.source != v1::TRANSCRIPT || u.speaker != v1::CUSTOMER || !u.nl ||
          !(u.expectation & kSecretBit)) {
        continue;
      }
      size_t s = c;
      while (s < a.size() && s - c < 7 && (s == c || !a.Break(s)) &&
             (a[s].text == "it's" || a[s].text == "its" || a[s].text == "it" ||
              a[s].text == "is" || a[s].text == "was" || a[s].text == "my" ||
              a[s].text == "the" || a[s].text == "oh" ||
              (a[s].text == "0" && a.Punct(s + 1, ",")) ||  // "Oh, ..." (a zero in the view)
              a[s].text == "password" || a[s].text == "codeword" || a[s].text == "yes" ||
              a[s].text == "ja" || a[s].text == "ok" || a[s].text == "okay" || a[s].punct)) {
        ++s;
      }
      // "what time?", "sorry, which one", "I forgot it": not an answer.
      static const char* const kNotAnswers[] = {
          "what", "which", "who",   "when",  "why",    "how",   "sorry", "pardon", "hold",
          "wait", "hang",  "let",   "i",     "hmm",    "no",    "go",    "sure",   "please",
          "can",  "could", "do",    "don't", "that",   "you",   "we",    "they",   "there",
          "thanks", "thank", "right", "alright", "fine", "oh", "ah", "but", "because",
          "i'll", "i'm", "i've", "i'd", "we'll", "you'll"};
      bool not_answer = false;
      for (const char* w : kNotAnswers) not_answer |= s < a.size() && a[s].text == w;
      if (not_answer) continue;
      for (int part = 0; part < 2; ++part) {
        size_t e = s;
        bool secret_word = false, polite = false;
        while (e < a.size() && e - s < 5 && (e == s || !a.Break(e)) && !a[e].punct) {
          secret_word |= a.Word(e) && !a.Common(e) && !a[e].letter;
          polite |= a[e].text == "please" || a[e].text == "thanks";
          ++e;
        }
        // "Delivered please, to my home.": a request, not a secret.
        if (polite) break;
        // "Mokwena." answering "your mother's maiden name?", "gertruida jansen" answering
        // "and your full name" in the same turn as a codeword question: a name, left to the
        // name rules.
        bool a_name = false;
        for (size_t k = s; k < e; ++k) a_name |= a.KnownName(k) && !a.Ambiguous(k);
        if (a_name && (u.expectation & kNameBit)) break;
        // The answer is the secret only when it is all the sentence says ("It's Blue
        // Buffalo 19, all one word." yes; "Let me write it down first" no).
        if (e < a.size() && !a.Break(e) && !a[e].punct) break;
        if (e == s || !secret_word) break;
        bool free = true;
        for (size_t k = s; k < e; ++k) free &= !claimed_[k] && !org_[k];
        if (!free) break;
        Claim(s, e);
        found_.push_back({v1::AUTH_CODE, s, e, kExpectConfidence, "auth_code.secret"});
        if (!final_ && e >= a.size()) open_ = std::min(open_, s);
        // "jasmine seventy... no, sorry, jasmine seventy two": the corrected secret too.
        size_t k = e;
        bool repair = false;
        while (k < a.size() && !a.Break(k) && k - e < 8 &&
               (a[k].punct || a[k].text == "no" || a[k].text == "sorry" ||
                a[k].text == "i" || a[k].text == "mean" || a[k].text == "wait")) {
          repair |= !a[k].punct;
          ++k;
        }
        if (!repair || k >= a.size() || a.Break(k)) break;
        s = k;
      }
    }
  }

  // Appends the letters unit `k` spells to `out` ("p"; "r for romeo e for echo" joined as
  // "re"; a spoken "o o", "00" in the view, as "oo"); false when it spells none.
  bool AppendSpelledLetters(size_t k, std::string* out) const {
    const Analysis& a = a_;
    if (a[k].letter || a[k].spelled) {
      out->append(a[k].text);
    } else if (IsSpokenOs(a[k].text)) {
      out->append(a[k].text.size(), 'o');
    } else {
      return false;
    }
    return true;
  }

  // "VAN DER MERWE, Gertruida (Trudie)", "STEYN Jan-Hendrik (\"Jannie\")": a capitalised
  // word in brackets right after a name is a nickname.
  void FindBracketedNicknames() {
    const Analysis& a = a_;
    const size_t names = found_.size();
    for (size_t f = 0; f < names; ++f) {
      if (found_[f].type != v1::PERSON_NAME) continue;
      size_t k = found_[f].end;
      if (!a.Punct(k, "(")) continue;
      ++k;
      while (k < a.size() && a[k].punct && a[k].text == "\"") ++k;
      if (k >= a.size() || !a.Word(k) || !a[k].cap || a.Common(k) || claimed_[k] ||
          a.One(k, GazKind::kNameTitles)) {
        continue;
      }
      size_t e = k + 1;
      while (e < a.size() && a[e].punct && a[e].text == "\"") ++e;
      if (!a.Punct(e, ")")) continue;
      AddName(k, k + 1, k + 1, Mode::kLabel, kLabelConfidence, "person_name.nickname");
    }
  }

  // "chikwanha c h i k w a n h a": a word followed by its own spelling is a name (people
  // spell names out; e-mails and numbers have their own rules).
  void FindSelfSpelledWords() {
    const Analysis& a = a_;
    for (size_t i = 0; i + 1 < a.size(); ++i) {
      if (!a.Word(i) || a[i].letter || a[i].spelled || claimed_[i] || a.Common(i) ||
          a[i].text.size() < 4 || a[i].source != v1::TRANSCRIPT) {
        continue;
      }
      std::string spelled;
      size_t e = i + 1;
      for (; e < a.size() && !a.Break(e) && spelled.size() < a[i].text.size(); ++e) {
        if (!AppendSpelledLetters(e, &spelled) &&
            !(a[e].punct && (a[e].text == "," || a[e].text == "-"))) {
          break;
        }
      }
      if (spelled != a[i].text) {
        // "chikwanha c h" at the end of the window: the rest of the spelling may come.
        if (!final_ && e >= a.size() && !spelled.empty() && a[i].text.rfind(spelled, 0) == 0) {
          open_ = std::min(open_, i);
        }
        continue;
      }
      bool free = true;
      for (size_t k = i; k < e; ++k) free &= !claimed_[k] && !org_[k];
      if (!free) continue;
      AddName(i, i + 1, i + 1, Mode::kStrong, kCueConfidence, "person_name.self_spelled");
      AddName(i + 1, e, e, Mode::kStrong, kCueConfidence, "person_name.self_spelled");
    }
  }

  // "Pillay. P I L L A Y.": letters spelled right after a name, spelling one of its words,
  // are that name too (in the view a spoken "o o" is one "00" unit).
  void FindSpelledRepeats() {
    const Analysis& a = a_;
    const size_t names = found_.size();
    for (size_t f = 0; f < names; ++f) {
      if (found_[f].type != v1::PERSON_NAME) continue;
      size_t s = found_[f].end;
      // ". That's", ", spelt": punctuation and a short lead-in before the letters.
      for (size_t skipped = 0; s < a.size() && !a.Break(s) && skipped < 4; ++skipped) {
        const std::string_view w = a[s].text;
        if (!a[s].punct && w != "that's" && w != "thats" && w != "that" && w != "is" &&
            w != "it's" && w != "spelled" && w != "spelt" && w != "spelling") {
          break;
        }
        ++s;
      }
      if (s >= a.size() || a.Break(s)) continue;
      // Groups of letters, a comma between groups: "K-G-O-M-O-T-S-O, S-E-L-E-K-A".
      std::vector<std::string> groups(1);
      size_t e = s;
      for (; e < a.size() && (e == s || !a.Break(e)); ++e) {
        const std::string_view t = a[e].text;
        if (AppendSpelledLetters(e, &groups.back())) continue;
        if (IsHyphenSpelled(t)) {  // "E-L-E-N-I"
          for (size_t k = 0; k < t.size(); k += 2) groups.back().push_back(t[k]);
        } else if (a[e].punct && t == ",") {
          if (!groups.back().empty()) groups.emplace_back();
        } else if (!(a[e].punct && t == "-")) {
          break;
        }
      }
      while (e > s && a[e - 1].punct) --e;
      if (groups.back().empty()) groups.pop_back();
      // Each group spells a word of the name (one group of three letters at least).
      bool spells_a_word = !groups.empty() && groups.front().size() >= 3;
      for (const std::string& g : groups) {
        bool word = false;
        for (size_t k = found_[f].begin; k < found_[f].end; ++k) {
          word |= !a[k].punct && a[k].text == g;
        }
        spells_a_word &= word;
      }
      if (spells_a_word) {
        AddName(s, e, e, Mode::kStrong, kCueConfidence, "person_name.spelled_repeat");
      }
    }
  }

  // Known first name followed by a known surname (or capitalised words around a known
  // name in cased text), anywhere.
  void FindGazetteerNames() {
    const Analysis& a = a_;
    for (size_t i = 0; i < a.size(); ++i) {
      // "L. Mokoena", "O Modise": a capital initial before a capitalised known surname.
      if ((a[i].letter || a[i].text == "0") && a[i].cap && !claimed_[i] &&
          (i == 0 || !a[i - 1].letter)) {
        size_t n = i + 1;
        if (a.Punct(n, ".") && !a.Break(n)) ++n;
        if (n < a.size() && !a.Break(n) && a[n].cap && a.One(n, GazKind::kSurnames) &&
            !a.Ambiguous(n) && !claimed_[n] && !org_[n] &&
            a.Span(n, GazKind::kPlaceNames) == 0 && a.Span(n, GazKind::kStreetNames) == 0) {
          size_t raw_end;
          const size_t e = CollectName(n, Mode::kGazetteer, &raw_end);
          if (e > n) AddName(i, e, raw_end, Mode::kGazetteer, kGazPairConfidence, "person_name.initial");
          continue;
        }
      }
      // "Kershnie Moodley": an unknown Title-case first name before a known surname, in
      // cased text.
      if (!claimed_[i] && a.Word(i) && a[i].title && !a.KnownName(i) && !a.Common(i) &&
          !org_[i] && a.Span(i, GazKind::kPlaceNames) == 0 &&
          a.Span(i, GazKind::kStreetTypes) == 0 && a.Span(i, GazKind::kNameTitles) == 0 &&
          (i == 0 || a.Break(i) || !a[i - 1].cap || a.Common(i - 1)) && i + 1 < a.size() &&
          !a.Break(i + 1) && a[i + 1].title && a.One(i + 1, GazKind::kSurnames) &&
          !a.Ambiguous(i + 1) && !claimed_[i + 1] && !org_[i + 1] &&
          a.Span(i + 1, GazKind::kPlaceNames) == 0) {
        size_t raw_end;
        const size_t e = CollectName(i + 1, Mode::kGazetteer, &raw_end);
        if (e > i + 1) AddName(i, e, raw_end, Mode::kGazetteer, kGazPairConfidence, "person_name.gazetteer");
        continue;
      }
      if (claimed_[i] || !a.Word(i) || !a.KnownName(i) || a.Ambiguous(i)) continue;
      if (i > 0 && !a.Break(i) && !claimed_[i - 1] && a.Word(i - 1) && a[i - 1].cap &&
          !a.Common(i - 1) && a[i].cap) {
        continue;  // Part of a longer capitalised run that starts earlier.
      }
      size_t raw_end;
      size_t e = CollectName(i, Mode::kGazetteer, &raw_end);
      if (e - i < 2) continue;
      size_t known = 0;
      // A particle that starts a surname entry ("van der merwe") counts as a known name.
      for (size_t k = i; k < e; ++k) {
        known += (a.KnownName(k) && !a.Ambiguous(k)) ||
                 (a.Span(k, GazKind::kSurnameParticles) > 0 && a.Span(k, GazKind::kSurnames) > 1);
      }
      bool all_cap = true;
      for (size_t k = i; k < e; ++k) all_cap &= a[k].cap || a.Span(k, GazKind::kSurnameParticles) > 0;
      if (known < 2 && !(all_cap && known >= 1)) continue;
      if (!a.One(i, GazKind::kFirstNames) && !all_cap) continue;
      // A place written like a name ("George Goch") is left alone.
      if (a.Span(i, GazKind::kPlaceNames) >= e - i) continue;
      AddName(i, e, raw_end, Mode::kGazetteer, kGazPairConfidence, "person_name.gazetteer");
    }
  }

  // "Jaco", "meneer Steyn", "a Mrs D Reddy": a word of a name found earlier in the call
  // (or earlier in this window) names that person again wherever it recurs, with an
  // initial before it and further name words after it. Common words and words that are
  // also ordinary words ("Grace", "Will") are left to the cue-based finders.
  void FindRepeatedNames() {
    const Analysis& a = a_;
    // Names found in this window count from where they were said on: an earlier
    // occurrence may already have been released when the chunks are cut differently.
    absl::flat_hash_map<std::string, size_t> said_at;
    for (const Found& f : found_) {
      if (f.type != v1::PERSON_NAME) continue;
      for (size_t k = f.begin; k < f.end; ++k) {
        if (a.Word(k) && a[k].text.size() >= kMinRepeatedNameLetters) {
          auto [it, added] = said_at.emplace(std::string(a[k].text), k);
          if (!added) it->second = std::min(it->second, k);
        }
      }
    }
    if (known_name_words_.empty() && said_at.empty()) return;
    auto repeated = [&](size_t k) {
      if (k >= a.size() || a[k].lt >= open_token_ || !a.Word(k) || a[k].letter ||
          a[k].spelled || claimed_[k] || org_[k] || a.Ambiguous(k) ||
          a.One(k, GazKind::kNameTitles) || a.One(k, GazKind::kKinshipWords) ||
          (a.Span(k, GazKind::kSurnameParticles) > 0 && !a.One(k, GazKind::kSurnames))) {
        return false;  // "van" is no name said again; "Jansen" (also a particle) is.
      }
      std::string_view w = a[k].text;
      // "Yaseen's line": the name with a possessive.
      if (w.size() > 2 && w.substr(w.size() - 2) == "'s") w.remove_suffix(2);
      const absl::string_view word(w.data(), w.size());
      if (known_name_words_.contains(word)) return true;
      auto it = said_at.find(word);
      return it != said_at.end() && it->second < k;
    };
    // "paulo dot pereira", "n molefe 57 at": words joined by e-mail connectors are a
    // local part, even before its "at" has come.
    auto connector = [&](size_t k) { return k < a.size() && !a.Break(k) && EmailConnector(k); };
    for (size_t i = 0; i < a.size(); ++i) {
      if (!repeated(i)) continue;
      size_t s = i, e = i + 1;
      // Further name words, particles between them: "megan van wyk".
      for (;;) {
        if (e < a.size() && !a.Break(e) && repeated(e)) {
          ++e;
          continue;
        }
        const size_t p = e < a.size() && !a.Break(e) ? a.Span(e, GazKind::kSurnameParticles) : 0;
        if (p > 0 && e + p < a.size() && !a.Break(e + p) && repeated(e + p)) {
          e += p + 1;
          continue;
        }
        break;
      }
      size_t after = e;  // "n molefe five seven at": digits may come before the "at".
      while (after < e + 2 && after < a.size() && !a.Break(after) && a[after].digits) ++after;
      if ((s > 0 && !a.Break(s) && connector(s - 1)) || connector(after)) {
        i = e - 1;
        continue;
      }
      // "R van der Walt": particles before the word go with it...
      for (size_t back = 1; back <= 3 && back <= s; ++back) {
        const size_t q = s - back;
        if (a.Break(q + 1) || claimed_[q]) break;
        if (a.Span(q, GazKind::kSurnameParticles) == back) {
          s = q;
          break;
        }
      }
      // ... and so does an initial: "D Reddy", "H. Venter".
      size_t p = s;
      if (p > 0 && a.Punct(p - 1, ".") && !a.Break(p)) --p;
      if (p > 0 && !a.Break(p) && a[p - 1].letter && !claimed_[p - 1]) s = p - 1;
      AddName(s, e, e, Mode::kStrong, kCueConfidence, "person_name.repeat");
      // "viresh" + "seventy one" still open: the words may be the start of an e-mail
      // ("viresh seventy one at outlook dot com"), so they wait for the tail.
      if (!final_ && e < a.size() && !a[e].punct && a[e].lt >= open_token_) {
        open_ = std::min(open_, s);
      }
      i = e - 1;
    }
  }

  // ---- Screens -----------------------------------------------------------------------

  // Whether unit `i` starts a field: line start, after "[", "|", "{", "," or a gap.
  bool FieldStart(size_t i) const {
    const Analysis& a = a_;
    if (i == 0 || a[i].nl || a[i].gap) return true;
    const std::string_view p = a[i - 1].text;
    return a[i - 1].punct && (p == "[" || p == "|" || p == "{" || p == "," || p == "\"" ||
                              p == ";" || p == ":");
  }

  // After a label ending at `i`: skips "1", "(CHD)" and the separator (":", dotted
  // leaders, JSON quotes). Returns the value's first unit, or npos without a separator.
  size_t SkipSeparator(size_t i) const {
    const Analysis& a = a_;
    for (int k = 0; k < 4 && i < a.size(); ++k) {
      if (a[i].digits && a[i].text.size() <= 2 && !(a[i].text == "0" && a[i].cap)) {
        ++i;
      } else if (a.Punct(i, "(") && i + 2 < a.size() && a.Punct(i + 2, ")")) {
        i += 3;
      } else {
        break;
      }
    }
    bool sep = false;
    while (i < a.size() && a[i].punct && !a.Break(i) &&
           (a[i].text == ":" || a[i].text == "." || a[i].text == "\"" || a[i].text == "=" ||
            a[i].text == "-")) {
      sep |= a[i].text == ":" || a[i].text == "." || a[i].text == "=";
      ++i;
    }
    if (i < a.size() && a[i].nl) return std::string::npos;
    return sep ? i : std::string::npos;
  }

  void FindScreenLabels() {
    const Analysis& a = a_;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].source != v1::SCREEN || !FieldStart(i)) continue;
      const size_t nl = a.Span(i, GazKind::kNameLabels);
      const size_t al = a.Span(i, GazKind::kAddressLabels);
      if (al >= nl && al > 0) {
        size_t v = SkipSeparator(i + al);
        if (v == std::string::npos) continue;
        size_t e = v;
        bool digit = false, street = false;
        while (e < a.size() && (e == v || !a.Break(e))) {
          const std::string_view t = a[e].text;
          if (a[e].punct && (t == "|" || t == "]" || t == "}" || t == "\"" || t == "[")) break;
          digit |= a[e].digits || (!a[e].alpha && !a[e].punct);
          street |= a.Span(e, GazKind::kStreetTypes) > 0 || a.Span(e, GazKind::kPlaceNames) > 0 ||
                    a.Span(e, GazKind::kAddressPrefixes) > 0;
          ++e;
        }
        while (e > v && a[e - 1].punct) --e;
        if (e > v && (digit || street) && (digit || e - v >= 2)) {
          Claim(v, e);
          found_.push_back({v1::STREET_ADDRESS, v, e, kAddressConfidence, "street_address.label"});
        }
        continue;
      }
      if (nl == 0) {
        // A table row that starts with "SURNAME, Firstname".
        if (a[i].nl || i == 0) {
          size_t raw_end;
          size_t e = CollectName(i, Mode::kLabel, &raw_end);
          bool comma = false, known = false;
          for (size_t k = i; k < e; ++k) {
            comma |= a.Punct(k, ",");
            known |= a.KnownName(k);
          }
          if (comma && known && (e >= a.size() || a.Break(e))) {
            AddName(i, e, raw_end, Mode::kLabel, kExpectConfidence, "person_name.row");
          }
        }
        continue;
      }
      size_t v = SkipSeparator(i + nl);
      bool bare = false;
      if (v == std::string::npos) {
        // "Member Ntombi Mqhayi", "Client<TAB>Kagiso Molefe": no separator, so only
        // capitalised words with a known name among them.
        if (i + nl >= a.size()) continue;
        v = i + nl;
        bare = true;
      }
      // "Parent: Mrs E Steyn": the title is not part of the name.
      if (v < a.size() && a.One(v, GazKind::kNameTitles)) {
        ++v;
        if (a.Punct(v, ".")) ++v;
      }
      size_t raw_end;
      size_t e = CollectName(v, Mode::kLabel, &raw_end);
      if (e <= v) continue;
      if (bare) {
        bool caps = e - v >= 2, known = false, initial = false;
        for (size_t k = v; k < e; ++k) {
          caps &= a[k].cap || a[k].punct;
          known |= a.KnownName(k) && !a.Ambiguous(k);
          initial |= k > v && a[k].letter;
        }
        // "Beneficiary SEBOLA M": a surname and its initial need no list entry.
        if (!caps || !(known || initial)) continue;
      }
      if (!AddName(v, e, raw_end, Mode::kLabel, kLabelConfidence, "person_name.label")) continue;
      // "PAX: DU PLESSIS MARELIZE (A), DU PLESSIS JACO (A)", "Applicants: GEORGIOU A /
      // GEORGIOU-PILLAY S": more names of the same field, each after a separator.
      for (size_t more = 0; more < 8; ++more) {
        size_t k = e;
        if (a.Punct(k, "(")) {
          size_t close = k + 1;
          while (close < a.size() && close - k < 8 && !a.Break(close) && !a.Punct(close, ")")) {
            ++close;
          }
          if (!a.Punct(close, ")")) break;
          k = close + 1;
        }
        if (k >= a.size() || a.Break(k) ||
            !(a.Punct(k, ",") || a.Punct(k, "/") || a.Punct(k, "&") || a[k].text == "and")) {
          break;
        }
        const size_t next = k + 1;
        if (next >= a.size() || a.Break(next)) break;
        e = CollectName(next, Mode::kLabel, &raw_end);
        if (e <= next || !AddName(next, e, raw_end, Mode::kLabel, kLabelConfidence,
                                  "person_name.label")) {
          break;
        }
      }
    }
  }

  // A table on a screen: a header row of field names ("Name<TAB>Surname<TAB>ID") and rows
  // of values under it ("Sipho<TAB>Ndlovu<TAB>800101..."). A value under a name header is
  // a name (read like a labelled value).
  void FindScreenTables() {
    const Analysis& a = a_;
    // Fields: runs of units between breaks (new lines, tabs, "|", column gaps).
    std::vector<std::pair<size_t, size_t>> fields;
    for (size_t i = 0; i < a.size();) {
      if (a[i].source != v1::SCREEN) {
        ++i;
        continue;
      }
      size_t e = i + 1;
      while (e < a.size() && !a.Break(e) && a[e].source == v1::SCREEN) ++e;
      size_t b = i, f = e;
      while (b < f && a[b].punct) ++b;
      while (f > b && a[f - 1].punct) --f;
      if (f > b) fields.emplace_back(b, f);
      i = e;
    }
    auto header_like = [&](std::pair<size_t, size_t> fld) {
      if (fld.second - fld.first > 3) return false;
      for (size_t k = fld.first; k < fld.second; ++k) {
        if (!a.Word(k) || a[k].digits) return false;
      }
      return true;
    };
    auto name_header = [&](std::pair<size_t, size_t> fld) {
      return a.Span(fld.first, GazKind::kNameLabels) == fld.second - fld.first;
    };
    for (size_t h = 0; h < fields.size();) {
      size_t n = 0;
      bool names = false;
      while (h + n < fields.size() && header_like(fields[h + n]) &&
             a.Span(fields[h + n].first, GazKind::kNameLabels) +
                     a.Span(fields[h + n].first, GazKind::kAddressLabels) >
                 0) {
        names |= name_header(fields[h + n]);
        ++n;
      }
      // Header words that are no labels ("ID", "DOB", "COVER") may sit between.
      if (n < 2 || !names) {
        h += std::max<size_t>(n, 1);
        continue;
      }
      // Extend the header over the other field names of its row (short words).
      size_t cols = n;
      while (h + cols < fields.size() && header_like(fields[h + cols]) &&
             !a.KnownName(fields[h + cols].first) && cols < 12) {
        ++cols;
      }
      for (size_t row = 0; row < 10; ++row) {
        const size_t base = h + cols * (row + 1);
        if (base + cols > fields.size()) break;
        for (size_t c = 0; c < cols; ++c) {
          if (!name_header(fields[h + c])) continue;
          const auto [vb, ve] = fields[base + c];
          size_t raw_end;
          const size_t e = CollectName(vb, Mode::kLabel, &raw_end);
          // A known name in the cell: a row under the header can be something else.
          bool known = false;
          for (size_t k = vb; k < e; ++k) known |= a.KnownName(k) && !a.Ambiguous(k);
          if (e > vb && e == ve && known) {
            AddName(vb, e, raw_end, Mode::kLabel, kLabelConfidence, "person_name.table");
          }
        }
      }
      h += cols;
    }
  }

  // Screen fields that are names by their shape alone: "| CASSIM M |" (a known surname
  // in capitals and initials filling the field) and "MOLEFE/THABO MR" (an airline
  // SURNAME/FIRSTNAME with its title).
  void FindScreenNameShapes() {
    const Analysis& a = a_;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].source != v1::SCREEN || claimed_[i] || org_[i] || !a.Word(i)) continue;
      if (a[i].slash_pair && a[i].cap && i + 1 < a.size() && !a.Break(i + 1) &&
          a.One(i + 1, GazKind::kNameTitles)) {
        AddName(i, i + 1, i + 1, Mode::kLabel, kLabelConfidence, "person_name.screen");
        continue;
      }
      if (!FieldStart(i) || !a[i].cap || a[i].title || !a.One(i, GazKind::kSurnames) ||
          a.Ambiguous(i)) {
        continue;
      }
      const size_t e = Initials(i + 1, Mode::kLabel);
      if (e == i + 1 || !(e >= a.size() || a.Break(e) || FieldEnd(e))) continue;
      AddName(i, e, e, Mode::kLabel, kLabelConfidence, "person_name.screen");
    }
  }

  // ---- Addresses ---------------------------------------------------------------------

  bool HouseNumber(size_t i) const {
    const Analysis& a = a_;
    if (i >= a.size()) return false;
    const std::string_view t = a[i].text;
    if (a[i].digits) return t.size() <= 5;
    // "12a"
    return t.size() >= 2 && t.size() <= 6 && IsDigits(t.substr(0, t.size() - 1)) &&
           t.back() >= 'a' && t.back() <= 'z';
  }

  // "die", "the": the article a complex's name may start with ("Die Eike", "The Gables").
  bool Article(size_t i) const { return a_[i].text == "die" || a_[i].text == "the"; }

  bool StreetWord(size_t i) const {
    const Analysis& a = a_;
    return a.Word(i) && !a[i].letter && (!a.Common(i) || a.Span(i, GazKind::kStreetNames) > 0) &&
           !org_[i];
  }

  // "12 Main Road", "183 Jan Smuts Avenue": returns the end, or i.
  // The end of a house number at `i` ("12", "12a", "100 and 67" from "one hundred and
  // sixty seven"), or i.
  size_t NumberEnd(size_t i) const {
    const Analysis& a = a_;
    if (!HouseNumber(i)) return i;
    if (a[i].digits && i + 2 < a.size() && a[i + 1].text == "and" && a[i + 2].digits &&
        a[i + 2].text.size() <= 2 && !a.Break(i + 1) && !a.Break(i + 2)) {
      return i + 3;
    }
    return i + 1;
  }

  size_t StreetCore(size_t i) const {
    const Analysis& a = a_;
    if (!HouseNumber(i)) return i;
    size_t j = NumberEnd(i);
    if (a.Punct(j, ",")) ++j;
    for (size_t words = 0; words <= kMaxStreetWords && j < a.size() && !a.Break(j); ++words) {
      // "kerkstraat", "vleiweg": an Afrikaans street name with its type joined on.
      if (words == 0 && AfrikaansCompoundStreet(a[j].text) && !org_[j]) return j + 1;
      const size_t type = a.Span(j, GazKind::kStreetTypes);
      if (type > 0 && (words >= 1 || type >= 2) && !a.One(j, GazKind::kAddressAreaWords)) {
        size_t e = j + type;
        return e;
      }
      if (!StreetWord(j)) break;
      ++j;
    }
    return i;
  }

  // A township or rural address core: a house or stand number, up to two words, and a
  // numbered or lettered area part ("4512 Zone 2", "801 Selosesha Unit 2", "1147
  // ngwelezane section b"): returns the end, or i.
  size_t AreaCore(size_t i) const {
    const Analysis& a = a_;
    if (!HouseNumber(i)) return i;
    size_t j = NumberEnd(i);
    for (size_t words = 0; words <= 2 && j < a.size() && !a.Break(j); ++words) {
      if (a.Punct(j, ",") && j + 1 < a.size() && AreaPart(j + 1)) ++j;  // "1123, Section K"
      const size_t area = a.Span(j, GazKind::kAddressAreaWords);
      if (area > 0 && j + area < a.size() && !a.Break(j + area) &&
          (HouseNumber(j + area) || a[j + area].letter)) {
        return j + area + 1;
      }
      if (area > 0 || !StreetWord(j)) break;
      ++j;
    }
    return i;
  }

  // Whether unit `i` starts an area part with its number or letter ("Extension 5",
  // "section b", "Zone 2").
  bool AreaPart(size_t i) const {
    const Analysis& a = a_;
    const size_t area = a.Span(i, GazKind::kAddressAreaWords);
    return area > 0 && i + area < a.size() && !a.Break(i + area) &&
           (HouseNumber(i + area) || a[i + area].letter);
  }

  // "Unit 4", "PO Box 1830", "Farm Leeuwkraal 274": returns the end, or i.
  size_t PrefixCore(size_t i) const {
    const Analysis& a = a_;
    const size_t p = a.Span(i, GazKind::kAddressPrefixes);
    if (p == 0) return i;
    size_t j = i + p;
    for (size_t words = 0; words <= 3 && j < a.size() && !a.Break(j); ++words) {
      if (HouseNumber(j)) return NumberEnd(j);
      // "Private Bag X1021", "PO Box X 12".
      const std::string_view t = a[j].text;
      if (words == 0 && t.size() >= 2 && t.size() <= 7 && t[0] >= 'a' && t[0] <= 'z' &&
          IsDigits(t.substr(1))) {
        return j + 1;
      }
      if (a[j].letter && words == 0 && j + 1 < a.size() && !a.Break(j + 1) &&
          HouseNumber(j + 1)) {
        return NumberEnd(j + 1);
      }
      if (a[j].letter && words == 0 && !a.Common(j)) return j + 1;
      if (!StreetWord(j)) break;
      ++j;
    }
    return i;
  }

  // "Sunset Villas", "Eagle's Nest Estate": words ending in a complex word.
  size_t ComplexName(size_t i) const {
    const Analysis& a = a_;
    size_t best = i;
    size_t j = i;
    for (size_t words = 0; words < 4 && j < a.size() && (j == i || !a.Break(j)); ++words) {
      if (AreaPart(j)) break;  // "Tembisa Extension 5": the area part is read on its own.
      const size_t c = a.Span(j, GazKind::kComplexWords);
      if (c > 0 && j > i) best = j + c;
      if (!StreetWord(j)) break;
      ++j;
    }
    return best;
  }

  // A whole address from `i`: cores, then suburb, city, province, postal code.
  // `context`: an address cue or the agent's question came before. Returns the end, or i.
  size_t AddressFrom(size_t i, bool context, bool* complete) const {
    const Analysis& a = a_;
    size_t pos = i, end = i;
    bool street = false, unit = false, box = false, any = false, postal = false;
    *complete = false;
    while (pos < a.size() && !postal) {
      size_t p = pos;
      if (any) {
        if (a.Break(p)) break;
        // "Main St. Sunnyside", "... Road. Sunnyside": a full stop separates parts too
        // when more of the address follows.
        while (p < a.size() && (a.Punct(p, ",") || a.Punct(p, ";") || a.Punct(p, "-") ||
                                a.Punct(p, "."))) {
          ++p;
        }
        if (p >= a.size() || a[p].nl) break;
      }
      size_t e;
      if ((e = StreetCore(p)) > p || (e = AreaCore(p)) > p) {
        street = true;
      } else if ((e = PrefixCore(p)) > p) {
        const std::string_view w = a[p].text;
        // A dwelling number is an address only with more after it ("Room 312, Sunnyside
        // Residence, Auckland Park"; not "Rm 214" alone).
        if (w == "unit" || w == "flat" || w == "apartment" || w == "apt" || w == "suite" ||
            w == "woonstel" || w == "room" || w == "rm" || w == "house" || w == "huis" ||
            w == "huisnommer") {
          unit = true;
        } else {
          box = true;
        }
      } else if ((unit || any) && (e = ComplexName(p)) > p) {
      } else if (any && a.Span(p, GazKind::kAddressAreaWords) > 0 &&
                 p + a.Span(p, GazKind::kAddressAreaWords) < a.size() &&
                 (HouseNumber(p + a.Span(p, GazKind::kAddressAreaWords)) ||
                  a[p + a.Span(p, GazKind::kAddressAreaWords)].letter)) {
        e = p + a.Span(p, GazKind::kAddressAreaWords) + 1;
      } else if (any && p > 0 && p == end && a[p].letter && a[p - 1].digits) {
        // "flat 12 b": the letter of the number.
        e = p + 1;
      } else if (any && (a[p].letter || HouseNumber(p)) && p + 1 < a.size() &&
                 !a.Break(p + 1) && a.Span(p + 1, GazKind::kAddressAreaWords) > 0) {
        // "kwa-mashu g section", "4 zone": the area's letter or number first.
        e = p + 1 + a.Span(p + 1, GazKind::kAddressAreaWords);
      } else if ((any || context) && a.Span(p, GazKind::kPlaceNames) > 0 && !org_[p]) {
        e = p + a.Span(p, GazKind::kPlaceNames);
      } else if ((any || context) && a[p].digits && a[p].text.size() == 4) {
        e = p + 1;
        postal = true;
      } else if (any && a[p].cap && (StreetWord(p) || Article(p)) &&
                 a[p].source != v1::SCREEN) {
        // An unlisted suburb in cased text: "Dan Pienaar", "Walmer".
        e = p;
        // A complex's name may start with an article ("Die Eike", "The Median").
        while (e < a.size() && e - p < 3 && (e == p || !a.Break(e)) && a[e].cap &&
               (StreetWord(e) || (e == p && Article(e))) &&
               !AreaPart(e)) {
          ++e;
        }
        if (e == p || (e == p + 1 && !StreetWord(p))) break;  // An article alone is no part.
      } else if (any && (StreetWord(p) || Article(p)) &&
                 a[p].source != v1::SCREEN) {
        // Lower-case unknown words count only when a place or a postal code follows.
        size_t q = p;
        // A complex's name may start with an article ("die eike", "the gables").
        auto article = [&](size_t k) {
          return k == p && (Article(k) || a[k].text == "la");
        };
        while (q < a.size() && q - p < 3 && (q == p || !a.Break(q)) &&
               (StreetWord(q) || article(q)) && a.Span(q, GazKind::kPlaceNames) == 0 &&
               !AreaPart(q)) {
          ++q;
        }
        // ... a place, a postal code, an area part, or a street ("unit six die eike, 42
        // bougainvillea crescent").
        if (q < a.size() && !a.Break(q) &&
            (a.Span(q, GazKind::kPlaceNames) > 0 || (a[q].digits && a[q].text.size() == 4) ||
             (q > p && AreaPart(q)) || (q > p && StreetCore(q) > q))) {
          e = q;
        } else {
          break;
        }
      } else if (context && !any && HouseNumber(p)) {
        // "it's 1156" after "what's the delivery address".
        e = NumberEnd(p);
      } else if (context && !any && AreaPart(p)) {
        // "section 14 sunset villas ..." after "the address".
        e = p + a.Span(p, GazKind::kAddressAreaWords) + 1;
      } else {
        break;
      }
      any = true;
      end = e;
      pos = e;
    }
    if (end == i) return i;
    if (street || box || (unit && end > PrefixCore(i))) {
      *complete = true;
      return end;
    }
    if (context) return end;
    return i;
  }

  void FindAddresses() {
    const Analysis& a = a_;
    std::vector<bool> cue(a.size() + 1, false);
    for (size_t i = 0; i < a.size(); ++i) {
      if (size_t n = a.Span(i, GazKind::kAddressCues)) {
        for (size_t k = i + n; k < i + n + 3 && k <= a.size(); ++k) cue[k] = true;
      }
    }
    for (size_t i = 0; i < a.size(); ++i) {
      if (claimed_[i] || a[i].punct) continue;
      if (i > 0 && !a.Break(i) && !a[i - 1].alpha && !a[i - 1].punct) {
        continue;  // Inside a longer number or an amount.
      }
      // A screen field without an address label ("| 14 Crane St, Lenasia Ext 10, 1827 |")
      // is an address only when it has a street, box or unit core of its own.
      const bool screen = a[i].source == v1::SCREEN;
      bool context = cue[i] && !screen;
      if (!context && a[i].speaker == v1::CUSTOMER && (a[i].expectation & kAddressBit)) {
        // The answer's first words after a lead-in ("it's", "at home").
        size_t c = i;
        while (c > 0 && !a[c].nl && i - c < 4) --c;
        context = a[c].nl && SkipLeadIn(c, 4) == i;
      }
      bool complete = false;
      size_t e = AddressFrom(i, context, &complete);
      if (screen && !complete) continue;
      if (e <= i) {
        if (!final_ && (context || HouseNumber(i) || a.Span(i, GazKind::kAddressPrefixes) > 0)) {
          NoteOpenAddress(i, context);
        }
        continue;
      }
      for (size_t k = i; k < e; ++k) {
        if (claimed_[k]) e = k;
      }
      if (e <= i) continue;
      Claim(i, e);
      found_.push_back({v1::STREET_ADDRESS, i, e,
                        complete ? kAddressConfidence : kAddressContextConfidence,
                        complete ? "street_address" : "street_address.answer"});
      if (AddressMayContinue(e)) open_ = std::min(open_, i);
      i = e - 1;
    }
  }

  // "I stay at 12 Main" at the end of the window: the street type may come next.
  void NoteOpenAddress(size_t i, bool context) {
    const Analysis& a = a_;
    if (!(HouseNumber(i) || a.Span(i, GazKind::kAddressPrefixes) > 0)) return;
    const size_t j = i + std::max<size_t>(1, a.Span(i, GazKind::kAddressPrefixes));
    if ((context || j < a.size() || a.Span(i, GazKind::kAddressPrefixes) > 0) &&
        AddressMayContinue(j)) {
      open_ = std::min(open_, i);
    }
  }

  const Analysis& a_;
  const bool final_;
  std::vector<bool> org_;
  std::vector<bool> claimed_;
  std::vector<Found> found_;
  size_t last_word_ = 0;
  size_t open_ = SIZE_MAX;
  const size_t open_token_;
  bool stream_cased_ = false;
  absl::flat_hash_set<std::string> known_name_words_;
};

}  // namespace

struct NameAddressDetector::Impl {
  std::unique_ptr<NameGazetteers> gazetteers;
};

NameAddressDetector::NameAddressDetector() : impl_(std::make_unique<Impl>()) {}
NameAddressDetector::~NameAddressDetector() = default;

absl::StatusOr<std::unique_ptr<NameAddressDetector>> NameAddressDetector::Load(
    const v1::DetectorPack& pack, const std::string& pack_path) {
  auto gaz = NameGazetteers::Load(pack, pack_path);
  if (!gaz.ok()) return gaz.status();
  std::unique_ptr<NameAddressDetector> d(new NameAddressDetector());
  d->impl_->gazetteers = std::move(*gaz);
  return d;
}

absl::Status NameAddressDetector::Detect(const std::vector<Token>& tokens, const View& view,
                                         const DialogueState& dialogue, bool final_window,
                                         std::vector<Detection>* out,
                                         size_t* open_from) const {
  Analysis analysis(*impl_->gazetteers, tokens, view);
  absl::Status st = analysis.Build();
  if (!st.ok()) return st;
  Finder finder(analysis, final_window, *open_from);
  for (const auto& [value, type] : dialogue.known_values) {
    if (type == v1::PERSON_NAME) finder.AddKnownName(value);
  }
  // The other streams' open names (this stream's own are in this window already, still
  // undecided).
  if (!tokens.empty()) {
    const Token& t = tokens.back();
    const int own = StreamIndex(t.source, t.speaker);
    for (int k = 0; k < 3; ++k) {
      if (k == own) continue;
      for (const auto& [value, type] : dialogue.open_values[k]) {
        if (type == v1::PERSON_NAME) finder.AddKnownName(value);
      }
    }
    finder.SetStreamCased(dialogue.cased[own]);
  }
  for (const Found& f : finder.Run()) {
    Detection d;
    d.type = f.type;
    d.confidence = f.confidence;
    d.detector = f.detector;
    d.first_token = analysis[f.begin].ft;
    d.last_token = analysis[f.end - 1].lt;
    for (size_t k = f.begin; k < f.end; ++k) {
      if (analysis[k].punct) continue;
      if (!d.normalized.empty()) d.normalized.push_back(' ');
      d.normalized.append(analysis[k].text);
    }
    out->push_back(std::move(d));
  }
  if (finder.open_unit() < analysis.size()) {
    *open_from = std::min(*open_from, analysis[finder.open_unit()].ft);
  }
  return absl::OkStatus();
}

}  // namespace callredact

