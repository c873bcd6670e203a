// `callredact serve`: runs the Redactor gRPC service (pipeline/redactor_service.h) with
// health checking, reflection and Prometheus metrics.
//
//   // Tests: an in-process server on a loopback port chosen by the kernel.
//   ServerOptions options;  options.listen = "127.0.0.1:0";
//   absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
//   ... (*server)->port() ...
//   (*server)->Stop(std::chrono::seconds(5));  // drain, then cancel what is left
//
//   // The command: blocks until SIGTERM/SIGINT, drains, returns OK.
//   absl::Status s = RunServer(options);
#ifndef CALLREDACT_PIPELINE_SERVER_H_
#define CALLREDACT_PIPELINE_SERVER_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "detectors/engine.h"
#include "pipeline/redactor_service.h"
#include "pipeline/server_metrics.h"

namespace grpc {
class Server;
}
namespace prometheus {
class Exposer;
}

namespace callredact {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";  // --listen HOST:PORT (port 0: any free port)
  std::string models_dir;                  // --models DIR; empty: Engine::DefaultModelsDir()
  // --policies FILE; empty: <models>/policies.textproto if present, else built-in default.
  std::string policies_file;
  std::string metrics_listen;              // --metrics-listen HOST:PORT; empty: none
  // Plaintext on a non-loopback address is refused unless this is set (--allow-insecure-bind).
  bool allow_insecure_bind = false;
  std::string tls_cert_file;               // --tls-cert PEM
  std::string tls_key_file;                // --tls-key PEM
  std::string tls_client_ca_file;          // --tls-client-ca PEM: require client certificates
  // --access FILE: identities (bearer token hashes, client certificate subjects) and the
  // policies each may use (AccessConfig text proto). Empty: open, anonymous access.
  std::string access_file;
  // Without --access, a non-loopback address is refused unless this is set
  // (--allow-anonymous), e.g. behind a mesh that authenticates callers.
  bool allow_anonymous = false;
  std::string audit_log_file;              // --audit-log FILE: JSON lines, one per call
  std::string keys_file;                   // --keys FILE: pseudonym keys (pipeline/keys.h)
  std::chrono::milliseconds drain_timeout{10000};  // --drain-timeout-ms
  ServiceOptions service;  // --max-streams, --max-chunk-bytes, --idle-timeout-ms,
                           // --max-hold-ms, --audio-margin-ms, --workers
  bool quiet = false;      // --quiet: no INFO log lines
};

// Whether `listen` (HOST:PORT, [V6]:PORT, unix:PATH) is a loopback or local address.
bool IsLoopbackAddress(const std::string& listen);

class Server {
 public:
  // Loads the engine (unless given) and policies, binds and starts serving.
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options, std::shared_ptr<const Engine> engine = nullptr);
  ~Server();  // Stop(0) unless already stopped.
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }                 // The bound port.
  std::string address() const;                       // "host:port" for clients.
  int metrics_port() const { return metrics_port_; } // 0 without --metrics-listen.
  RedactorService& service() { return *service_; }
  ServerMetrics& metrics() { return *metrics_; }

  // Drains: refuses new streams, lets open ones finish for up to `drain_timeout`, then
  // cancels the rest. Idempotent; returns when everything has stopped.
  void Stop(std::chrono::milliseconds drain_timeout);

 private:
  Server() = default;
  ServerOptions options_;
  int port_ = 0;
  int metrics_port_ = 0;
  bool stopped_ = false;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::unique_ptr<AuditLog> audit_;  // Outlives the service.
  std::unique_ptr<RedactorService> service_;
  std::unique_ptr<grpc::Server> server_;
};

// Runs the server until SIGTERM or SIGINT, then drains (Server::Stop) and returns OK.
absl::Status RunServer(const ServerOptions& options);

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_SERVER_H_
