// Identities (--access): bearer tokens and mutual-TLS client certificates, each allowed a
// set of policies. The matrix: allowed, policy outside the set (PERMISSION_DENIED), no
// credentials and wrong token (UNAUTHENTICATED), client certificates from the configured
// CA (allowed / not configured) and from another CA (handshake fails: UNAVAILABLE).
// Certificates are made at test time with the `openssl` command.
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "pipeline/access.h"
#include "tests/server/server_testutil.h"
#include "tools/serve_command.h"

namespace callredact::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kQaToken = "qa-token-4f1c9b2e7d3a8c6f5e0b1d2a";
const std::string kArchiveToken = "archive-token-9e8d7c6b5a4f3e2d1c0b";
const std::string kWrongToken = "not-a-configured-token-0123456789";

std::string AccessFileText() {
  return absl::StrCat(
      "# test identities\n"
      "identity {\n"
      "  name: \"qa-tool\"\n"
      "  token_sha256: \"", AccessControl::Sha256Hex(kQaToken), "\"\n"
      "  allowed_policy: \"qa\"\n"
      "}\n"
      "identity {\n"
      "  name: \"archiver\"\n"
      "  token_sha256: \"", AccessControl::Sha256Hex(kArchiveToken), "\"\n"
      "  allowed_policy: \"archive\"\n"
      "  allowed_policy: \"default\"\n"
      "}\n"
      "identity { name: \"qa-desk\" cert_subject: \"qa-desk.callredact.test\" allowed_policy: \"qa\" }\n"
      "identity { name: \"archive-svc\" cert_subject: \"archive-svc\" allowed_policy: \"archive\" }\n"
      "identity { name: \"ops\" cert_subject: \"CN=ops-console,OU=Ops,O=Acme\" allowed_policy: \"pci\" }\n");
}

Metadata Bearer(const std::string& token) { return {{"authorization", "Bearer " + token}}; }

std::vector<v1::RedactRequest> IdStream(const std::string& call_id, const std::string& policy) {
  return {ConfigRequest(call_id, policy),
          ChunkRequest(MakeChunk(0, v1::AGENT, "Can I have your ID number please?")),
          ChunkRequest(MakeChunk(1, v1::CUSTOMER, "It is 8001015009087 thanks", true, 3000))};
}

grpc::Status Unary(v1::Redactor::Stub* stub, const std::string& policy, const Metadata& md,
                   v1::RedactedCall* out) {
  v1::Call call;
  call.mutable_config()->set_call_id("unary-1");
  call.mutable_config()->set_policy(policy);
  *call.add_chunks() = MakeChunk(0, v1::CUSTOMER, "my ID is 8001015009087");
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  for (const auto& [k, v] : md) ctx.AddMetadata(k, v);
  return stub->Redact(&ctx, call, out);
}

void ExpectNoSecrets(const grpc::Status& s) {
  for (const std::string& secret : {kQaToken, kArchiveToken, kWrongToken,
                                    AccessControl::Sha256Hex(kQaToken), std::string("8001015009087")}) {
    EXPECT_THAT(s.error_message(), Not(HasSubstr(secret)));
  }
}

// --- Bearer tokens over a plaintext loopback server ---

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.quiet = true;
    o.access_file = dir_.Write("access.textproto", AccessFileText());
    server_ = StartServerWith(o);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Redactor::NewStub(NewChannel(*server_));
  }
  TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::Redactor::Stub> stub_;
};

TEST_F(TokenTest, AllowedTokenAndPolicy) {
  StreamOutcome out = RunStream(stub_.get(), IdStream("c1", "qa"), Bearer(kQaToken));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  ASSERT_EQ(out.chunks.size(), 2u);
  EXPECT_FALSE(LeaksAny(out.chunks, {"8001015009087"}));
  EXPECT_THAT(out.chunks[1].text(), HasSubstr("[ZA_ID_NUMBER]"));

  // The second identity, through its second policy (an empty policy is "default"), and
  // the scheme is case-insensitive.
  out = RunStream(stub_.get(), IdStream("c2", ""), {{"authorization", "bearer " + kArchiveToken}});
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();

  v1::RedactedCall call;
  grpc::Status s = Unary(stub_.get(), "qa", Bearer(kQaToken), &call);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(call.chunks_size(), 1);
  EXPECT_THAT(call.chunks(0).text(), Not(HasSubstr("8001015009087")));
}

TEST_F(TokenTest, PolicyOutsideTheSetIsPermissionDenied) {
  for (const std::string policy : {"archive", "", "default", "pci", "no-such-policy"}) {
    StreamOutcome out = RunStream(stub_.get(), IdStream("c", policy), Bearer(kQaToken));
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << policy;
    EXPECT_THAT(out.status.error_message(), HasSubstr("config.policy"));
    EXPECT_TRUE(out.chunks.empty()) << policy;
    ExpectNoSecrets(out.status);

    v1::RedactedCall call;
    grpc::Status s = Unary(stub_.get(), policy, Bearer(kQaToken), &call);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << policy;
    EXPECT_THAT(s.error_message(), HasSubstr("config.policy"));
    EXPECT_EQ(call.chunks_size(), 0);
    ExpectNoSecrets(s);
  }
}

TEST_F(TokenTest, NoCredentialsIsUnauthenticated) {
  StreamOutcome out = RunStream(stub_.get(), IdStream("c", "qa"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(out.chunks.empty());
  v1::RedactedCall call;
  grpc::Status s = Unary(stub_.get(), "qa", {}, &call);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call.chunks_size(), 0);
}

TEST_F(TokenTest, WrongOrMalformedTokenIsUnauthenticated) {
  const std::vector<Metadata> bad = {
      Bearer(kWrongToken),
      Bearer(AccessControl::Sha256Hex(kQaToken)),  // The hash is not the token.
      Bearer(""),
      {{"authorization", kQaToken}},               // No scheme.
      {{"authorization", "Basic " + kQaToken}},
      {{"authorization", "Bearer " + kQaToken}, {"authorization", "Bearer " + kQaToken}},
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    StreamOutcome out = RunStream(stub_.get(), IdStream("c", "qa"), bad[i]);
    EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << i;
    EXPECT_TRUE(out.chunks.empty()) << i;
    ExpectNoSecrets(out.status);
    v1::RedactedCall call;
    grpc::Status s = Unary(stub_.get(), "qa", bad[i], &call);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << i;
    ExpectNoSecrets(s);
  }
}

TEST(AccessConfigTest, ErrorsNameFileAndLine) {
  absl::StatusOr<PolicyRegistry> policies =
      PolicyRegistry::Load(std::string(CALLREDACT_SOURCE_DIR) + "/models/policies.textproto");
  ASSERT_TRUE(policies.ok()) << policies.status();
  const std::string hash = AccessControl::Sha256Hex("t");
  struct Case {
    std::string text;
    std::string where;  // ":<line>:" expected after the path.
    std::string what;
  };
  const std::vector<Case> cases = {
      {"identity {\n  name: \"a\"\n  token_sha256: \"" + hash +
           "\"\n  allowed_policy: \"qa\"\n  allowed_policy: \"secret-view\"\n}\n",
       ":5:", "unknown policy"},
      {"\n\nidentity { name: \"a\" token_sha256: \"abc\" allowed_policy: \"qa\" }\n", ":3:",
       "64 hex digits"},
      {"identity { name: \"a\" allowed_policy: \"qa\" }\n", ":1:", "token_sha256 or cert_subject"},
      {"identity { name: \"a\" cert_subject: \"x\" }\n", ":1:", "no allowed_policy"},
      {"identity { name: \"a\" cert_subject: \"x\" allowed_policy: \"qa\" }\n"
       "identity { name: \"a\" cert_subject: \"y\" allowed_policy: \"qa\" }\n",
       ":2:", "appears twice"},
      {"identity {\n  name: \"a\"\n  tokn: \"x\"\n}\n", ":3:", "tokn"},
      {"identity { name: \"\" cert_subject: \"x\" allowed_policy: \"qa\" }\n", ":1:",
       "name is empty"},
  };
  for (const Case& c : cases) {
    auto access = AccessControl::Parse("/etc/access.textproto", c.text, *policies);
    ASSERT_FALSE(access.ok()) << c.text;
    EXPECT_EQ(access.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(access.status().message()),
                HasSubstr("/etc/access.textproto" + c.where))
        << c.text;
    EXPECT_THAT(std::string(access.status().message()), HasSubstr(c.what)) << c.text;
  }
  auto empty = AccessControl::Parse("/etc/access.textproto", "# nobody\n", *policies);
  EXPECT_FALSE(empty.ok());
  auto missing = AccessControl::Load("/nonexistent/access.textproto", *policies);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  auto ok = AccessControl::Parse("/etc/access.textproto", AccessFileText(), *policies);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)->size(), 5u);
  EXPECT_FALSE((*ok)->open());
}

TEST(AccessConfigTest, ServerRefusesABadAccessFile) {
  TempDir dir;
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.quiet = true;
  o.access_file = dir.Write("access.textproto", "identity {\n name: \"a\"\n}\n");
  absl::StatusOr<std::unique_ptr<Server>> s = Server::Start(o, TestEngine());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr(o.access_file + ":1:"));
}

TEST(AccessConfigTest, AnonymousOnlyOnLoopbackUnlessAllowed) {
  ServerOptions o;
  o.listen = "0.0.0.0:0";
  o.quiet = true;
  o.allow_insecure_bind = true;  // Plaintext allowed, anonymous access not.
  absl::StatusOr<std::unique_ptr<Server>> s = Server::Start(o, TestEngine());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("--access"));

  o.allow_anonymous = true;
  s = Server::Start(o, TestEngine());
  ASSERT_TRUE(s.ok()) << s.status();
  (*s)->Stop(std::chrono::milliseconds(0));

  // Loopback without --access: anyone, any policy (today's behaviour).
  std::unique_ptr<Server> open = StartServerWith(ServerOptions{});
  ASSERT_NE(open, nullptr);
  auto stub = v1::Redactor::NewStub(NewChannel(*open));
  for (const std::string policy : {"", "qa", "archive", "pci"}) {
    StreamOutcome out = RunStream(stub.get(), IdStream("c", policy));
    EXPECT_TRUE(out.status.ok()) << policy << ": " << out.status.error_message();
  }
}

TEST(AccessConfigTest, ServeFlags) {
  absl::StatusOr<ServerOptions> o = ParseServeFlags(
      {"--access", "/a.textproto", "--audit-log=/var/log/audit.jsonl", "--keys", "/k",
       "--allow-anonymous"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->access_file, "/a.textproto");
  EXPECT_EQ(o->audit_log_file, "/var/log/audit.jsonl");
  EXPECT_EQ(o->keys_file, "/k");
  EXPECT_TRUE(o->allow_anonymous);
  EXPECT_FALSE(ParseServeFlags({"--access"}).ok());
}

// --- Mutual TLS: certificates made with the openssl command ---

class Pki {
 public:
  // A CA, a server certificate for 127.0.0.1/localhost, and client certificates.
  bool Make() {
    dir_.Write("req.cnf", "[req]\ndistinguished_name = dn\n[dn]\n");
    dir_.Write("ca.ext",
               "basicConstraints = critical, CA:TRUE\n"
               "keyUsage = critical, keyCertSign, cRLSign\n"
               "subjectKeyIdentifier = hash\n");
    dir_.Write("server.ext",
               "basicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\n"
               "extendedKeyUsage = serverAuth\n"
               "subjectAltName = DNS:localhost, IP:127.0.0.1\n");
    dir_.Write("client.ext",
               "basicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\n"
               "extendedKeyUsage = clientAuth\n");
    dir_.Write("qa-desk.ext",
               "basicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\n"
               "extendedKeyUsage = clientAuth\nsubjectAltName = DNS:qa-desk.callredact.test\n");
    return Ca("ca") && Ca("other-ca") &&
           Leaf("server", "ca", "/O=callredact test/CN=localhost", "server.ext") &&
           Leaf("qa-desk", "ca", "/O=Acme/CN=qa-desk-host", "qa-desk.ext") &&
           Leaf("archive-svc", "ca", "/O=Acme/CN=archive-svc", "client.ext") &&
           Leaf("intruder", "ca", "/O=Acme/CN=intruder", "client.ext") &&
           Leaf("ops-console", "ca", "/O=Acme/OU=Ops/CN=ops-console", "client.ext") &&
           Leaf("forged", "other-ca", "/O=Acme/CN=archive-svc", "client.ext");
  }
  std::string Pem(const std::string& name) const { return ReadWholeFile(dir_.File(name)); }
  std::string File(const std::string& name) const { return dir_.File(name); }

 private:
  bool Run(const std::string& cmd) {
    const std::string full = "cd '" + dir_.path() + "' && " + cmd + " >>openssl.log 2>&1";
    const int rc = std::system(full.c_str());
    EXPECT_EQ(rc, 0) << cmd << "\n" << ReadWholeFile(dir_.File("openssl.log"));
    return rc == 0;
  }
  bool Key(const std::string& name) {
    return Run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + name +
               ".key");
  }
  bool Ca(const std::string& name) {
    return Key(name) &&
           Run("openssl req -new -config req.cnf -key " + name + ".key -subj '/O=Test/CN=" +
               name + "' -out " + name + ".csr") &&
           Run("openssl x509 -req -days 2 -in " + name + ".csr -signkey " + name +
               ".key -extfile ca.ext -out " + name + ".pem");
  }
  bool Leaf(const std::string& name, const std::string& ca, const std::string& subject,
            const std::string& ext) {
    return Key(name) &&
           Run("openssl req -new -config req.cnf -key " + name + ".key -subj '" + subject +
               "' -out " + name + ".csr") &&
           Run("openssl x509 -req -days 2 -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca +
               ".key -set_serial 0x" + std::to_string(1000 + serial_++) + " -extfile " + ext +
               " -out " + name + ".pem");
  }
  TempDir dir_;
  int serial_ = 0;
};

class MutualTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("openssl version >/dev/null 2>&1") != 0) return;
    pki_ = new Pki();
    if (!pki_->Make()) {
      delete pki_;
      pki_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  void SetUp() override {
    if (!pki_) GTEST_SKIP() << "openssl command missing or failed";
    ServerOptions o;
    o.quiet = true;
    o.tls_cert_file = pki_->File("server.pem");
    o.tls_key_file = pki_->File("server.key");
    o.tls_client_ca_file = pki_->File("ca.pem");
    o.access_file = dir_.Write("access.textproto", AccessFileText());
    server_ = StartServerWith(o);
    ASSERT_NE(server_, nullptr);
  }
  // A stub presenting client certificate `name` ("" for none).
  std::unique_ptr<v1::Redactor::Stub> Client(const std::string& name) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pki_->Pem("ca.pem");
    if (!name.empty()) {
      ssl.pem_private_key = pki_->Pem(name + ".key");
      ssl.pem_cert_chain = pki_->Pem(name + ".pem");
    }
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                             grpc::SslCredentials(ssl), args);
    return v1::Redactor::NewStub(channel);
  }
  static Pki* pki_;
  TempDir dir_;
  std::unique_ptr<Server> server_;
};
Pki* MutualTlsTest::pki_ = nullptr;

TEST_F(MutualTlsTest, ConfiguredCertificateAllowed) {
  // Matched by subject alternative name.
  auto qa = Client("qa-desk");
  StreamOutcome out = RunStream(qa.get(), IdStream("tls-1", "qa"));
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  ASSERT_EQ(out.chunks.size(), 2u);
  EXPECT_FALSE(LeaksAny(out.chunks, {"8001015009087"}));
  v1::RedactedCall call;
  grpc::Status s = Unary(qa.get(), "qa", {}, &call);
  EXPECT_TRUE(s.ok()) << s.error_message();

  // Matched by common name.
  auto archive = Client("archive-svc");
  out = RunStream(archive.get(), IdStream("tls-2", "archive"));
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();

  // Matched by the full subject (RFC 2253 order, as gRPC reports it).
  auto ops = Client("ops-console");
  out = RunStream(ops.get(), IdStream("tls-2b", "pci"));
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
}

TEST_F(MutualTlsTest, PolicyOutsideTheSetIsPermissionDenied) {
  auto qa = Client("qa-desk");
  StreamOutcome out = RunStream(qa.get(), IdStream("tls-3", "archive"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(out.status.error_message(), HasSubstr("config.policy"));
  EXPECT_TRUE(out.chunks.empty());
  v1::RedactedCall call;
  grpc::Status s = Unary(qa.get(), "pci", {}, &call);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(MutualTlsTest, UnconfiguredSubjectIsRefused) {
  auto intruder = Client("intruder");
  StreamOutcome out = RunStream(intruder.get(), IdStream("tls-4", "qa"));
  EXPECT_TRUE(out.status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
              out.status.error_code() == grpc::StatusCode::PERMISSION_DENIED)
      << out.status.error_code() << " " << out.status.error_message();
  EXPECT_TRUE(out.chunks.empty());
}

TEST_F(MutualTlsTest, CertificateOfAnotherCaFailsTheHandshake) {
  // Same subject as a configured identity, signed by a CA the server does not trust.
  auto forged = Client("forged");
  StreamOutcome out = RunStream(forged.get(), IdStream("tls-5", "archive"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << out.status.error_message();
  EXPECT_TRUE(out.chunks.empty());
  v1::RedactedCall call;
  EXPECT_EQ(Unary(forged.get(), "archive", {}, &call).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, NoClientCertificateFailsTheHandshake) {
  auto none = Client("");
  StreamOutcome out = RunStream(none.get(), IdStream("tls-6", "qa"));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << out.status.error_message();
  EXPECT_TRUE(out.chunks.empty());
}

TEST_F(MutualTlsTest, TokenDecidesWhenBothAreGiven) {
  auto qa = Client("qa-desk");
  // A valid certificate with a wrong token: the token is checked and fails.
  StreamOutcome out = RunStream(qa.get(), IdStream("tls-7", "qa"), Bearer(kWrongToken));
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A valid certificate with the archiver's token: the archiver's policies apply.
  out = RunStream(qa.get(), IdStream("tls-8", "archive"), Bearer(kArchiveToken));
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
}

}  // namespace
}  // namespace callredact::testing
