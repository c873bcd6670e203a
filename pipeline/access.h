// Who may call the server and through which policies (`callredact serve --access FILE`;
// DESIGN.md, decision 9; POPIA purpose limitation and access control).
//
//   absl::StatusOr<std::shared_ptr<const AccessControl>> access =
//       AccessControl::Load("/etc/callredact/access.textproto", policies);
//   absl::StatusOr<Caller> caller = (*access)->Authenticate(*server_context);  // UNAUTHENTICATED
//   absl::Status s = AccessControl::Authorize(*caller, config.policy());       // PERMISSION_DENIED
//
// Callers prove who they are with a bearer token (`authorization: Bearer <token>`
// metadata), compared by SHA-256 in constant time, or with a mutual-TLS client
// certificate (its subject, common name or a subject alternative name). When a request
// carries an `authorization` header, the token decides: a wrong token is UNAUTHENTICATED
// even over a valid client certificate. Errors never contain the token.
//
// Without an access file the server is open: every caller is "anonymous" and may use every
// policy (the server refuses to run open on a non-loopback address unless told to).
#ifndef CALLREDACT_PIPELINE_ACCESS_H_
#define CALLREDACT_PIPELINE_ACCESS_H_

#include <array>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "callredact/v1/models.pb.h"
#include "pipeline/policy.h"

namespace grpc {
class AuthContext;
class ServerContextBase;
}  // namespace grpc

namespace callredact {

// One configured identity (immutable).
struct IdentityInfo {
  std::string name;
  bool any_policy = false;           // Open mode only.
  std::set<std::string> allowed;     // Policy names.
};

// The identity a call was authenticated as, and how.
struct Caller {
  const IdentityInfo* identity = nullptr;  // Owned by the AccessControl; never null when OK.
  const char* credential = "none";         // "token", "certificate" or "none" (open mode).
  const std::string& name() const { return identity->name; }
};

class AccessControl {
 public:
  // Everyone is "anonymous" and may use every policy.
  static std::shared_ptr<const AccessControl> Open();
  // Loads an AccessConfig text proto. Errors name "<path>:<line>" and never quote a
  // token hash. Every allowed_policy must name a policy of `policies`.
  static absl::StatusOr<std::shared_ptr<const AccessControl>> Load(
      const std::string& path, const PolicyRegistry& policies);
  // Parses `text` as if it were the file `path` (tests).
  static absl::StatusOr<std::shared_ptr<const AccessControl>> Parse(
      const std::string& path, const std::string& text, const PolicyRegistry& policies);

  bool open() const { return open_; }
  size_t size() const { return identities_.size(); }

  // The caller of a call, from its metadata and TLS peer. UNAUTHENTICATED when it
  // presents no credential or one that is not configured.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context) const;
  // The same from the parts: `authorization` values (0, 1 or more) and the auth context
  // (may be null).
  absl::StatusOr<Caller> Authenticate(const std::vector<std::string>& authorization,
                                      const grpc::AuthContext* auth) const;

  // OK when `caller` may use `policy` (empty: "default"); else PERMISSION_DENIED naming
  // config.policy.
  static absl::Status Authorize(const Caller& caller, const std::string& policy);

  // Lower-case hex SHA-256 of `data`.
  static std::string Sha256Hex(const std::string& data);

 private:
  struct Entry {
    IdentityInfo info;
    bool has_token = false;
    std::array<unsigned char, 32> token_hash{};
    std::string cert_subject;
  };
  AccessControl() = default;
  bool open_ = false;
  IdentityInfo anonymous_;
  std::vector<std::unique_ptr<Entry>> identities_;
};

// A policy or other caller-chosen name, as it may appear in logs and errors: the name when
// it is short and plain ([A-Za-z0-9_.-], at most 64 bytes), else "(invalid)"; "" stays "".
std::string PlainName(const std::string& name);

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_ACCESS_H_
