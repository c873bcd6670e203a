#include "tools/corpus_io.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "simdjson.h"

namespace callredact {
namespace {

// Lines are parsed with simdjson's DOM (about 15x faster than nlohmann's DOM: 80 ms of
// CPU instead of 1.3 s for a 63 MB corpus, when batch runs aim at 50 MB of chunk text,
// about 650 MB of JSON, per second). nlohmann is kept for what is off the hot path: the
// byte offset of a syntax error, and serialising strings that are not valid UTF-8 and
// doubles, so that output stays byte for byte what nlohmann's dump() gave.
using Json = simdjson::dom::element;
using JsonType = simdjson::dom::element_type;
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

// The value of `key` in `obj` (an object), or nullptr when absent or null. When a key
// is repeated the last value counts, as it did with nlohmann. `*slot` holds the value
// (simdjson elements are small handles into the parser's tape).
const Json* Find(const Json& obj, const char* key, Json* slot) {
  simdjson::dom::object o;
  if (obj.get_object().get(o) != simdjson::SUCCESS) return nullptr;
  const std::string_view k(key);
  bool found = false;
  for (simdjson::dom::key_value_pair field : o) {
    if (field.key == k) {
      *slot = field.value;
      found = true;
    }
  }
  if (!found || slot->is_null()) return nullptr;
  return slot;
}

absl::Status Missing(const LineErrors& err, absl::string_view path, const char* key) {
  return err.Error(absl::StrCat(FieldPath(path, key), ": missing"));
}

absl::Status GetString(const LineErrors& err, const Json& obj, absl::string_view path,
                       const char* key, bool required, std::string* out) {
  Json slot;
  const Json* v = Find(obj, key, &slot);
  if (v == nullptr) return required ? Missing(err, path, key) : absl::OkStatus();
  std::string_view text;
  if (v->get_string().get(text) != simdjson::SUCCESS) {
    return err.Error(absl::StrCat(FieldPath(path, key), ": must be a string"));
  }
  out->assign(text.data(), text.size());
  return absl::OkStatus();
}

absl::Status GetBool(const LineErrors& err, const Json& obj, absl::string_view path,
                     const char* key, bool required, bool* out) {
  Json slot;
  const Json* v = Find(obj, key, &slot);
  if (v == nullptr) return required ? Missing(err, path, key) : absl::OkStatus();
  if (v->get_bool().get(*out) != simdjson::SUCCESS) {
    return err.Error(absl::StrCat(FieldPath(path, key), ": must be true or false"));
  }
  return absl::OkStatus();
}

// Integers: simdjson types an integer literal INT64 when it fits, else UINT64; one with
// a fraction or exponent is DOUBLE (an error for every integer field).
//
// A non-negative integer no larger than `max`.
absl::Status GetUint(const LineErrors& err, const Json& obj, absl::string_view path,
                     const char* key, uint64_t max, uint64_t* out) {
  Json slot;
  const Json* v = Find(obj, key, &slot);
  if (v == nullptr) return Missing(err, path, key);
  const JsonType type = v->type();
  if (type == JsonType::INT64 && int64_t(*v) < 0) {
    return err.Error(absl::StrCat(FieldPath(path, key), ": must not be negative"));
  }
  if (type == JsonType::INT64 || type == JsonType::UINT64) {
    const uint64_t u = type == JsonType::INT64 ? static_cast<uint64_t>(int64_t(*v)) : uint64_t(*v);
    if (u > max) {
      return err.Error(absl::StrCat(FieldPath(path, key), ": must be at most ", max));
    }
    *out = u;
    return absl::OkStatus();
  }
  return err.Error(absl::StrCat(FieldPath(path, key), ": must be an integer"));
}

absl::Status GetInt64(const LineErrors& err, const Json& obj, absl::string_view path,
                      const char* key, int64_t* out) {
  Json slot;
  const Json* v = Find(obj, key, &slot);
  if (v == nullptr) return Missing(err, path, key);
  const JsonType type = v->type();
  if (type == JsonType::UINT64) {  // Above INT64_MAX.
    return err.Error(absl::StrCat(FieldPath(path, key), ": out of range"));
  }
  if (type == JsonType::INT64) {
    *out = int64_t(*v);
    return absl::OkStatus();
  }
  return err.Error(absl::StrCat(FieldPath(path, key), ": must be an integer"));
}

// Sets `*out` to the array. `*present` (optional arrays) tells whether it is there: a
// default-constructed dom::array must not be iterated.
absl::Status GetArray(const LineErrors& err, const Json& obj, absl::string_view path,
                      const char* key, bool required, simdjson::dom::array* out,
                      bool* present = nullptr) {
  Json slot;
  const Json* v = Find(obj, key, &slot);
  if (present != nullptr) *present = v != nullptr;
  *out = simdjson::dom::array();
  if (v == nullptr) return required ? Missing(err, path, key) : absl::OkStatus();
  if (v->get_array().get(*out) != simdjson::SUCCESS) {
    return err.Error(absl::StrCat(FieldPath(path, key), ": must be an array"));
  }
  return absl::OkStatus();
}

absl::Status CheckObject(const LineErrors& err, const Json& v, absl::string_view path) {
  if (v.type() == JsonType::OBJECT) return absl::OkStatus();
  return err.Error(absl::StrCat(path.empty() ? "line" : path, ": must be a JSON object"));
}

// Parses lines with one simdjson parser, whose buffers grow to the longest line and
// are reused. A parsed line's elements are valid until the next Parse().
class LineParser {
 public:
  absl::Status Parse(const LineErrors& err, absl::string_view line, Json* out) {
    // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse a padded copy.
    if (buffer_.size() < line.size() + simdjson::SIMDJSON_PADDING) {
      buffer_.resize(line.size() + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(buffer_.data(), line.data(), line.size());
    const simdjson::error_code code = parser_.parse(buffer_.data(), line.size(), false).get(*out);
    if (code != simdjson::SUCCESS) return SyntaxError(err, line, code);
    return CheckObject(err, *out, "");
  }

 private:
  // The error of a line simdjson rejects. The message keeps the "invalid JSON at byte N"
  // of the nlohmann reader (whose own messages quote the input, so only its byte offset
  // is used); a line only nlohmann accepts (e.g. an integer beyond 64 bits, nesting
  // deeper than 1024) gets simdjson's message, a fixed text that quotes nothing.
  static absl::Status SyntaxError(const LineErrors& err, absl::string_view line,
                                  simdjson::error_code code) {
    try {
      nlohmann::json ignored = nlohmann::json::parse(line.begin(), line.end());
    } catch (const nlohmann::json::parse_error& e) {
      return err.Error(absl::StrCat("invalid JSON at byte ", e.byte));
    } catch (const nlohmann::json::exception&) {
    }
    return err.Error(absl::StrCat("invalid JSON: ", simdjson::error_message(code)));
  }

  simdjson::dom::parser parser_;
  std::vector<char> buffer_;
};

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

// Adds word `w` to `chunk` if it is well formed: an object with a string "text" and
// integers 0 <= "start_ms" <= "end_ms" (last value of a repeated key, as Find). Returns
// false, adding nothing, for anything else: ReadChunk's checked path then reports it. This
// is the checked path without building the word's path for messages, an allocation per
// word of which a large corpus has millions.
bool ReadWellFormedWord(const Json& w, v1::Chunk* chunk) {
  simdjson::dom::object o;
  if (w.get_object().get(o) != simdjson::SUCCESS) return false;
  std::string_view text;
  int64_t start_ms = 0, end_ms = 0;
  bool has_text = false, has_start = false, has_end = false;
  for (simdjson::dom::key_value_pair field : o) {
    if (field.key == "text") {
      has_text = field.value.get_string().get(text) == simdjson::SUCCESS;
    } else if (field.key == "start_ms") {
      has_start = field.value.get_int64().get(start_ms) == simdjson::SUCCESS;
    } else if (field.key == "end_ms") {
      has_end = field.value.get_int64().get(end_ms) == simdjson::SUCCESS;
    }
  }
  if (!has_text || !has_start || !has_end || start_ms < 0 || end_ms < start_ms) return false;
  v1::Word* word = chunk->add_words();
  word->set_text(text.data(), text.size());
  word->set_start_ms(start_ms);
  word->set_end_ms(end_ms);
  return true;
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
    Json slot;
    if (Find(v, "speaker", &slot) != nullptr) {
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

  simdjson::dom::array words;
  bool has_words = false;
  if (absl::Status s = GetArray(err, v, path, "words", false, &words, &has_words); !s.ok()) {
    return s;
  }
  if (has_words) {
    size_t i = 0;
    for (const Json w : words) {
      if (ReadWellFormedWord(w, chunk)) {
        ++i;
        continue;
      }
      const std::string wpath = absl::StrCat(path, ".words[", i++, "]");
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
    const size_t tokens = CountWhitespaceTokens(chunk->text());
    if (static_cast<size_t>(chunk->words_size()) != tokens) {
      return err.Error(absl::StrCat(path, ".words: ", chunk->words_size(),
                                    " entries for ", tokens, " tokens of text"));
    }
  }
  return absl::OkStatus();
}

// The chunk of `call` with seq `seq`, or nullptr; the call's seqs are increasing.
const v1::Chunk* FindChunk(const v1::Call& call, uint64_t seq) {
  auto it = std::lower_bound(call.chunks().begin(), call.chunks().end(), seq,
                             [](const v1::Chunk& c, uint64_t s) { return c.seq() < s; });
  return it != call.chunks().end() && it->seq() == seq ? &*it : nullptr;
}

absl::Status ReadEntity(const LineErrors& err, const Json& v, const std::string& path,
                        const v1::Call& call, GoldEntity* entity) {
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
  simdjson::dom::array parts;
  if (absl::Status s = GetArray(err, v, path, "parts", true, &parts); !s.ok()) return s;
  if (parts.begin() == parts.end()) {
    return err.Error(absl::StrCat(path, ".parts: must not be empty"));
  }
  size_t i = 0;
  for (const Json p : parts) {
    const std::string ppath = absl::StrCat(path, ".parts[", i++, "]");
    GoldPart part;
    if (absl::Status s = ReadSpan(err, p, ppath, &part); !s.ok()) return s;
    const v1::Chunk* chunk = FindChunk(call, part.seq);
    if (chunk == nullptr) {
      return err.Error(absl::StrCat(ppath, ".seq: no chunk with seq ", part.seq));
    }
    const std::string& text = chunk->text();
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
  simdjson::dom::array chunks;
  if (absl::Status s = GetArray(err, v, "", "chunks", true, &chunks); !s.ok()) return s;
  int i = 0;
  for (const Json c : chunks) {
    const std::string path = absl::StrCat("chunks[", i, "]");
    v1::Chunk* chunk = out->call.add_chunks();
    if (absl::Status s = ReadChunk(err, c, path, chunk); !s.ok()) return s;
    if (i > 0 && chunk->seq() <= out->call.chunks(i - 1).seq()) {
      return err.Error(absl::StrCat(path, ".seq: ", chunk->seq(),
                                    " is not greater than the previous chunk's ",
                                    out->call.chunks(i - 1).seq()));
    }
    ++i;
  }

  simdjson::dom::array entities;
  bool has_entities = false;
  if (absl::Status s = GetArray(err, v, "", "entities", false, &entities, &has_entities); !s.ok()) {
    return s;
  }
  if (has_entities) {
    size_t k = 0;
    for (const Json e : entities) {
      GoldEntity entity;
      if (absl::Status s =
              ReadEntity(err, e, absl::StrCat("entities[", k++, "]"), out->call, &entity);
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
  Json slot;
  const Json* confidence = Find(v, "confidence", &slot);
  if (confidence == nullptr) return Missing(err, "", "confidence");
  switch (confidence->type()) {
    case JsonType::INT64:
      out->confidence = static_cast<double>(int64_t(*confidence));
      break;
    case JsonType::UINT64:
      out->confidence = static_cast<double>(uint64_t(*confidence));
      break;
    case JsonType::DOUBLE:
      out->confidence = double(*confidence);
      break;
    default:
      return err.Error("confidence: must be a number");
  }
  if (!(out->confidence >= 0 && out->confidence <= 1)) {
    return err.Error("confidence: must be between 0 and 1");
  }
  simdjson::dom::array spans;
  if (absl::Status s = GetArray(err, v, "", "spans", true, &spans); !s.ok()) return s;
  size_t i = 0;
  for (const Json sp : spans) {
    GoldPart span;
    if (absl::Status s = ReadSpan(err, sp, absl::StrCat("spans[", i++, "]"), &span); !s.ok()) {
      return s;
    }
    out->spans.push_back(span);
  }
  simdjson::dom::array audio;
  bool has_audio = false;
  if (absl::Status s = GetArray(err, v, "", "audio", false, &audio, &has_audio); !s.ok()) {
    return s;
  }
  if (has_audio) {
    size_t i = 0;
    for (const Json a : audio) {
      const std::string path = absl::StrCat("audio[", i++, "]");
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

using LineFn = std::function<absl::Status(const LineErrors&, const Json&)>;

// Parses line number `number` of `name` (without its '\n') and calls `fn` with it,
// unless the line is blank. A trailing '\r' is dropped.
absl::Status HandleLine(LineParser& parser, const std::string& name, int64_t number,
                        absl::string_view line, const LineFn& fn) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  bool blank = true;
  for (char c : line) {
    if (!IsAsciiSpace(c)) {
      blank = false;
      break;
    }
  }
  if (blank) return absl::OkStatus();
  LineErrors err(name, number);
  Json json;
  if (absl::Status s = parser.Parse(err, line, &json); !s.ok()) return s;
  return fn(err, json);
}

// Calls `fn(errors, json)` for every non-blank line of `in`.
absl::Status ForEachJsonLine(std::istream& in, const std::string& name, const LineFn& fn) {
  LineParser parser;
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) {
    if (absl::Status s = HandleLine(parser, name, ++number, line, fn); !s.ok()) return s;
  }
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat(name, ":", number + 1, ": read error"));
  }
  return absl::OkStatus();
}

// The same over text in memory, without copying it into lines.
absl::Status ForEachJsonLine(absl::string_view text, const std::string& name, const LineFn& fn) {
  LineParser parser;
  int64_t number = 0;
  while (!text.empty()) {
    const void* nl = std::memchr(text.data(), '\n', text.size());
    const size_t len =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    if (absl::Status s = HandleLine(parser, name, ++number, text.substr(0, len), fn); !s.ok()) {
      return s;
    }
    text.remove_prefix(nl ? len + 1 : len);
  }
  return absl::OkStatus();
}

absl::Status ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  return ReadWholeStream(in, path, out);
}

// JSON writing. The writers append to a string instead of building an nlohmann DOM (the
// DOM was ~10% of a batch run), and must give exactly the bytes of
// ordered_json::dump(-1, ' ', false, error_handler_t::replace): no spaces, keys in the
// order written, strings escaped as below.

// Appends `text` as a JSON string. For valid UTF-8 (every string in practice) nlohmann
// escapes '"', '\\' and the control characters below 0x20 (\b \t \n \f \r by name,
// the rest as \u00xx in lower case) and copies every other byte. Invalid UTF-8 is
// handed to nlohmann itself, whose U+FFFD replacement rules are not worth copying.
void AppendJsonString(std::string* out, absl::string_view text) {
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    out->append(
        OrderedJson(std::string(text)).dump(-1, ' ', false, OrderedJson::error_handler_t::replace));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // Start of the bytes not yet copied.
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\r':
        out->append("\\r");
        break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(esc, sizeof(esc));
      }
    }
  }
  out->append(text.data() + run, text.size() - run);
  out->push_back('"');
}

// Appends `value` as nlohmann writes a double ("0.95", "1.0", "null" for NaN). Its
// shortest round-trip formatting is nlohmann's own, so it is asked, with the last
// result remembered: a run writes few distinct confidences.
void AppendJsonDouble(std::string* out, double value) {
  thread_local uint64_t last_bits = 0;
  thread_local std::string last_text;
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  if (last_text.empty() || bits != last_bits) {
    last_text = OrderedJson(value).dump();
    last_bits = bits;
  }
  out->append(last_text);
}

const char* JsonBool(bool b) { return b ? "true" : "false"; }

// The chunk of `original` with seq `seq`, or nullptr; where seqs repeat, the last one
// (as the map the writer used before). `hint` is where to look first: the redacted
// chunks usually come in the original's order.
const v1::Chunk* OriginalChunk(const v1::Call& original, bool unique_seqs, int hint, uint64_t seq) {
  if (unique_seqs) {
    if (hint < original.chunks_size() && original.chunks(hint).seq() == seq) {
      return &original.chunks(hint);
    }
    for (const v1::Chunk& c : original.chunks()) {
      if (c.seq() == seq) return &c;
    }
    return nullptr;
  }
  const v1::Chunk* found = nullptr;
  for (const v1::Chunk& c : original.chunks()) {
    if (c.seq() == seq) found = &c;
  }
  return found;
}

}  // namespace

absl::Status ReadWholeStream(std::istream& in, const std::string& name, std::string* out) {
  out->clear();
  // One sized read when the stream can tell how much is left (a file), then blocks until
  // the end (a pipe, or a file that grew).
  const std::istream::pos_type here = in.tellg();
  if (here != std::istream::pos_type(-1) && in.seekg(0, std::ios::end)) {
    const std::streamoff left = in.tellg() - here;
    in.seekg(here);
    if (left > 0 && in) {
      out->resize(static_cast<size_t>(left));
      in.read(out->data(), left);
      out->resize(static_cast<size_t>(in.gcount()));
    }
  }
  in.clear(in.rdstate() & std::ios::badbit);
  char block[1 << 16];
  while (!in.bad() && in.read(block, sizeof(block)).gcount() > 0) {
    out->append(block, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat(name, ": read error"));
  return absl::OkStatus();
}

size_t CountWhitespaceTokens(absl::string_view text) {
  size_t count = 0;
  bool in_token = false;
  for (char c : text) {
    const bool space = IsAsciiSpace(c);
    if (!space && !in_token) ++count;
    in_token = !space;
  }
  return count;
}

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

namespace {

absl::Status ReadCallLine(const std::function<absl::Status(CorpusCall&&)>& fn,
                          const LineErrors& err, const Json& json) {
  CorpusCall call;
  if (absl::Status s = ReadCall(err, json, &call); !s.ok()) return s;
  return fn(std::move(call));
}

absl::Status ReadEventLine(const std::function<absl::Status(EventRecord&&)>& fn,
                           const LineErrors& err, const Json& json) {
  EventRecord record;
  if (absl::Status s = ReadEvent(err, json, &record); !s.ok()) return s;
  return fn(std::move(record));
}

}  // namespace

absl::Status ReadCorpus(std::istream& in, const std::string& name,
                        const std::function<absl::Status(CorpusCall&&)>& fn) {
  return ForEachJsonLine(in, name, [&fn](const LineErrors& err, const Json& json) {
    return ReadCallLine(fn, err, json);
  });
}

absl::Status ReadCorpusText(std::string_view text, const std::string& name,
                            const std::function<absl::Status(CorpusCall&&)>& fn) {
  return ForEachJsonLine(
      absl::string_view(text.data(), text.size()), name,
      [&fn](const LineErrors& err, const Json& json) { return ReadCallLine(fn, err, json); });
}

absl::StatusOr<std::vector<CorpusCall>> ReadCorpusFile(const std::string& path) {
  std::string text;
  if (absl::Status s = ReadWholeFile(path, &text); !s.ok()) return s;
  std::vector<CorpusCall> calls;
  absl::Status s = ReadCorpusText(text, path, [&calls](CorpusCall&& call) {
    calls.push_back(std::move(call));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return calls;
}

absl::Status ReadEvents(std::istream& in, const std::string& name,
                        const std::function<absl::Status(EventRecord&&)>& fn) {
  return ForEachJsonLine(in, name, [&fn](const LineErrors& err, const Json& json) {
    return ReadEventLine(fn, err, json);
  });
}

absl::StatusOr<std::vector<EventRecord>> ReadEventsFile(const std::string& path) {
  std::string text;
  if (absl::Status s = ReadWholeFile(path, &text); !s.ok()) return s;
  std::vector<EventRecord> events;
  absl::Status s = ForEachJsonLine(text, path, [&events](const LineErrors& err, const Json& json) {
    return ReadEventLine(
        [&events](EventRecord&& e) {
          events.push_back(std::move(e));
          return absl::OkStatus();
        },
        err, json);
  });
  if (!s.ok()) return s;
  return events;
}

void AppendRedactedCallJsonLine(std::string* out, const std::string& call_id,
                                const v1::RedactedCall& rc, const v1::Call& original) {
  bool unique_seqs = true;
  for (int i = 1; i < original.chunks_size() && unique_seqs; ++i) {
    unique_seqs = original.chunks(i).seq() > original.chunks(i - 1).seq();
  }
  out->append("{\"call_id\":");
  AppendJsonString(out, call_id);
  out->append(",\"chunks\":[");
  int index = 0;
  for (const v1::RedactedChunk& rchunk : rc.chunks()) {
    if (index > 0) out->push_back(',');
    absl::StrAppend(out, "{\"seq\":", rchunk.seq(), ",\"source\":");
    AppendJsonString(out, v1::Source_Name(rchunk.source()));
    if (rchunk.speaker() != v1::SPEAKER_UNSPECIFIED) {
      out->append(",\"speaker\":");
      AppendJsonString(out, v1::Speaker_Name(rchunk.speaker()));
    }
    absl::StrAppend(out, ",\"is_final\":", JsonBool(rchunk.is_final()), ",\"text\":");
    AppendJsonString(out, rchunk.text());
    const v1::Chunk* orig = OriginalChunk(original, unique_seqs, index, rchunk.seq());
    if (orig != nullptr && orig->words_size() > 0) {
      const auto tokens = WhitespaceTokens(rchunk.text());
      if (tokens.size() == static_cast<size_t>(orig->words_size())) {
        out->append(",\"words\":[");
        for (size_t i = 0; i < tokens.size(); ++i) {
          if (i > 0) out->push_back(',');
          out->append("{\"text\":");
          AppendJsonString(out, absl::string_view(rchunk.text())
                                    .substr(tokens[i].first, tokens[i].second - tokens[i].first));
          const v1::Word& w = orig->words(static_cast<int>(i));
          absl::StrAppend(out, ",\"start_ms\":", w.start_ms(), ",\"end_ms\":", w.end_ms(), "}");
        }
        out->push_back(']');
      }
    }
    out->push_back('}');
    ++index;
  }
  out->append("]}");
}

std::string RedactedCallToJsonLine(const std::string& call_id, const v1::RedactedCall& rc,
                                   const v1::Call& original) {
  std::string line;
  AppendRedactedCallJsonLine(&line, call_id, rc, original);
  return line;
}

void AppendEventJsonLine(std::string* out, const v1::DetectionEvent& e) {
  out->append("{\"call_id\":");
  AppendJsonString(out, e.call_id());
  out->append(",\"type\":");
  AppendJsonString(out, v1::EntityType_Name(e.type()));
  out->append(",\"confidence\":");
  AppendJsonDouble(out, e.confidence());
  out->append(",\"spans\":[");
  for (int i = 0; i < e.spans_size(); ++i) {
    const v1::Span& span = e.spans(i);
    absl::StrAppend(out, i > 0 ? "," : "", "{\"seq\":", span.seq(), ",\"start\":", span.start(),
                    ",\"end\":", span.end(), "}");
  }
  out->append("],\"audio\":[");
  for (int i = 0; i < e.audio_size(); ++i) {
    const v1::AudioRange& range = e.audio(i);
    absl::StrAppend(out, i > 0 ? "," : "", "{\"speaker\":");
    AppendJsonString(out, v1::Speaker_Name(range.speaker()));
    absl::StrAppend(out, ",\"start_ms\":", range.start_ms(), ",\"end_ms\":", range.end_ms(), "}");
  }
  out->push_back(']');
  if (!e.detector().empty()) {
    out->append(",\"detector\":");
    AppendJsonString(out, e.detector());
  }
  // `callredact mute` reads mute_audio: false means the policy keeps this audio.
  absl::StrAppend(out, ",\"confirmed\":", JsonBool(e.confirmed()),
                  ",\"mute_audio\":", JsonBool(e.mute_audio()));
  if (!e.pseudonym().empty()) {
    out->append(",\"pseudonym\":");
    AppendJsonString(out, e.pseudonym());
  }
  if (!e.key_id().empty()) {
    out->append(",\"key_id\":");
    AppendJsonString(out, e.key_id());
  }
  out->push_back('}');
}

std::string EventToJsonLine(const v1::DetectionEvent& e) {
  std::string line;
  AppendEventJsonLine(&line, e);
  return line;
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
