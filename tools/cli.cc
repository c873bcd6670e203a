#include "tools/cli.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "pipeline/keys.h"
#include "tools/flags.h"

namespace callredact {

absl::StatusOr<Args> ParseArgs(int argc, char** argv, int first,
                               const std::vector<std::string>& value_flags,
                               const std::vector<std::string>& bool_flags) {
  Args args;
  FlagSet flags;
  for (const std::string& name : value_flags) {
    flags.Custom(name, [&args, name](const std::string& v) {
      args.flags[name] = v;
      return absl::OkStatus();
    });
  }
  std::map<std::string, bool> bools;  // Node addresses are stable.
  for (const std::string& name : bool_flags) flags.Bool(name, &bools[name]);
  absl::Status st = flags.Parse(argc, argv, first, &args.positional);
  if (!st.ok()) return st;
  for (const auto& [name, on] : bools) {
    if (on) args.flags[name] = "true";
  }
  return args;
}

absl::Status Args::GetUint(const std::string& name, uint64_t min, uint64_t max,
                           uint64_t* out) const {
  auto it = flags.find(name);
  if (it == flags.end()) return absl::OkStatus();
  absl::Status st = ParseUintValue(it->second, min, max, out);
  if (!st.ok()) return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", st.message()));
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Engine>> LoadEngine(const Args& args) {
  return Engine::Load(args.Get("models", Engine::DefaultModelsDir()));
}

absl::StatusOr<PolicyRegistry> LoadPolicies(const Args& args) {
  std::string path = args.Get("policies");
  if (path.empty()) {
    std::string candidate = args.Get("models", Engine::DefaultModelsDir()) + "/policies.textproto";
    if (std::ifstream(candidate).good()) path = candidate;
  }
  std::shared_ptr<const KeyRing> keys;
  if (args.Has("keys")) {
    auto ring = LoadKeyRing(args.Get("keys"));
    if (!ring.ok()) return ring.status();
    keys = std::make_shared<const KeyRing>(std::move(*ring));
  }
  if (path.empty()) return PolicyRegistry();
  return PolicyRegistry::Load(path, keys);
}

}  // namespace callredact
