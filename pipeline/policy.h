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

#include "absl/status/statusor.h"
#include "callredact/v1/models.pb.h"
#include "callredact/v1/redactor.pb.h"

namespace callredact {

namespace v1 = ::callredact::v1;

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
  // The built-in default: every type labelled, min confidence 0.5, audio muted.
  static std::shared_ptr<const Policy> Default();

 private:
  v1::Policy proto_;
  std::map<int, v1::EntityRule> rules_;
  v1::EntityRule default_rule_;
};

class PolicyRegistry {
 public:
  // Loads a PolicySet text proto; errors name the file and line. The built-in "default"
  // policy is always present.
  static absl::StatusOr<PolicyRegistry> Load(const std::string& path);
  PolicyRegistry();
  // nullptr when unknown.
  std::shared_ptr<const Policy> Find(const std::string& name) const;

 private:
  std::map<std::string, std::shared_ptr<const Policy>> policies_;
};

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_POLICY_H_
