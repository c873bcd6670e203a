#include "pipeline/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "pipeline/server_log.h"

namespace callredact {
namespace {

void AppendJsonString(std::string* out, const std::string& s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

}  // namespace

std::string AuditLog::CodeName(int code) {
  static const char* const kNames[] = {
      "OK",        "CANCELLED",         "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",      "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  if (code >= 0 && code < static_cast<int>(sizeof(kNames) / sizeof(kNames[0]))) {
    return kNames[code];
  }
  return absl::StrCat("CODE_", code);
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("--audit-log ", path, ": cannot open: ", std::strerror(errno)));
  }
  std::FILE* file = ::fdopen(fd, "a");
  if (!file) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("--audit-log ", path, ": cannot open"));
  }
  return std::unique_ptr<AuditLog>(new AuditLog(path, file));
}

AuditLog::~AuditLog() {
  if (file_) std::fclose(file_);
}

std::string AuditLog::Format(const AuditRecord& r) {
  std::string out = "{\"time\":";
  AppendJsonString(&out, Rfc3339Now());
  out.append(",\"rpc\":");
  AppendJsonString(&out, r.rpc);
  out.append(",\"identity\":");
  AppendJsonString(&out, r.identity.empty() ? "anonymous" : r.identity);
  out.append(",\"credential\":");
  AppendJsonString(&out, r.credential);
  out.append(",\"peer\":");
  AppendJsonString(&out, r.peer);
  out.append(",\"call_id\":");
  AppendJsonString(&out, r.call_id);
  out.append(",\"policy\":");
  AppendJsonString(&out, r.policy);
  out.append(",\"outcome\":");
  AppendJsonString(&out, CodeName(r.status_code));
  absl::StrAppend(&out, ",\"chunks_in\":", r.chunks_in, ",\"chunks_out\":", r.chunks_out,
                  ",\"detections\":{");
  bool first = true;
  for (const auto& [type, n] : r.detections) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(&out, type);
    absl::StrAppend(&out, ":", n);
  }
  absl::StrAppend(&out, "},\"duration_ms\":", r.duration_ms, "}");
  return out;
}

void AuditLog::Write(const AuditRecord& record) {
  std::string line = Format(record);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  const bool ok = std::fwrite(line.data(), 1, line.size(), file_) == line.size() &&
                  std::fflush(file_) == 0;
  if (!ok && !failed_) {
    failed_ = true;
    ServerLog(LogLevel::kError,
              absl::StrCat("--audit-log ", path_, ": write failed: ", std::strerror(errno)));
  } else if (ok && failed_) {
    failed_ = false;
    ServerLog(LogLevel::kWarning, absl::StrCat("--audit-log ", path_, ": writing again"));
  }
}

}  // namespace callredact
