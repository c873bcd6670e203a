// Pseudonym key files: one key per line, "<key-id> <hex secret>" ('#' comments). The
// last key is the current one; earlier keys are kept for rotation. Secrets must be at
// least 16 bytes (32 hex digits).
#ifndef CALLREDACT_PIPELINE_KEYS_H_
#define CALLREDACT_PIPELINE_KEYS_H_

#include <string>

#include "absl/status/statusor.h"
#include "pipeline/policy.h"

namespace callredact {

// Errors name the file and line, never the secret.
absl::StatusOr<KeyRing> LoadKeyRing(const std::string& path);

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_KEYS_H_
