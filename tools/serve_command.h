// `callredact serve`: flags and entry point of the gRPC server (pipeline/server.h).
#ifndef CALLREDACT_TOOLS_SERVE_COMMAND_H_
#define CALLREDACT_TOOLS_SERVE_COMMAND_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pipeline/server.h"

namespace callredact {

// Parses the flags of `callredact serve` (args excludes the program and subcommand).
absl::StatusOr<ServerOptions> ParseServeFlags(const std::vector<std::string>& args);
std::string ServeUsage();
// Entry point of `callredact serve`: argv[0] is ignored (program or "serve"), flags follow.
// Returns the process exit code (0 after a clean drain, 2 on usage error, 1 on failure).
int ServeMain(int argc, char** argv);

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_SERVE_COMMAND_H_
