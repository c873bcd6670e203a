// `callredact redact`: transcripts in (corpus JSONL, WebVTT, SRT, plain text, AWS
// Transcribe JSON, Whisper JSON), the same format out, detection events beside them.
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "pipeline/batch.h"
#include "tools/archive_runner.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/corpus_io.h"
#include "tools/transcript_formats.h"

namespace callredact {
namespace {

constexpr char kUsage[] =
    "usage: callredact redact [--format auto|corpus|vtt|srt|text|aws|whisper] [--policy NAME]\n"
    "                         [--events FILE] [--output FILE] [--models DIR]\n"
    "                         [--policies FILE] [--keys FILE] [FILE...]\n"
    "       callredact redact --input-dir DIR --output-dir DIR [--jobs N] [--shard I/N]\n"
    "  Redacts transcripts read from the files (or stdin: plain text unless --format says\n"
    "  otherwise). Corpus JSONL (../shared/corpus/FORMAT.md) gives one redacted call per\n"
    "  line; other formats are written back in their own format. --events writes the\n"
    "  detection events as JSONL. Directory runs write OUT/<file> and\n"
    "  OUT/<file>.events.jsonl atomically, skip finished files and report failures.\n";

int Fail(const absl::Status& st) {
  std::cerr << "callredact redact: " << st.message() << "\n";
  return 1;
}

// A whole corpus JSONL document: each line a call. Lines are parsed in place and the
// output lines appended to two buffers, with no per-line strings or streams.
absl::StatusOr<RedactedFile> RedactCorpusContent(std::string_view path, std::string_view content,
                                                 const RedactFn& redact) {
  RedactedFile out;
  // The output is about the input less its "entities" (a placeholder can be longer than
  // the value it replaces, so this is an estimate): reserving it avoids regrowing and
  // copying a buffer of tens of MB.
  out.transcript.reserve(content.size());
  int64_t line = 0;
  const std::string name(path);
  absl::Status st = ReadCorpusText(content, name, [&](CorpusCall&& cc) -> absl::Status {
    ++line;
    auto rc = redact(cc.call);
    if (!rc.ok()) {
      return absl::Status(rc.status().code(),
                          absl::StrCat(name, ":", line, ": call '", cc.call.config().call_id(),
                                       "': ", rc.status().message()));
    }
    AppendRedactedCallJsonLine(&out.transcript, cc.call.config().call_id(), *rc, cc.call);
    out.transcript.push_back('\n');
    AppendEventsJsonl(&out.events_jsonl, *rc);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace

int RunRedactCommand(int argc, char** argv) {
  auto args = ParseArgs(argc, argv, 2,
                        {"format", "policy", "events", "output", "models", "policies", "keys",
                         "input-dir", "output-dir", "jobs", "shard"},
                        {"help", "progress", "no-progress"});
  if (!args.ok() || args->Has("help")) {
    if (!args.ok()) std::cerr << "callredact redact: " << args.status().message() << "\n";
    std::cerr << kUsage;
    return args.ok() ? 0 : 2;
  }
  std::string format_name = args->Get("format", "auto");
  auto format = ParseFormatName(format_name);
  if (!format.ok()) {
    std::cerr << "callredact redact: --format: unknown format '" << format_name << "'\n"
              << kUsage;
    return 2;
  }
  auto engine = LoadEngine(*args);
  if (!engine.ok()) return Fail(engine.status());
  auto policies = LoadPolicies(*args);
  if (!policies.ok()) return Fail(policies.status());
  auto policy = policies->Find(args->Get("policy", "default"));
  if (!policy) {
    return Fail(absl::NotFoundError("--policy: unknown policy '" + args->Get("policy") + "'"));
  }
  RedactFn redact = [engine = *engine, policy](const v1::Call& call) {
    return RedactCall(engine, policy, call);
  };
  ArchiveOptions options;
  options.format = *format;
  options.parse.policy = policy->name();
  options.jsonl = RedactCorpusContent;

  if (args->Has("input-dir") || args->Has("output-dir")) {
    if (!args->Has("input-dir") || !args->Has("output-dir") || !args->positional.empty()) {
      std::cerr << "callredact redact: --input-dir and --output-dir go together, without FILEs\n";
      return 2;
    }
    options.input_dir = args->Get("input-dir");
    options.output_dir = args->Get("output-dir");
    uint64_t jobs = 0;
    if (absl::Status st = args->GetUint("jobs", 0, 1024, &jobs); !st.ok()) {
      std::cerr << "callredact redact: " << st.message() << "\n";
      return 2;
    }
    options.jobs = static_cast<int>(jobs);
    if (args->Has("shard")) {
      absl::Status st = ParseShard(args->Get("shard"), &options.shard_index, &options.shard_count);
      if (!st.ok()) return Fail(absl::InvalidArgumentError(absl::StrCat("--shard: ", st.message())));
    }
    if (args->Has("progress")) options.progress = 1;
    if (args->Has("no-progress")) options.progress = 0;
    auto report = RunArchive(options, redact);
    if (!report.ok()) return Fail(report.status());
    return report->failed.empty() ? 0 : 1;
  }

  std::ofstream events_file;
  if (args->Has("events")) {
    events_file.open(args->Get("events"));
    if (!events_file) return Fail(absl::NotFoundError(args->Get("events") + ": cannot write"));
  }
  std::ofstream output_file;
  std::ostream* out = &std::cout;
  if (args->Has("output")) {
    output_file.open(args->Get("output"), std::ios::binary);
    if (!output_file) return Fail(absl::NotFoundError(args->Get("output") + ": cannot write"));
    out = &output_file;
  }
  std::vector<std::string> inputs = args->positional;
  if (inputs.empty()) inputs.push_back("-");
  for (const std::string& path : inputs) {
    std::string content;
    if (path == "-") {
      absl::Status st = ReadWholeStream(std::cin, "<stdin>", &content);
      if (!st.ok()) return Fail(st);
      // Plain text from stdin unless told otherwise.
      if (options.format == TranscriptFormat::kAuto &&
          DetectFormat(content) != TranscriptFormat::kCorpusJsonl) {
        options.format = DetectFormat(content);
      }
    } else {
      std::ifstream file(path, std::ios::binary);
      if (!file) return Fail(absl::NotFoundError(path + ": cannot open"));
      if (absl::Status st = ReadWholeStream(file, path, &content); !st.ok()) return Fail(st);
    }
    const std::string name = path == "-" ? "<stdin>" : path;
    auto result = RedactFileContent(name, content, options, redact);
    if (!result.ok()) return Fail(result.status());
    *out << result->transcript;
    if (events_file.is_open()) events_file << result->events_jsonl;
  }
  out->flush();
  if (!*out) return Fail(absl::InternalError("output: write failed"));
  if (events_file.is_open()) {
    events_file.flush();
    if (!events_file) return Fail(absl::InternalError(args->Get("events") + ": write failed"));
  }
  return 0;
}

}  // namespace callredact
