#include "pipeline/server.h"

#include <arpa/inet.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "pipeline/access.h"
#include "pipeline/audit_log.h"
#include "pipeline/keys.h"
#include "pipeline/policy.h"
#include "pipeline/server_log.h"
#include "prometheus/exposer.h"

namespace callredact {

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(flag, ": cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool FileExists(const std::string& path) {
  std::ifstream in(path);
  return static_cast<bool>(in);
}

// Splits HOST:PORT / [V6]:PORT into the host part (without brackets).
std::string HostOf(const std::string& listen) {
  if (!listen.empty() && listen[0] == '[') {
    size_t close = listen.find(']');
    return close == std::string::npos ? listen : listen.substr(1, close - 1);
  }
  size_t colon = listen.rfind(':');
  return colon == std::string::npos ? listen : listen.substr(0, colon);
}

absl::StatusOr<std::shared_ptr<const PolicyRegistry>> LoadPolicies(
    const ServerOptions& options, const std::string& models_dir) {
  std::string path = options.policies_file;
  if (path.empty()) {
    std::string candidate = models_dir + "/policies.textproto";
    if (FileExists(candidate)) path = candidate;
  }
  if (path.empty()) {
    if (!options.keys_file.empty()) {
      return absl::FailedPreconditionError("--keys: no policies file to use the keys with");
    }
    ServerLog(LogLevel::kInfo, "no policies file; using the built-in default policy");
    return std::make_shared<const PolicyRegistry>();
  }
  std::shared_ptr<const KeyRing> keys;
  if (!options.keys_file.empty()) {
    absl::StatusOr<KeyRing> ring = LoadKeyRing(options.keys_file);
    if (!ring.ok()) return ring.status();
    keys = std::make_shared<const KeyRing>(*std::move(ring));
    ServerLog(LogLevel::kInfo, absl::StrCat("pseudonym keys loaded from ", options.keys_file,
                                            "; current key id ", keys->current().id));
  }
  absl::StatusOr<PolicyRegistry> registry = PolicyRegistry::Load(path, keys);
  if (!registry.ok()) return registry.status();
  ServerLog(LogLevel::kInfo, absl::StrCat("policies loaded from ", path));
  return std::make_shared<const PolicyRegistry>(*std::move(registry));
}

}  // namespace

bool IsLoopbackAddress(const std::string& listen) {
  if (absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "unix-abstract:")) {
    return true;
  }
  std::string host = HostOf(listen);
  if (absl::StartsWith(host, "ipv4:")) host = host.substr(5);
  if (absl::StartsWith(host, "ipv6:")) host = host.substr(5);
  if (host == "localhost" || host == "ip6-localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) return v6.s6_addr[12] == 127;
  }
  return false;
}


absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                                      std::shared_ptr<const Engine> engine) {
  SetServerLogQuiet(options.quiet);
  const bool tls = !options.tls_cert_file.empty();
  if (!tls && !IsLoopbackAddress(options.listen)) {
    if (!options.allow_insecure_bind) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--listen ", options.listen,
          ": plaintext on a non-loopback address is refused; give --tls-cert and --tls-key, "
          "or --allow-insecure-bind"));
    }
    ServerLog(LogLevel::kWarning,
              absl::StrCat("serving PLAINTEXT on non-loopback address ", options.listen,
                           " (--allow-insecure-bind): transcripts travel unencrypted"));
  }

  std::string models_dir =
      options.models_dir.empty() ? Engine::DefaultModelsDir() : options.models_dir;
  if (!engine) {
    absl::StatusOr<std::shared_ptr<const Engine>> loaded = Engine::Load(models_dir);
    if (!loaded.ok()) return loaded.status();
    engine = *std::move(loaded);
  }
  absl::StatusOr<std::shared_ptr<const PolicyRegistry>> policies =
      LoadPolicies(options, models_dir);
  if (!policies.ok()) return policies.status();

  std::shared_ptr<const AccessControl> access;
  if (!options.access_file.empty()) {
    absl::StatusOr<std::shared_ptr<const AccessControl>> loaded =
        AccessControl::Load(options.access_file, **policies);
    if (!loaded.ok()) return loaded.status();
    access = *std::move(loaded);
    ServerLog(LogLevel::kInfo, absl::StrCat("access: ", access->size(),
                                            " identities loaded from ", options.access_file));
  } else {
    if (!IsLoopbackAddress(options.listen) && !options.allow_anonymous) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--listen ", options.listen,
          ": anonymous access on a non-loopback address is refused; give --access FILE "
          "(identities), or --allow-anonymous"));
    }
    access = AccessControl::Open();
    ServerLog(LogLevel::kWarning,
              "no --access file: every client may use every policy, as \"anonymous\"");
  }

  std::unique_ptr<AuditLog> audit;
  if (!options.audit_log_file.empty()) {
    absl::StatusOr<std::unique_ptr<AuditLog>> opened = AuditLog::Open(options.audit_log_file);
    if (!opened.ok()) return opened.status();
    audit = *std::move(opened);
  }

  std::unique_ptr<Server> server(new Server());
  server->options_ = options;
  server->metrics_ = std::make_unique<ServerMetrics>();
  if (!options.metrics_listen.empty()) {
    try {
      server->exposer_ = std::make_unique<prometheus::Exposer>(options.metrics_listen);
    } catch (const std::exception& e) {
      return absl::UnavailableError(absl::StrCat("--metrics-listen ", options.metrics_listen,
                                                 ": cannot bind: ", e.what()));
    }
    server->exposer_->RegisterCollectable(server->metrics_->registry());
    std::vector<int> ports = server->exposer_->GetListeningPorts();
    if (!ports.empty()) server->metrics_port_ = ports.front();
  }

  server->audit_ = std::move(audit);
  server->service_ = std::make_unique<RedactorService>(
      engine, *std::move(policies), options.service, server->metrics_.get(), std::move(access),
      server->audit_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> creds;
  if (tls) {
    absl::StatusOr<std::string> cert = ReadFile(options.tls_cert_file, "--tls-cert");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(options.tls_key_file, "--tls-key");
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    if (!options.tls_client_ca_file.empty()) {
      absl::StatusOr<std::string> ca = ReadFile(options.tls_client_ca_file, "--tls-client-ca");
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
      ssl.client_certificate_request =
          GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    creds = grpc::SslServerCredentials(ssl);
  } else {
    creds = grpc::InsecureServerCredentials();
  }
  builder.AddListeningPort(options.listen, creds, &server->port_);
  builder.RegisterService(server->service_.get());

  // A chunk message is its text plus its words (each about its token's length plus a few
  // bytes); a unary Redact carries a whole call. Bound both.
  const size_t chunk_message = options.service.max_chunk_bytes * 4 + 64 * 1024;
  const size_t max_receive = std::max<size_t>(chunk_message, 16u << 20);
  builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<size_t>(max_receive, INT32_MAX)));
  // Memory for all transports: a few buffered messages per stream, at least 256 MiB.
  grpc::ResourceQuota quota("callredact-server");
  const size_t quota_bytes = std::max<size_t>(
      256u << 20, options.service.max_streams * (chunk_message + (64u << 10)));
  quota.Resize(quota_bytes);
  builder.SetResourceQuota(quota);

  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    server->service_->Shutdown();
    return absl::UnavailableError(
        absl::StrCat("--listen ", options.listen, ": cannot bind or start the server"));
  }
  if (auto* health = server->server_->GetHealthCheckService()) {
    health->SetServingStatus(true);
    health->SetServingStatus("callredact.v1.Redactor", true);
  }
  ServerLog(LogLevel::kInfo,
            absl::StrCat("serving callredact.v1.Redactor on ", server->address(),
                         tls ? " (TLS)" : " (plaintext)",
                         server->metrics_port_
                             ? absl::StrCat("; metrics on port ", server->metrics_port_)
                             : std::string()));
  return server;
}

std::string Server::address() const {
  if (absl::StartsWith(options_.listen, "unix")) return options_.listen;
  std::string host = HostOf(options_.listen);
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = absl::StrCat("[", host, "]");
  return absl::StrCat(host, ":", port_);
}

void Server::Stop(std::chrono::milliseconds drain_timeout) {
  if (stopped_) return;
  stopped_ = true;
  const size_t open = service_->active_streams();
  ServerLog(LogLevel::kInfo, absl::StrCat("draining: ", open, " open streams, up to ",
                                          drain_timeout.count(), " ms"));
  service_->StartDraining();
  if (auto* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(false);
  }
  // Stops accepting calls, waits for open ones until the deadline, then cancels them.
  server_->Shutdown(std::chrono::system_clock::now() + drain_timeout);
  server_->Wait();
  service_->Shutdown();
  ServerLog(LogLevel::kInfo, "stopped");
}

Server::~Server() {
  if (server_) Stop(std::chrono::milliseconds(0));
}

absl::Status RunServer(const ServerOptions& options) {
  // Block the signals in every thread (those started later inherit the mask) and wait for
  // them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
  if (!server.ok()) return server.status();
  int sig = 0;
  sigwait(&signals, &sig);
  ServerLog(LogLevel::kInfo, absl::StrCat("received ", sig == SIGTERM ? "SIGTERM" : "SIGINT",
                                          "; draining"));
  (*server)->Stop(options.drain_timeout);
  server->reset();
  return absl::OkStatus();
}

}  // namespace callredact
