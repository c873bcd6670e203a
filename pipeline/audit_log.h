// The audit log (`callredact serve --audit-log FILE`): one JSON line per call at its end,
// enough to answer "who saw which call through which view" (POPIA: evidence). No personal
// information: never chunk text, detected values, pseudonyms or tokens.
//
//   {"time":"2024-05-01T09:30:12.345Z","rpc":"RedactStream","identity":"qa-tool",
//    "credential":"token","peer":"ipv4:127.0.0.1:50412","call_id":"call-42","policy":"qa",
//    "outcome":"OK","chunks_in":31,"chunks_out":31,
//    "detections":{"PHONE_NUMBER":1,"ZA_ID_NUMBER":2},"duration_ms":5234}
//
// Lines are appended under a lock and flushed one by one (O_APPEND, mode 0600).
#ifndef CALLREDACT_PIPELINE_AUDIT_LOG_H_
#define CALLREDACT_PIPELINE_AUDIT_LOG_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"

namespace callredact {

struct AuditRecord {
  std::string rpc;                  // "RedactStream" or "Redact".
  std::string identity = "anonymous";
  std::string credential = "none";  // "token", "certificate", "none".
  std::string peer;                 // gRPC peer address.
  std::string call_id;              // Caller-chosen; "" when no config arrived.
  std::string policy;               // As asked for; "(unknown)" when not configured; "" when
                                    // no config arrived.
  int status_code = 0;              // grpc::StatusCode of the outcome.
  uint64_t chunks_in = 0;           // Chunk messages received.
  uint64_t chunks_out = 0;          // Redacted chunks delivered.
  std::map<std::string, uint64_t> detections;  // Delivered events by entity type name.
  int64_t duration_ms = 0;
};

class AuditLog {
 public:
  // Opens `path` for appending (created with mode 0600).
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends one line and flushes it; thread-safe. A failed write is reported once on the
  // server log.
  void Write(const AuditRecord& record);

  // The JSON line of `record` (without the newline), stamped with the current time.
  static std::string Format(const AuditRecord& record);
  // gRPC status code name, e.g. "PERMISSION_DENIED".
  static std::string CodeName(int grpc_code);

 private:
  AuditLog(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  std::string path_;
  std::mutex mu_;
  std::FILE* file_;
  bool failed_ = false;
};

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_AUDIT_LOG_H_
