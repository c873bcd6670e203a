#include "detectors/engine.h"

#include <algorithm>
#include <climits>
#include <cctype>
#include <cstdio>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "detectors/hyperscan_db.h"
#include "detectors/lexicon.h"
#include "detectors/model_loader.h"
#include "detectors/name_address_detector.h"
#include "detectors/normalizer.h"
#include "detectors/validators.h"
#include "re2/re2.h"

namespace callredact {

namespace {

constexpr unsigned int kCueIdBase = 1u << 20;
constexpr size_t kMaxKnownValues = 64;

std::string EscapeLiteral(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' &&
        static_cast<unsigned char>(c) < 0x80) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

uint32_t Bit(v1::ContextKind k) { return 1u << static_cast<int>(k); }

}  // namespace

void DialogueState::Remember(const std::string& value, v1::EntityType type) {
  for (auto& kv : known_values) {
    if (kv.first == value) {
      kv.second = type;
      return;
    }
  }
  if (known_values.size() >= kMaxKnownValues) known_values.erase(known_values.begin());
  known_values.emplace_back(value, type);
}

v1::EntityType DialogueState::Lookup(const std::string& value, int own) const {
  for (const auto& kv : known_values) {
    if (kv.first == value) return kv.second;
  }
  for (int s = 0; s < 3; ++s) {
    if (s == own) continue;
    for (const auto& kv : open_values[s]) {
      if (kv.first == value) return kv.second;
    }
  }
  return v1::ENTITY_TYPE_UNSPECIFIED;
}

struct CompiledPattern {
  v1::Pattern proto;
  Validator validator = nullptr;
  std::unique_ptr<RE2> re2;
  unsigned int max_width = 0;
  // The regex is `\b\d{m}\b` or `\b\d{m,n}\b`: a match is a whole run of digits, so
  // its start is found by walking back over the digits instead of asking RE2 (most
  // Hyperscan hits are of these patterns; RE2 was 12% of Detect).
  bool digit_run = false;
};

struct CompiledCue {
  v1::ContextKind context;
  size_t length;  // Bytes of the phrase.
};

class EngineImpl {
 public:
  v1::DetectorPack pack;
  Lexicon lexicon;
  std::vector<CompiledPattern> patterns;
  std::vector<CompiledCue> cues;  // Indexed by id - kCueIdBase.
  std::unique_ptr<HyperscanDatabase> db;
  std::unique_ptr<NameAddressDetector> names;
  NormalizerOptions normalizer_options;
  size_t cue_window_words = 8;   // The pack's, or 8 when unset.
  size_t longest_cue_words = 0;

  absl::Status Load(const std::string& dir);
  absl::StatusOr<DetectResult> Detect(const std::vector<Token>& tokens, size_t first_new,
                                      const DialogueState& dialogue, bool final_window) const;
};

namespace {

// The line of the `index`-th value of repeated `field` in a parsed text proto.
int LineOf(const google::protobuf::TextFormat::ParseInfoTree& tree,
           const google::protobuf::Message& msg, const char* field, int index) {
  const auto* fd = msg.GetDescriptor()->FindFieldByName(field);
  if (!fd) return 0;
  return tree.GetLocation(fd, index).line + 1;
}

struct Cue {
  size_t begin, end;  // View offsets.
  v1::ContextKind context;
};

struct Candidate {
  const CompiledPattern* pattern;
  size_t begin, end;  // View offsets.
  size_t first_token, last_token;
  double confidence;
  std::string normalized;
  std::string detector;  // Overrides the pattern id when set.
};

std::string NormalizedValue(std::string_view text, v1::EntityType type) {
  std::string out;
  switch (type) {
    case v1::PASSPORT_NUMBER:
      // "d , 94887506" (a spoken "D for delta, 9 4 ...") is "d94887506".
      for (char c : text) {
        if (c != ' ' && c != '\n' && c != ',' && c != '.') out.push_back(c);
      }
      return out;
    case v1::DATE_OF_BIRTH: {
      // One form for every way of saying the date ("2 November 1991", "02/11/1991", "the
      // second of november ninety one"), so a read-back in another form is found.
      int year, month, day;
      if (ParseDateOfBirth(text, &year, &month, &day)) {
        char canonical[32];
        std::snprintf(canonical, sizeof canonical, "%04d-%02d-%02d", year, month, day);
        return canonical;
      }
      for (char c : text) {
        if (c != ' ' && c != '\n') out.push_back(c);
      }
      return out;
    }
    case v1::EMAIL_ADDRESS:
    case v1::PERSON_NAME:
    case v1::STREET_ADDRESS:
      for (char c : text) {
        if (c != ' ' && c != '\n') out.push_back(c);
      }
      return out;
    default:
      for (char c : text) {
        if ((c >= '0' && c <= '9') || c == '+') out.push_back(c);
      }
      return out;
  }
}

// The start of the run of digits that ends at `to` in `text`.
size_t DigitRunStart(std::string_view text, size_t to) {
  while (to > 0 && text[to - 1] >= '0' && text[to - 1] <= '9') --to;
  return to;
}

// Whether a numeric date in view text ("1991/09/09", "19.07.1973", "9-9-1991") falls on
// one of `yymmdd` (the first six digits of SA ID numbers).
bool IsBirthDateOfAny(std::string_view date, const std::vector<std::string>& yymmdd) {
  int year, month, day;
  if (!ParseDateOfBirth(date, &year, &month, &day)) return false;
  char want[32];
  std::snprintf(want, sizeof want, "%02d%02d%02d", year % 100, month, day);
  for (const std::string& d : yymmdd) {
    if (d == want) return true;
  }
  return false;
}

}  // namespace

absl::Status EngineImpl::Load(const std::string& dir) {
  const std::string pack_path = dir + "/detectors.textproto";
  // Parsed once, with locations, so later checks can name the line of a bad entry.
  google::protobuf::TextFormat::ParseInfoTree tree;
  absl::Status loaded = LoadTextProto(pack_path, &pack, &tree);
  if (!loaded.ok()) return loaded;
  for (const std::string& f : pack.lexicon_file()) {
    v1::Lexicon lex;
    absl::Status st = LoadTextProto(ResolveBeside(pack_path, f), &lex);
    if (!st.ok()) return st;
    lexicon.Merge(lex);
  }
  normalizer_options.max_gap_ms = pack.max_gap_ms();
  if (pack.cue_window_words()) cue_window_words = pack.cue_window_words();

  std::vector<HsExpression> exprs;
  for (int i = 0; i < pack.pattern_size(); ++i) {
    const v1::Pattern& p = pack.pattern(i);
    const std::string where = absl::StrCat(pack_path, ":", LineOf(tree, pack, "pattern", i),
                                           ": pattern '", p.id(), "': ");
    CompiledPattern cp;
    cp.proto = p;
    if (p.id().empty()) return absl::InvalidArgumentError(where + "id is empty");
    if (p.entity() == v1::ENTITY_TYPE_UNSPECIFIED)
      return absl::InvalidArgumentError(where + "entity is not set");
    if (!p.validator().empty()) {
      cp.validator = FindValidator(p.validator());
      if (!cp.validator)
        return absl::InvalidArgumentError(where + "unknown validator '" + p.validator() + "'");
    }
    RE2::Options opts;
    opts.set_case_sensitive(false);
    opts.set_log_errors(false);
    cp.re2 = std::make_unique<RE2>(p.regex(), opts);
    if (!cp.re2->ok()) return absl::InvalidArgumentError(where + "bad regex: " + cp.re2->error());
    static const RE2 kDigitRun(R"(\\b\\d\{\d+(,\d+)?\}\\b)");
    cp.digit_run = RE2::FullMatch(p.regex(), kDigitRun);
    patterns.push_back(std::move(cp));
    exprs.push_back({p.regex(), HS_FLAG_CASELESS, static_cast<unsigned int>(i)});
  }
  for (int i = 0; i < pack.cue_size(); ++i) {
    const v1::Cue& c = pack.cue(i);
    for (const std::string& phrase : c.phrase()) {
      std::string lower = phrase;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            pack_path, ":", LineOf(tree, pack, "cue", i), ": cue phrase is empty"));
      }
      longest_cue_words = std::max(longest_cue_words, CountWords(lower));
      unsigned int id = kCueIdBase + static_cast<unsigned int>(cues.size());
      cues.push_back({c.context(), lower.size()});
      exprs.push_back({"\\b" + EscapeLiteral(lower) + "\\b", HS_FLAG_CASELESS, id});
    }
  }
  auto db_or = HyperscanDatabase::Compile(exprs);
  if (!db_or.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(pack_path, ": cannot compile patterns: ", db_or.status().message()));
  }
  db = std::move(*db_or);
  auto names_or = NameAddressDetector::Load(pack, pack_path);
  if (!names_or.ok()) return names_or.status();
  names = std::move(*names_or);
  for (size_t i = 0; i < patterns.size(); ++i) patterns[i].max_width = db->max_width(i);
  return absl::OkStatus();
}

absl::StatusOr<DetectResult> EngineImpl::Detect(const std::vector<Token>& tokens,
                                                size_t first_new,
                                                const DialogueState& dialogue,
                                                bool final_window) const {
  // The window's stream (DialogueState::open_values of the others count as known).
  const int own_stream =
      tokens.empty() ? -1 : StreamIndex(tokens.back().source, tokens.back().speaker);
  DetectResult result;
  NormalizeResult norm = Normalize(lexicon, tokens, normalizer_options, final_window);
  const View& view = norm.view;
  result.open_from = norm.open_from;

  std::vector<std::pair<unsigned int, size_t>> value_hits;
  std::vector<Cue> cue_hits;
  absl::Status st = db->Scan(view.text, [&](unsigned int id, unsigned long long to) {
    if (id >= kCueIdBase) {
      const CompiledCue& c = cues[id - kCueIdBase];
      cue_hits.push_back({static_cast<size_t>(to) - c.length, static_cast<size_t>(to), c.context});
    } else {
      value_hits.emplace_back(id, static_cast<size_t>(to));
    }
  });
  if (!st.ok()) return st;

  // At one end offset, the longest cue wins ("branch code" over "code").
  std::sort(cue_hits.begin(), cue_hits.end(), [](const Cue& a, const Cue& b) {
    return a.end != b.end ? a.end < b.end : a.begin < b.begin;
  });
  std::vector<Cue> cue_list;
  for (const Cue& c : cue_hits) {
    if (!cue_list.empty() && cue_list.back().end == c.end) continue;  // Longer came first.
    cue_list.push_back(c);
  }
  for (const Cue& c : cue_list) {
    // A cue is new when it ends in the new tokens: a phrase cut over two chunks
    // ("date of" | "birth") counts when its last word arrives.
    int32_t tok = view.token_at[c.end - 1];
    if (tok >= 0 && static_cast<size_t>(tok) >= first_new && c.context != v1::CONTEXT_UNSPECIFIED)
      result.new_cue_contexts |= Bit(c.context);
  }

  auto token_range = [&](size_t b, size_t e, size_t* first, size_t* last) {
    int32_t f = -1, l = -1;
    for (size_t k = b; k < e; ++k) {
      if (view.token_at[k] >= 0) {
        if (f < 0) f = view.token_at[k];
        l = view.token_at[k];
      }
    }
    if (f < 0) return false;
    *first = static_cast<size_t>(f);
    *last = static_cast<size_t>(l);
    return true;
  };

  // The nearest cue before view offset `b`, within the cue window and on the same line.
  const size_t window = cue_window_words;
  auto nearest_cue = [&](size_t b) -> const Cue* {
    const Cue* best = nullptr;
    for (const Cue& c : cue_list) {
      if (c.end > b) break;
      best = &c;
    }
    if (!best) return nullptr;
    // Words between the cue and the candidate; punctuation ("ID ........ 800...") does
    // not count.
    uint32_t words = 0;
    bool alnum = false;
    for (size_t k = best->end; k < b; ++k) {
      const char ch = view.text[k];
      // A question is addressed to the other speaker: its cues set the dialogue
      // expectation, not the context of what the asker says next.
      if (ch == '\n' || ch == '?') return nullptr;
      if (ch == ' ') {
        if (alnum) ++words;
        alnum = false;
      } else if (std::isalnum(static_cast<unsigned char>(ch))) {
        alnum = true;
      }
    }
    return words <= window ? best : nullptr;
  };

  // Whether a cue of `kind` ends before view offset `b` anywhere in the window ("Card:
  // **** 1234" lines above "Exp: 03/28" on a screen).
  auto CueBefore = [&](size_t b, v1::ContextKind kind) {
    for (const Cue& c : cue_list) {
      if (c.end > b) break;
      if (c.context == kind) return true;
    }
    return false;
  };

  auto next_word = [&](size_t e) {
    size_t k = e;
    while (k < view.text.size() && view.text[k] == ' ') ++k;
    size_t s = k;
    while (k < view.text.size() && view.text[k] != ' ' && view.text[k] != '\n') ++k;
    return view.text.substr(s, k - s);
  };

  // The birth dates (YYMMDD) of the valid SA ID numbers of the call so far and of this
  // window: a date equal to one is that person's date of birth, with or without a cue
  // (a CRM row "NAME  910909-3029-080  1991/09/09" has its DOB label in a header line).
  std::vector<std::string> id_birth_dates;
  for (const auto& [value, type] : dialogue.known_values) {
    if (type == v1::ZA_ID_NUMBER && value.size() == 13) {
      id_birth_dates.push_back(value.substr(0, 6));
    }
  }
  // And where the valid card numbers of this window end in the view: an expiry date and a
  // security code read out right after a card are that card's ("5183 4870 4453 3674,
  // 12/25, 058"), with no cue of their own. One pass over the digit-run hits for both.
  std::vector<size_t> card_ends;
  for (const auto& [id, to] : value_hits) {
    const CompiledPattern& p = patterns[id];
    const v1::EntityType et = p.proto.entity();
    if (!p.digit_run || (et != v1::ZA_ID_NUMBER && et != v1::PAYMENT_CARD_NUMBER)) continue;
    const size_t b = DigitRunStart(view.text, to);
    const std::string_view digits = std::string_view(view.text).substr(b, to - b);
    if (et == v1::ZA_ID_NUMBER) {
      if (ZaIdValid(digits)) id_birth_dates.emplace_back(digits.substr(0, 6));
    } else if (p.validator && p.validator(digits) && !ZaIdValid(digits)) {
      // (An ID number can pass the card check too: "6103051464085  1961-03-05".)
      card_ends.push_back(to);
    }
  }
  auto right_after_card = [&](v1::EntityType type, size_t b) {
    if (type != v1::CARD_EXPIRY && type != v1::CARD_SECURITY_CODE) return false;
    static const RE2 kExpiryGap("[ ,;.]*((and|expiry|expires|exp|valid until) ?)?[ ,;.]*");
    static const RE2 kCodeGap(
        "[ ,;.]*(((and|expiry|expires|exp|valid until) ?)?[ ,]*\\d{2} ?[/-] ?\\d{2,4}[ ,;.]*)?"
        "((and|cvv|cvc|code|the code is) ?)?[ ,;.]*");
    for (size_t e : card_ends) {
      if (e > b || b - e > 40) continue;
      const re2::StringPiece gap(view.text.data() + e, b - e);
      if (RE2::FullMatch(gap, type == v1::CARD_EXPIRY ? kExpiryGap : kCodeGap)) return true;
    }
    return false;
  };

  // Names and addresses first: a date in brackets right after a name is that person's
  // date of birth ("Dependant 1 ...... Tsakani (2008/08/03)").
  std::vector<Detection> word_detections;
  st = names->Detect(tokens, view, dialogue, final_window, &word_detections, &result.open_from);
  if (!st.ok()) return st;
  auto after_name_in_brackets = [&](size_t first, size_t last) {
    if (first < 2 || last + 1 >= tokens.size()) return false;
    if (!tokens[first - 1].punct || tokens[first - 1].norm != "(" ||
        !tokens[last + 1].punct || tokens[last + 1].norm != ")") {
      return false;
    }
    for (const Detection& d : word_detections) {
      if (d.type == v1::PERSON_NAME && d.last_token + 2 == first) return true;
    }
    return false;
  };

  std::vector<Candidate> candidates;
  for (const auto& [id, to] : value_hits) {
    const CompiledPattern& p = patterns[id];
    size_t lo = p.max_width == UINT_MAX || p.max_width > to ? (to > 256 ? to - 256 : 0)
                                                            : to - p.max_width;
    size_t b = to;
    if (p.digit_run) {
      // Hyperscan matched, so the run of digits ending at `to` is the match.
      b = DigitRunStart(view.text, to);
    } else {
      re2::StringPiece match;
      size_t start = lo;
      bool found = false;
      for (int tries = 0; tries < 64 && start < to; ++tries) {
        if (!p.re2->Match(view.text, start, to, RE2::UNANCHORED, &match, 1)) break;
        size_t mb = static_cast<size_t>(match.data() - view.text.data());
        // "it's a 05123456": a match never starts inside a word after an apostrophe.
        if (mb + match.size() == to && !(mb > 0 && view.text[mb - 1] == '\'')) {
          found = true;
          break;
        }
        start = mb + 1;
      }
      if (!found || match.empty()) continue;
      b = static_cast<size_t>(match.data() - view.text.data());
    }
    if (b == to) continue;
    Candidate c{&p, b, to, 0, 0, 0, "", ""};
    if (!token_range(b, to, &c.first_token, &c.last_token)) continue;
    // Amounts and durations: a unit word right after the number.
    if (lexicon.IsUnit(next_word(to))) continue;
    c.normalized = NormalizedValue(std::string_view(view.text).substr(b, to - b), p.proto.entity());
    // Dates and passports are checked on their view text, numbers on their digits.
    const v1::EntityType et = p.proto.entity();
    const bool textual = et == v1::DATE_OF_BIRTH || et == v1::CARD_EXPIRY ||
                         et == v1::PASSPORT_NUMBER || et == v1::EMAIL_ADDRESS;
    const bool valid =
        !p.validator ||
        p.validator(textual ? std::string_view(view.text).substr(b, to - b) : c.normalized);
    const Cue* cue = nearest_cue(b);
    const bool id_birth_date =
        et == v1::DATE_OF_BIRTH && valid && !id_birth_dates.empty() &&
        IsBirthDateOfAny(std::string_view(view.text).substr(b, to - b), id_birth_dates);
    const bool name_birth_date = et == v1::DATE_OF_BIRTH && valid &&
                                 after_name_in_brackets(c.first_token, c.last_token);
    const bool local =
        (cue && cue->context == p.proto.context()) || id_birth_date || name_birth_date ||
        (valid && right_after_card(et, b));
    const bool not_pii = cue && cue->context == v1::CTX_NOT_PII;
    const bool expected = !p.proto.cue_only() &&
                          (tokens[c.first_token].expectation & Bit(p.proto.context())) != 0;
    if (cue && cue->context == v1::CTX_BUSINESS_CONTACT && et == v1::PHONE_NUMBER && !expected) {
      continue;  // "our fraud line is 011 ...": the company's number.
    }
    double conf = 0;
    if (not_pii) {
      // "branch code 470010": only a number that proves itself (a checksum) counts.
      conf = valid ? p.proto.confidence() : 0;
    } else if (valid) {
      conf = local      ? p.proto.context_confidence()
             : expected ? (p.proto.expectation_confidence() ? p.proto.expectation_confidence()
                                                            : p.proto.context_confidence())
                        : p.proto.confidence();
      // Another kind of cue right before: trust the shape a little less.
      if (cue && !local && !expected) conf *= 0.9;
    } else if (local || expected) {
      conf = p.proto.near_miss_confidence();
    }
    if (dialogue.Lookup(c.normalized, own_stream) == p.proto.entity()) conf = std::max(conf, 0.95);
    if (p.proto.requires_seen() != v1::CONTEXT_UNSPECIFIED &&
        !(dialogue.seen & Bit(p.proto.requires_seen())) &&
        !CueBefore(b, p.proto.requires_seen())) {
      continue;
    }
    if (conf <= 0) continue;
    c.confidence = conf;
    candidates.push_back(std::move(c));
  }

  // Names and addresses compete with the number candidates for their tokens.
  static const CompiledPattern kNamePattern = [] {
    CompiledPattern p;
    p.proto.set_id("person_name");
    p.proto.set_entity(v1::PERSON_NAME);
    return p;
  }();
  static const CompiledPattern kAddressPattern = [] {
    CompiledPattern p;
    p.proto.set_id("street_address");
    p.proto.set_entity(v1::STREET_ADDRESS);
    return p;
  }();
  static const CompiledPattern kSecretPattern = [] {
    CompiledPattern p;
    p.proto.set_id("auth_code.secret");
    p.proto.set_entity(v1::AUTH_CODE);
    return p;
  }();
  for (Detection& d : word_detections) {
    // Defensive: a detection must lie inside the window.
    if (d.first_token > d.last_token || d.last_token >= tokens.size()) continue;
    const CompiledPattern* pattern = d.type == v1::PERSON_NAME   ? &kNamePattern
                                     : d.type == v1::AUTH_CODE ? &kSecretPattern
                                                               : &kAddressPattern;
    Candidate c{pattern, 0, 0,
                d.first_token, d.last_token, d.confidence, std::move(d.normalized),
                d.detector};
    candidates.push_back(std::move(c));
  }

  // Overlaps: the most confident wins, then the longest, then pack order.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    const size_t la = a.last_token - a.first_token, lb = b.last_token - b.first_token;
    if (la != lb) return la > lb;
    return a.pattern < b.pattern;
  });
  std::vector<const Candidate*> chosen;
  for (const Candidate& c : candidates) {
    bool clash = false;
    for (const Candidate* o : chosen) {
      if (c.first_token <= o->last_token && o->first_token <= c.last_token) {
        clash = true;
        break;
      }
    }
    if (!clash) chosen.push_back(&c);
  }
  // A detection that reaches into the open tail ("13 january" + an open "1960") is
  // open as a whole: hold it from its first token so it is reported once, complete.
  for (const Candidate* c : chosen) {
    if (c->last_token >= result.open_from) {
      result.open_from = std::min(result.open_from, c->first_token);
      continue;
    }
    // "the twenty second of april" + an open "two": a date right before the open tail
    // may still get its year.
    const v1::EntityType et = c->pattern->proto.entity();
    if (et == v1::DATE_OF_BIRTH || et == v1::CARD_EXPIRY) {
      size_t k = c->last_token + 1;
      while (k < tokens.size() && k < result.open_from && tokens[k].punct &&
             tokens[k].norm == ",") {
        ++k;
      }
      if (k == result.open_from && k < tokens.size()) {
        result.open_from = std::min(result.open_from, c->first_token);
      }
    }
  }
  for (const Candidate* c : chosen) {
    if (c->last_token < first_new) continue;
    Detection d;
    d.type = c->pattern->proto.entity();
    d.confidence = c->confidence;
    d.detector = c->detector.empty() ? c->pattern->proto.id() : c->detector;
    d.first_token = c->first_token;
    d.last_token = c->last_token;
    // A spelled letter's view byte maps to the letter alone; the redaction also covers
    // its spelling word ("K for kilo").
    const std::string& letter = tokens[d.last_token].norm;
    if (letter.size() == 1 && d.last_token + 2 < tokens.size() &&
        tokens[d.last_token + 1].norm == "for" && !tokens[d.last_token + 2].norm.empty() &&
        tokens[d.last_token + 2].norm[0] == letter[0]) {
      d.last_token += 2;
    }
    // "(081) 501-8536": the closing bracket is inside the number (a pause mark to the
    // normaliser); its opening bracket, glued to the first digits, is covered too.
    if (d.first_token > 0) {
      const Token& open = tokens[d.first_token - 1];
      const Token& first = tokens[d.first_token];
      bool closes = false;
      for (size_t k = d.first_token; k <= d.last_token && !closes; ++k) {
        closes = tokens[k].punct && tokens[k].norm == ")";
      }
      if (closes && open.punct && open.norm == "(" && open.seq == first.seq &&
          open.end == first.begin) {
        --d.first_token;
      }
    }
    d.normalized = c->normalized;
    result.detections.push_back(std::move(d));
  }
  std::sort(result.detections.begin(), result.detections.end(),
            [](const Detection& a, const Detection& b) { return a.first_token < b.first_token; });
  return result;
}

Engine::Engine(std::unique_ptr<EngineImpl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

absl::StatusOr<std::shared_ptr<const Engine>> Engine::Load(const std::string& models_dir) {
  auto impl = std::make_unique<EngineImpl>();
  absl::Status st = impl->Load(models_dir);
  if (!st.ok()) return st;
  return std::shared_ptr<const Engine>(new Engine(std::move(impl)));
}

std::string Engine::DefaultModelsDir() { return CALLREDACT_MODELS_DIR; }

absl::StatusOr<DetectResult> Engine::Detect(const std::vector<Token>& tokens, size_t first_new,
                                            const DialogueState& dialogue,
                                            bool final_window) const {
  return impl_->Detect(tokens, first_new, dialogue, final_window);
}

const v1::DetectorPack& Engine::pack() const { return impl_->pack; }
const Lexicon& Engine::lexicon() const { return impl_->lexicon; }
size_t Engine::cue_window_words() const { return impl_->cue_window_words; }
size_t Engine::longest_cue_words() const { return impl_->longest_cue_words; }

}  // namespace callredact
