#include "tools/serve_command.h"

#include <cstdio>

#include "tools/flags.h"

namespace callredact {

std::string ServeUsage() {
  return R"(usage: callredact serve [flags]
  --listen HOST:PORT         address to serve on (default 127.0.0.1:50051; port 0: any)
  --models DIR               detector models (default: the compiled-in models/)
  --policies FILE            policies text proto (default: MODELS/policies.textproto if
                             present, else the built-in default policy)
  --tls-cert FILE --tls-key FILE   serve TLS (PEM)
  --tls-client-ca FILE       require and verify client certificates (mTLS)
  --access FILE              identities and the policies each may use (AccessConfig text
                             proto: bearer token SHA-256 hashes, client certificate
                             subjects). Without it every client may use every policy
  --allow-anonymous          without --access, serve a non-loopback address anyway
  --audit-log FILE           append one JSON line per call (identity, call id, policy,
                             detection counts, outcome; no personal information)
  --keys FILE                pseudonym keys ("<key-id> <hex secret>" lines; last is current)
  --allow-insecure-bind      allow plaintext on a non-loopback address (not recommended)
  --max-streams N            concurrent RedactStream calls (default 2000)
  --max-chunk-bytes N        largest chunk text (default 65536)
  --idle-timeout-ms N        abort a stream silent for this long (default 30000)
  --max-hold-ms N            longest hold of a chunk, and upper bound of a call's
                             config.max_hold_ms (default 1500)
  --audio-margin-ms N        default audio padding of events (default 100)
  --metrics-listen HOST:PORT Prometheus /metrics endpoint (default: none)
  --drain-timeout-ms N       on SIGTERM/SIGINT, time open streams get to finish (default 10000)
  --workers N                redaction threads (default: one per core)
  --quiet                    no INFO log lines
)";
}

absl::StatusOr<ServerOptions> ParseServeFlags(const std::vector<std::string>& args) {
  using ms = std::chrono::milliseconds;
  ServerOptions o;
  FlagSet flags;
  flags.String("listen", &o.listen)
      .String("models", &o.models_dir)
      .String("policies", &o.policies_file)
      .String("metrics-listen", &o.metrics_listen)
      .String("tls-cert", &o.tls_cert_file)
      .String("tls-key", &o.tls_key_file)
      .String("tls-client-ca", &o.tls_client_ca_file)
      .String("access", &o.access_file)
      .String("audit-log", &o.audit_log_file)
      .String("keys", &o.keys_file)
      .Uint("max-streams", 1, 1000000, &o.service.max_streams)
      .Uint("max-chunk-bytes", 1, 64u << 20, &o.service.max_chunk_bytes)
      .Uint("idle-timeout-ms", 1, 86400000, [&](uint64_t n) { o.service.idle_timeout = ms(n); })
      .Uint("max-hold-ms", 0, 3600000, [&](uint64_t n) { o.service.max_hold = ms(n); })
      .Uint("audio-margin-ms", 0, 60000, &o.service.audio_margin_ms)
      .Uint("drain-timeout-ms", 0, 86400000, [&](uint64_t n) { o.drain_timeout = ms(n); })
      .Uint("workers", 0, 1024, &o.service.worker_threads)
      .Bool("allow-insecure-bind", &o.allow_insecure_bind)
      .Bool("allow-anonymous", &o.allow_anonymous)
      .Bool("quiet", &o.quiet);
  std::vector<std::string> positional;
  absl::Status st = flags.Parse(args, &positional);
  if (!st.ok()) return st;
  if (!positional.empty()) {
    return absl::InvalidArgumentError("serve takes no arguments, only flags");
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!o.tls_client_ca_file.empty() && o.tls_cert_file.empty()) {
    return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  return o;
}

int ServeMain(int argc, char** argv) {
  int code = 0;
  std::optional<ServerOptions> options =
      ParseSubcommand("serve", argc, argv, ServeUsage(), &ParseServeFlags, &code);
  if (!options) return code;
  absl::Status s = RunServer(*options);
  if (!s.ok()) {
    std::fprintf(stderr, "callredact serve: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace callredact
