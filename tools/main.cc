// callredact: real-time redaction of personal information in contact-centre calls.
// See README.md. Every subcommand prints its usage with --help.
#include <cstring>
#include <iostream>

#include "tools/bench_stream.h"
#include "tools/commands.h"
#include "tools/replay.h"
#include "tools/serve_command.h"

namespace {

constexpr char kUsage[] =
    "usage: callredact <command> [flags]\n"
    "commands:\n"
    "  redact   redact plain text or a corpus JSONL (batch)\n"
    "  eval     score detection events against a labelled corpus\n"
    "  mute     silence the events' audio ranges in a WAV/FLAC recording\n"
    "  serve    run the gRPC Redactor service\n"
    "  replay   stream a corpus JSONL through a running server\n"
    "  bench-stream  load-test a server with N concurrent real-time calls\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "help")) {
    std::cerr << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const char* cmd = argv[1];
  if (!std::strcmp(cmd, "redact")) return callredact::RunRedactCommand(argc, argv);
  if (!std::strcmp(cmd, "eval")) return callredact::RunEvalCommand(argc, argv);
  if (!std::strcmp(cmd, "mute")) return callredact::RunMuteCommand(argc, argv);
  if (!std::strcmp(cmd, "serve")) return callredact::ServeMain(argc, argv);
  if (!std::strcmp(cmd, "replay")) return callredact::ReplayMain(argc, argv);
  if (!std::strcmp(cmd, "bench-stream")) return callredact::BenchStreamMain(argc, argv);
  std::cerr << "callredact: unknown command '" << cmd << "'\n" << kUsage;
  return 2;
}
