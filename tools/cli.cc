#include "tools/cli.h"

#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "pipeline/keys.h"

namespace callredact {

absl::StatusOr<Args> ParseArgs(int argc, char** argv, int first,
                               const std::vector<std::string>& value_flags,
                               const std::vector<std::string>& bool_flags) {
  Args args;
  auto known = [](const std::vector<std::string>& v, const std::string& n) {
    return std::find(v.begin(), v.end(), n) != v.end();
  };
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      args.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    size_t eq = name.find('=');
    bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (known(value_flags, name)) {
      if (!has_value) {
        if (i + 1 >= argc) return absl::InvalidArgumentError("--" + name + " needs a value");
        value = argv[++i];
      }
    } else if (known(bool_flags, name)) {
      if (!has_value) value = "true";
    } else {
      return absl::InvalidArgumentError("unknown flag --" + name);
    }
    args.flags[name] = value;
  }
  return args;
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
