// `callredact replay`: streams the calls of a corpus through a running server's
// RedactStream the way a speech-to-text system would, and writes the redacted calls and
// detection events in the formats of `callredact redact` (tools/corpus_io.h).
//
//   callredact replay --target 127.0.0.1:50051 --pace realtime --concurrency 8
//       --events events.jsonl tests/data/dev.jsonl > redacted.jsonl
//
// The gRPC part (StreamCall, ReplayCalls) works on v1::Call and knows nothing of files.
#ifndef CALLREDACT_TOOLS_REPLAY_H_
#define CALLREDACT_TOOLS_REPLAY_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callredact/v1/redactor.grpc.pb.h"

namespace callredact {

namespace v1 = ::callredact::v1;

enum class ReplayPace {
  kFast,      // Each chunk as soon as the previous one is written.
  kRealtime,  // Each chunk when its last word ends, relative to the start of the call.
};

struct ReplayOptions {
  std::string target;                  // --target HOST:PORT
  ReplayPace pace = ReplayPace::kFast; // --pace realtime|fast
  int concurrency = 1;                 // --concurrency N: calls streamed at once
  std::string events_file;             // --events FILE: detection events (JSONL)
  std::string policy;                  // --policy NAME: overrides each call's policy
  std::string tls_ca_file;             // --tls-ca PEM: connect with TLS
  std::string corpus_file;             // CORPUS.jsonl ("-": stdin)
  std::string output_file;             // --output FILE; empty: stdout
};

// Streams one call: its config (with `policy_override` when non-empty), then its chunks
// in order, paced as asked, while reading the responses. The result has exactly one
// RedactedChunk per input chunk, in input order; the stream's status when not OK, or
// INTERNAL when the server broke the one-chunk-per-chunk contract.
absl::StatusOr<v1::RedactedCall> StreamCall(v1::Redactor::StubInterface* stub,
                                            const v1::Call& call, ReplayPace pace,
                                            const std::string& policy_override);

// Streams `calls` over one channel with up to `concurrency` calls at a time; result i
// belongs to calls[i].
std::vector<absl::StatusOr<v1::RedactedCall>> ReplayCalls(
    std::shared_ptr<grpc::Channel> channel, const std::vector<v1::Call>& calls,
    ReplayPace pace, int concurrency, const std::string& policy_override);

// Parses the flags of `callredact replay` (args excludes the program and subcommand).
absl::StatusOr<ReplayOptions> ParseReplayFlags(const std::vector<std::string>& args);
std::string ReplayUsage();

// Runs a replay; returns the exit code: 0 when every call streamed OK, 1 when some call
// failed (its error goes to stderr, its output is left out), 2 on bad flags or input.
int RunReplay(const ReplayOptions& options);
// Entry point of `callredact replay`: argv[0] is ignored (program or "replay").
int ReplayMain(int argc, char** argv);

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_REPLAY_H_
