// Reading and writing the transcript formats call archives hold, to and from the API's
// Call / RedactedCall: start here for `callredact redact` on files.
//
//   absl::StatusOr<ParsedTranscript> parsed = ParseTranscript(path, content, {});
//   absl::StatusOr<v1::RedactedCall> redacted = RedactCall(engine, policy, parsed->call);
//   absl::StatusOr<std::string> out = WriteTranscript(*parsed, *redacted);
//   std::string events = EventsToJsonl(*redacted);
//
// Formats: WebVTT, SRT, plain text, AWS Transcribe JSON (standard and Call Analytics),
// Whisper / WhisperX JSON. The corpus JSONL format (many calls per file) is read and
// written by corpus_io; DetectFormat() recognises it so the caller can route it there.
//
// Mapping (the same for every format):
//  - Each cue / segment / line becomes one chunk: source TRANSCRIPT, is_final true, seq
//    0, 1, 2 ... in file order.
//  - The chunk text is exactly the text the format holds for it (a cue's payload lines
//    joined by "\n", a Whisper segment's "text" including its leading space, ...), minus a
//    recognised speaker prefix or voice tag, so event byte offsets point into it.
//  - Words: the format's word timings when it has them (Whisper "words", AWS items),
//    aligned one per whitespace-separated token of the chunk text; otherwise the cue's
//    time spread evenly over its tokens; no words when there is no timing (plain text).
//  - Speakers: a label naming the role ("agent"; "customer", "caller", "client"; any
//    case) maps to it; ParseOptions::speaker_labels overrides; other labels map by first
//    appearance: the first to AGENT, the second to CUSTOMER, any later ones to CUSTOMER.
//    Chunks without a label get ParseOptions::default_speaker.
//  - Only recognised speaker labels are taken out of the text as a prefix: role words,
//    "Speaker 1", "spk_0", "SPEAKER_00", "ch_0" ("AGENT: ...", "<v Speaker 2>").
//    Anything else ("Thandi: ...") stays in the chunk text, so it is redacted like all
//    text. A WebVTT voice or Whisper speaker name that is not a recognised label is
//    written back as the role it maps to ("Agent", "Customer"), never verbatim.
//
// Writing keeps the input format and structure: every timing line, cue id and JSON field
// stays, each chunk's text is replaced by its redacted text. Where a format also holds
// the words separately (Whisper "words", AWS items) every word that an event span touches
// or that does not survive unchanged in the redacted text is replaced by the entity's
// label ("[ZA_ID_NUMBER]", or "[REDACTED]"), keeping its timing. Fields that would
// otherwise repeat the text are rebuilt (Whisper's top-level "text", AWS "transcripts")
// or dropped (Whisper token ids, AWS alternatives after the first, WebVTT NOTE blocks),
// so no copy of a redacted value survives anywhere in the output (fail closed).
//
// Errors are INVALID_ARGUMENT "path:line: what is wrong" and never contain transcript
// text. All functions are thread-safe (no shared state).
#ifndef CALLREDACT_TOOLS_TRANSCRIPT_FORMATS_H_
#define CALLREDACT_TOOLS_TRANSCRIPT_FORMATS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "callredact/v1/redactor.pb.h"

namespace callredact {

namespace v1 = ::callredact::v1;

enum class TranscriptFormat {
  kAuto,         // Detect from the content (ParseTranscript only).
  kCorpusJsonl,  // The corpus format of FORMAT.md; handled by corpus_io.
  kWebVtt,
  kSrt,
  kPlainText,
  kAwsTranscribe,  // AWS Transcribe job output, or Transcribe Call Analytics output.
  kWhisperJson,    // OpenAI Whisper / WhisperX / faster-whisper JSON.
};

// "jsonl", "vtt", "srt", "text", "aws", "whisper" (and "auto").
std::string_view FormatName(TranscriptFormat format);
// Accepts the names above plus "webvtt", "txt", "corpus", "aws-transcribe".
absl::StatusOr<TranscriptFormat> ParseFormatName(std::string_view name);

// Detects the format from the content: "WEBVTT" header; a first block of a number line
// and a "-->" timing line (SRT); JSON with "results" or "Transcript" (AWS), "segments"
// (Whisper), or lines of objects with "chunks" (corpus JSONL); otherwise plain text.
TranscriptFormat DetectFormat(std::string_view content);

struct ParseOptions {
  // The call id of the Call; empty: the file name without directory and extension.
  std::string call_id;
  // The policy name put into CallConfig.policy ("" = the server default).
  std::string policy;
  // Explicit label -> speaker mappings (exact label as in the file: "spk_1", "ch_0",
  // "Speaker 2"); they take precedence over the role words and the first-seen rule.
  std::map<std::string, v1::Speaker> speaker_labels;
  // Speaker of chunks that carry no label.
  v1::Speaker default_speaker = v1::CUSTOMER;
};

// A parsed file: the Call to redact plus what is needed to write it back.
struct ParsedTranscript {
  TranscriptFormat format = TranscriptFormat::kAuto;
  std::string path;  // For error messages.
  v1::Call call;
  // Per chunk (same index as call.chunks): how to write its redacted text back.
  struct ItemRef {
    int array = -1;    // Which word list of the JSON document (see the .cc per format).
    size_t index = 0;  // Index in that list.
    int token = -1;    // Whitespace-separated token of the chunk text it is part of.
  };
  struct ChunkSource {
    std::string prefix;          // Written before the redacted text ("AGENT: ", "<v Agent>").
    std::string suffix;          // Written after it ("</v>").
    std::string label;           // The speaker label as found ("" if none).
    size_t segment = 0;          // JSON formats: index of the segment the chunk came from.
    std::vector<ItemRef> words;  // JSON formats: the format's words of this chunk.
  };
  std::vector<ChunkSource> sources;
  // Text formats: the output is the concatenation of these pieces; a piece with
  // chunk >= 0 stands for that chunk's prefix + redacted text + suffix.
  struct Piece {
    std::string literal;
    int chunk = -1;
  };
  std::vector<Piece> layout;
  // JSON formats: the document, re-parsed on write (kept as text so this header does
  // not depend on nlohmann_json), and whether it was indented.
  std::string json;
  bool json_indented = false;
};

// Parses `content` (the bytes of the file at `path`; the path is only used in errors and
// for the default call id). `format` kAuto detects it. kCorpusJsonl is UNIMPLEMENTED here
// (use corpus_io). Bad input: INVALID_ARGUMENT "path:line: ...", without transcript text.
absl::StatusOr<ParsedTranscript> ParseTranscript(std::string_view path, std::string_view content,
                                                 const ParseOptions& options,
                                                 TranscriptFormat format = TranscriptFormat::kAuto);

// Writes `redacted` (the redaction of parsed.call: one RedactedChunk per chunk, same seq)
// back in the format and structure of the parsed file. Fails (INVALID_ARGUMENT) when the
// redacted call does not answer the parsed call chunk for chunk.
absl::StatusOr<std::string> WriteTranscript(const ParsedTranscript& parsed,
                                            const v1::RedactedCall& redacted);

// Every event of every chunk of `redacted`, one line each, in chunk order.
std::string EventsToJsonl(const v1::RedactedCall& redacted);
// The same, appended to `*out`.
void AppendEventsJsonl(std::string* out, const v1::RedactedCall& redacted);

// "AGENT" / "CUSTOMER" / "" and back (case-insensitive; SPEAKER_UNSPECIFIED if unknown).
std::string_view SpeakerName(v1::Speaker speaker);
v1::Speaker SpeakerFromName(std::string_view name);

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_TRANSCRIPT_FORMATS_H_
