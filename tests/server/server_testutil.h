// Helpers for the server tests: an in-process server on a loopback port and a streaming
// client that can wait for responses with a timeout.
#ifndef CALLREDACT_TESTS_SERVER_SERVER_TESTUTIL_H_
#define CALLREDACT_TESTS_SERVER_SERVER_TESTUTIL_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "callredact/v1/redactor.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "pipeline/server.h"

namespace callredact::testing {

// The engine of the source tree's models, loaded once per test binary.
std::shared_ptr<const Engine> TestEngine();

// Starts a server on 127.0.0.1:0 with `service` options (quiet logs).
std::unique_ptr<Server> StartTestServer(ServiceOptions service = {},
                                        const std::string& metrics_listen = "");

// Starts a server with `options` (listen 127.0.0.1:0 unless set otherwise) on the test
// engine; nullptr (and a test failure) when it does not start.
std::unique_ptr<Server> StartServerWith(ServerOptions options);

std::shared_ptr<grpc::Channel> NewChannel(const Server& server, bool own_connection = false);

// Metadata pairs sent with a call, e.g. {{"authorization", "Bearer ..."}}.
using Metadata = std::vector<std::pair<std::string, std::string>>;

// A temporary directory, removed with its files at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const;
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The whole content of a file ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);

v1::RedactRequest ConfigRequest(const std::string& call_id, const std::string& policy = "",
                                uint32_t max_hold_ms = 0);
// A TRANSCRIPT chunk with one word timing per token (200 ms each from start_ms), or a
// SCREEN chunk when speaker is SPEAKER_UNSPECIFIED.
v1::Chunk MakeChunk(uint64_t seq, v1::Speaker speaker, const std::string& text,
                    bool is_final = true, int64_t start_ms = 1000);
v1::RedactRequest ChunkRequest(const v1::Chunk& chunk);

// One RedactStream with a reader thread.
class StreamClient {
 public:
  explicit StreamClient(v1::Redactor::Stub* stub, const Metadata& metadata = {});
  ~StreamClient();
  bool Write(const v1::RedactRequest& request);
  void WritesDone();
  // The next response within `timeout`; nullopt on timeout or end of stream.
  std::optional<v1::RedactedChunk> Next(std::chrono::milliseconds timeout);
  // Waits for the end of the stream; returns its status. All responses stay in received().
  grpc::Status Finish();
  const std::vector<v1::RedactedChunk>& received() const { return all_; }
  grpc::ClientContext& context() { return context_; }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::RedactRequest, v1::RedactResponse>> stream_;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<v1::RedactedChunk> pending_;
  std::vector<v1::RedactedChunk> all_;
  bool ended_ = false;
  bool finished_ = false;
  bool writes_done_ = false;
  grpc::Status status_;
};

struct StreamOutcome {
  grpc::Status status;
  std::vector<v1::RedactedChunk> chunks;
};
// Writes every request (stopping at the first failed write), half-closes, reads all.
StreamOutcome RunStream(v1::Redactor::Stub* stub, const std::vector<v1::RedactRequest>& requests,
                        const Metadata& metadata = {});

// Whether any released text contains one of `raw` (case-sensitive).
bool LeaksAny(const std::vector<v1::RedactedChunk>& chunks, const std::vector<std::string>& raw);

// The calls of a corpus file in tests/data.
std::vector<v1::Call> LoadCorpus(const std::string& file_name);

}  // namespace callredact::testing

#endif  // CALLREDACT_TESTS_SERVER_SERVER_TESTUTIL_H_
