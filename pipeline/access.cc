#include "pipeline/access.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/server_context.h"

namespace callredact {
namespace {

class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (message_.empty()) message_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

bool DecodeHex32(const std::string& hex, std::array<unsigned char, 32>* out) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

std::array<unsigned char, 32> Sha256(const std::string& data) {
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return digest;
}

}  // namespace

std::string PlainName(const std::string& name) {
  if (name.size() > 64) return "(invalid)";
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      return "(invalid)";
    }
  }
  return name;
}

std::string AccessControl::Sha256Hex(const std::string& data) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : Sha256(data)) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::shared_ptr<const AccessControl> AccessControl::Open() {
  std::shared_ptr<AccessControl> a(new AccessControl());
  a->open_ = true;
  a->anonymous_.name = "anonymous";
  a->anonymous_.any_policy = true;
  return a;
}

absl::StatusOr<std::shared_ptr<const AccessControl>> AccessControl::Load(
    const std::string& path, const PolicyRegistry& policies) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open access file (--access)"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(path, buffer.str(), policies);
}

absl::StatusOr<std::shared_ptr<const AccessControl>> AccessControl::Parse(
    const std::string& path, const std::string& text, const PolicyRegistry& policies) {
  v1::AccessConfig config;
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  google::protobuf::TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &config)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", errors.message().empty() ? "0:0: parse error" : errors.message()));
  }
  const auto* desc = v1::AccessConfig::descriptor();
  const auto* identity_field = desc->FindFieldByName("identity");
  const auto* allowed_field = v1::Identity::descriptor()->FindFieldByName("allowed_policy");
  auto where = [&](int i) {
    return absl::StrCat(path, ":", tree.GetLocation(identity_field, i).line + 1);
  };
  if (config.identity_size() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no identity configured"));
  }
  const std::vector<std::string> known = policies.Names();
  std::shared_ptr<AccessControl> access(new AccessControl());
  std::map<std::string, int> names, subjects, hashes;
  for (int i = 0; i < config.identity_size(); ++i) {
    const v1::Identity& id = config.identity(i);
    const std::string at = where(i);
    if (id.name().empty()) return absl::InvalidArgumentError(absl::StrCat(at, ": identity: name is empty"));
    if (PlainName(id.name()) != id.name()) {
      return absl::InvalidArgumentError(absl::StrCat(
          at, ": identity: name must be at most 64 characters of [A-Za-z0-9_.-]"));
    }
    if (!names.emplace(id.name(), i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ": identity \"", id.name(), "\" appears twice"));
    }
    auto entry = std::make_unique<Entry>();
    entry->info.name = id.name();
    switch (id.credential_case()) {
      case v1::Identity::kTokenSha256: {
        if (!DecodeHex32(id.token_sha256(), &entry->token_hash)) {
          return absl::InvalidArgumentError(absl::StrCat(
              at, ": identity \"", id.name(),
              "\": token_sha256 must be 64 hex digits (printf %s \"$TOKEN\" | sha256sum)"));
        }
        entry->has_token = true;
        const std::string key = absl::AsciiStrToLower(id.token_sha256());
        if (!hashes.emplace(key, i).second) {
          return absl::InvalidArgumentError(absl::StrCat(
              at, ": identity \"", id.name(), "\": the same token as another identity"));
        }
        break;
      }
      case v1::Identity::kCertSubject:
        if (id.cert_subject().empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat(at, ": identity \"", id.name(), "\": cert_subject is empty"));
        }
        if (!subjects.emplace(id.cert_subject(), i).second) {
          return absl::InvalidArgumentError(absl::StrCat(
              at, ": identity \"", id.name(), "\": cert_subject is used by another identity"));
        }
        entry->cert_subject = id.cert_subject();
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            at, ": identity \"", id.name(), "\": needs token_sha256 or cert_subject"));
    }
    if (id.allowed_policy_size() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, ": identity \"", id.name(), "\": no allowed_policy"));
    }
    const google::protobuf::TextFormat::ParseInfoTree* nested =
        tree.GetTreeForNested(identity_field, i);
    for (int j = 0; j < id.allowed_policy_size(); ++j) {
      const std::string& p = id.allowed_policy(j);
      if (!policies.Find(p) || p.empty()) {
        const int line = nested ? nested->GetLocation(allowed_field, j).line + 1 : 0;
        return absl::InvalidArgumentError(absl::StrCat(
            path, ":", line > 0 ? line : tree.GetLocation(identity_field, i).line + 1,
            ": identity \"", id.name(), "\": unknown policy \"", PlainName(p),
            "\" (known: ", absl::StrJoin(known, ", "), ")"));
      }
      entry->info.allowed.insert(p);
    }
    access->identities_.push_back(std::move(entry));
  }
  return std::shared_ptr<const AccessControl>(std::move(access));
}

absl::StatusOr<Caller> AccessControl::Authenticate(const grpc::ServerContextBase& context) const {
  std::vector<std::string> authorization;
  const auto& metadata = context.client_metadata();
  auto range = metadata.equal_range("authorization");
  for (auto it = range.first; it != range.second; ++it) {
    authorization.emplace_back(it->second.data(), it->second.size());
  }
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  return Authenticate(authorization, auth.get());
}

absl::StatusOr<Caller> AccessControl::Authenticate(const std::vector<std::string>& authorization,
                                                   const grpc::AuthContext* auth) const {
  Caller caller;
  if (open_) {
    caller.identity = &anonymous_;
    return caller;
  }
  if (authorization.size() > 1) {
    return absl::UnauthenticatedError("authorization: given more than once");
  }
  if (authorization.size() == 1) {
    absl::string_view value = absl::StripAsciiWhitespace(authorization[0]);
    if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
      return absl::UnauthenticatedError("authorization: expected \"Bearer <token>\"");
    }
    const std::string token(absl::StripAsciiWhitespace(value.substr(7)));
    if (token.empty()) return absl::UnauthenticatedError("authorization: empty bearer token");
    const std::array<unsigned char, 32> hash = Sha256(token);
    // Compare with every configured hash, in constant time, without stopping early.
    const IdentityInfo* found = nullptr;
    for (const auto& e : identities_) {
      const unsigned char* stored = e->token_hash.data();
      const bool match = e->has_token && CRYPTO_memcmp(stored, hash.data(), hash.size()) == 0;
      if (match) found = &e->info;
    }
    if (!found) return absl::UnauthenticatedError("authorization: bearer token not recognised");
    caller.identity = found;
    caller.credential = "token";
    return caller;
  }
  if (auth && auth->IsPeerAuthenticated()) {
    std::vector<std::string> names;
    for (const char* property : {GRPC_X509_SUBJECT_PROPERTY_NAME, GRPC_X509_CN_PROPERTY_NAME,
                                 GRPC_X509_SAN_PROPERTY_NAME}) {
      for (const grpc::string_ref& v : auth->FindPropertyValues(property)) {
        names.emplace_back(v.data(), v.size());
      }
    }
    for (const auto& e : identities_) {
      if (e->cert_subject.empty()) continue;
      for (const std::string& n : names) {
        if (n == e->cert_subject) {
          caller.identity = &e->info;
          caller.credential = "certificate";
          return caller;
        }
      }
    }
    return absl::UnauthenticatedError(
        "client certificate: its subject is not a configured identity (--access)");
  }
  return absl::UnauthenticatedError(
      "no credentials: send \"authorization: Bearer <token>\" metadata or a client certificate");
}

absl::Status AccessControl::Authorize(const Caller& caller, const std::string& policy) {
  const std::string name = policy.empty() ? "default" : policy;
  if (caller.identity->any_policy || caller.identity->allowed.count(name)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat("config.policy: policy \"", PlainName(name),
                                                  "\" is not allowed for identity \"",
                                                  caller.identity->name, "\""));
}

}  // namespace callredact
