// `callredact bench-stream`: a streaming load generator (BENCHMARKS.md). Replays N
// concurrent calls at real-time pace through a real server on loopback with the gRPC
// callback client API (one reactor per call, one scheduler thread, no thread per call)
// and reports server-added latency per chunk, server CPU per chunk and resident memory
// per stream.
//
//   callredact bench-stream --spawn --calls 2000 --duration 20
//   callredact bench-stream --target 127.0.0.1:50051 --server-pid 1234 --calls 500
//   callredact bench-stream --spawn --search --calls 500 --duration 15
//
// Latency: from the client's StartWrite of a chunk to the receipt of its RedactedChunk.
// A chunk released on arrival is measured so; a held chunk (its tail may still grow
// into an entity) comes back only at the speaker's next chunk or a turn of the other
// speaker, so it is reported apart: its hold time, and its release latency (receipt
// minus the write of the chunk that released it). Chunks released by hold expiry
// (provisional) and at the end of a stream are counted apart too.
//
// --spawn forks a child process running the server on 127.0.0.1:<free port> (so the
// CPU and memory figures are the server's alone, from /proc/<pid>); --target uses a
// running server (CPU and memory only with --server-pid). Never prints chunk text.
#ifndef CALLREDACT_TOOLS_BENCH_STREAM_H_
#define CALLREDACT_TOOLS_BENCH_STREAM_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace callredact {

struct BenchStreamOptions {
  std::string target;            // --target HOST:PORT
  bool spawn = false;            // --spawn: fork a server process
  int server_pid = 0;            // --server-pid PID: CPU/RSS of a --target server
  int calls = 100;               // --calls N: concurrent calls
  double duration_s = 10;        // --duration S: measured seconds (after the ramp)
  double ramp_s = 2;             // --ramp S: streams open evenly over this time
  std::string corpus_file;       // --corpus FILE (default tests/data/dev.jsonl)
  int channels = 4;              // --channels K: client connections
  int workers = 0;               // --workers N: redaction threads of a spawned server
  std::string policy;            // --policy NAME
  bool search = false;           // --search: largest N with p99 <= --p99-ms
  int max_calls = 16000;         // --max-calls: upper end of the search
  double p99_ms = 10;            // --p99-ms
  std::string json_file;         // --json FILE: one JSON line per run (appended)
  uint64_t seed = 1;             // --seed: phase of each call
};

absl::StatusOr<BenchStreamOptions> ParseBenchStreamFlags(const std::vector<std::string>& args);
std::string BenchStreamUsage();
// Entry point of `callredact bench-stream` (argv[0] is ignored). Exit code 0 when every
// run completed without stream errors, 1 otherwise, 2 on bad usage.
int BenchStreamMain(int argc, char** argv);

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_BENCH_STREAM_H_
