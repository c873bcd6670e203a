#include "pipeline/policy.h"

#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "detectors/model_loader.h"

namespace callredact {
namespace {

constexpr double kDefaultMinConfidence = 0.5;

std::string Hex(const unsigned char* data, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 15]);
  }
  return out;
}

}  // namespace

Policy::Policy(v1::Policy proto) : proto_(std::move(proto)) {
  default_rule_.set_action(proto_.default_action() == v1::ACTION_UNSPECIFIED
                               ? v1::LABEL
                               : proto_.default_action());
  default_rule_.set_min_confidence(proto_.default_min_confidence() > 0
                                       ? proto_.default_min_confidence()
                                       : kDefaultMinConfidence);
  default_rule_.set_mute_audio(proto_.default_mute_audio());
  for (const v1::EntityRule& r : proto_.rule()) {
    v1::EntityRule rule = r;
    if (rule.action() == v1::ACTION_UNSPECIFIED) rule.set_action(default_rule_.action());
    if (rule.min_confidence() <= 0) rule.set_min_confidence(default_rule_.min_confidence());
    rules_[r.entity()] = rule;
  }
}

const v1::EntityRule& Policy::RuleFor(v1::EntityType type) const {
  auto it = rules_.find(type);
  return it == rules_.end() ? default_rule_ : it->second;
}

bool Policy::Applies(v1::EntityType type, double confidence) const {
  return confidence >= RuleFor(type).min_confidence();
}

std::string Policy::Render(v1::EntityType type, const std::string& original,
                           const std::string& normalized) const {
  const v1::EntityRule& rule = RuleFor(type);
  const std::string& name = v1::EntityType_Name(type);
  switch (rule.action()) {
    case v1::KEEP:
      return original;
    case v1::MASK: {
      // Keep the first/last N digits (or characters, for values without digits) of
      // this part; mask every other letter and digit; keep separators.
      std::string out = original;
      std::vector<size_t> positions;
      for (size_t i = 0; i < out.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(out[i]))) positions.push_back(i);
      }
      if (positions.empty()) {
        for (size_t i = 0; i < out.size(); ++i) {
          if (std::isalnum(static_cast<unsigned char>(out[i]))) positions.push_back(i);
        }
      }
      if (positions.empty()) return "[" + name + "]";  // Spoken: nothing worth keeping.
      size_t n = positions.size();
      size_t first = std::min<size_t>(rule.keep_first(), n);
      size_t last = std::min<size_t>(rule.keep_last(), n - first);
      for (size_t k = first; k < n - last; ++k) out[positions[k]] = '*';
      return out;
    }
    case v1::PSEUDONYM: {
      if (!keys_ || keys_->empty()) return "[" + name + "]";  // No key: fail closed.
      return "[" + name + ":" + Pseudonym(type, normalized).substr(0, 8) + "]";
    }
    case v1::LABEL:
    default:
      return "[" + name + "]";
  }
}

std::string Policy::Pseudonym(v1::EntityType type, const std::string& normalized) const {
  if (!keys_ || keys_->empty()) return "";
  const auto& key = keys_->current();
  std::string message = v1::EntityType_Name(type) + ":" + normalized;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.secret.data(), static_cast<int>(key.secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return Hex(mac, len);
}

std::shared_ptr<const Policy> Policy::Default() {
  static const auto* kDefault = [] {
    v1::Policy p;
    p.set_name("default");
    p.set_description("Every entity type replaced by its label; audio muted.");
    p.set_default_action(v1::LABEL);
    p.set_default_mute_audio(true);
    return new std::shared_ptr<const Policy>(std::make_shared<Policy>(p));
  }();
  return *kDefault;
}

PolicyRegistry::PolicyRegistry() { policies_["default"] = Policy::Default(); }

absl::StatusOr<PolicyRegistry> PolicyRegistry::Load(const std::string& path,
                                                    std::shared_ptr<const KeyRing> keys) {
  v1::PolicySet set;
  absl::Status st = LoadTextProto(path, &set);
  if (!st.ok()) return st;
  PolicyRegistry reg;
  for (int i = 0; i < set.policy_size(); ++i) {
    const v1::Policy& p = set.policy(i);
    if (p.name().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": policy #", i + 1, ": name is empty"));
    }
    // A PSEUDONYM policy without keys renders labels (fail closed) and carries no
    // pseudonyms in its events.
    auto policy = std::make_shared<Policy>(p);
    policy->keys_ = keys;
    reg.policies_[p.name()] = policy;
  }
  return reg;
}

std::shared_ptr<const Policy> PolicyRegistry::Find(const std::string& name) const {
  auto it = policies_.find(name.empty() ? "default" : name);
  return it == policies_.end() ? nullptr : it->second;
}

std::vector<std::string> PolicyRegistry::Names() const {
  std::vector<std::string> out;
  for (const auto& kv : policies_) out.push_back(kv.first);
  return out;
}

}  // namespace callredact
