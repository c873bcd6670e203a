// Policies: what a consumer sees of each entity type (DESIGN.md, decision 9).
//
//   absl::StatusOr<PolicyRegistry> reg = PolicyRegistry::Load(models_dir + "/policies.textproto");
//   std::shared_ptr<const Policy> qa = reg->Find("qa");
//   std::string shown = qa->Render(detection_type, normalized_value, original_text);
#ifndef CALLREDACT_PIPELINE_POLICY_H_
#define CALLREDACT_PIPELINE_POLICY_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callredact/v1/models.pb.h"
#include "callredact/v1/redactor.pb.h"

namespace callredact {

namespace v1 = ::callredact::v1;

// Pseudonym keys (HMAC-SHA256 secrets) by key id. The newest key makes new pseudonyms;
// older keys stay for reference during rotation. See pipeline/keys.h for loading.
class KeyRing {
 public:
  struct Key {
    std::string id;
    std::string secret;
  };
  void Add(Key key) { keys_.push_back(std::move(key)); }
  bool empty() const { return keys_.empty(); }
  // The key new pseudonyms are made with: the last one added.
  const Key& current() const { return keys_.back(); }
  const std::vector<Key>& keys() const { return keys_; }

 private:
  std::vector<Key> keys_;
};

// One compiled policy; immutable, shared by all sessions that use it.
class Policy {
 public:
  explicit Policy(v1::Policy proto);

  const std::string& name() const { return proto_.name(); }
  // The rule for `type` (the default rule when the policy has none for it).
  const v1::EntityRule& RuleFor(v1::EntityType type) const;
  // Whether a detection of `type` at `confidence` is acted on.
  bool Applies(v1::EntityType type, double confidence) const;
  // The replacement text for one entity part. `original` is the part's original text,
  // `normalized` the whole entity's normalised value. LABEL gives "[TYPE]".
  std::string Render(v1::EntityType type, const std::string& original,
                     const std::string& normalized) const;
  // The full HMAC-SHA256 (hex) of `normalized` under the current key; "" without keys.
  std::string Pseudonym(v1::EntityType type, const std::string& normalized) const;
  // Id of the key pseudonyms are made with; "" without keys.
  std::string key_id() const { return keys_ && !keys_->empty() ? keys_->current().id : ""; }
  // The built-in default: every type labelled, min confidence 0.5, audio muted.
  static std::shared_ptr<const Policy> Default();

 private:
  friend class PolicyRegistry;
  v1::Policy proto_;
  std::shared_ptr<const KeyRing> keys_;
  std::map<int, v1::EntityRule> rules_;
  v1::EntityRule default_rule_;
};

class PolicyRegistry {
 public:
  // Loads a PolicySet text proto; errors name the file and line. The built-in "default"
  // policy is always present.
  // `keys` may be null when no policy uses PSEUDONYM.
  static absl::StatusOr<PolicyRegistry> Load(const std::string& path,
                                             std::shared_ptr<const KeyRing> keys = nullptr);
  PolicyRegistry();
  // nullptr when unknown. An empty name means "default".
  std::shared_ptr<const Policy> Find(const std::string& name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::shared_ptr<const Policy>> policies_;
};

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_POLICY_H_
