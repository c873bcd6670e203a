#include "pipeline/server_log.h"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <string>
#include <sys/time.h>

namespace callredact {
namespace {
std::atomic<bool> g_quiet{false};
}

void SetServerLogQuiet(bool quiet) { g_quiet = quiet; }

std::string Rfc3339Now() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  gmtime_r(&tv.tv_sec, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(tv.tv_usec / 1000));
  return stamp;
}

void ServerLog(LogLevel level, std::string_view message) {
  if (level == LogLevel::kInfo && g_quiet) return;
  const std::string stamp = Rfc3339Now();
  const char* lvl = level == LogLevel::kInfo      ? "INFO"
                    : level == LogLevel::kWarning ? "WARNING"
                                                  : "ERROR";
  std::string line;
  line.reserve(message.size() + 64);
  line.append(stamp).append(" ").append(lvl).append(" callredact: ");
  line.append(message.data(), message.size());
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);  // One write: lines do not interleave.
}

}  // namespace callredact
