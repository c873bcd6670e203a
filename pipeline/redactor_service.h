// The callredact.v1.Redactor gRPC service on the callback API (DESIGN.md, data flow).
//
//   RedactorService service(engine, policies, options, &metrics);
//   builder.RegisterService(&service);
//   ... server->Shutdown(deadline); service.Shutdown();
//
// RedactStream: one stream per call, a CallConfig first, then chunks; one RedactedChunk
// back per chunk, as the CallSession releases them. Reactions never wait: a small
// request (a transcript chunk, tens of microseconds of CPU) is redacted in the reaction,
// a large one is posted to a worker pool (one thread per core), and a timer thread
// expires holds and idle streams. One StartWrite is outstanding at a time; the rest wait in a bounded queue
// (reading pauses while it is full, so a slow reader cannot grow server memory). Every
// error ends the stream with a status naming the offending field; held text is dropped,
// never sent (fail closed). Redact (unary) runs RedactCall (pipeline/batch.h).
//
// Access (pipeline/access.h): a stream is authenticated when it opens (UNAUTHENTICATED)
// and its policy authorised at the config message (PERMISSION_DENIED); a unary call both
// at once. Every call, accepted or not, leaves one audit line at its end
// (pipeline/audit_log.h) when an audit log is given.
#ifndef CALLREDACT_PIPELINE_REDACTOR_SERVICE_H_
#define CALLREDACT_PIPELINE_REDACTOR_SERVICE_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "callredact/v1/redactor.grpc.pb.h"
#include "detectors/engine.h"
#include "pipeline/access.h"
#include "pipeline/audit_log.h"
#include "pipeline/executor.h"
#include "pipeline/policy.h"
#include "pipeline/server_metrics.h"

namespace callredact {

struct ServiceOptions {
  size_t max_streams = 2000;             // Concurrent RedactStream calls.
  size_t max_chunk_bytes = 64 * 1024;    // Largest Chunk.text.
  std::chrono::milliseconds idle_timeout{30000};  // No message from the client.
  std::chrono::milliseconds max_hold{1500};       // Default and upper bound of a hold.
  uint32_t audio_margin_ms = 100;        // Default CallConfig.audio_margin_ms.
  size_t max_queued_writes = 256;        // Per stream; reading pauses beyond it.
  size_t max_call_id_bytes = 256;
  size_t worker_threads = 0;             // 0: one per hardware thread.
};

// gRPC status for an absl::Status (same code and message).
grpc::Status ToGrpcStatus(const absl::Status& s);

// Why serialized RedactRequest `bytes` does not parse, naming the field (e.g.
// "chunk.text: invalid UTF-8"); never quotes the content.
absl::Status DiagnoseRequest(const std::string& bytes);

// RedactStream is registered raw (ByteBuffer) so that a request that does not parse (for
// example invalid UTF-8, which protobuf rejects) ends the stream with INVALID_ARGUMENT
// naming the field, instead of looking like the client's half-close.
class RedactorService final
    : public v1::Redactor::WithRawCallbackMethod_RedactStream<
          v1::Redactor::WithCallbackMethod_Redact<v1::Redactor::Service>> {
 public:
  RedactorService(std::shared_ptr<const Engine> engine,
                  std::shared_ptr<const PolicyRegistry> policies, ServiceOptions options,
                  ServerMetrics* metrics /* may be null */,
                  // Null: open (anyone, every policy).
                  std::shared_ptr<const AccessControl> access = nullptr,
                  AuditLog* audit = nullptr /* may be null; must outlive the service */);
  ~RedactorService() override;

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* RedactStream(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* Redact(grpc::CallbackServerContext* context,
                                   const v1::Call* request,
                                   v1::RedactedCall* response) override;

  // New streams are refused with UNAVAILABLE from now on; open streams go on.
  void StartDraining() { draining_ = true; }
  size_t active_streams() const { return active_streams_.load(); }

  // Stops timers and workers; call after grpc::Server::Shutdown() has returned.
  void Shutdown();

  // Internal, for the stream reactor.
  struct Internals;
  Internals& internals() { return *internals_; }
  void StreamEnded();

 private:
  std::unique_ptr<Internals> internals_;
  std::atomic<bool> draining_{false};
  std::atomic<size_t> active_streams_{0};
};

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_REDACTOR_SERVICE_H_
