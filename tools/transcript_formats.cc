#include "tools/transcript_formats.h"

#include "tools/corpus_io.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace callredact {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Debian's Abseil has its own string_view type, so std::string_view helpers are local.
absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }
bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
std::string_view StripLeading(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}
std::string_view StripTrailing(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}
std::string_view Strip(std::string_view s) { return StripTrailing(StripLeading(s)); }
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}
std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_toupper(static_cast<unsigned char>(c));
  return out;
}
bool ParseInt(std::string_view s, int64_t* out) { return absl::SimpleAtoi(A(s), out); }
bool ParseDouble(std::string_view s, double* out) { return absl::SimpleAtod(A(s), out); }

// Byte ranges of the ASCII-whitespace-separated tokens of `text` (tokenizer.h's
// SplitWords; repeated here so this library does not depend on detectors/).
std::vector<std::pair<size_t, size_t>> TokenRanges(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i == text.size()) break;
    size_t b = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    out.emplace_back(b, i);
  }
  return out;
}

std::vector<std::string_view> Tokens(std::string_view text) {
  std::vector<std::string_view> out;
  for (auto [b, e] : TokenRanges(text)) out.push_back(text.substr(b, e - b));
  return out;
}

size_t LineOf(std::string_view content, size_t offset) {
  offset = std::min(offset, content.size());
  return 1 + std::count(content.begin(), content.begin() + offset, '\n');
}

absl::Status Bad(std::string_view path, size_t line, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(A(path), ":", line, ": ", A(what)));
}

// Offset of the first byte that is not valid UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;
    for (size_t k = 1; k <= n; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

// ---------------------------------------------------------------------------------------
// Speakers.

// The role a label names, or SPEAKER_UNSPECIFIED. Role words may carry a number
// ("Agent 2").
v1::Speaker RoleOf(std::string_view label) {
  std::string l = Lower(Strip(label));
  std::string_view v = l;
  auto starts_role = [&](std::string_view word) {
    if (!StartsWith(v, word)) return false;
    std::string_view rest = v.substr(word.size());
    if (rest.empty()) return true;
    if (rest[0] == ' ' || rest[0] == '_') rest.remove_prefix(1);
    return !rest.empty() &&
           std::all_of(rest.begin(), rest.end(), [](char c) { return absl::ascii_isdigit(c); });
  };
  if (starts_role("agent")) return v1::AGENT;
  if (starts_role("customer") || starts_role("caller") || starts_role("client")) {
    return v1::CUSTOMER;
  }
  return v1::SPEAKER_UNSPECIFIED;
}

// Whether `label` is a speaker label safe to keep out of the scanned text and to write
// back verbatim: a role word, or a generic diarisation label ("Speaker 1", "spk_0",
// "SPEAKER_00", "Speaker A", "ch_0", "Channel 1").
bool IsRecognisedLabel(std::string_view label) {
  if (RoleOf(label) != v1::SPEAKER_UNSPECIFIED) return true;
  std::string l = Lower(label);
  std::string_view v = l;
  for (std::string_view word : {"speaker", "spk", "ch", "channel"}) {
    if (!StartsWith(v, word)) continue;
    std::string_view rest = v.substr(word.size());
    if (!rest.empty() && (rest[0] == ' ' || rest[0] == '_')) rest.remove_prefix(1);
    if (rest.empty()) continue;
    if (std::all_of(rest.begin(), rest.end(), [](char c) { return absl::ascii_isdigit(c); })) {
      return true;
    }
    if (word == "speaker" && rest.size() == 1 && absl::ascii_isalpha(rest[0])) return true;
  }
  return false;
}

class SpeakerResolver {
 public:
  explicit SpeakerResolver(const ParseOptions& options) : options_(options) {}

  v1::Speaker Resolve(std::string_view label) {
    if (label.empty()) return options_.default_speaker;
    std::string key(label);
    if (auto it = options_.speaker_labels.find(key); it != options_.speaker_labels.end()) {
      return it->second;
    }
    if (v1::Speaker role = RoleOf(label); role != v1::SPEAKER_UNSPECIFIED) return role;
    auto [it, inserted] = seen_.emplace(key, v1::SPEAKER_UNSPECIFIED);
    if (inserted) it->second = seen_.size() == 1 ? v1::AGENT : v1::CUSTOMER;
    return it->second;
  }

 private:
  const ParseOptions& options_;
  std::map<std::string, v1::Speaker> seen_;
};

std::string RoleLabel(v1::Speaker s) { return s == v1::AGENT ? "Agent" : "Customer"; }

// ---------------------------------------------------------------------------------------
// Chunks.

v1::Chunk* AddChunk(ParsedTranscript& out, std::string text, v1::Speaker speaker) {
  v1::Chunk* c = out.call.add_chunks();
  c->set_seq(out.call.chunks_size() - 1);
  c->set_source(v1::TRANSCRIPT);
  c->set_speaker(speaker);
  c->set_is_final(true);
  c->set_text(std::move(text));
  out.sources.emplace_back();
  return c;
}

// Spreads [start_ms, end_ms] evenly over the whitespace tokens of the chunk's text.
void SpreadWords(v1::Chunk& chunk, int64_t start_ms, int64_t end_ms) {
  chunk.clear_words();
  std::vector<std::string_view> tokens = Tokens(chunk.text());
  if (end_ms < start_ms) end_ms = start_ms;
  const int64_t n = static_cast<int64_t>(tokens.size());
  for (int64_t i = 0; i < n; ++i) {
    v1::Word* w = chunk.add_words();
    w->set_text(std::string(tokens[i]));
    w->set_start_ms(start_ms + (end_ms - start_ms) * i / n);
    w->set_end_ms(start_ms + (end_ms - start_ms) * (i + 1) / n);
  }
}

struct TimedWord {
  std::string text;
  std::optional<int64_t> start_ms, end_ms;
};

// Aligns the format's words with the whitespace tokens of chunk.text (several words may
// make one token, "Hello" + ","), sets chunk.words from their timings and returns each
// word's token (-1: a word of only whitespace). Returns nullopt when they do not align;
// then the segment time is spread over the tokens instead.
std::optional<std::vector<int>> AlignWords(v1::Chunk& chunk, const std::vector<TimedWord>& words,
                                           int64_t seg_start, int64_t seg_end) {
  std::vector<std::string_view> tokens = Tokens(chunk.text());
  std::vector<int> token_of(words.size(), -1);
  size_t t = 0, pos = 0;
  for (size_t k = 0; k < words.size(); ++k) {
    std::string_view w = Strip(words[k].text);
    if (w.empty()) continue;
    if (w.find_first_of(" \t\n\r\f\v") != std::string_view::npos) return std::nullopt;
    if (t >= tokens.size() || !StartsWith(tokens[t].substr(pos), w)) return std::nullopt;
    token_of[k] = static_cast<int>(t);
    pos += w.size();
    if (pos == tokens[t].size()) {
      ++t;
      pos = 0;
    }
  }
  if (t != tokens.size() || pos != 0) return std::nullopt;
  SpreadWords(chunk, seg_start, seg_end);  // Default timings for tokens without any.
  std::vector<std::optional<int64_t>> s(tokens.size()), e(tokens.size());
  for (size_t k = 0; k < words.size(); ++k) {
    int tok = token_of[k];
    if (tok < 0) continue;
    if (words[k].start_ms && (!s[tok] || *words[k].start_ms < *s[tok])) s[tok] = words[k].start_ms;
    if (words[k].end_ms && (!e[tok] || *words[k].end_ms > *e[tok])) e[tok] = words[k].end_ms;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    v1::Word* w = chunk.mutable_words(static_cast<int>(i));
    if (s[i]) w->set_start_ms(*s[i]);
    if (e[i]) w->set_end_ms(*e[i]);
    if (w->end_ms() < w->start_ms()) w->set_end_ms(w->start_ms());
  }
  return token_of;
}

// ---------------------------------------------------------------------------------------
// Lines.

struct Line {
  size_t begin;  // Offset of the first byte.
  size_t end;    // Offset of the line end (exclusive of "\r\n" / "\n").
  size_t next;   // Offset of the next line.
  std::string_view text;
};

std::vector<Line> SplitLines(std::string_view content, size_t from) {
  std::vector<Line> lines;
  size_t i = from;
  while (i < content.size()) {
    size_t nl = content.find('\n', i);
    size_t next = nl == std::string_view::npos ? content.size() : nl + 1;
    size_t end = nl == std::string_view::npos ? content.size() : nl;
    if (end > i && content[end - 1] == '\r') --end;
    lines.push_back({i, end, next, content.substr(i, end - i)});
    i = next;
  }
  return lines;
}

bool IsBlank(std::string_view s) { return Strip(s).empty(); }

// Parses "hh:mm:ss.ttt", "mm:ss.ttt" (or with ',' as in SRT) into milliseconds.
std::optional<int64_t> ParseTimestamp(std::string_view s) {
  s = Strip(s);
  std::vector<int64_t> parts;
  int64_t frac = 0;
  size_t i = 0;
  while (true) {
    size_t b = i;
    while (i < s.size() && absl::ascii_isdigit(s[i])) ++i;
    if (i == b || i - b > 9) return std::nullopt;
    int64_t v;
    if (!ParseInt(s.substr(b, i - b), &v)) return std::nullopt;
    parts.push_back(v);
    if (i < s.size() && s[i] == ':') {
      ++i;
      continue;
    }
    break;
  }
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    size_t b = i;
    while (i < s.size() && absl::ascii_isdigit(s[i])) ++i;
    if (i == b || i - b > 3) return std::nullopt;
    std::string ms(s.substr(b, i - b));
    ms.resize(3, '0');
    ParseInt(ms, &frac);
  }
  if (i != s.size() || parts.size() < 2 || parts.size() > 3) return std::nullopt;
  int64_t h = parts.size() == 3 ? parts[0] : 0;
  int64_t m = parts[parts.size() - 2], sec = parts.back();
  if (m > 59 || sec > 59) return std::nullopt;
  return ((h * 60 + m) * 60 + sec) * 1000 + frac;
}

// A timing line "START --> END [settings]".
std::optional<std::pair<int64_t, int64_t>> ParseTimingLine(std::string_view line) {
  size_t arrow = line.find("-->");
  if (arrow == std::string_view::npos) return std::nullopt;
  std::string_view rest = StripLeading(line.substr(arrow + 3));
  size_t sp = rest.find_first_of(" \t");
  auto start = ParseTimestamp(line.substr(0, arrow));
  auto end = ParseTimestamp(rest.substr(0, sp));
  if (!start || !end) return std::nullopt;
  return std::make_pair(*start, *end);
}

// A recognised "LABEL:" prefix at the start of `line`: returns the prefix length (label,
// colon and the spaces after it) and the label.
std::optional<std::pair<size_t, std::string>> LabelPrefix(std::string_view line) {
  size_t b = 0;
  while (b < line.size() && (line[b] == ' ' || line[b] == '\t')) ++b;
  size_t colon = line.find(':', b);
  if (colon == std::string_view::npos || colon - b > 24 || colon == b) return std::nullopt;
  std::string_view label = StripTrailing(line.substr(b, colon - b));
  if (!IsRecognisedLabel(label)) return std::nullopt;
  size_t e = colon + 1;
  while (e < line.size() && (line[e] == ' ' || line[e] == '\t')) ++e;
  return std::make_pair(e, std::string(label));
}

// Builds the layout of a text format: literal text up to each chunk, then the chunk.
class LayoutBuilder {
 public:
  LayoutBuilder(std::string_view content, ParsedTranscript& out) : content_(content), out_(out) {}
  // Literal content up to `offset`, then chunk `index`; the chunk's text ends at `end`.
  void Chunk(size_t offset, int index, size_t end) {
    Literal(offset);
    out_.layout.push_back({"", index});
    cursor_ = end;
  }
  // Literal content up to `offset`, then skips to `resume` (dropped text).
  void Skip(size_t offset, size_t resume) {
    Literal(offset);
    cursor_ = resume;
  }
  void Insert(std::string text) { out_.layout.push_back({std::move(text), -1}); }
  void Finish() { Literal(content_.size()); }

 private:
  void Literal(size_t offset) {
    if (offset > cursor_)
      out_.layout.push_back({std::string(content_.substr(cursor_, offset - cursor_)), -1});
    cursor_ = std::max(cursor_, offset);
  }
  std::string_view content_;
  ParsedTranscript& out_;
  size_t cursor_ = 0;
};

bool IsSafeCueId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-' ||
           c == '_' || c == '.' || c == ':';
  });
}

// One cue's payload: lines [first, last] of `lines`.
struct Payload {
  size_t begin, end;  // Byte range of the payload text (without the final line end).
};

// WebVTT and SRT share the block structure: blocks separated by blank lines; a cue is
// [id line] timing line, payload lines.
absl::Status ParseCues(std::string_view path, std::string_view content, bool vtt,
                       const ParseOptions& options, ParsedTranscript& out) {
  SpeakerResolver speakers(options);
  LayoutBuilder layout(content, out);
  size_t start = StartsWith(content, kBom) ? kBom.size() : 0;
  std::vector<Line> lines = SplitLines(content, start);
  size_t i = 0;
  if (vtt) {
    if (lines.empty() || !StartsWith(lines[0].text, "WEBVTT") ||
        (lines[0].text.size() > 6 && lines[0].text[6] != ' ' && lines[0].text[6] != '\t')) {
      return Bad(path, 1, "WebVTT file does not start with a WEBVTT line");
    }
    if (lines[0].text.size() > 6) {
      // The header's free text may name the call or a person: keep only "WEBVTT".
      layout.Skip(lines[0].begin + 6, lines[0].end);
    }
    // Header block: up to the first blank line.
    while (i < lines.size() && !IsBlank(lines[i].text)) ++i;
  }
  while (i < lines.size()) {
    if (IsBlank(lines[i].text)) {
      ++i;
      continue;
    }
    // A block: lines [i, j).
    size_t j = i;
    while (j < lines.size() && !IsBlank(lines[j].text)) ++j;
    const size_t block_line = LineOf(content, lines[i].begin);
    std::string_view first = lines[i].text;
    if (vtt && (first == "NOTE" || StartsWith(first, "NOTE ") || StartsWith(first, "NOTE\t"))) {
      // Comments may hold anything; they are not speech and are not written back.
      size_t resume = j < lines.size() ? lines[j].next : content.size();
      layout.Skip(lines[i].begin, resume);
      i = j;
      continue;
    }
    if (vtt && (first == "STYLE" || first == "REGION")) {
      i = j;
      continue;
    }
    size_t timing = i;
    if (first.find("-->") == std::string_view::npos) {
      if (j - i < 2 || lines[i + 1].text.find("-->") == std::string_view::npos) {
        return Bad(path, block_line,
                   vtt ? "expected a cue timing line (\"00:00:01.000 --> 00:00:02.000\")"
                       : "expected a subtitle number and a timing line");
      }
      timing = i + 1;
      std::string_view id = Strip(first);
      if (!vtt) {
        int64_t n;
        if (!ParseInt(id, &n)) return Bad(path, block_line, "expected a subtitle number");
      } else if (!IsSafeCueId(id)) {
        layout.Skip(lines[i].begin, lines[i].next);  // A free-text cue id is dropped.
      }
    }
    auto times = ParseTimingLine(lines[timing].text);
    if (!times) {
      return Bad(path, LineOf(content, lines[timing].begin), "malformed cue timing line");
    }
    if (timing + 1 >= j) {  // A cue without text.
      i = j;
      continue;
    }
    size_t pb = lines[timing + 1].begin, pe = lines[j - 1].end;
    std::string_view payload = content.substr(pb, pe - pb);
    std::string prefix, prefix_out, suffix, label;
    if (vtt && StartsWith(payload, "<v") && payload.size() > 2 &&
        (payload[2] == ' ' || payload[2] == '.' || payload[2] == '\t')) {
      size_t close = payload.find('>');
      size_t nl = payload.find('\n');
      if (close != std::string_view::npos && (nl == std::string_view::npos || close < nl)) {
        std::string_view tag = payload.substr(0, close + 1);
        size_t sp = tag.find_first_of(" \t");
        label = std::string(
            Strip(sp == std::string_view::npos ? "" : tag.substr(sp, tag.size() - 1 - sp)));
        prefix = std::string(tag);
        if (!IsRecognisedLabel(label)) {
          // A voice name may be a person's name: write back the role instead.
          prefix_out = absl::StrCat(A(tag.substr(0, sp == std::string_view::npos ? 2 : sp)), " ",
                                    RoleLabel(speakers.Resolve(label)), ">");
        }
        if (EndsWith(payload, "</v>")) suffix = "</v>";
      }
    } else if (auto lp = LabelPrefix(payload); lp && payload.find('\n') > lp->first) {
      prefix = std::string(payload.substr(0, lp->first));
      label = lp->second;
    }
    std::string_view text = payload.substr(prefix.size());
    text.remove_suffix(std::min(suffix.size(), text.size()));
    if (IsBlank(text)) {
      i = j;
      continue;
    }
    v1::Chunk* chunk = AddChunk(out, std::string(text), speakers.Resolve(label));
    SpreadWords(*chunk, times->first, times->second);
    ParsedTranscript::ChunkSource& src = out.sources.back();
    src.prefix = prefix_out.empty() ? prefix : prefix_out;
    src.suffix = suffix;
    src.label = label;
    layout.Chunk(pb, chunk->seq(), pe);
    i = j;
  }
  layout.Finish();
  return absl::OkStatus();
}

absl::Status ParsePlainText(std::string_view content, const ParseOptions& options,
                            ParsedTranscript& out) {
  SpeakerResolver speakers(options);
  LayoutBuilder layout(content, out);
  size_t start = StartsWith(content, kBom) ? kBom.size() : 0;
  for (const Line& line : SplitLines(content, start)) {
    if (IsBlank(line.text)) continue;
    std::string prefix, label;
    if (auto lp = LabelPrefix(line.text)) {
      prefix = std::string(line.text.substr(0, lp->first));
      label = lp->second;
    }
    std::string_view text = line.text.substr(prefix.size());
    if (IsBlank(text)) continue;
    v1::Chunk* chunk = AddChunk(out, std::string(text), speakers.Resolve(label));
    out.sources.back().prefix = prefix;
    out.sources.back().label = label;
    layout.Chunk(line.begin, chunk->seq(), line.end);
  }
  layout.Finish();
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// JSON formats.

absl::StatusOr<Json> ParseJson(std::string_view path, std::string_view content) {
  try {
    return Json::parse(content.begin(), content.end());
  } catch (const Json::parse_error& e) {
    // e.what() quotes the input near the error; report only the position.
    return Bad(path, LineOf(content, e.byte == 0 ? 0 : e.byte - 1), "not valid JSON");
  }
}

absl::Status BadField(std::string_view path, std::string_view pointer, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(A(path), ": ", A(pointer), ": ", A(what)));
}

// Seconds (number or numeric string, as AWS writes them) to milliseconds.
std::optional<int64_t> SecondsToMs(const Json& v) {
  double s;
  if (v.is_number()) {
    s = v.get<double>();
  } else if (v.is_string()) {
    if (!ParseDouble(v.get<std::string>(), &s)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(s) || s < 0 || s > 1e9) return std::nullopt;
  return static_cast<int64_t>(std::llround(s * 1000));
}

std::optional<int64_t> MillisOf(const Json& v) {
  if (!v.is_number()) return std::nullopt;
  double ms = v.get<double>();
  if (!std::isfinite(ms) || ms < 0 || ms > 1e12) return std::nullopt;
  return static_cast<int64_t>(std::llround(ms));
}

std::string StringField(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

// Whisper / WhisperX / faster-whisper: {"text", "segments": [{"start", "end", "text",
// "speaker"?, "words": [{"word" | "text", "start", "end"}]}], "word_segments"?}.
absl::Status ParseWhisper(std::string_view path, const Json& doc, const ParseOptions& options,
                          ParsedTranscript& out) {
  auto segs = doc.find("segments");
  if (segs == doc.end() || !segs->is_array())
    return BadField(path, "/segments", "expected an array");
  SpeakerResolver speakers(options);
  for (size_t i = 0; i < segs->size(); ++i) {
    const Json& seg = (*segs)[i];
    std::string where = absl::StrCat("/segments/", i);
    if (!seg.is_object()) return BadField(path, where, "expected an object");
    auto text = seg.find("text");
    if (text == seg.end() || !text->is_string())
      return BadField(path, where + "/text", "expected a string");
    const int64_t start = seg.contains("start") ? SecondsToMs(seg["start"]).value_or(-1) : -1;
    const int64_t end = seg.contains("end") ? SecondsToMs(seg["end"]).value_or(-1) : -1;
    if (start < 0 || end < 0)
      return BadField(path, where, "expected numeric \"start\" and \"end\" seconds");
    std::string t = text->get<std::string>();
    if (IsBlank(t)) continue;
    std::string label = StringField(seg, "speaker");
    v1::Chunk* chunk = AddChunk(out, std::move(t), speakers.Resolve(label));
    ParsedTranscript::ChunkSource& src = out.sources.back();
    src.segment = i;
    src.label = label;
    std::vector<TimedWord> words;
    if (auto w = seg.find("words"); w != seg.end()) {
      if (!w->is_array()) return BadField(path, where + "/words", "expected an array");
      for (size_t k = 0; k < w->size(); ++k) {
        const Json& word = (*w)[k];
        std::string wp = absl::StrCat(where, "/words/", k);
        if (!word.is_object()) return BadField(path, wp, "expected an object");
        TimedWord tw;
        auto wt = word.find("word");
        if (wt == word.end()) wt = word.find("text");
        if (wt == word.end() || !wt->is_string())
          return BadField(path, wp, "expected a \"word\" string");
        tw.text = wt->get<std::string>();
        if (word.contains("start")) tw.start_ms = SecondsToMs(word["start"]);
        if (word.contains("end")) tw.end_ms = SecondsToMs(word["end"]);
        words.push_back(std::move(tw));
      }
    }
    std::optional<std::vector<int>> aligned;
    if (!words.empty()) aligned = AlignWords(*chunk, words, start, end);
    if (!aligned) SpreadWords(*chunk, start, end);
    for (size_t k = 0; k < words.size(); ++k) {
      src.words.push_back({-1, k, aligned ? (*aligned)[k] : -1});
    }
  }
  return absl::OkStatus();
}

// AWS Transcribe Call Analytics: {"Transcript": [{"Content", "ParticipantRole",
// "BeginOffsetMillis", "EndOffsetMillis", "Items": [{"Content", "BeginOffsetMillis", ...}]}]}.
absl::Status ParseAwsCallAnalytics(std::string_view path, const Json& doc,
                                   const ParseOptions& options, ParsedTranscript& out) {
  const Json& tr = doc["Transcript"];
  if (!tr.is_array()) return BadField(path, "/Transcript", "expected an array");
  SpeakerResolver speakers(options);
  for (size_t i = 0; i < tr.size(); ++i) {
    const Json& seg = tr[i];
    std::string where = absl::StrCat("/Transcript/", i);
    if (!seg.is_object()) return BadField(path, where, "expected an object");
    auto content = seg.find("Content");
    if (content == seg.end() || !content->is_string())
      return BadField(path, where + "/Content", "expected a string");
    const int64_t start =
        seg.contains("BeginOffsetMillis") ? MillisOf(seg["BeginOffsetMillis"]).value_or(-1) : -1;
    const int64_t end =
        seg.contains("EndOffsetMillis") ? MillisOf(seg["EndOffsetMillis"]).value_or(-1) : -1;
    if (start < 0 || end < 0)
      return BadField(path, where, "expected BeginOffsetMillis and EndOffsetMillis");
    std::string t = content->get<std::string>();
    if (IsBlank(t)) continue;
    std::string label = StringField(seg, "ParticipantRole");
    v1::Chunk* chunk = AddChunk(out, std::move(t), speakers.Resolve(label));
    ParsedTranscript::ChunkSource& src = out.sources.back();
    src.segment = i;
    src.label = label;
    std::vector<TimedWord> words;
    if (auto items = seg.find("Items"); items != seg.end() && items->is_array()) {
      for (size_t k = 0; k < items->size(); ++k) {
        const Json& item = (*items)[k];
        std::string ip = absl::StrCat(where, "/Items/", k);
        if (!item.is_object() || !item.contains("Content") || !item["Content"].is_string()) {
          return BadField(path, ip, "expected an item with a Content string");
        }
        TimedWord tw;
        tw.text = item["Content"].get<std::string>();
        if (item.contains("BeginOffsetMillis")) tw.start_ms = MillisOf(item["BeginOffsetMillis"]);
        if (item.contains("EndOffsetMillis")) tw.end_ms = MillisOf(item["EndOffsetMillis"]);
        words.push_back(std::move(tw));
      }
    }
    std::optional<std::vector<int>> aligned;
    if (!words.empty()) aligned = AlignWords(*chunk, words, start, end);
    if (!aligned) SpreadWords(*chunk, start, end);
    for (size_t k = 0; k < words.size(); ++k)
      src.words.push_back({-1, k, aligned ? (*aligned)[k] : -1});
  }
  return absl::OkStatus();
}

// An AWS item: {"type": "pronunciation" | "punctuation", "alternatives": [{"content"}],
// "start_time", "end_time", "speaker_label"?, "channel_label"?}.
struct AwsItem {
  int array;  // -1: results.items; k: results.channel_labels.channels[k].items.
  size_t index;
  bool punctuation;
  std::string content;
  std::optional<int64_t> start_ms, end_ms;
  std::string label;
};

std::string TimeKey(const Json& item) {
  return absl::StrCat(StringField(item, "start_time"), "|", StringField(item, "end_time"));
}

// AWS Transcribe: {"results": {"transcripts": [{"transcript"}], "items": [...],
// "speaker_labels"?: {"segments": [{"speaker_label", "items": [...]}]},
// "channel_labels"?: {"channels": [{"channel_label", "items": [...]}]}}}.
// Chunks are speaker turns, also cut after sentence-final punctuation; the chunk text is
// the items' contents, pronunciations separated by one space, punctuation attached.
absl::Status ParseAws(std::string_view path, const Json& doc, const ParseOptions& options,
                      ParsedTranscript& out) {
  const Json& results = doc["results"];
  if (!results.is_object()) return BadField(path, "/results", "expected an object");
  std::vector<AwsItem> items;
  std::map<std::string, std::string> label_by_time;
  auto read_items = [&](const Json& arr, int array, const std::string& where,
                        const std::string& default_label) -> absl::Status {
    if (!arr.is_array()) return BadField(path, where, "expected an array");
    for (size_t k = 0; k < arr.size(); ++k) {
      const Json& it = arr[k];
      std::string ip = absl::StrCat(where, "/", k);
      if (!it.is_object()) return BadField(path, ip, "expected an object");
      AwsItem item{array,        k, StringField(it, "type") == "punctuation", "", std::nullopt,
                   std::nullopt, ""};
      auto alts = it.find("alternatives");
      if (alts == it.end() || !alts->is_array() || alts->empty() || !(*alts)[0].is_object() ||
          !(*alts)[0].contains("content") || !(*alts)[0]["content"].is_string()) {
        return BadField(path, ip + "/alternatives", "expected a content string");
      }
      item.content = (*alts)[0]["content"].get<std::string>();
      if (it.contains("start_time")) {
        item.start_ms = SecondsToMs(it["start_time"]);
        item.end_ms = it.contains("end_time") ? SecondsToMs(it["end_time"]) : std::nullopt;
        if (!item.start_ms || !item.end_ms) return BadField(path, ip, "bad start_time/end_time");
      } else if (!item.punctuation) {
        return BadField(path, ip, "pronunciation item without start_time");
      }
      item.label = StringField(it, "speaker_label");
      if (item.label.empty()) item.label = StringField(it, "channel_label");
      if (item.label.empty()) item.label = default_label;
      items.push_back(std::move(item));
    }
    return absl::OkStatus();
  };
  if (auto sl = results.find("speaker_labels"); sl != results.end() && sl->is_object()) {
    if (auto segs = sl->find("segments"); segs != sl->end() && segs->is_array()) {
      for (const Json& seg : *segs) {
        if (!seg.is_object() || !seg.contains("items") || !seg["items"].is_array()) continue;
        for (const Json& it : seg["items"]) {
          if (it.is_object()) label_by_time[TimeKey(it)] = StringField(it, "speaker_label");
        }
      }
    }
  }
  auto ch = results.find("channel_labels");
  bool has_items =
      results.contains("items") && results["items"].is_array() && !results["items"].empty();
  if (has_items) {
    if (auto st = read_items(results["items"], -1, "/results/items", ""); !st.ok()) return st;
  } else if (ch != results.end() && ch->is_object() && ch->contains("channels") &&
             (*ch)["channels"].is_array()) {
    const Json& channels = (*ch)["channels"];
    for (size_t c = 0; c < channels.size(); ++c) {
      if (!channels[c].is_object() || !channels[c].contains("items")) continue;
      if (auto st = read_items(channels[c]["items"], static_cast<int>(c),
                               absl::StrCat("/results/channel_labels/channels/", c, "/items"),
                               StringField(channels[c], "channel_label"));
          !st.ok()) {
        return st;
      }
    }
    // Merge the channels by time; punctuation keeps its place after its word.
    int64_t last = 0;
    std::vector<std::pair<int64_t, size_t>> order;
    for (size_t k = 0; k < items.size(); ++k) {
      if (k > 0 && items[k].array != items[k - 1].array) last = 0;
      if (items[k].start_ms) last = *items[k].start_ms;
      order.emplace_back(last, k);
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<AwsItem> merged;
    for (auto& [t, k] : order) merged.push_back(items[k]);
    items = std::move(merged);
  }
  if (!label_by_time.empty() || ch != results.end()) {
    std::map<std::string, std::string> channel_by_time;
    if (ch != results.end() && ch->is_object() && ch->contains("channels") &&
        (*ch)["channels"].is_array()) {
      for (const Json& c : (*ch)["channels"]) {
        if (!c.is_object() || !c.contains("items") || !c["items"].is_array()) continue;
        for (const Json& it : c["items"]) {
          if (it.is_object()) channel_by_time[TimeKey(it)] = StringField(c, "channel_label");
        }
      }
    }
    const Json* arr = has_items ? &results["items"] : nullptr;  // Not a copy.
    for (AwsItem& item : items) {
      if (!item.label.empty() || item.array != -1 || arr == nullptr) continue;
      std::string key = TimeKey((*arr)[item.index]);
      if (auto it = label_by_time.find(key); it != label_by_time.end())
        item.label = it->second;
      else if (auto it2 = channel_by_time.find(key); it2 != channel_by_time.end())
        item.label = it2->second;
    }
  }
  // Punctuation belongs to the speaker of the word before it.
  for (size_t k = 1; k < items.size(); ++k) {
    if (items[k].punctuation) items[k].label = items[k - 1].label;
  }

  SpeakerResolver speakers(options);
  size_t k = 0;
  while (k < items.size()) {
    while (k < items.size() && items[k].punctuation) ++k;  // Leading punctuation: no words.
    if (k == items.size()) break;
    std::string label = items[k].label;
    std::string text;
    std::vector<TimedWord> words;
    std::vector<ParsedTranscript::ItemRef> refs;
    size_t e = k;
    while (e < items.size() && (items[e].punctuation || items[e].label == label)) {
      const AwsItem& it = items[e];
      if (!it.punctuation && !text.empty()) text += ' ';
      text += it.content;
      words.push_back({it.content, it.start_ms, it.end_ms});
      refs.push_back({it.array, it.index, -1});
      ++e;
      if (it.punctuation && (it.content == "." || it.content == "?" || it.content == "!")) break;
    }
    int64_t start = *items[k].start_ms, end = start;
    for (size_t q = k; q < e; ++q) {
      if (items[q].end_ms) end = std::max(end, *items[q].end_ms);
    }
    if (!IsBlank(text)) {
      v1::Chunk* chunk = AddChunk(out, text, speakers.Resolve(label));
      ParsedTranscript::ChunkSource& src = out.sources.back();
      src.label = label;
      auto aligned = AlignWords(*chunk, words, start, end);
      if (!aligned) SpreadWords(*chunk, start, end);
      for (size_t q = 0; q < refs.size(); ++q) refs[q].token = aligned ? (*aligned)[q] : -1;
      src.words = std::move(refs);
    }
    k = e;
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Writing.

struct SpanLabel {
  uint32_t start, end;
  std::string label;
};

// For each token of `original`, the label to write instead of it, or "" to keep it: a
// token an event span touches gets "[TYPE]"; a token that does not survive unchanged in
// `redacted` (longest common subsequence of tokens) gets "[REDACTED]".
std::vector<std::string> MaskTokens(std::string_view original, std::string_view redacted,
                                    const std::vector<SpanLabel>& spans) {
  auto ranges = TokenRanges(original);
  std::vector<std::string> mask(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    for (const SpanLabel& s : spans) {
      if (s.start < ranges[i].second && s.end > ranges[i].first) {
        mask[i] = s.label;
        break;
      }
    }
  }
  if (original == redacted) return mask;
  std::vector<std::string_view> a, b = Tokens(redacted);
  for (auto [s, e] : ranges) a.push_back(original.substr(s, e - s));
  const size_t n = a.size(), m = b.size();
  if (n * m > 4'000'000) {  // Too large to align: every token counts as changed.
    for (auto& l : mask)
      if (l.empty()) l = "[REDACTED]";
    return mask;
  }
  std::vector<uint32_t> dp((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return dp[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  std::vector<bool> kept(n, false);
  for (size_t i = 0, j = 0; i < n && j < m;) {
    if (a[i] == b[j] && at(i, j) == at(i + 1, j + 1) + 1) {
      kept[i] = true;
      ++i;
      ++j;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      ++i;
    } else {
      ++j;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!kept[i] && mask[i].empty()) mask[i] = "[REDACTED]";
  }
  return mask;
}

absl::Status CheckAnswers(const ParsedTranscript& parsed, const v1::RedactedCall& redacted) {
  if (redacted.chunks_size() != parsed.call.chunks_size()) {
    return absl::InvalidArgumentError(absl::StrCat(parsed.path, ": the redacted call has ",
                                                   redacted.chunks_size(), " chunks, the file ",
                                                   parsed.call.chunks_size()));
  }
  for (int i = 0; i < redacted.chunks_size(); ++i) {
    if (redacted.chunks(i).seq() != parsed.call.chunks(i).seq()) {
      return absl::InvalidArgumentError(absl::StrCat(parsed.path, ": redacted chunk ", i,
                                                     " answers seq ", redacted.chunks(i).seq(),
                                                     ", expected ", parsed.call.chunks(i).seq()));
    }
  }
  return absl::OkStatus();
}

// Every event span of the call, by chunk seq.
std::map<uint64_t, std::vector<SpanLabel>> SpansBySeq(const v1::RedactedCall& redacted) {
  std::map<uint64_t, std::vector<SpanLabel>> out;
  for (const auto& chunk : redacted.chunks()) {
    for (const auto& ev : chunk.events()) {
      std::string label = absl::StrCat("[", v1::EntityType_Name(ev.type()), "]");
      if (ev.type() == v1::ENTITY_TYPE_UNSPECIFIED) label = "[REDACTED]";
      for (const auto& sp : ev.spans()) out[sp.seq()].push_back({sp.start(), sp.end(), label});
    }
  }
  return out;
}

// The mask of chunk `i`'s tokens.
std::vector<std::string> ChunkMask(const ParsedTranscript& parsed, const v1::RedactedCall& redacted,
                                   const std::map<uint64_t, std::vector<SpanLabel>>& spans, int i) {
  const v1::Chunk& c = parsed.call.chunks(i);
  static const std::vector<SpanLabel> kNone;
  auto it = spans.find(c.seq());
  return MaskTokens(c.text(), redacted.chunks(i).text(), it == spans.end() ? kNone : it->second);
}

// The label for a word of the format: the mask of its token; a word that could not be
// aligned to a token is masked whenever its chunk changed at all.
std::string WordLabel(const std::vector<std::string>& mask, int token, bool chunk_changed) {
  if (token >= 0 && static_cast<size_t>(token) < mask.size()) return mask[token];
  return chunk_changed ? "[REDACTED]" : "";
}

std::string DumpJson(const ParsedTranscript& parsed, const Json& doc) {
  std::string out = parsed.json_indented ? doc.dump(2) : doc.dump();
  if (!parsed.json.empty() && parsed.json.back() == '\n') out += '\n';
  return out;
}

absl::StatusOr<std::string> WriteWhisper(const ParsedTranscript& parsed,
                                         const v1::RedactedCall& redacted) {
  Json doc = Json::parse(parsed.json);
  auto spans = SpansBySeq(redacted);
  Json& segs = doc["segments"];
  for (int i = 0; i < parsed.call.chunks_size(); ++i) {
    const auto& src = parsed.sources[i];
    Json& seg = segs[src.segment];
    bool changed = redacted.chunks(i).text() != parsed.call.chunks(i).text();
    std::vector<std::string> mask = ChunkMask(parsed, redacted, spans, i);
    seg["text"] = redacted.chunks(i).text();
    if (!IsRecognisedLabel(src.label) && !src.label.empty()) {
      seg["speaker"] = RoleLabel(parsed.call.chunks(i).speaker());
    }
    for (const auto& w : src.words) {
      Json& word = seg["words"][w.index];
      std::string label = WordLabel(mask, w.token, changed);
      const char* key = word.contains("word") ? "word" : "text";
      if (!label.empty()) {
        std::string old = word[key].get<std::string>();
        bool lead = !old.empty() && old[0] == ' ';
        word[key] = lead ? " " + label : label;
      }
      if (word.contains("speaker") && !src.label.empty() && !IsRecognisedLabel(src.label)) {
        word["speaker"] = RoleLabel(parsed.call.chunks(i).speaker());
      }
    }
  }
  std::string text;
  for (Json& seg : segs) {
    if (seg.contains("tokens")) seg["tokens"] = Json::array();  // Token ids encode the text.
    if (seg.contains("text") && seg["text"].is_string()) text += seg["text"].get<std::string>();
  }
  if (doc.contains("text")) doc["text"] = text;
  if (doc.contains("word_segments")) {
    Json all = Json::array();
    for (const Json& seg : segs) {
      if (seg.contains("words") && seg["words"].is_array()) {
        for (const Json& w : seg["words"]) all.push_back(w);
      }
    }
    doc["word_segments"] = all;
  }
  return DumpJson(parsed, doc);
}

void MaskAwsItem(Json& item, const std::string& label, const char* content_key) {
  if (item.contains("alternatives") && item["alternatives"].is_array() &&
      !item["alternatives"].empty()) {
    Json first = item["alternatives"][0];
    if (!label.empty()) first["content"] = label;
    item["alternatives"] = Json::array({first});
  }
  if (content_key != nullptr && !label.empty() && item.contains(content_key))
    item[content_key] = label;
}

absl::StatusOr<std::string> WriteAws(const ParsedTranscript& parsed,
                                     const v1::RedactedCall& redacted) {
  Json doc = Json::parse(parsed.json);
  auto spans = SpansBySeq(redacted);
  if (doc.contains("Transcript")) {  // Call Analytics.
    Json& tr = doc["Transcript"];
    for (int i = 0; i < parsed.call.chunks_size(); ++i) {
      const auto& src = parsed.sources[i];
      Json& seg = tr[src.segment];
      bool changed = redacted.chunks(i).text() != parsed.call.chunks(i).text();
      std::vector<std::string> mask = ChunkMask(parsed, redacted, spans, i);
      seg["Content"] = redacted.chunks(i).text();
      for (const auto& w : src.words) {
        std::string label = WordLabel(mask, w.token, changed);
        if (!label.empty()) seg["Items"][w.index]["Content"] = label;
      }
    }
    return DumpJson(parsed, doc);
  }
  Json& results = doc["results"];
  // Mask the chunks' items, and every other copy of a masked word (the same times in
  // another item list).
  std::map<std::string, std::string> masked_by_time;
  auto item_at = [&](int array, size_t index) -> Json& {
    if (array < 0) return results["items"][index];
    return results["channel_labels"]["channels"][array]["items"][index];
  };
  for (int i = 0; i < parsed.call.chunks_size(); ++i) {
    const auto& src = parsed.sources[i];
    bool changed = redacted.chunks(i).text() != parsed.call.chunks(i).text();
    std::vector<std::string> mask = ChunkMask(parsed, redacted, spans, i);
    for (const auto& w : src.words) {
      Json& item = item_at(w.array, w.index);
      if (StringField(item, "type") == "punctuation") continue;
      std::string label = WordLabel(mask, w.token, changed);
      if (label.empty()) continue;
      MaskAwsItem(item, label, nullptr);
      masked_by_time[TimeKey(item)] = label;
    }
  }
  auto mask_list = [&](Json& arr) {
    if (!arr.is_array()) return;
    for (Json& item : arr) {
      if (!item.is_object()) continue;
      auto it = masked_by_time.find(TimeKey(item));
      bool masked = item.contains("start_time") && it != masked_by_time.end();
      MaskAwsItem(item, masked ? it->second : "", nullptr);
    }
  };
  if (results.contains("items")) mask_list(results["items"]);
  if (results.contains("channel_labels") && results["channel_labels"].contains("channels")) {
    for (Json& c : results["channel_labels"]["channels"]) {
      if (c.is_object() && c.contains("items")) mask_list(c["items"]);
    }
  }
  std::vector<std::string> texts;
  for (const auto& c : redacted.chunks()) texts.push_back(c.text());
  if (results.contains("transcripts") && results["transcripts"].is_array()) {
    Json& ts = results["transcripts"];
    std::string joined = absl::StrJoin(texts, " ");
    for (size_t t = 0; t < ts.size(); ++t) {
      if (ts[t].is_object() && ts[t].contains("transcript"))
        ts[t]["transcript"] = t == 0 ? joined : "";
    }
  }
  // audio_segments repeat the text: rebuilt from their (masked) items.
  if (results.contains("audio_segments") && results["audio_segments"].is_array() &&
      results.contains("items")) {
    std::map<std::string, const Json*> by_id;
    for (const Json& item : results["items"]) {
      if (item.is_object() && item.contains("id")) by_id[StringField(item, "id")] = &item;
    }
    for (Json& seg : results["audio_segments"]) {
      if (!seg.is_object()) continue;
      std::string text;
      if (seg.contains("items") && seg["items"].is_array()) {
        for (const Json& id : seg["items"]) {
          auto it = by_id.find(id.is_string()           ? id.get<std::string>()
                               : id.is_number_integer() ? std::to_string(id.get<int64_t>())
                                                        : "");
          if (it == by_id.end()) continue;
          const Json& item = *it->second;
          std::string content = item["alternatives"][0]["content"].get<std::string>();
          if (StringField(item, "type") != "punctuation" && !text.empty()) text += ' ';
          text += content;
        }
      }
      seg["transcript"] = text;
    }
  }
  return DumpJson(parsed, doc);
}

}  // namespace

std::string_view FormatName(TranscriptFormat format) {
  switch (format) {
    case TranscriptFormat::kAuto:
      return "auto";
    case TranscriptFormat::kCorpusJsonl:
      return "jsonl";
    case TranscriptFormat::kWebVtt:
      return "vtt";
    case TranscriptFormat::kSrt:
      return "srt";
    case TranscriptFormat::kPlainText:
      return "text";
    case TranscriptFormat::kAwsTranscribe:
      return "aws";
    case TranscriptFormat::kWhisperJson:
      return "whisper";
  }
  return "?";
}

absl::StatusOr<TranscriptFormat> ParseFormatName(std::string_view name) {
  std::string n = Lower(name);
  if (n == "auto") return TranscriptFormat::kAuto;
  if (n == "jsonl" || n == "corpus") return TranscriptFormat::kCorpusJsonl;
  if (n == "vtt" || n == "webvtt") return TranscriptFormat::kWebVtt;
  if (n == "srt") return TranscriptFormat::kSrt;
  if (n == "text" || n == "txt") return TranscriptFormat::kPlainText;
  if (n == "aws" || n == "aws-transcribe") return TranscriptFormat::kAwsTranscribe;
  if (n == "whisper") return TranscriptFormat::kWhisperJson;
  return absl::InvalidArgumentError(absl::StrCat("unknown transcript format \"", A(name),
                                                 "\" (auto, jsonl, vtt, srt, text, aws, whisper)"));
}

TranscriptFormat DetectFormat(std::string_view content) {
  if (StartsWith(content, kBom)) content.remove_prefix(kBom.size());
  if (StartsWith(content, "WEBVTT")) return TranscriptFormat::kWebVtt;
  std::string_view s = StripLeading(content);
  if (StartsWith(s, "{")) {
    try {
      Json doc = Json::parse(s.begin(), s.end());
      if (doc.is_object()) {
        if (doc.contains("results") || doc.contains("Transcript"))
          return TranscriptFormat::kAwsTranscribe;
        if (doc.contains("segments")) return TranscriptFormat::kWhisperJson;
        if (doc.contains("chunks")) return TranscriptFormat::kCorpusJsonl;
      }
    } catch (const Json::parse_error&) {
      // Not one document: maybe one object per line.
      size_t nl = s.find('\n');
      try {
        Json first = Json::parse(s.substr(0, nl));
        if (first.is_object() && (first.contains("chunks") || first.contains("call_id"))) {
          return TranscriptFormat::kCorpusJsonl;
        }
      } catch (const Json::parse_error&) {
      }
    }
    return TranscriptFormat::kPlainText;
  }
  std::vector<Line> lines = SplitLines(s, 0);
  if (lines.size() >= 2) {
    int64_t n;
    if (ParseInt(Strip(lines[0].text), &n) && ParseTimingLine(lines[1].text)) {
      return TranscriptFormat::kSrt;
    }
  }
  return TranscriptFormat::kPlainText;
}

absl::StatusOr<ParsedTranscript> ParseTranscript(std::string_view path, std::string_view content,
                                                 const ParseOptions& options,
                                                 TranscriptFormat format) {
  if (size_t bad = FirstInvalidUtf8(content); bad != std::string_view::npos) {
    return Bad(path, LineOf(content, bad), "not valid UTF-8");
  }
  if (format == TranscriptFormat::kAuto) format = DetectFormat(content);
  ParsedTranscript out;
  out.format = format;
  out.path = std::string(path);
  std::string call_id = options.call_id;
  if (call_id.empty()) {
    std::string_view base = path.substr(path.find_last_of('/') + 1);
    call_id = std::string(base.substr(0, base.find('.')));
  }
  out.call.mutable_config()->set_call_id(call_id);
  out.call.mutable_config()->set_policy(options.policy);
  absl::Status st;
  switch (format) {
    case TranscriptFormat::kAuto:
    case TranscriptFormat::kCorpusJsonl:
      return absl::UnimplementedError(
          absl::StrCat(A(path), ": corpus JSONL is read by corpus_io, not ParseTranscript"));
    case TranscriptFormat::kWebVtt:
      st = ParseCues(path, content, /*vtt=*/true, options, out);
      break;
    case TranscriptFormat::kSrt:
      st = ParseCues(path, content, /*vtt=*/false, options, out);
      break;
    case TranscriptFormat::kPlainText:
      st = ParsePlainText(content, options, out);
      break;
    case TranscriptFormat::kAwsTranscribe:
    case TranscriptFormat::kWhisperJson: {
      absl::StatusOr<Json> doc = ParseJson(path, content);
      if (!doc.ok()) return doc.status();
      if (!doc->is_object()) return Bad(path, 1, "expected a JSON object");
      if (format == TranscriptFormat::kWhisperJson) {
        st = ParseWhisper(path, *doc, options, out);
      } else if (doc->contains("Transcript")) {
        st = ParseAwsCallAnalytics(path, *doc, options, out);
      } else {
        st = ParseAws(path, *doc, options, out);
      }
      out.json = std::string(content);
      out.json_indented = content.find("\n ") != std::string_view::npos ||
                          content.find("\n\t") != std::string_view::npos;
      break;
    }
  }
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::string> WriteTranscript(const ParsedTranscript& parsed,
                                            const v1::RedactedCall& redacted) {
  if (absl::Status st = CheckAnswers(parsed, redacted); !st.ok()) return st;
  switch (parsed.format) {
    case TranscriptFormat::kWebVtt:
    case TranscriptFormat::kSrt:
    case TranscriptFormat::kPlainText: {
      std::string out;
      for (const auto& piece : parsed.layout) {
        if (piece.chunk < 0) {
          out += piece.literal;
          continue;
        }
        const auto& src = parsed.sources[piece.chunk];
        absl::StrAppend(&out, src.prefix, redacted.chunks(piece.chunk).text(), src.suffix);
      }
      return out;
    }
    case TranscriptFormat::kWhisperJson:
      return WriteWhisper(parsed, redacted);
    case TranscriptFormat::kAwsTranscribe:
      return WriteAws(parsed, redacted);
    case TranscriptFormat::kAuto:
    case TranscriptFormat::kCorpusJsonl:
      break;
  }
  return absl::UnimplementedError(absl::StrCat(parsed.path, ": cannot write this format here"));
}

std::string_view SpeakerName(v1::Speaker speaker) {
  switch (speaker) {
    case v1::AGENT:
      return "AGENT";
    case v1::CUSTOMER:
      return "CUSTOMER";
    default:
      return "";
  }
}

v1::Speaker SpeakerFromName(std::string_view name) {
  std::string n = Upper(Strip(name));
  if (n == "AGENT") return v1::AGENT;
  if (n == "CUSTOMER") return v1::CUSTOMER;
  return v1::SPEAKER_UNSPECIFIED;
}

void AppendEventsJsonl(std::string* out, const v1::RedactedCall& redacted) {
  for (const auto& chunk : redacted.chunks()) {
    for (const auto& ev : chunk.events()) {
      AppendEventJsonLine(out, ev);
      out->push_back('\n');
    }
  }
}

std::string EventsToJsonl(const v1::RedactedCall& redacted) {
  std::string out;
  AppendEventsJsonl(&out, redacted);
  return out;
}

}  // namespace callredact
