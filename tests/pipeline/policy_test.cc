// Tests of policies (pipeline/policy.h) and pseudonym key files (pipeline/keys.h):
// LABEL, MASK, PSEUDONYM, KEEP, min_confidence, and key-file errors.
#include "pipeline/policy.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/batch.h"
#include "pipeline/keys.h"
#include "tests/common/check_digits.h"

namespace callredact {
namespace {

using ::callredact::test_support::LuhnDigit;

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kSecretA[] = "00112233445566778899aabbccddeeff";
constexpr char kSecretB[] = "ffeeddccbbaa99887766554433221100";


class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "callredact_policy_XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

std::shared_ptr<const KeyRing> Ring(const std::string& id, const std::string& secret_hex) {
  TempDir dir;
  auto ring = LoadKeyRing(dir.Write("keys", id + " " + secret_hex + "\n"));
  EXPECT_TRUE(ring.ok()) << ring.status().code();
  return ring.ok() ? std::make_shared<const KeyRing>(*ring) : nullptr;
}

constexpr char kPolicies[] = R"pb(
policy {
  name: "mask"
  rule { entity: ZA_ID_NUMBER action: MASK keep_last: 4 }
  rule { entity: PAYMENT_CARD_NUMBER action: MASK keep_first: 6 keep_last: 4 }
}
policy {
  name: "pseudo"
  default_action: PSEUDONYM
}
policy {
  name: "keep"
  default_action: KEEP
}
policy {
  name: "strict"
  rule { entity: ZA_ID_NUMBER min_confidence: 0.99 }
  default_min_confidence: 0.3
}
)pb";

absl::StatusOr<PolicyRegistry> Registry(std::shared_ptr<const KeyRing> keys) {
  TempDir dir;
  return PolicyRegistry::Load(dir.Write("policies.textproto", kPolicies), std::move(keys));
}

TEST(PolicyTest, DefaultLabelsEverything) {
  std::shared_ptr<const Policy> p = Policy::Default();
  EXPECT_EQ(p->name(), "default");
  EXPECT_EQ(p->Render(v1::ZA_ID_NUMBER, "800101 5009 087", "8001015009087"), "[ZA_ID_NUMBER]");
  EXPECT_EQ(p->Render(v1::EMAIL_ADDRESS, "a@b.co", "a@b.co"), "[EMAIL_ADDRESS]");
  EXPECT_EQ(p->RuleFor(v1::PHONE_NUMBER).action(), v1::LABEL);
  EXPECT_TRUE(p->RuleFor(v1::PHONE_NUMBER).mute_audio());
  EXPECT_TRUE(p->Applies(v1::PHONE_NUMBER, 0.5));
  EXPECT_FALSE(p->Applies(v1::PHONE_NUMBER, 0.49));
  EXPECT_EQ(p->key_id(), "");
  EXPECT_EQ(p->Pseudonym(v1::ZA_ID_NUMBER, "8001015009087"), "");
}

TEST(PolicyTest, RegistryFindsPoliciesAndDefault) {
  auto reg = Registry(Ring("k1", kSecretA));
  ASSERT_TRUE(reg.ok()) << reg.status();
  for (const char* name : {"mask", "pseudo", "keep", "strict", "default"}) {
    SCOPED_TRACE(name);
    ASSERT_NE(reg->Find(name), nullptr);
    EXPECT_EQ(reg->Find(name)->name(), name);
  }
  EXPECT_EQ(reg->Find("")->name(), "default");
  EXPECT_EQ(reg->Find("no_such_policy"), nullptr);
}

TEST(PolicyTest, MaskKeepsSeparatorsAndTheAllowedDigits) {
  TempDir dir;
  auto reg = PolicyRegistry::Load(
      dir.Write("p.textproto",
                "policy { name: \"mask\"\n"
                "  rule { entity: ZA_ID_NUMBER action: MASK keep_last: 4 }\n"
                "  rule { entity: PAYMENT_CARD_NUMBER action: MASK keep_first: 6 keep_last: 4 }\n"
                "}\n"));
  ASSERT_TRUE(reg.ok()) << reg.status();
  std::shared_ptr<const Policy> p = reg->Find("mask");
  struct Case {
    v1::EntityType type;
    std::string original;
    std::string masked;
  };
  const Case kCases[] = {
      {v1::ZA_ID_NUMBER, "800101 5009 087", "****** ***9 087"},
      {v1::ZA_ID_NUMBER, "8001015009087", "*********9087"},
      {v1::ZA_ID_NUMBER, "800-101-5009", "***-***-5009"},
      {v1::PAYMENT_CARD_NUMBER, "4532 0151 1283 0366", "4532 01** **** 0366"},
      {v1::PAYMENT_CARD_NUMBER, "4532015112830366", "453201******0366"},
      // Fewer digits than kept: nothing to mask beyond them.
      {v1::ZA_ID_NUMBER, "087", "087"},
  };
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); ++i) {
    const Case& c = kCases[i];
    SCOPED_TRACE("case " + std::to_string(i));
    const std::string got = p->Render(c.type, c.original, "");
    EXPECT_TRUE(got == c.masked) << "masked form differs";
    EXPECT_EQ(got.size(), c.original.size());
  }
  // Types without a rule get the default action: a label.
  EXPECT_EQ(p->Render(v1::PHONE_NUMBER, "0821234567", "0821234567"), "[PHONE_NUMBER]");
}

TEST(PolicyTest, KeepShowsTheValue) {
  auto reg = Registry(Ring("k1", kSecretA));
  ASSERT_TRUE(reg.ok()) << reg.status();
  EXPECT_EQ(reg->Find("keep")->Render(v1::PHONE_NUMBER, "082 123 4567", "0821234567"),
            "082 123 4567");
}

TEST(PolicyTest, MinConfidence) {
  auto reg = Registry(Ring("k1", kSecretA));
  ASSERT_TRUE(reg.ok()) << reg.status();
  std::shared_ptr<const Policy> p = reg->Find("strict");
  EXPECT_FALSE(p->Applies(v1::ZA_ID_NUMBER, 0.98));
  EXPECT_TRUE(p->Applies(v1::ZA_ID_NUMBER, 0.99));
  EXPECT_TRUE(p->Applies(v1::PHONE_NUMBER, 0.3));
  EXPECT_FALSE(p->Applies(v1::PHONE_NUMBER, 0.29));
}

// A call whose customer says `answer` after an ID question.
v1::Call IdCall(const std::string& answer) {
  v1::Call call;
  call.mutable_config()->set_call_id("policy-test");
  const std::string texts[] = {"Can I have your ID number please?", answer};
  for (int i = 0; i < 2; ++i) {
    v1::Chunk* c = call.add_chunks();
    c->set_seq(static_cast<uint64_t>(i));
    c->set_source(v1::TRANSCRIPT);
    c->set_speaker(i == 0 ? v1::AGENT : v1::CUSTOMER);
    c->set_is_final(true);
    c->set_text(texts[i]);
  }
  return call;
}

struct Pseudonymised {
  std::string text;       // The customer's chunk, redacted.
  std::string pseudonym;  // Of the ID event.
  std::string key_id;
  int events = 0;
};

Pseudonymised RunPseudonym(std::shared_ptr<const Policy> policy, const std::string& answer) {
  auto engine = Engine::Load(std::string(CALLREDACT_SOURCE_DIR) + "/models");
  Pseudonymised r;
  EXPECT_TRUE(engine.ok()) << engine.status();
  if (!engine.ok()) return r;
  auto out = RedactCall(*engine, policy, IdCall(answer));
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok()) return r;
  r.text = out->chunks(1).text();
  for (const auto& rc : out->chunks()) {
    for (const auto& e : rc.events()) {
      if (e.type() != v1::ZA_ID_NUMBER) continue;
      ++r.events;
      r.pseudonym = e.pseudonym();
      r.key_id = e.key_id();
    }
  }
  return r;
}

TEST(PolicyTest, PseudonymSameValueSameToken) {
  const std::string body = "800101500908";
  const std::string id = body + LuhnDigit(body);
  static const char* const kWords[] = {"oh",  "one", "two",   "three", "four",
                                       "five", "six", "seven", "eight", "nine"};
  std::string spoken;
  for (char c : id) spoken += std::string(spoken.empty() ? "" : " ") + kWords[c - '0'];
  const std::string grouped = id.substr(0, 6) + " " + id.substr(6, 4) + " " + id.substr(10);

  auto reg_a = Registry(Ring("key-a", kSecretA));
  auto reg_b = Registry(Ring("key-b", kSecretB));
  ASSERT_TRUE(reg_a.ok() && reg_b.ok());
  std::shared_ptr<const Policy> pa = reg_a->Find("pseudo"), pb = reg_b->Find("pseudo");

  Pseudonymised written = RunPseudonym(pa, "It's " + grouped);
  Pseudonymised said = RunPseudonym(pa, "It's " + spoken);
  Pseudonymised other_key = RunPseudonym(pb, "It's " + grouped);
  for (const Pseudonymised* r : {&written, &said, &other_key}) {
    ASSERT_EQ(r->events, 1);
    EXPECT_FALSE(r->pseudonym.empty());
    EXPECT_FALSE(absl::StrContains(r->text, id.substr(0, 6))) << "value shown";
    EXPECT_TRUE(absl::StrContains(r->text, "ZA_ID_NUMBER"));
  }
  EXPECT_EQ(written.key_id, "key-a");
  EXPECT_EQ(other_key.key_id, "key-b");
  // Same normalised value: same pseudonym and same token in the text.
  EXPECT_EQ(written.pseudonym, said.pseudonym);
  EXPECT_EQ(written.text, said.text);
  // Another key: another pseudonym.
  EXPECT_NE(written.pseudonym, other_key.pseudonym);
  EXPECT_NE(written.text, other_key.text);
  // The pseudonym is a keyed hash, not the value.
  EXPECT_FALSE(absl::StrContains(written.pseudonym, id));

  // Directly: same value, same token; another value, another token.
  EXPECT_EQ(pa->Render(v1::ZA_ID_NUMBER, "x", id), pa->Render(v1::ZA_ID_NUMBER, "y", id));
  EXPECT_NE(pa->Render(v1::ZA_ID_NUMBER, "x", id), pa->Render(v1::ZA_ID_NUMBER, "x", body + "0"));
  EXPECT_EQ(pa->key_id(), "key-a");
  EXPECT_EQ(pa->Pseudonym(v1::ZA_ID_NUMBER, id), pa->Pseudonym(v1::ZA_ID_NUMBER, id));
  EXPECT_NE(pa->Pseudonym(v1::ZA_ID_NUMBER, id), pb->Pseudonym(v1::ZA_ID_NUMBER, id));
}

TEST(PolicyTest, NewestKeyMakesPseudonyms) {
  TempDir dir;
  auto ring = LoadKeyRing(dir.Write("keys", std::string("# rotation\nold ") + kSecretA +
                                                "\n\nnew " + kSecretB + "\n"));
  ASSERT_TRUE(ring.ok()) << ring.status().code();
  ASSERT_EQ(ring->keys().size(), 2u);
  EXPECT_EQ(ring->current().id, "new");
  auto reg = Registry(std::make_shared<const KeyRing>(*ring));
  ASSERT_TRUE(reg.ok());
  EXPECT_EQ(reg->Find("pseudo")->key_id(), "new");
}

// Rotation: appending a key changes the pseudonyms made from then on (and the key id events
// name); the old key alone still gives the old tokens, so earlier archives stay linkable
// within a key's lifetime.
TEST(PolicyTest, KeyRotationByAppendingAKey) {
  TempDir dir;
  auto before = LoadKeyRing(dir.Write("k1", std::string("old ") + kSecretA + "\n"));
  auto after = LoadKeyRing(dir.Write("k2", std::string("old ") + kSecretA + "\nnew " + kSecretB + "\n"));
  ASSERT_TRUE(before.ok() && after.ok());
  auto reg_before = Registry(std::make_shared<const KeyRing>(*before));
  auto reg_after = Registry(std::make_shared<const KeyRing>(*after));
  auto reg_again = Registry(std::make_shared<const KeyRing>(*before));
  auto reg_new_only = Registry(Ring("new", kSecretB));
  ASSERT_TRUE(reg_before.ok() && reg_after.ok() && reg_again.ok() && reg_new_only.ok());
  const std::string id = "8001015009087";
  auto p_before = reg_before->Find("pseudo"), p_after = reg_after->Find("pseudo");
  EXPECT_EQ(p_before->key_id(), "old");
  EXPECT_EQ(p_after->key_id(), "new");
  EXPECT_NE(p_before->Pseudonym(v1::ZA_ID_NUMBER, id), p_after->Pseudonym(v1::ZA_ID_NUMBER, id));
  EXPECT_EQ(p_after->Pseudonym(v1::ZA_ID_NUMBER, id),
            reg_new_only->Find("pseudo")->Pseudonym(v1::ZA_ID_NUMBER, id));
  EXPECT_EQ(p_before->Pseudonym(v1::ZA_ID_NUMBER, id),
            reg_again->Find("pseudo")->Pseudonym(v1::ZA_ID_NUMBER, id));
  // Events name the key the pseudonym was made with.
  const std::string body = "800101500908";
  const std::string valid = body + LuhnDigit(body);
  Pseudonymised old_event = RunPseudonym(p_before, "It's " + valid);
  Pseudonymised new_event = RunPseudonym(p_after, "It's " + valid);
  ASSERT_EQ(old_event.events, 1);
  ASSERT_EQ(new_event.events, 1);
  EXPECT_EQ(old_event.key_id, "old");
  EXPECT_EQ(new_event.key_id, "new");
  EXPECT_NE(old_event.pseudonym, new_event.pseudonym);
  EXPECT_NE(old_event.text, new_event.text);
}

// The shipped views (models/policies.textproto) do what their consumers need.
TEST(PolicyTest, ShippedPolicies) {
  auto reg = PolicyRegistry::Load(std::string(CALLREDACT_SOURCE_DIR) + "/models/policies.textproto",
                                  Ring("k1", kSecretA));
  ASSERT_TRUE(reg.ok()) << reg.status();
  const std::string pan = "4111 1111 1111 1111";
  const std::string id = "8001015009087";

  auto qa = reg->Find("qa");  // LABEL everything, muted.
  ASSERT_NE(qa, nullptr);
  for (v1::EntityType t : {v1::ZA_ID_NUMBER, v1::PAYMENT_CARD_NUMBER, v1::PERSON_NAME}) {
    EXPECT_EQ(qa->RuleFor(t).action(), v1::LABEL);
    EXPECT_TRUE(qa->RuleFor(t).mute_audio());
  }
  EXPECT_EQ(qa->Render(v1::ZA_ID_NUMBER, id, id), "[ZA_ID_NUMBER]");

  auto archive = reg->Find("archive");  // PSEUDONYM, PAN first six / last four, CVV label.
  ASSERT_NE(archive, nullptr);
  const std::string token = archive->Render(v1::ZA_ID_NUMBER, id, id);
  EXPECT_TRUE(absl::StartsWith(token, "[ZA_ID_NUMBER:")) << token;
  EXPECT_EQ(token.size(), std::string("[ZA_ID_NUMBER:12345678]").size());
  EXPECT_EQ(archive->Render(v1::PAYMENT_CARD_NUMBER, pan, "4111111111111111"),
            "4111 11** **** 1111");
  EXPECT_EQ(archive->Render(v1::CARD_SECURITY_CODE, "123", "123"), "[CARD_SECURITY_CODE]");
  EXPECT_TRUE(archive->RuleFor(v1::PHONE_NUMBER).mute_audio());

  auto pci = reg->Find("pci");  // Card data only; everything else KEEP, unmuted.
  ASSERT_NE(pci, nullptr);
  EXPECT_EQ(pci->Render(v1::PERSON_NAME, "Thandi", "thandi"), "Thandi");
  EXPECT_FALSE(pci->RuleFor(v1::PERSON_NAME).mute_audio());
  EXPECT_EQ(pci->Render(v1::PAYMENT_CARD_NUMBER, pan, "4111111111111111"), "4111 11** **** 1111");
  EXPECT_TRUE(pci->RuleFor(v1::PAYMENT_CARD_NUMBER).mute_audio());
  EXPECT_EQ(pci->Render(v1::CARD_EXPIRY, "03/27", "0327"), "[CARD_EXPIRY]");

  auto analytics = reg->Find("analytics");  // Pseudonyms, no muting.
  ASSERT_NE(analytics, nullptr);
  EXPECT_EQ(analytics->RuleFor(v1::ZA_ID_NUMBER).action(), v1::PSEUDONYM);
  EXPECT_FALSE(analytics->RuleFor(v1::ZA_ID_NUMBER).mute_audio());
  EXPECT_EQ(analytics->Render(v1::ZA_ID_NUMBER, id, id), token);  // Same key, same token.
  EXPECT_EQ(analytics->Render(v1::AUTH_CODE, "4821", "4821"), "[AUTH_CODE]");
}

// Without keys a PSEUDONYM policy still loads but renders labels (fail closed): no
// value and no unkeyed hash ever goes out.
TEST(PolicyTest, PseudonymPolicyWithoutKeysFallsBackToLabels) {
  auto reg = Registry(nullptr);
  ASSERT_TRUE(reg.ok()) << reg.status();
  for (const std::string& name : reg->Names()) {
    auto p = reg->Find(name);
    ASSERT_NE(p, nullptr);
    if (p->RuleFor(v1::ZA_ID_NUMBER).action() != v1::PSEUDONYM) continue;
    const std::string shown = p->Render(v1::ZA_ID_NUMBER, "8001015009087", "8001015009087");
    EXPECT_EQ(shown.find("8001015009087"), std::string::npos) << name;
    EXPECT_TRUE(p->Pseudonym(v1::ZA_ID_NUMBER, "8001015009087").empty()) << name;
  }
}

TEST(PolicyTest, BadPolicyFileNamesFileAndLine) {
  TempDir dir;
  const std::string path =
      dir.Write("p.textproto", "policy {\n  name: \"x\"\n  rule { action: SHRED }\n}\n");
  auto reg = PolicyRegistry::Load(path);
  ASSERT_FALSE(reg.ok());
  EXPECT_THAT(std::string(reg.status().message()), HasSubstr(path + ":3:"));
  auto missing = PolicyRegistry::Load(path + ".missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(KeyRingTest, ErrorsNameFileAndLineNeverTheSecret) {
  struct Case {
    std::string name;
    std::string text;
    std::string where;   // Expected after the path: ":<line>" or "" for whole-file errors.
    std::string secret;  // Must not appear in the message.
  };
  const std::string bad_hex = "0011223344556677889900aabbccddzz";
  const std::string short_hex = "00112233445566778899aabbccdd";
  const std::string odd_hex = std::string(kSecretA) + "f";
  const Case kCases[] = {
      {"no secret", "# keys\nk1\n", ":2", ""},
      {"extra field", std::string("k1 ") + kSecretA + " extra\n", ":1", kSecretA},
      {"short secret", "# a\n# b\nk1 " + short_hex + "\n", ":3", short_hex},
      {"odd length", "k1 " + odd_hex + "\n", ":1", odd_hex},
      {"not hex", std::string("k0 ") + kSecretB + "\nk1 " + bad_hex + "\n", ":2", bad_hex},
      {"duplicate id", std::string("k1 ") + kSecretA + "\nk1 " + kSecretB + "\n", ":2",
       kSecretB},
      {"no keys", "# only comments\n\n", "", ""},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    const std::string path = dir.Write("keys", c.text);
    auto ring = LoadKeyRing(path);
    ASSERT_FALSE(ring.ok());
    EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(ring.status().message());
    EXPECT_TRUE(absl::StartsWith(message, path + c.where + (c.where.empty() ? "" : ":")))
        << "message does not start with file:line";
    if (!c.secret.empty()) {
      EXPECT_FALSE(absl::StrContains(message, c.secret)) << "message reveals the secret";
      // Nor any long piece of it.
      EXPECT_FALSE(absl::StrContains(message, c.secret.substr(4, 12)))
          << "message reveals the secret";
    }
  }
  auto missing = LoadKeyRing("/nonexistent/keys");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("/nonexistent/keys"));
}

TEST(KeyRingTest, ParsesSecrets) {
  TempDir dir;
  auto ring = LoadKeyRing(dir.Write("keys", std::string("  k1   ") + kSecretA + "  \n"));
  ASSERT_TRUE(ring.ok()) << ring.status().code();
  ASSERT_EQ(ring->keys().size(), 1u);
  EXPECT_EQ(ring->current().id, "k1");
  const std::string expected = {'\x00', '\x11', '\x22', '\x33', '\x44', '\x55', '\x66', '\x77',
                                '\x88', '\x99', '\xaa', '\xbb', '\xcc', '\xdd', '\xee', '\xff'};
  EXPECT_TRUE(ring->current().secret == expected) << "secret bytes differ";
}

}  // namespace
}  // namespace callredact
