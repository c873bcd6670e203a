#include "pipeline/keys.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace callredact {

absl::StatusOr<KeyRing> LoadKeyRing(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open key file"));
  KeyRing ring;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::istringstream ss(line);
    std::string id, hex, extra;
    if (!(ss >> id) || id[0] == '#') continue;
    if (!(ss >> hex) || (ss >> extra)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", n, ": expected '<key-id> <hex secret>'"));
    }
    if (hex.size() % 2 != 0 || hex.size() < 32) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", n, ": secret must be at least 32 hex digits, even length"));
    }
    std::string secret;
    for (size_t i = 0; i < hex.size(); i += 2) {
      if (!std::isxdigit(static_cast<unsigned char>(hex[i])) ||
          !std::isxdigit(static_cast<unsigned char>(hex[i + 1]))) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", n, ": secret is not hexadecimal"));
      }
      secret.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    for (const auto& k : ring.keys()) {
      if (k.id == id) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", n, ": key id '", id, "' appears twice"));
      }
    }
    ring.Add({id, secret});
  }
  if (ring.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no keys"));
  return ring;
}

}  // namespace callredact
