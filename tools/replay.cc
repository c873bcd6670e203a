#include "tools/replay.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "tools/corpus_io.h"
#include "tools/flags.h"

namespace callredact {

namespace {

using Clock = std::chrono::steady_clock;

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

// When a chunk is spoken to the end, in ms from the start of the call; -1 when unknown.
int64_t ChunkTimeMs(const v1::Chunk& chunk) {
  int64_t t = -1;
  for (const v1::Word& w : chunk.words()) t = std::max(t, w.end_ms());
  return t;
}

}  // namespace

absl::StatusOr<v1::RedactedCall> StreamCall(v1::Redactor::StubInterface* stub,
                                            const v1::Call& call, ReplayPace pace,
                                            const std::string& policy_override) {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReaderWriterInterface<v1::RedactRequest, v1::RedactResponse>>
      stream = stub->RedactStream(&context);

  std::vector<v1::RedactedChunk> received;
  std::thread reader([&] {
    v1::RedactResponse response;
    while (stream->Read(&response)) received.push_back(std::move(*response.mutable_chunk()));
  });

  v1::RedactRequest request;
  *request.mutable_config() = call.config();
  if (!policy_override.empty()) request.mutable_config()->set_policy(policy_override);
  bool writing = stream->Write(request);
  const Clock::time_point start = Clock::now();
  int64_t last_ms = 0;
  for (int i = 0; writing && i < call.chunks_size(); ++i) {
    const v1::Chunk& chunk = call.chunks(i);
    if (pace == ReplayPace::kRealtime) {
      int64_t t = ChunkTimeMs(chunk);
      if (t < 0) t = last_ms;  // SCREEN and untimed chunks: right after the previous one.
      last_ms = std::max(last_ms, t);
      std::this_thread::sleep_until(start + std::chrono::milliseconds(last_ms));
    }
    request.Clear();
    *request.mutable_chunk() = chunk;
    writing = stream->Write(request);
  }
  if (writing) stream->WritesDone();
  reader.join();
  grpc::Status status = stream->Finish();
  if (!status.ok()) return FromGrpc(status);

  // One response per chunk, put back in input order.
  std::stable_sort(received.begin(), received.end(),
                   [](const v1::RedactedChunk& a, const v1::RedactedChunk& b) {
                     return a.seq() < b.seq();
                   });
  if (received.size() != static_cast<size_t>(call.chunks_size())) {
    return absl::InternalError(absl::StrCat("server returned ", received.size(),
                                            " chunks for ", call.chunks_size()));
  }
  v1::RedactedCall out;
  out.set_call_id(call.config().call_id());
  for (int i = 0; i < call.chunks_size(); ++i) {
    if (received[i].seq() != call.chunks(i).seq()) {
      return absl::InternalError(
          absl::StrCat("server returned no chunk for seq ", call.chunks(i).seq()));
    }
    *out.add_chunks() = std::move(received[i]);
  }
  return out;
}

std::vector<absl::StatusOr<v1::RedactedCall>> ReplayCalls(
    std::shared_ptr<grpc::Channel> channel, const std::vector<v1::Call>& calls,
    ReplayPace pace, int concurrency, const std::string& policy_override) {
  std::vector<absl::StatusOr<v1::RedactedCall>> results(calls.size(),
                                                        absl::UnknownError("not run"));
  std::unique_ptr<v1::Redactor::Stub> stub = v1::Redactor::NewStub(channel);
  std::atomic<size_t> next{0};
  const int workers =
      std::max(1, std::min<int>(concurrency, static_cast<int>(std::max<size_t>(calls.size(), 1))));
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < calls.size(); i = next++) {
        results[i] = StreamCall(stub.get(), calls[i], pace, policy_override);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return results;
}

std::string ReplayUsage() {
  return R"(usage: callredact replay --target HOST:PORT [flags] CORPUS.jsonl
  --target HOST:PORT        the callredact server
  --pace realtime|fast      realtime: send each chunk when its last word ends (default fast)
  --concurrency N           calls streamed at once (default 1)
  --policy NAME             policy for every call (default: the call's own, else "default")
  --events FILE             write detection events (JSON lines) to FILE
  --output FILE             write redacted calls to FILE (default: stdout)
  --tls-ca FILE             connect with TLS, trusting these roots (PEM)
CORPUS.jsonl may be "-" for stdin. Redacted calls go to stdout as JSON lines.
)";
}

absl::StatusOr<ReplayOptions> ParseReplayFlags(const std::vector<std::string>& args) {
  ReplayOptions o;
  FlagSet flags;
  flags.String("target", &o.target)
      .Custom("pace",
              [&o](const std::string& v) {
                if (v == "realtime") {
                  o.pace = ReplayPace::kRealtime;
                } else if (v == "fast") {
                  o.pace = ReplayPace::kFast;
                } else {
                  return absl::InvalidArgumentError("realtime or fast");
                }
                return absl::OkStatus();
              })
      .Uint("concurrency", 1, 100000, &o.concurrency)
      .String("events", &o.events_file)
      .String("policy", &o.policy)
      .String("tls-ca", &o.tls_ca_file)
      .String("output", &o.output_file);
  std::vector<std::string> positional;
  absl::Status st = flags.Parse(args, &positional);
  if (!st.ok()) return st;
  if (o.target.empty()) return absl::InvalidArgumentError("--target: required");
  if (positional.size() != 1) {
    return absl::InvalidArgumentError("expected exactly one CORPUS.jsonl argument");
  }
  o.corpus_file = positional[0];
  return o;
}

int RunReplay(const ReplayOptions& options) {
  // Corpus in.
  std::vector<v1::Call> calls;
  {
    std::ifstream file;
    std::istream* in = &std::cin;
    std::string name = "<stdin>";
    if (options.corpus_file != "-") {
      file.open(options.corpus_file, std::ios::binary);
      if (!file) {
        std::fprintf(stderr, "callredact replay: cannot read %s\n", options.corpus_file.c_str());
        return 2;
      }
      in = &file;
      name = options.corpus_file;
    }
    absl::Status s = ReadCorpus(*in, name, [&](CorpusCall&& c) {
      calls.push_back(std::move(c.call));
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::fprintf(stderr, "callredact replay: %s\n", std::string(s.message()).c_str());
      return 2;
    }
  }

  // Channel.
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (!options.tls_ca_file.empty()) {
    std::ifstream ca(options.tls_ca_file, std::ios::binary);
    if (!ca) {
      std::fprintf(stderr, "callredact replay: --tls-ca: cannot read %s\n",
                   options.tls_ca_file.c_str());
      return 2;
    }
    std::stringstream pem;
    pem << ca.rdbuf();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pem.str();
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.target, creds, args);

  std::vector<absl::StatusOr<v1::RedactedCall>> results =
      ReplayCalls(channel, calls, options.pace, options.concurrency, options.policy);

  // Results out, in corpus order.
  std::ofstream out_file;
  std::ostream* out = &std::cout;
  if (!options.output_file.empty()) {
    out_file.open(options.output_file, std::ios::binary | std::ios::trunc);
    if (!out_file) {
      std::fprintf(stderr, "callredact replay: cannot write %s\n", options.output_file.c_str());
      return 2;
    }
    out = &out_file;
  }
  std::ofstream events;
  if (!options.events_file.empty()) {
    events.open(options.events_file, std::ios::binary | std::ios::trunc);
    if (!events) {
      std::fprintf(stderr, "callredact replay: cannot write %s\n", options.events_file.c_str());
      return 2;
    }
  }
  int failed = 0;
  for (size_t i = 0; i < calls.size(); ++i) {
    const std::string& call_id = calls[i].config().call_id();
    if (!results[i].ok()) {
      ++failed;
      std::fprintf(stderr, "callredact replay: call %zu (%s): %s\n", i, call_id.c_str(),
                   results[i].status().ToString().c_str());
      continue;
    }
    *out << RedactedCallToJsonLine(call_id, *results[i], calls[i]) << '\n';
    if (events.is_open()) {
      for (const v1::RedactedChunk& chunk : results[i]->chunks()) {
        for (const v1::DetectionEvent& e : chunk.events()) events << EventToJsonLine(e) << '\n';
      }
    }
  }
  out->flush();
  if (events.is_open()) events.flush();
  std::fprintf(stderr, "callredact replay: %zu calls, %d failed\n", calls.size(), failed);
  return failed ? 1 : 0;
}

int ReplayMain(int argc, char** argv) {
  int code = 0;
  std::optional<ReplayOptions> options =
      ParseSubcommand("replay", argc, argv, ReplayUsage(), &ParseReplayFlags, &code);
  if (!options) return code;
  return RunReplay(*options);
}

}  // namespace callredact
