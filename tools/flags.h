// The one command-line flag parser of every `callredact` subcommand.
//
//   FlagSet flags;
//   flags.String("listen", &o.listen)
//        .Uint("max-streams", 1, 1000000, &o.max_streams)
//        .Uint("max-hold-ms", 0, 3600000, [&](uint64_t n) { o.max_hold = ms(n); })
//        .Bool("quiet", &o.quiet);
//   std::vector<std::string> positional;
//   absl::Status st = flags.Parse(args, &positional);
//
// Syntax: "--name value", "--name=value"; a boolean flag is bare ("--quiet") or
// "--quiet=true|false". "-" and every argument not starting with "--" is positional, as
// is a lone "--". Errors name the flag and what it takes ("--max-streams: a number in
// 1..1000000"); they never repeat a value that was not a flag name.
#ifndef CALLREDACT_TOOLS_FLAGS_H_
#define CALLREDACT_TOOLS_FLAGS_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace callredact {

// A whole number in [min, max] from a flag's value; the error says what the flag takes
// ("a number in 1..10"), for the caller to prefix with the flag's name.
absl::Status ParseUintValue(const std::string& value, uint64_t min, uint64_t max,
                            uint64_t* out);

class FlagSet {
 public:
  // A flag with a value, stored as given.
  FlagSet& String(const std::string& name, std::string* out);
  // A bare flag (sets true) or "=true" / "=false".
  FlagSet& Bool(const std::string& name, bool* out);
  // A whole number in [min, max].
  FlagSet& Uint(const std::string& name, uint64_t min, uint64_t max,
                std::function<void(uint64_t)> set);
  template <typename T>
  FlagSet& Uint(const std::string& name, uint64_t min, uint64_t max, T* out) {
    return Uint(name, min, max, [out](uint64_t n) { *out = static_cast<T>(n); });
  }
  // A number >= min.
  FlagSet& Double(const std::string& name, double min, double* out);
  // A value checked and stored by `set`, which returns an error naming what is allowed
  // (the message is prefixed with "--name: ").
  FlagSet& Custom(const std::string& name, std::function<absl::Status(const std::string&)> set);

  // Parses `args` (without program and subcommand), appending positional arguments.
  absl::Status Parse(const std::vector<std::string>& args,
                     std::vector<std::string>* positional) const;
  // The same over argv[first..argc).
  absl::Status Parse(int argc, char** argv, int first,
                     std::vector<std::string>* positional) const;

 private:
  struct Flag {
    std::string name;
    bool boolean;
    std::function<absl::Status(const std::string&)> set;
  };
  FlagSet& Add(const std::string& name, bool boolean,
               std::function<absl::Status(const std::string&)> set);
  std::vector<Flag> flags_;
};

// The common start of a subcommand whose flags `parse` reads into Options: argv[0] (the
// program) and a leading `name` are skipped; "--help" or "-h" prints `usage` to stdout
// (exit code 0); a parse error is printed to stderr with the usage (exit code 2). Returns
// the options, or nullopt with `*exit_code` set when the process should exit.
template <typename Options>
std::optional<Options> ParseSubcommand(
    const char* name, int argc, char** argv, const std::string& usage,
    absl::StatusOr<Options> (*parse)(const std::vector<std::string>&), int* exit_code) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  if (!args.empty() && args[0] == name) args.erase(args.begin());
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(usage.c_str(), stdout);
      *exit_code = 0;
      return std::nullopt;
    }
  }
  absl::StatusOr<Options> options = parse(args);
  if (!options.ok()) {
    std::fprintf(stderr, "callredact %s: %s\n%s", name,
                 std::string(options.status().message()).c_str(), usage.c_str());
    *exit_code = 2;
    return std::nullopt;
  }
  return std::move(*options);
}

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_FLAGS_H_
