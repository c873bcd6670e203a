#include "tools/eval.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace callredact {
namespace {

// Per-type arrays are indexed by EntityType value; IGNORE gets its own bit in masks.
constexpr int kNumTypes = v1::EntityType_ARRAYSIZE;  // Includes UNSPECIFIED (0).
constexpr int kIgnoreBit = kNumTypes;
static_assert(kNumTypes + 1 <= 32, "type masks are 32 bits");
constexpr uint32_t kIgnoreMask = uint32_t{1} << kIgnoreBit;

// Intervals [first, second) of milliseconds.
using Intervals = std::vector<std::pair<int64_t, int64_t>>;

// Sorts and merges overlapping or adjacent intervals, dropping empty ones.
Intervals Normalize(Intervals in) {
  in.erase(std::remove_if(in.begin(), in.end(),
                          [](const auto& iv) { return iv.second <= iv.first; }),
           in.end());
  std::sort(in.begin(), in.end());
  Intervals out;
  for (const auto& iv : in) {
    if (!out.empty() && iv.first <= out.back().second) {
      out.back().second = std::max(out.back().second, iv.second);
    } else {
      out.push_back(iv);
    }
  }
  return out;
}

int64_t Measure(const Intervals& normalized) {
  int64_t total = 0;
  for (const auto& iv : normalized) total += iv.second - iv.first;
  return total;
}

// Measure of the intersection of two normalized interval lists.
int64_t IntersectionMeasure(const Intervals& a, const Intervals& b) {
  int64_t total = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    int64_t lo = std::max(a[i].first, b[j].first);
    int64_t hi = std::min(a[i].second, b[j].second);
    if (lo < hi) total += hi - lo;
    if (a[i].second < b[j].second) {
      ++i;
    } else {
      ++j;
    }
  }
  return total;
}

// Length in bytes of the UTF-8 character starting at text[i] (1 for a stray byte) and
// its code point (U+FFFD for a malformed sequence).
int DecodeChar(const std::string& text, size_t i, uint32_t* cp) {
  const auto byte = [&text](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b = byte(i);
  int len = 1;
  uint32_t value = b;
  if (b >= 0xF0 && b < 0xF8) {
    len = 4;
    value = b & 0x07;
  } else if (b >= 0xE0) {
    len = 3;
    value = b & 0x0F;
  } else if (b >= 0xC0) {
    len = 2;
    value = b & 0x1F;
  } else if (b >= 0x80) {
    *cp = 0xFFFD;
    return 1;
  }
  if (b >= 0xF8 || i + len > text.size()) {
    *cp = 0xFFFD;
    return 1;
  }
  for (int k = 1; k < len; ++k) {
    unsigned char c = byte(i + k);
    if ((c & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    value = (value << 6) | (c & 0x3F);
  }
  *cp = value;
  return len;
}

bool IsLetterOrDigit(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;  // Latin-1, Ext-A/B.
  if (cp >= 0x370 && cp <= 0x52F) return true;                     // Greek, Cyrillic.
  return cp >= 0x1E00 && cp <= 0x1EFF;                               // Latin Ext. Additional.
}

bool Overlaps(const GoldPart& a, const GoldPart& b) {
  return a.seq == b.seq && a.start < a.end && b.start < b.end && a.start < b.end &&
         b.start < a.end;
}

double Ratio(int64_t num, int64_t den) {
  if (den == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(num) / static_cast<double>(den);
}

EvalRow MakeRow(const std::string& type, const EvalCounts& c) {
  EvalRow row;
  row.type = type;
  row.counts = c;
  row.leak = Ratio(c.leaked_chars, c.gold_chars);
  row.recall = Ratio(c.caught, c.gold_entities);
  row.typed = Ratio(c.typed, c.caught);
  row.precision = Ratio(c.events_touching, c.events);
  row.audio_leak = Ratio(c.leaked_audio_ms, c.audio_ms);
  return row;
}

// Accumulates the counts of every call.
struct Totals {
  std::array<EvalCounts, kNumTypes> types;
  EvalCounts overall;
  int64_t other_chars = 0;
  int64_t over_chars = 0;
};

// A gold entity of one call reduced to what scoring needs.
struct ScoredEntity {
  int type = 0;                  // EntityType value; kIgnoreBit for IGNORE.
  std::vector<GoldPart> parts;   // Its non-empty parts on final chunks.
};

// Scores one call. `events` have been checked against the call (known seqs, spans inside
// the text, known types).
void ScoreCall(const CorpusCall& cc, const std::vector<const EventRecord*>& events,
               const std::vector<int>& event_types, Totals* totals) {
  const v1::Call& call = cc.call;
  std::unordered_map<uint64_t, int> chunk_index;
  for (int i = 0; i < call.chunks_size(); ++i) chunk_index[call.chunks(i).seq()] = i;
  const auto final_chunk = [&](uint64_t seq) -> const v1::Chunk* {
    auto it = chunk_index.find(seq);
    if (it == chunk_index.end()) return nullptr;
    const v1::Chunk& chunk = call.chunks(it->second);
    return chunk.is_final() ? &chunk : nullptr;
  };

  // Per final chunk: how many event spans cover each byte, and which gold types do.
  std::vector<std::vector<uint8_t>> covered(call.chunks_size());
  std::vector<std::vector<uint32_t>> gold(call.chunks_size());
  for (int i = 0; i < call.chunks_size(); ++i) {
    if (!call.chunks(i).is_final()) continue;
    covered[i].assign(call.chunks(i).text().size(), 0);
    gold[i].assign(call.chunks(i).text().size(), 0);
  }

  // Event spans on final chunks.
  std::vector<std::vector<GoldPart>> event_spans(events.size());
  for (size_t e = 0; e < events.size(); ++e) {
    for (const GoldPart& span : events[e]->spans) {
      if (span.start >= span.end || final_chunk(span.seq) == nullptr) continue;
      event_spans[e].push_back(span);
      std::vector<uint8_t>& bytes = covered[chunk_index[span.seq]];
      for (uint32_t b = span.start; b < span.end; ++b) bytes[b] = 1;
    }
  }

  std::vector<ScoredEntity> entities;
  for (const GoldEntity& ge : cc.entities) {
    if (ge.interim) continue;
    ScoredEntity se;
    if (ge.type == "IGNORE") {
      se.type = kIgnoreBit;
    } else {
      v1::EntityType t = v1::ENTITY_TYPE_UNSPECIFIED;
      v1::EntityType_Parse(ge.type, &t);  // Checked by Evaluate.
      se.type = t;
    }
    for (const GoldPart& part : ge.parts) {
      if (part.start >= part.end || final_chunk(part.seq) == nullptr) continue;
      se.parts.push_back(part);
      std::vector<uint32_t>& bytes = gold[chunk_index[part.seq]];
      for (uint32_t b = part.start; b < part.end; ++b) bytes[b] |= uint32_t{1} << se.type;
    }
    if (!se.parts.empty()) entities.push_back(std::move(se));
  }

  // Characters: leak and over.
  for (int i = 0; i < call.chunks_size(); ++i) {
    const v1::Chunk& chunk = call.chunks(i);
    if (!chunk.is_final()) continue;
    const std::string& text = chunk.text();
    uint32_t cp = 0;
    for (size_t pos = 0; pos < text.size();) {
      const int len = DecodeChar(text, pos, &cp);
      if (len == 1 && IsAsciiSpace(text[pos])) {
        ++pos;
        continue;
      }
      bool all = true, any = false;
      uint32_t mask = 0;
      for (size_t b = pos; b < pos + len; ++b) {
        all = all && covered[i][b];
        any = any || covered[i][b];
        mask |= gold[i][b];
      }
      pos += len;
      const uint32_t pii = mask & ~kIgnoreMask;
      if (pii != 0) {
        ++totals->overall.gold_chars;
        if (!all) ++totals->overall.leaked_chars;
        for (int t = 1; t < kNumTypes; ++t) {
          if ((pii & (uint32_t{1} << t)) == 0) continue;
          ++totals->types[t].gold_chars;
          if (!all) ++totals->types[t].leaked_chars;
        }
      } else if (mask == 0) {
        ++totals->other_chars;
        if (any) ++totals->over_chars;
      }
    }
  }

  // Entities: recall and typed.
  for (const ScoredEntity& se : entities) {
    if (se.type == kIgnoreBit) continue;
    bool alnum_covered = true, all_covered = true, has_alnum = false;
    for (const GoldPart& part : se.parts) {
      const int ci = chunk_index[part.seq];
      const std::string& text = call.chunks(ci).text();
      uint32_t cp = 0;
      for (size_t pos = part.start; pos < part.end;) {
        const int len = DecodeChar(text, pos, &cp);
        bool all = true;
        for (size_t b = pos; b < pos + len && b < part.end; ++b) all = all && covered[ci][b];
        if (IsLetterOrDigit(cp)) {
          has_alnum = true;
          alnum_covered = alnum_covered && all;
        }
        if (!(len == 1 && IsAsciiSpace(text[pos]))) all_covered = all_covered && all;
        pos += len;
      }
    }
    const bool caught = has_alnum ? alnum_covered : all_covered;
    bool typed = false;
    for (size_t e = 0; e < events.size() && !typed; ++e) {
      if (event_types[e] != se.type) continue;
      for (const GoldPart& span : event_spans[e]) {
        for (const GoldPart& part : se.parts) typed = typed || Overlaps(span, part);
      }
    }
    for (EvalCounts* c : {&totals->overall, &totals->types[se.type]}) {
      ++c->gold_entities;
      if (caught) ++c->caught;
      if (caught && typed) ++c->typed;
    }
  }

  // Events: precision.
  for (size_t e = 0; e < events.size(); ++e) {
    if (event_spans[e].empty()) continue;
    bool touches = false;
    for (const GoldPart& span : event_spans[e]) {
      for (const ScoredEntity& se : entities) {
        for (const GoldPart& part : se.parts) touches = touches || Overlaps(span, part);
      }
    }
    for (EvalCounts* c : {&totals->overall, &totals->types[event_types[e]]}) {
      ++c->events;
      if (touches) ++c->events_touching;
    }
  }

  // Audio: per speaker, the words of final TRANSCRIPT chunks overlapping entity parts.
  // Index 0 of `per_type` collects every type (the overall row).
  constexpr int kSpeakers = v1::Speaker_ARRAYSIZE;
  std::array<std::array<Intervals, kSpeakers>, kNumTypes> spoken;
  std::unordered_map<uint64_t, std::vector<std::pair<uint32_t, uint32_t>>> tokens;
  for (const ScoredEntity& se : entities) {
    if (se.type == kIgnoreBit) continue;
    for (const GoldPart& part : se.parts) {
      const v1::Chunk& chunk = call.chunks(chunk_index[part.seq]);
      if (chunk.source() != v1::TRANSCRIPT || chunk.words_size() == 0) continue;
      auto it = tokens.find(part.seq);
      if (it == tokens.end()) it = tokens.emplace(part.seq, WhitespaceTokens(chunk.text())).first;
      if (it->second.size() != static_cast<size_t>(chunk.words_size())) continue;
      for (size_t w = 0; w < it->second.size(); ++w) {
        if (it->second[w].first < part.end && part.start < it->second[w].second) {
          const v1::Word& word = chunk.words(static_cast<int>(w));
          for (int t : {0, se.type}) {
            spoken[t][chunk.speaker()].emplace_back(word.start_ms(), word.end_ms());
          }
        }
      }
    }
  }
  std::array<Intervals, kSpeakers> silenced;
  for (const EventRecord* event : events) {
    for (const EventRecord::Audio& a : event->audio) {
      v1::Speaker speaker = v1::SPEAKER_UNSPECIFIED;
      if (v1::Speaker_Parse(a.speaker, &speaker)) {
        silenced[speaker].emplace_back(a.start_ms, a.end_ms);
      }
    }
  }
  for (int s = 0; s < kSpeakers; ++s) silenced[s] = Normalize(std::move(silenced[s]));
  for (int t = 0; t < kNumTypes; ++t) {
    EvalCounts* c = t == 0 ? &totals->overall : &totals->types[t];
    for (int s = 0; s < kSpeakers; ++s) {
      const Intervals words = Normalize(std::move(spoken[t][s]));
      const int64_t total = Measure(words);
      c->audio_ms += total;
      c->leaked_audio_ms += total - IntersectionMeasure(words, silenced[s]);
    }
  }
}

absl::Status CheckCorpusCall(const CorpusCall& cc, size_t index) {
  const v1::Call& call = cc.call;
  std::unordered_map<uint64_t, int> chunk_index;
  for (int i = 0; i < call.chunks_size(); ++i) {
    if (!chunk_index.emplace(call.chunks(i).seq(), i).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "corpus: calls[", index, "].chunks[", i, "].seq: duplicate seq ",
          call.chunks(i).seq()));
    }
  }
  for (size_t j = 0; j < cc.entities.size(); ++j) {
    const GoldEntity& ge = cc.entities[j];
    v1::EntityType t;
    if (ge.type != "IGNORE" &&
        (!v1::EntityType_Parse(ge.type, &t) || t == v1::ENTITY_TYPE_UNSPECIFIED)) {
      return absl::InvalidArgumentError(absl::StrCat("corpus: calls[", index,
                                                     "].entities[", j,
                                                     "].type: unknown entity type"));
    }
    for (size_t k = 0; k < ge.parts.size(); ++k) {
      const GoldPart& part = ge.parts[k];
      auto it = chunk_index.find(part.seq);
      if (it == chunk_index.end() || part.end < part.start ||
          part.end > call.chunks(it->second).text().size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "corpus: calls[", index, "].entities[", j, "].parts[", k,
            "]: not inside the text of a chunk of the call"));
      }
    }
  }
  return absl::OkStatus();
}

std::string FormatRatio(double r) {
  return std::isnan(r) ? std::string("-") : absl::StrFormat("%.4f", r);
}

std::string FormatRow(const EvalRow& row) {
  return absl::StrFormat("%-20s %7d %7d %7d %8s %8s %8s %9s %8s\n", row.type,
                         row.counts.gold_entities, row.counts.caught, row.counts.events,
                         FormatRatio(row.leak), FormatRatio(row.recall),
                         FormatRatio(row.typed), FormatRatio(row.precision),
                         FormatRatio(row.audio_leak));
}

nlohmann::ordered_json RatioJson(double r) {
  return std::isnan(r) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r);
}

nlohmann::ordered_json RowToJson(const EvalRow& row) {
  nlohmann::ordered_json j;
  j["type"] = row.type;
  j["leak"] = RatioJson(row.leak);
  j["recall"] = RatioJson(row.recall);
  j["typed"] = RatioJson(row.typed);
  j["precision"] = RatioJson(row.precision);
  j["audio_leak"] = RatioJson(row.audio_leak);
  j["gold_entities"] = row.counts.gold_entities;
  j["caught"] = row.counts.caught;
  j["typed_entities"] = row.counts.typed;
  j["events"] = row.counts.events;
  j["events_touching"] = row.counts.events_touching;
  j["gold_chars"] = row.counts.gold_chars;
  j["leaked_chars"] = row.counts.leaked_chars;
  j["audio_ms"] = row.counts.audio_ms;
  j["leaked_audio_ms"] = row.counts.leaked_audio_ms;
  return j;
}

}  // namespace

absl::StatusOr<EvalReport> Evaluate(const std::vector<CorpusCall>& corpus,
                                    const std::vector<EventRecord>& events) {
  std::unordered_map<std::string, size_t> call_index;
  for (size_t i = 0; i < corpus.size(); ++i) {
    if (!call_index.emplace(corpus[i].call.config().call_id(), i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("corpus: calls[", i, "].call_id: duplicate call_id"));
    }
    if (absl::Status s = CheckCorpusCall(corpus[i], i); !s.ok()) return s;
  }

  std::vector<std::vector<const EventRecord*>> by_call(corpus.size());
  std::vector<std::vector<int>> types_by_call(corpus.size());
  for (size_t e = 0; e < events.size(); ++e) {
    const EventRecord& event = events[e];
    const std::string where =
        event.origin.empty() ? absl::StrCat("events[", e, "]") : event.origin;
    auto it = call_index.find(event.call_id);
    if (it == call_index.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": call_id: no call with this id in the corpus"));
    }
    v1::EntityType type = v1::ENTITY_TYPE_UNSPECIFIED;
    if (!v1::EntityType_Parse(event.type, &type) || type == v1::ENTITY_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": type: unknown entity type"));
    }
    const v1::Call& call = corpus[it->second].call;
    for (size_t k = 0; k < event.spans.size(); ++k) {
      const GoldPart& span = event.spans[k];
      const v1::Chunk* chunk = nullptr;
      for (const v1::Chunk& c : call.chunks()) {
        if (c.seq() == span.seq) chunk = &c;
      }
      if (chunk == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": spans[", k, "].seq: the call has no chunk with seq ", span.seq));
      }
      if (span.end < span.start || span.end > chunk->text().size()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": spans[", k, "].end: ", span.end,
                         " is past the end of the chunk's text (", chunk->text().size(),
                         " bytes)"));
      }
    }
    by_call[it->second].push_back(&event);
    types_by_call[it->second].push_back(type);
  }

  Totals totals;
  EvalReport report;
  for (size_t i = 0; i < corpus.size(); ++i) {
    ScoreCall(corpus[i], by_call[i], types_by_call[i], &totals);
    for (const v1::Chunk& chunk : corpus[i].call.chunks()) {
      if (chunk.is_final()) ++report.final_chunks;
    }
  }
  report.calls = static_cast<int64_t>(corpus.size());
  report.events_read = static_cast<int64_t>(events.size());
  report.events_unscored = report.events_read - totals.overall.events;
  for (int t = 1; t < kNumTypes; ++t) {
    const EvalCounts& c = totals.types[t];
    if (c.gold_entities == 0 && c.events == 0) continue;
    report.types.push_back(MakeRow(v1::EntityType_Name(static_cast<v1::EntityType>(t)), c));
  }
  report.overall = MakeRow("OVERALL", totals.overall);
  report.other_chars = totals.other_chars;
  report.over_chars = totals.over_chars;
  report.over = Ratio(totals.over_chars, totals.other_chars);
  return report;
}

std::string FormatReport(const EvalReport& report) {
  std::string out = absl::StrFormat("%-20s %7s %7s %7s %8s %8s %8s %9s %8s\n", "type", "gold",
                                    "caught", "events", "leak", "recall", "typed",
                                    "precision", "audio");
  for (const EvalRow& row : report.types) out += FormatRow(row);
  out += FormatRow(report.overall);
  absl::StrAppendFormat(&out, "over %s (%d of %d characters outside gold entities)\n",
                        FormatRatio(report.over), report.over_chars, report.other_chars);
  absl::StrAppendFormat(&out,
                        "calls %d, final chunks %d, events %d (%d without a span on a "
                        "final chunk)\n",
                        report.calls, report.final_chunks, report.events_read,
                        report.events_unscored);
  return out;
}

std::string ReportToJson(const EvalReport& report) {
  nlohmann::ordered_json j;
  j["calls"] = report.calls;
  j["final_chunks"] = report.final_chunks;
  j["events_read"] = report.events_read;
  j["events_unscored"] = report.events_unscored;
  j["over"] = RatioJson(report.over);
  j["over_chars"] = report.over_chars;
  j["other_chars"] = report.other_chars;
  j["overall"] = RowToJson(report.overall);
  nlohmann::ordered_json types = nlohmann::ordered_json::array();
  for (const EvalRow& row : report.types) types.push_back(RowToJson(row));
  j["types"] = std::move(types);
  return j.dump();
}

}  // namespace callredact
