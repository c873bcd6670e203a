// Reading and writing the labelled call corpus and detection events, one JSON object per
// line, in the format of tests/data/FORMAT.md.
//
//   absl::StatusOr<std::vector<CorpusCall>> corpus = ReadCorpusFile("tests/data/dev.jsonl");
//   std::string line = EventToJsonLine(event);   // for `callredact eval` input files
//
// Every reader error is INVALID_ARGUMENT with the message "<name>:<line>: <what is wrong,
// naming the field>". Error messages never contain chunk text, word text or any other
// value read from the input (DESIGN.md, invariant 5): only field names, indexes and
// numbers.
#ifndef CALLREDACT_TOOLS_CORPUS_IO_H_
#define CALLREDACT_TOOLS_CORPUS_IO_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "callredact/v1/redactor.pb.h"

namespace callredact {

namespace v1 = ::callredact::v1;

// A byte range [start, end) of the text of chunk `seq` (UTF-8 byte offsets).
struct GoldPart {
  uint64_t seq = 0;
  uint32_t start = 0;
  uint32_t end = 0;
};

// One labelled entity of a corpus call.
struct GoldEntity {
  // An EntityType enum name (e.g. "ZA_ID_NUMBER") or "IGNORE".
  std::string type;
  // At least one part; parts may lie in several chunks.
  std::vector<GoldPart> parts;
  // True for entities on interim hypotheses (is_final false); not scored.
  bool interim = false;
};

// One line of a corpus file.
struct CorpusCall {
  // config().call_id() is the call id; chunks in file order. SCREEN chunks have speaker
  // SPEAKER_UNSPECIFIED.
  v1::Call call;
  std::vector<GoldEntity> entities;
};

// One line of an events file (the FORMAT.md detection-event schema).
struct EventRecord {
  struct Audio {
    std::string speaker;  // "AGENT" or "CUSTOMER".
    int64_t start_ms = 0;
    int64_t end_ms = 0;   // >= start_ms.
  };
  std::string call_id;
  std::string type;       // An EntityType enum name other than ENTITY_TYPE_UNSPECIFIED.
  double confidence = 0;  // 0..1.
  std::vector<GoldPart> spans;  // start <= end.
  std::vector<Audio> audio;     // Empty when the line has no "audio".
  // Optional extra fields of the line ("" and true when absent).
  std::string detector;
  bool confirmed = true;
  // "<name>:<line>" of the line the record came from, for errors found later (e.g. by
  // Evaluate). Empty for records built in code.
  std::string origin;
};

// Reads a corpus (JSON lines) from `in`, calling `fn` with each call in order; `name`
// (usually the file name) prefixes error messages. Empty lines are skipped. Validates:
// field presence and types, source (TRANSCRIPT/SCREEN), speaker (AGENT/CUSTOMER on
// TRANSCRIPT chunks, absent on SCREEN), seq strictly increasing, words (when present:
// one per whitespace-separated token of text, 0 <= start_ms <= end_ms), entity types
// (EntityType names or IGNORE), and parts (known seq, start < end <= text size, both on
// UTF-8 character boundaries). Stops at the first error, or at the first non-OK status
// returned by `fn`, and returns it.
absl::Status ReadCorpus(std::istream& in, const std::string& name,
                        const std::function<absl::Status(CorpusCall&&)>& fn);

// ReadCorpus over a whole document in memory (e.g. read with ReadWholeStream), without
// copying it line by line.
absl::Status ReadCorpusText(std::string_view text, const std::string& name,
                            const std::function<absl::Status(CorpusCall&&)>& fn);

// Reads a whole corpus file; NOT_FOUND when it cannot be opened.
absl::StatusOr<std::vector<CorpusCall>> ReadCorpusFile(const std::string& path);

// One corpus-format JSON line (no trailing newline) for the redacted form of `original`:
// call_id, and per redacted chunk its seq, source, speaker (omitted for SCREEN),
// is_final, the redacted text and words. Words carry the original chunk's timings with
// the text of the redacted text's whitespace-separated tokens; when the redacted text
// has a different number of tokens than the original has words (or the original chunk
// has no words), "words" is omitted. The original text is never written. No "entities".
std::string RedactedCallToJsonLine(const std::string& call_id, const v1::RedactedCall& rc,
                                   const v1::Call& original);
// The same, appended to `*out` (no newline): batch runs write a whole file's lines into
// one buffer.
void AppendRedactedCallJsonLine(std::string* out, const std::string& call_id,
                                const v1::RedactedCall& rc, const v1::Call& original);

// One events-file JSON line (no trailing newline) for `e`, with the FORMAT.md fields in
// order: call_id, type (EntityType name), confidence, spans [{seq,start,end}], audio
// [{speaker,start_ms,end_ms}]; then "detector" (when non-empty), "confirmed",
// "mute_audio", and "pseudonym" and "key_id" (each only when non-empty).
std::string EventToJsonLine(const v1::DetectionEvent& e);
// The same, appended to `*out` (no newline).
void AppendEventJsonLine(std::string* out, const v1::DetectionEvent& e);

// Reads an events file (JSON lines) from `in`, calling `fn` with each record in order.
// Requires call_id (non-empty string), type (EntityType name), confidence (number in
// 0..1) and spans (array of {seq,start,end} with start <= end < 2^32); "audio" is
// optional (array of {speaker,start_ms,end_ms} with AGENT/CUSTOMER, start_ms <= end_ms);
// "detector" (string) and "confirmed" (bool) are checked when present; other fields are
// ignored. Errors as ReadCorpus; empty lines are skipped.
absl::Status ReadEvents(std::istream& in, const std::string& name,
                        const std::function<absl::Status(EventRecord&&)>& fn);

// Reads a whole events file; NOT_FOUND when it cannot be opened.
absl::StatusOr<std::vector<EventRecord>> ReadEventsFile(const std::string& path);

// The record ReadEvents would give for EventToJsonLine(e), without the round trip
// (origin empty; an unset audio speaker becomes "SPEAKER_UNSPECIFIED").
EventRecord EventToRecord(const v1::DetectionEvent& e);

// Byte ranges [first, second) of the tokens of `text` separated by runs of ASCII
// whitespace (space, tab, newline, carriage return, form feed, vertical tab): the
// tokens that a chunk's `words` correspond to, one for one.
std::vector<std::pair<uint32_t, uint32_t>> WhitespaceTokens(absl::string_view text);

// WhitespaceTokens(text).size(), without building the vector.
size_t CountWhitespaceTokens(absl::string_view text);

// Reads the rest of `in` into `*out`: one read of the known size for files, blocks for
// pipes. DATA_LOSS naming `name` on a read error.
absl::Status ReadWholeStream(std::istream& in, const std::string& name, std::string* out);

// True for the ASCII whitespace characters WhitespaceTokens splits on.
inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_CORPUS_IO_H_
