// Minimal structured log lines for the server (stderr). Callers pass only metadata:
// never chunk text, detected values or anything derived from them (DESIGN.md, 5).
#ifndef CALLREDACT_PIPELINE_SERVER_LOG_H_
#define CALLREDACT_PIPELINE_SERVER_LOG_H_

#include <string>
#include <string_view>

namespace callredact {

enum class LogLevel { kInfo, kWarning, kError };

// Writes one line "<time> <LEVEL> callredact: <message>" to stderr, atomically.
void ServerLog(LogLevel level, std::string_view message);
// Silences kInfo lines (tests).
void SetServerLogQuiet(bool quiet);
// The current time as RFC 3339 UTC with milliseconds ("2026-11-30T01:19:26.162Z"), as
// the log and the audit log write it.
std::string Rfc3339Now();

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_SERVER_LOG_H_
