// Small helpers shared by the subcommands of `callredact`: flag parsing and loading the
// engine and policies named by the common flags.
#ifndef CALLREDACT_TOOLS_CLI_H_
#define CALLREDACT_TOOLS_CLI_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "detectors/engine.h"
#include "pipeline/policy.h"

namespace callredact {

// The flags of a subcommand as strings (tools/flags.h gives the syntax and errors):
// `value_flags` take a value, `bool_flags` are bare; Has() is true for a given value
// flag and for a boolean flag that is on.
struct Args {
  std::map<std::string, std::string> flags;
  std::vector<std::string> positional;
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  // A whole-number flag in [min, max] into *out when given (left as is otherwise);
  // the error names the flag ("--jobs: a number in 0..256"), as FlagSet's do.
  absl::Status GetUint(const std::string& name, uint64_t min, uint64_t max,
                       uint64_t* out) const;
};
absl::StatusOr<Args> ParseArgs(int argc, char** argv, int first,
                               const std::vector<std::string>& value_flags,
                               const std::vector<std::string>& bool_flags);

// Engine from --models (default: the compiled-in models folder).
absl::StatusOr<std::shared_ptr<const Engine>> LoadEngine(const Args& args);
// Policies from --policies (default: <models>/policies.textproto when it exists) and
// pseudonym keys from --keys.
absl::StatusOr<PolicyRegistry> LoadPolicies(const Args& args);

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_CLI_H_
