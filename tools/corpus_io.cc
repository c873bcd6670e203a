#include "tools/corpus_io.h"

#include <fstream>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace callredact {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Builds "<name>:<line>: <what>" errors. `what` must only ever hold field names, indexes
// and numbers, never a value read from the input.
class LineErrors {
 public:
  LineErrors(const std::string& name, int64_t line) : name_(name), line_(line) {}

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(name_, ":", line_, ": ", what));
  }

  std::string Origin() const { return absl::StrCat(name_, ":", line_); }

 private:
  const std::string& name_;
  int64_t line_;
};

// Field accessors: each looks `key` up in object `obj` (whose path in the line is
// `path`, "" for the top level) and reports a missing or wrong-typed field by its full
// path. Optional getters leave `*out` unchanged when the field is absent or null.
std::string FieldPath(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

const Json* Find(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

absl::Status Missing(const LineErrors& err, absl::string_view path, const char* key) {
  return err.Error(absl::StrCat(FieldPath(path, key), ": missing"));
}

absl::Status GetString(const LineErrors& err, const Json& obj, absl::string_view path,
                       const char* key, bool required, std::string* out) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return required ? Missing(err, path, key) : absl::OkStatus();
  if (!v->is_string()) {
    return err.Error(absl::StrCat(FieldPath(path, key), ": must be a string"));
  }
  *out = v->get<std::string>();
  return absl::OkStatus();
}

absl::Status GetBool(const LineErrors& err, const Json& obj, absl::string_view path,
                     const char* key, bool required, bool* out) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return required ? Missing(err, path, key) : absl::OkStatus();
  if (!v->is_boolean()) {
    return err.Error(absl::StrCat(FieldPath(path, key), ": must be true or false"));
  }
  *out = v->get<bool>();
  return absl::OkStatus();
}

// A non-negative integer no larger than `max`.
absl::Status GetUint(const LineErrors& err, const Json& obj, absl::string_view path,
                     const char* key, uint64_t max, uint64_t* out) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return Missing(err, path, key);
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > max) {
      return err.Error(absl::StrCat(FieldPath(path, key), ": must be at most ", max));
    }
    *out = u;
    return absl::OkStatus();
  }
  if (v->is_number_integer()) {
    return err.Error(absl::StrCat(FieldPath(path, key), ": must not be negative"));
  }
  return err.Error(absl::StrCat(FieldPath(path, key), ": must be an integer"));
}

absl::Status GetInt64(const LineErrors& err, const Json& obj, absl::string_view path,
                      const char* key, int64_t* out) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return Missing(err, path, key);
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return err.Error(absl::StrCat(FieldPath(path, key), ": out of range"));
    }
    *out = static_cast<int64_t>(u);
    return absl::OkStatus();
  }
  if (v->is_number_integer()) {
    *out = v->get<int64_t>();
    return absl::OkStatus();
  }
  return err.Error(absl::StrCat(FieldPath(path, key), ": must be an integer"));
}

absl::Status GetArray(const LineErrors& err, const Json& obj, absl::string_view path,
                      const char* key, bool required, const Json** out) {
  const Json* v = Find(obj, key);
  *out = nullptr;
  if (v == nullptr) return required ? Missing(err, path, key) : absl::OkStatus();
  if (!v->is_array()) {
    return err.Error(absl::StrCat(FieldPath(path, key), ": must be an array"));
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status CheckObject(const LineErrors& err, const Json& v, absl::string_view path) {
  if (v.is_object()) return absl::OkStatus();
  return err.Error(absl::StrCat(path.empty() ? "line" : path, ": must be a JSON object"));
}

// Parses one line. nlohmann's own messages quote the input near the error, so only the
// byte position is reported.
absl::Status ParseLine(const LineErrors& err, const std::string& line, Json* out) {
  try {
    *out = Json::parse(line);
  } catch (const Json::parse_error& e) {
    return err.Error(absl::StrCat("invalid JSON at byte ", e.byte));
  }
  return CheckObject(err, *out, "");
}

bool IsUtf8Boundary(const std::string& text, size_t pos) {
  return pos >= text.size() || (static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80;
}

// Reads {"seq","start","end"} at `path` into `part` (start <= end, both < 2^32).
absl::Status ReadSpan(const LineErrors& err, const Json& v, const std::string& path,
                      GoldPart* part) {
  if (absl::Status s = CheckObject(err, v, path); !s.ok()) return s;
  uint64_t seq = 0, start = 0, end = 0;
  const uint64_t kMax32 = std::numeric_limits<uint32_t>::max();
  if (absl::Status s = GetUint(err, v, path, "seq", std::numeric_limits<uint64_t>::max(),
                               &seq);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = GetUint(err, v, path, "start", kMax32, &start); !s.ok()) return s;
  if (absl::Status s = GetUint(err, v, path, "end", kMax32, &end); !s.ok()) return s;
  if (end < start) {
    return err.Error(absl::StrCat(path, ".end: ", end, " is before start ", start));
  }
  part->seq = seq;
  part->start = static_cast<uint32_t>(start);
  part->end = static_cast<uint32_t>(end);
  return absl::OkStatus();
}

absl::Status ReadSpeaker(const LineErrors& err, const Json& obj, const std::string& path,
                         v1::Speaker* out) {
  std::string name;
  if (absl::Status s = GetString(err, obj, path, "speaker", true, &name); !s.ok()) return s;
  if (name == "AGENT") {
    *out = v1::AGENT;
  } else if (name == "CUSTOMER") {
    *out = v1::CUSTOMER;
  } else {
    return err.Error(
        absl::StrCat(FieldPath(path, "speaker"), ": unknown speaker (AGENT or CUSTOMER)"));
  }
  return absl::OkStatus();
}

absl::Status ReadChunk(const LineErrors& err, const Json& v, const std::string& path,
                       v1::Chunk* chunk) {
  if (absl::Status s = CheckObject(err, v, path); !s.ok()) return s;
  uint64_t seq = 0;
  if (absl::Status s =
          GetUint(err, v, path, "seq", std::numeric_limits<uint64_t>::max(), &seq);
      !s.ok()) {
    return s;
  }
  chunk->set_seq(seq);

  std::string source;
  if (absl::Status s = GetString(err, v, path, "source", true, &source); !s.ok()) return s;
  if (source == "TRANSCRIPT") {
    chunk->set_source(v1::TRANSCRIPT);
    v1::Speaker speaker = v1::SPEAKER_UNSPECIFIED;
    if (absl::Status s = ReadSpeaker(err, v, path, &speaker); !s.ok()) return s;
    chunk->set_speaker(speaker);
  } else if (source == "SCREEN") {
    chunk->set_source(v1::SCREEN);
    if (Find(v, "speaker") != nullptr) {
      return err.Error(absl::StrCat(path, ".speaker: must be absent for SCREEN chunks"));
    }
  } else {
    return err.Error(absl::StrCat(path, ".source: unknown source (TRANSCRIPT or SCREEN)"));
  }

  bool is_final = false;
  if (absl::Status s = GetBool(err, v, path, "is_final", true, &is_final); !s.ok()) {
    return s;
  }
  chunk->set_is_final(is_final);
  if (absl::Status s = GetString(err, v, path, "text", true, chunk->mutable_text());
      !s.ok()) {
    return s;
  }
  if (chunk->text().size() > std::numeric_limits<uint32_t>::max()) {
    return err.Error(absl::StrCat(path, ".text: longer than 2^32 bytes"));
  }

  const Json* words = nullptr;
  if (absl::Status s = GetArray(err, v, path, "words", false, &words); !s.ok()) return s;
  if (words != nullptr) {
    for (size_t i = 0; i < words->size(); ++i) {
      const std::string wpath = absl::StrCat(path, ".words[", i, "]");
      const Json& w = (*words)[i];
      if (absl::Status s = CheckObject(err, w, wpath); !s.ok()) return s;
      v1::Word* word = chunk->add_words();
      if (absl::Status s = GetString(err, w, wpath, "text", true, word->mutable_text());
          !s.ok()) {
        return s;
      }
      int64_t start_ms = 0, end_ms = 0;
      if (absl::Status s = GetInt64(err, w, wpath, "start_ms", &start_ms); !s.ok()) {
        return s;
      }
      if (absl::Status s = GetInt64(err, w, wpath, "end_ms", &end_ms); !s.ok()) return s;
      if (start_ms < 0) {
        return err.Error(absl::StrCat(wpath, ".start_ms: must not be negative"));
      }
      if (end_ms < start_ms) {
        return err.Error(absl::StrCat(wpath, ".end_ms: ", end_ms, " is before start_ms ",
                                      start_ms));
      }
      word->set_start_ms(start_ms);
      word->set_end_ms(end_ms);
    }
    const size_t tokens = WhitespaceTokens(chunk->text()).size();
    if (static_cast<size_t>(chunk->words_size()) != tokens) {
      return err.Error(absl::StrCat(path, ".words: ", chunk->words_size(),
                                    " entries for ", tokens, " tokens of text"));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadEntity(const LineErrors& err, const Json& v, const std::string& path,
                        const std::map<uint64_t, const v1::Chunk*>& chunks,
                        GoldEntity* entity) {
  if (absl::Status s = CheckObject(err, v, path); !s.ok()) return s;
  if (absl::Status s = GetString(err, v, path, "type", true, &entity->type); !s.ok()) {
    return s;
  }
  v1::EntityType type;
  if (entity->type != "IGNORE" &&
      (!v1::EntityType_Parse(entity->type, &type) || type == v1::ENTITY_TYPE_UNSPECIFIED)) {
    return err.Error(absl::StrCat(path, ".type: unknown entity type"));
  }
  if (absl::Status s = GetBool(err, v, path, "interim", false, &entity->interim); !s.ok()) {
    return s;
  }
  const Json* parts = nullptr;
  if (absl::Status s = GetArray(err, v, path, "parts", true, &parts); !s.ok()) return s;
  if (parts->empty()) return err.Error(absl::StrCat(path, ".parts: must not be empty"));
  for (size_t i = 0; i < parts->size(); ++i) {
    const std::string ppath = absl::StrCat(path, ".parts[", i, "]");
    GoldPart part;
    if (absl::Status s = ReadSpan(err, (*parts)[i], ppath, &part); !s.ok()) return s;
    auto it = chunks.find(part.seq);
    if (it == chunks.end()) {
      return err.Error(absl::StrCat(ppath, ".seq: no chunk with seq ", part.seq));
    }
    const std::string& text = it->second->text();
    if (part.start == part.end) return err.Error(absl::StrCat(ppath, ": empty span"));
    if (part.end > text.size()) {
      return err.Error(absl::StrCat(ppath, ".end: ", part.end, " is past the end of text (",
                                    text.size(), " bytes)"));
    }
    if (!IsUtf8Boundary(text, part.start)) {
      return err.Error(absl::StrCat(ppath, ".start: ", part.start,
                                    " is not on a UTF-8 character boundary"));
    }
    if (!IsUtf8Boundary(text, part.end)) {
      return err.Error(absl::StrCat(ppath, ".end: ", part.end,
                                    " is not on a UTF-8 character boundary"));
    }
    entity->parts.push_back(part);
  }
  return absl::OkStatus();
}

absl::Status ReadCall(const LineErrors& err, const Json& v, CorpusCall* out) {
  if (absl::Status s = GetString(err, v, "", "call_id", true,
                                 out->call.mutable_config()->mutable_call_id());
      !s.ok()) {
    return s;
  }
  if (out->call.config().call_id().empty()) {
    return err.Error("call_id: must not be empty");
  }
  const Json* chunks = nullptr;
  if (absl::Status s = GetArray(err, v, "", "chunks", true, &chunks); !s.ok()) return s;
  std::map<uint64_t, const v1::Chunk*> by_seq;
  for (size_t i = 0; i < chunks->size(); ++i) {
    const std::string path = absl::StrCat("chunks[", i, "]");
    v1::Chunk* chunk = out->call.add_chunks();
    if (absl::Status s = ReadChunk(err, (*chunks)[i], path, chunk); !s.ok()) return s;
    if (i > 0 && chunk->seq() <= out->call.chunks(i - 1).seq()) {
      return err.Error(absl::StrCat(path, ".seq: ", chunk->seq(),
                                    " is not greater than the previous chunk's ",
                                    out->call.chunks(i - 1).seq()));
    }
  }
  // Pointers are taken after all chunks are added: the repeated field may reallocate.
  for (const v1::Chunk& chunk : out->call.chunks()) by_seq[chunk.seq()] = &chunk;

  const Json* entities = nullptr;
  if (absl::Status s = GetArray(err, v, "", "entities", false, &entities); !s.ok()) {
    return s;
  }
  if (entities != nullptr) {
    for (size_t i = 0; i < entities->size(); ++i) {
      GoldEntity entity;
      if (absl::Status s = ReadEntity(err, (*entities)[i], absl::StrCat("entities[", i, "]"),
                                      by_seq, &entity);
          !s.ok()) {
        return s;
      }
      out->entities.push_back(std::move(entity));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadEvent(const LineErrors& err, const Json& v, EventRecord* out) {
  if (absl::Status s = GetString(err, v, "", "call_id", true, &out->call_id); !s.ok()) {
    return s;
  }
  if (out->call_id.empty()) return err.Error("call_id: must not be empty");
  if (absl::Status s = GetString(err, v, "", "type", true, &out->type); !s.ok()) return s;
  v1::EntityType type;
  if (!v1::EntityType_Parse(out->type, &type) || type == v1::ENTITY_TYPE_UNSPECIFIED) {
    return err.Error("type: unknown entity type");
  }
  const Json* confidence = Find(v, "confidence");
  if (confidence == nullptr) return Missing(err, "", "confidence");
  if (!confidence->is_number()) return err.Error("confidence: must be a number");
  out->confidence = confidence->get<double>();
  if (!(out->confidence >= 0 && out->confidence <= 1)) {
    return err.Error("confidence: must be between 0 and 1");
  }
  const Json* spans = nullptr;
  if (absl::Status s = GetArray(err, v, "", "spans", true, &spans); !s.ok()) return s;
  for (size_t i = 0; i < spans->size(); ++i) {
    GoldPart span;
    if (absl::Status s = ReadSpan(err, (*spans)[i], absl::StrCat("spans[", i, "]"), &span);
        !s.ok()) {
      return s;
    }
    out->spans.push_back(span);
  }
  const Json* audio = nullptr;
  if (absl::Status s = GetArray(err, v, "", "audio", false, &audio); !s.ok()) return s;
  if (audio != nullptr) {
    for (size_t i = 0; i < audio->size(); ++i) {
      const std::string path = absl::StrCat("audio[", i, "]");
      const Json& a = (*audio)[i];
      if (absl::Status s = CheckObject(err, a, path); !s.ok()) return s;
      EventRecord::Audio range;
      v1::Speaker speaker = v1::SPEAKER_UNSPECIFIED;
      if (absl::Status s = ReadSpeaker(err, a, path, &speaker); !s.ok()) return s;
      range.speaker = v1::Speaker_Name(speaker);
      if (absl::Status s = GetInt64(err, a, path, "start_ms", &range.start_ms); !s.ok()) {
        return s;
      }
      if (absl::Status s = GetInt64(err, a, path, "end_ms", &range.end_ms); !s.ok()) {
        return s;
      }
      if (range.end_ms < range.start_ms) {
        return err.Error(absl::StrCat(path, ".end_ms: ", range.end_ms,
                                      " is before start_ms ", range.start_ms));
      }
      out->audio.push_back(std::move(range));
    }
  }
  if (absl::Status s = GetString(err, v, "", "detector", false, &out->detector); !s.ok()) {
    return s;
  }
  if (absl::Status s = GetBool(err, v, "", "confirmed", false, &out->confirmed); !s.ok()) {
    return s;
  }
  out->origin = err.Origin();
  return absl::OkStatus();
}

// Calls `fn(errors, json)` for every non-empty line of `in`.
absl::Status ForEachJsonLine(
    std::istream& in, const std::string& name,
    const std::function<absl::Status(const LineErrors&, const Json&)>& fn) {
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bool blank = true;
    for (char c : line) {
      if (!IsAsciiSpace(c)) {
        blank = false;
        break;
      }
    }
    if (blank) continue;
    LineErrors err(name, number);
    Json json;
    if (absl::Status s = ParseLine(err, line, &json); !s.ok()) return s;
    if (absl::Status s = fn(err, json); !s.ok()) return s;
  }
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat(name, ":", number + 1, ": read error"));
  }
  return absl::OkStatus();
}

// JSON text that is always valid even if a string is not valid UTF-8 (such bytes become
// U+FFFD) and never throws.
std::string Dump(const OrderedJson& json) {
  return json.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace

std::vector<std::pair<uint32_t, uint32_t>> WhitespaceTokens(absl::string_view text) {
  std::vector<std::pair<uint32_t, uint32_t>> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsAsciiSpace(text[i])) ++i;
    if (i == text.size()) break;
    size_t start = i;
    while (i < text.size() && !IsAsciiSpace(text[i])) ++i;
    tokens.emplace_back(static_cast<uint32_t>(start), static_cast<uint32_t>(i));
  }
  return tokens;
}

absl::Status ReadCorpus(std::istream& in, const std::string& name,
                        const std::function<absl::Status(CorpusCall&&)>& fn) {
  return ForEachJsonLine(in, name, [&fn](const LineErrors& err, const Json& json) {
    CorpusCall call;
    if (absl::Status s = ReadCall(err, json, &call); !s.ok()) return s;
    return fn(std::move(call));
  });
}

absl::StatusOr<std::vector<CorpusCall>> ReadCorpusFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::vector<CorpusCall> calls;
  absl::Status s = ReadCorpus(in, path, [&calls](CorpusCall&& call) {
    calls.push_back(std::move(call));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return calls;
}

absl::Status ReadEvents(std::istream& in, const std::string& name,
                        const std::function<absl::Status(EventRecord&&)>& fn) {
  return ForEachJsonLine(in, name, [&fn](const LineErrors& err, const Json& json) {
    EventRecord record;
    if (absl::Status s = ReadEvent(err, json, &record); !s.ok()) return s;
    return fn(std::move(record));
  });
}

absl::StatusOr<std::vector<EventRecord>> ReadEventsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::vector<EventRecord> events;
  absl::Status s = ReadEvents(in, path, [&events](EventRecord&& e) {
    events.push_back(std::move(e));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return events;
}

std::string RedactedCallToJsonLine(const std::string& call_id, const v1::RedactedCall& rc,
                                   const v1::Call& original) {
  std::map<uint64_t, const v1::Chunk*> originals;
  for (const v1::Chunk& chunk : original.chunks()) originals[chunk.seq()] = &chunk;

  OrderedJson chunks = OrderedJson::array();
  for (const v1::RedactedChunk& rchunk : rc.chunks()) {
    OrderedJson c;
    c["seq"] = rchunk.seq();
    c["source"] = v1::Source_Name(rchunk.source());
    if (rchunk.speaker() != v1::SPEAKER_UNSPECIFIED) {
      c["speaker"] = v1::Speaker_Name(rchunk.speaker());
    }
    c["is_final"] = rchunk.is_final();
    c["text"] = rchunk.text();
    auto it = originals.find(rchunk.seq());
    if (it != originals.end() && it->second->words_size() > 0) {
      const v1::Chunk& orig = *it->second;
      const auto tokens = WhitespaceTokens(rchunk.text());
      if (tokens.size() == static_cast<size_t>(orig.words_size())) {
        OrderedJson words = OrderedJson::array();
        for (size_t i = 0; i < tokens.size(); ++i) {
          OrderedJson w;
          w["text"] = rchunk.text().substr(tokens[i].first,
                                           tokens[i].second - tokens[i].first);
          w["start_ms"] = orig.words(static_cast<int>(i)).start_ms();
          w["end_ms"] = orig.words(static_cast<int>(i)).end_ms();
          words.push_back(std::move(w));
        }
        c["words"] = std::move(words);
      }
    }
    chunks.push_back(std::move(c));
  }
  OrderedJson line;
  line["call_id"] = call_id;
  line["chunks"] = std::move(chunks);
  return Dump(line);
}

std::string EventToJsonLine(const v1::DetectionEvent& e) {
  OrderedJson line;
  line["call_id"] = e.call_id();
  line["type"] = v1::EntityType_Name(e.type());
  line["confidence"] = e.confidence();
  OrderedJson spans = OrderedJson::array();
  for (const v1::Span& span : e.spans()) {
    OrderedJson s;
    s["seq"] = span.seq();
    s["start"] = span.start();
    s["end"] = span.end();
    spans.push_back(std::move(s));
  }
  line["spans"] = std::move(spans);
  OrderedJson audio = OrderedJson::array();
  for (const v1::AudioRange& range : e.audio()) {
    OrderedJson a;
    a["speaker"] = v1::Speaker_Name(range.speaker());
    a["start_ms"] = range.start_ms();
    a["end_ms"] = range.end_ms();
    audio.push_back(std::move(a));
  }
  line["audio"] = std::move(audio);
  if (!e.detector().empty()) line["detector"] = e.detector();
  line["confirmed"] = e.confirmed();
  // `callredact mute` reads it: false means the policy keeps this audio.
  line["mute_audio"] = e.mute_audio();
  if (!e.pseudonym().empty()) line["pseudonym"] = e.pseudonym();
  if (!e.key_id().empty()) line["key_id"] = e.key_id();
  return Dump(line);
}

EventRecord EventToRecord(const v1::DetectionEvent& e) {
  EventRecord r;
  r.call_id = e.call_id();
  r.type = v1::EntityType_Name(e.type());
  r.confidence = e.confidence();
  for (const v1::Span& span : e.spans()) {
    r.spans.push_back({span.seq(), span.start(), span.end()});
  }
  for (const v1::AudioRange& range : e.audio()) {
    r.audio.push_back({v1::Speaker_Name(range.speaker()), range.start_ms(), range.end_ms()});
  }
  r.detector = e.detector();
  r.confirmed = e.confirmed();
  return r;
}

}  // namespace callredact
