// `callredact redact --input-dir DIR --output-dir DIR`: redacts a tree of transcript files
// with all cores.
//
//   ArchiveOptions opts;
//   opts.input_dir = "/archive/2024";
//   opts.output_dir = "/redacted/2024";
//   RedactFn redact = [&](const v1::Call& call) { return RedactCall(engine, policy, call); };
//   absl::StatusOr<ArchiveReport> report = RunArchive(opts, redact);
//
// For every transcript file IN/rel (by extension, see ArchiveOptions::extensions) it writes
// OUT/rel in the same format and OUT/rel.events.jsonl. Each output is written to a
// temporary file in the same directory, fsynced and renamed, so a file exists only when
// complete; the events file is written first and the transcript last, so an existing
// transcript output marks the file done. A later run skips done files: after a crash or
// kill it resumes where it stopped (stale "*.tmp-*" files of an interrupted write may be
// left behind and can be deleted).
//
// A file that fails (bad input, redaction error, an exception) is reported and the rest go
// on; RunArchive returns the report, and the status is OK even when files failed (exit code
// 1 is the caller's: ArchiveReport::failed non-empty). Only a problem with the run itself
// (unreadable input directory, bad shard) is an error status.
//
// Sharding: with shard_count N, a file belongs to shard FNV-1a-64(relative path) mod N, so
// N machines given shards 0..N-1 of the same tree process every file exactly once.
//
// Thread-safety: RedactFn is called from several threads at once (jobs), and must be safe
// for that. Messages never contain transcript text.
#ifndef CALLREDACT_TOOLS_ARCHIVE_RUNNER_H_
#define CALLREDACT_TOOLS_ARCHIVE_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "callredact/v1/redactor.pb.h"
#include "tools/transcript_formats.h"

namespace callredact {

// Redacts one call: RedactCall() in the command, a fake in tests.
using RedactFn = std::function<absl::StatusOr<v1::RedactedCall>(const v1::Call&)>;

// The two outputs of one file.
struct RedactedFile {
  std::string transcript;    // The redacted file, in its input format.
  std::string events_jsonl;  // Its detection events, one JSON object per line.
};

// Redacts a whole file of the corpus JSONL format (many calls); corpus_io provides it.
using JsonlRedactFn = std::function<absl::StatusOr<RedactedFile>(
    std::string_view path, std::string_view content, const RedactFn& redact)>;

struct ArchiveOptions {
  std::string input_dir;
  std::string output_dir;  // Must not be inside input_dir (or be it).
  // Worker threads; 0: one per core.
  int jobs = 0;
  // Process only the files of shard shard_index of shard_count (see above).
  uint32_t shard_index = 0;
  uint32_t shard_count = 1;
  // kAuto: detect each file's format from its content.
  TranscriptFormat format = TranscriptFormat::kAuto;
  // Speaker mapping, policy (call_id is each file's name without extension).
  ParseOptions parse;
  // File name endings that are transcripts (compared case-insensitively).
  std::vector<std::string> extensions = {".vtt", ".srt", ".txt", ".json", ".jsonl"};
  // Appended to the output path of a file for its events.
  std::string events_suffix = ".events.jsonl";
  // Progress bar with rate and ETA on stderr: -1 when stderr is a terminal, 0 never,
  // 1 always.
  int progress = -1;
  // Redacts corpus JSONL files; unset: they fail with a message saying so.
  JsonlRedactFn jsonl;
};

struct ArchiveReport {
  size_t total = 0;      // Transcript files in this shard.
  size_t skipped = 0;    // Already complete from an earlier run.
  size_t processed = 0;  // Redacted and written by this run.
  struct Failure {
    std::string path;     // Relative to input_dir.
    std::string message;  // Never contains transcript text.
  };
  std::vector<Failure> failed;  // Sorted by path.
};

// Redacts one file's content (any format but corpus JSONL without options.jsonl).
absl::StatusOr<RedactedFile> RedactFileContent(std::string_view path, std::string_view content,
                                               const ArchiveOptions& options,
                                               const RedactFn& redact);

// FNV-1a 64 of `s`.
uint64_t Fnv1a64(std::string_view s);
// Whether relative path `rel` belongs to shard `index` of `count`.
bool InShard(std::string_view rel, uint32_t index, uint32_t count);
// Parses "I/N" (0 <= I < N).
absl::Status ParseShard(std::string_view spec, uint32_t* index, uint32_t* count);

// Writes `data` to `path` atomically: a temporary file in the same directory, fsync,
// rename, fsync of the directory. Creates missing parent directories.
absl::Status WriteFileAtomically(const std::string& path, std::string_view data);

// Runs the whole tree (see the file comment). Prints the progress bar when enabled and,
// at the end, a summary and every failed file to stderr.
absl::StatusOr<ArchiveReport> RunArchive(const ArchiveOptions& options, const RedactFn& redact);

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_ARCHIVE_RUNNER_H_
