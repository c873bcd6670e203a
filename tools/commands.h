// The subcommands of `callredact`. Each returns the process exit code: 0 success,
// 1 failure (errors on stderr name the file and line), 2 bad usage.
#ifndef CALLREDACT_TOOLS_COMMANDS_H_
#define CALLREDACT_TOOLS_COMMANDS_H_

namespace callredact {

int RunRedactCommand(int argc, char** argv);  // callredact redact ...
int RunEvalCommand(int argc, char** argv);    // callredact eval ...
int RunMuteCommand(int argc, char** argv);    // callredact mute ...

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_COMMANDS_H_
