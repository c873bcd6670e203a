// The audit log (--audit-log): one JSON line per call with identity, call id, policy,
// detection counts, chunk counts and outcome; and no personal information anywhere the
// server writes (audit log, server log, metrics, events, error messages), checked with the
// gold values of the dev corpus.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pipeline/access.h"
#include "pipeline/audit_log.h"
#include "tests/server/server_testutil.h"
#include "tools/corpus_io.h"

namespace callredact::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kToken = "audit-token-5b7e2c9d1f3a4e6b8c0d";
const std::string kOtherToken = "audit-other-token-1a2b3c4d5e6f7a8b";
const std::string kKeySecret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

std::string AccessText() {
  return absl::StrCat(
      "identity {\n  name: \"qa-tool\"\n  token_sha256: \"", AccessControl::Sha256Hex(kToken),
      "\"\n  allowed_policy: \"qa\"\n  allowed_policy: \"default\"\n"
      "  allowed_policy: \"archive\"\n  allowed_policy: \"pci\"\n"
      "  allowed_policy: \"analytics\"\n}\n"
      "identity {\n  name: \"pci-only\"\n  token_sha256: \"",
      AccessControl::Sha256Hex(kOtherToken), "\"\n  allowed_policy: \"pci\"\n}\n");
}

Metadata Bearer(const std::string& token) { return {{"authorization", "Bearer " + token}}; }

// The audit log's lines, once at least `n` are there (or after 10 s).
std::vector<json> AuditLines(const std::string& path, size_t n) {
  std::vector<json> lines;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    lines.clear();
    for (absl::string_view l : absl::StrSplit(ReadWholeFile(path), '\n', absl::SkipEmpty())) {
      json j = json::parse(std::string(l), nullptr, /*allow_exceptions=*/false);
      EXPECT_FALSE(j.is_discarded()) << "not JSON: " << l;
      lines.push_back(std::move(j));
    }
    if (lines.size() >= n || std::chrono::steady_clock::now() > deadline) return lines;
    std::this_thread::sleep_for(20ms);
  }
}

const json* FindCall(const std::vector<json>& lines, const std::string& call_id) {
  for (const json& j : lines) {
    if (j.value("call_id", "") == call_id) return &j;
  }
  return nullptr;
}

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.quiet = true;
    o.access_file = dir_.Write("access.textproto", AccessText());
    o.audit_log_file = dir_.File("audit.jsonl");
    server_ = StartServerWith(o);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Redactor::NewStub(NewChannel(*server_));
  }
  TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::Redactor::Stub> stub_;
};

TEST_F(AuditTest, OneLinePerCallWithIdentityCallIdPolicyCountsAndOutcome) {
  // Allowed: an ID number and a phone number.
  StreamOutcome ok = RunStream(
      stub_.get(),
      {ConfigRequest("audit-ok", "qa"),
       ChunkRequest(MakeChunk(0, v1::AGENT, "Can I have your ID number please?")),
       ChunkRequest(MakeChunk(1, v1::CUSTOMER, "It is 8001015009087 thanks", true, 3000)),
       ChunkRequest(MakeChunk(2, v1::CUSTOMER, "and my cell is 082 555 1234", true, 6000))},
      Bearer(kToken));
  ASSERT_TRUE(ok.status.ok()) << ok.status.error_message();
  // Denied: a policy outside the identity's set.
  StreamOutcome denied = RunStream(
      stub_.get(), {ConfigRequest("audit-denied", "qa"),
                    ChunkRequest(MakeChunk(0, v1::CUSTOMER, "It is 8001015009087"))},
      Bearer(kOtherToken));
  EXPECT_EQ(denied.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Unauthenticated.
  StreamOutcome anonymous = RunStream(stub_.get(), {ConfigRequest("audit-anon", "qa")},
                                      Bearer("guess"));
  EXPECT_EQ(anonymous.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Unary.
  v1::Call call;
  call.mutable_config()->set_call_id("audit-unary");
  call.mutable_config()->set_policy("pci");
  *call.add_chunks() = MakeChunk(0, v1::CUSTOMER, "my card is 4111 1111 1111 1111");
  *call.add_chunks() = MakeChunk(1, v1::AGENT, "thank you");
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + kOtherToken);
  v1::RedactedCall out;
  grpc::Status s = stub_->Redact(&ctx, call, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();

  std::vector<json> lines = AuditLines(dir_.File("audit.jsonl"), 4);
  ASSERT_EQ(lines.size(), 4u);
  const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  for (const json& j : lines) {
    EXPECT_TRUE(std::regex_match(j.value("time", ""), rfc3339)) << j.dump();
    EXPECT_THAT(j.value("peer", ""), HasSubstr("127.0.0.1")) << j.dump();
    for (const char* field : {"rpc", "identity", "credential", "call_id", "policy", "outcome",
                              "chunks_in", "chunks_out", "detections", "duration_ms"}) {
      EXPECT_TRUE(j.contains(field)) << field << " missing: " << j.dump();
    }
  }

  const json* a = FindCall(lines, "audit-ok");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->at("rpc"), "RedactStream");
  EXPECT_EQ(a->at("identity"), "qa-tool");
  EXPECT_EQ(a->at("credential"), "token");
  EXPECT_EQ(a->at("policy"), "qa");
  EXPECT_EQ(a->at("outcome"), "OK");
  EXPECT_EQ(a->at("chunks_in"), 3);
  EXPECT_EQ(a->at("chunks_out"), 3);
  EXPECT_GE(a->at("detections").value("ZA_ID_NUMBER", 0), 1) << a->dump();
  EXPECT_GE(a->at("detections").value("PHONE_NUMBER", 0), 1) << a->dump();

  const json* d = FindCall(lines, "audit-denied");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->at("identity"), "pci-only");
  EXPECT_EQ(d->at("policy"), "qa");
  EXPECT_EQ(d->at("outcome"), "PERMISSION_DENIED");
  EXPECT_EQ(d->at("chunks_out"), 0);
  EXPECT_TRUE(d->at("detections").empty());

  // Refused before the config: no call id, anonymous.
  const json* n = FindCall(lines, "");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->at("identity"), "anonymous");
  EXPECT_EQ(n->at("outcome"), "UNAUTHENTICATED");

  const json* u = FindCall(lines, "audit-unary");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->at("rpc"), "Redact");
  EXPECT_EQ(u->at("identity"), "pci-only");
  EXPECT_EQ(u->at("policy"), "pci");
  EXPECT_EQ(u->at("outcome"), "OK");
  EXPECT_EQ(u->at("chunks_in"), 2);
  EXPECT_EQ(u->at("chunks_out"), 2);
  EXPECT_GE(u->at("detections").value("PAYMENT_CARD_NUMBER", 0), 1) << u->dump();

  // Neither the token nor its hash, nor any value.
  const std::string text = ReadWholeFile(dir_.File("audit.jsonl"));
  for (const std::string& secret :
       {kToken, kOtherToken, AccessControl::Sha256Hex(kToken), std::string("guess"),
        std::string("8001015009087"), std::string("5551234"), std::string("4111")}) {
    EXPECT_THAT(text, Not(HasSubstr(secret)));
  }
}

TEST(AuditLogTest, EscapesCallerChosenStringsAndNamesCodes) {
  AuditRecord r;
  r.rpc = "RedactStream";
  r.call_id = "a\"b\\c\nd\x01";
  r.status_code = 7;
  r.detections["ZA_ID_NUMBER"] = 2;
  json j = json::parse(AuditLog::Format(r));
  EXPECT_EQ(j["call_id"], "a\"b\\c\nd\x01");
  EXPECT_EQ(j["outcome"], "PERMISSION_DENIED");
  EXPECT_EQ(j["identity"], "anonymous");
  EXPECT_EQ(j["detections"]["ZA_ID_NUMBER"], 2);
  EXPECT_EQ(AuditLog::CodeName(16), "UNAUTHENTICATED");
  EXPECT_EQ(AuditLog::CodeName(0), "OK");
}

// --- No gold value anywhere the server writes ---

// Redirects stderr (fd 2) to a file for its lifetime.
class StderrCapture {
 public:
  explicit StderrCapture(const std::string& path) : path_(path) {
    std::fflush(stderr);
    saved_ = dup(2);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
  }
  ~StderrCapture() { Restore(); }
  std::string Restore() {
    if (saved_ >= 0) {
      std::fflush(stderr);
      dup2(saved_, 2);
      close(saved_);
      saved_ = -1;
    }
    return ReadWholeFile(path_);
  }

 private:
  std::string path_;
  int saved_ = -1;
};

std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[8192];
      ssize_t n;
      while ((n = read(fd, buf, sizeof(buf))) > 0) response.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return response;
}

// Digit runs of `text`, with single spaces, dashes, dots, slashes and brackets between
// digits removed ("082 555-1234" is one run "0825551234"); other characters separate runs.
std::vector<std::string> DigitRuns(const std::string& text) {
  std::vector<std::string> runs;
  std::string run;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      run.push_back(c);
      continue;
    }
    const bool joins = (c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')') &&
                       !run.empty() && i + 1 < text.size() &&
                       std::isdigit(static_cast<unsigned char>(text[i + 1]));
    if (joins) continue;
    if (!run.empty()) runs.push_back(std::move(run));
    run.clear();
  }
  if (!run.empty()) runs.push_back(run);
  return runs;
}

struct GoldValues {
  std::set<std::string> digits;  // At least 6 digits.
  std::set<std::string> words;   // Lower-cased text (and name/e-mail tokens), >= 4 bytes.
};

GoldValues CollectGold(const std::vector<CorpusCall>& calls) {
  GoldValues g;
  for (const CorpusCall& c : calls) {
    std::map<uint64_t, const std::string*> texts;
    for (const v1::Chunk& chunk : c.call.chunks()) texts[chunk.seq()] = &chunk.text();
    for (const GoldEntity& e : c.entities) {
      if (e.type == "IGNORE") continue;
      std::string text;
      for (const GoldPart& p : e.parts) {
        auto it = texts.find(p.seq);
        if (it == texts.end() || p.end > it->second->size() || p.start > p.end) continue;
        if (!text.empty()) text.push_back(' ');
        text += it->second->substr(p.start, p.end - p.start);
      }
      std::string digits;
      for (char ch : text) {
        if (std::isdigit(static_cast<unsigned char>(ch))) digits.push_back(ch);
      }
      if (digits.size() >= 6) g.digits.insert(digits);
      const std::string lower = absl::AsciiStrToLower(text);
      size_t letters = 0;
      for (char ch : lower) letters += std::isalpha(static_cast<unsigned char>(ch)) ? 1 : 0;
      // Short digit strings ("0327", "482") are not distinctive enough to look for.
      if (digits.size() < 6 && lower.size() >= 4 && letters >= 3) g.words.insert(lower);
      if (e.type == "PERSON_NAME" || e.type == "EMAIL_ADDRESS") {
        for (absl::string_view t : absl::StrSplit(lower, absl::ByAnyChar(" ,"), absl::SkipEmpty())) {
          if (t.size() >= 5) g.words.insert(std::string(t));
        }
      }
    }
  }
  return g;
}

// Every gold value found in `haystack`, described.
std::vector<std::string> FindGold(const GoldValues& gold, const std::string& where,
                                  const std::string& haystack) {
  std::vector<std::string> found;
  const std::vector<std::string> runs = DigitRuns(haystack);
  for (const std::string& d : gold.digits) {
    for (const std::string& r : runs) {
      if (r.size() >= d.size() && r.find(d) != std::string::npos) {
        found.push_back(absl::StrCat(where, ": digits of a gold value (", d.size(), " digits)"));
        break;
      }
    }
  }
  const std::string lower = absl::AsciiStrToLower(haystack);
  for (const std::string& w : gold.words) {
    if (lower.find(w) != std::string::npos) {
      found.push_back(absl::StrCat(where, ": gold text \"", w, "\""));
    }
  }
  return found;
}

TEST(NoPersonalInformationTest, DevCorpusLeavesNoGoldValueInLogsMetricsEventsOrErrors) {
  absl::StatusOr<std::vector<CorpusCall>> corpus =
      ReadCorpusFile(std::string(CALLREDACT_CORPUS_DIR) + "/dev.jsonl");
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  corpus->resize(std::min<size_t>(corpus->size(), 30));
  const GoldValues gold = CollectGold(*corpus);
  ASSERT_GT(gold.digits.size(), 50u);
  ASSERT_GT(gold.words.size(), 30u);
  {
    // The check itself finds values however they are spaced or cased.
    const std::string d = *gold.digits.begin();
    std::string spaced;
    for (size_t i = 0; i < d.size(); ++i) spaced += std::string(i % 3 == 0 && i ? " " : "") + d[i];
    EXPECT_EQ(FindGold(gold, "self-check", "x=\"" + spaced + "\"").size(), 1u) << spaced;
    EXPECT_FALSE(FindGold(gold, "self-check", absl::AsciiStrToUpper(*gold.words.begin())).empty());
    EXPECT_TRUE(FindGold(gold, "self-check", "2024-05-01T09:30:12.345Z ipv4:127.0.0.1:50412").empty());
  }

  TempDir dir;
  StderrCapture capture(dir.File("stderr.log"));
  ServerOptions o;
  o.quiet = false;  // The most verbose logging the server has.
  o.access_file = dir.Write("access.textproto", AccessText());
  o.audit_log_file = dir.File("audit.jsonl");
  o.keys_file = dir.Write("keys", "k1 " + kKeySecret + "\n");
  o.metrics_listen = "127.0.0.1:0";
  o.service.max_chunk_bytes = 4096;
  std::unique_ptr<Server> server = StartServerWith(o);
  ASSERT_NE(server, nullptr);
  auto stub = v1::Redactor::NewStub(NewChannel(*server));

  const std::vector<std::string> policies = {"default", "qa", "archive", "pci", "analytics"};
  std::string events;
  std::string errors;
  size_t calls_made = 0;
  size_t ok_streams = 0;
  auto add_events = [&](const v1::RedactedChunk& c) {
    for (const v1::DetectionEvent& e : c.events()) events += e.ShortDebugString() + "\n";
  };
  for (size_t i = 0; i < corpus->size(); ++i) {
    const v1::Call& call = (*corpus)[i].call;
    const std::string policy = policies[i % policies.size()];
    // Streaming, every chunk as the corpus has it (interim hypotheses included).
    std::vector<v1::RedactRequest> requests = {ConfigRequest(call.config().call_id(), policy)};
    for (const v1::Chunk& chunk : call.chunks()) requests.push_back(ChunkRequest(chunk));
    StreamOutcome out = RunStream(stub.get(), requests, Bearer(kToken));
    ++calls_made;
    EXPECT_TRUE(out.status.ok()) << call.config().call_id() << ": " << out.status.error_message();
    if (out.status.ok()) ++ok_streams;
    errors += out.status.error_message() + "\n";
    for (const v1::RedactedChunk& c : out.chunks) add_events(c);
    // Unary, through another view.
    v1::Call unary = call;
    unary.mutable_config()->set_policy(policies[(i + 2) % policies.size()]);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + kToken);
    v1::RedactedCall result;
    grpc::Status s = stub->Redact(&ctx, unary, &result);
    ++calls_made;
    EXPECT_TRUE(s.ok()) << s.error_message();
    errors += s.error_message() + "\n";
    for (const v1::RedactedChunk& c : result.chunks()) add_events(c);
  }
  EXPECT_EQ(ok_streams, corpus->size());
  EXPECT_FALSE(events.empty());

  // Failing calls carrying gold text: each error must name the field, never the text.
  std::vector<std::string> values;
  for (const CorpusCall& c : *corpus) {
    for (const v1::Chunk& chunk : c.call.chunks()) {
      if (values.size() < 8 && chunk.speaker() == v1::CUSTOMER && chunk.text().size() > 20) {
        values.push_back(chunk.text());
      }
    }
  }
  for (const std::string& v : values) {
    std::vector<std::vector<v1::RedactRequest>> bad;
    std::string big;
    while (big.size() <= 4096) big += v + " ";
    bad.push_back({ConfigRequest("e1", "qa"), ChunkRequest(MakeChunk(0, v1::CUSTOMER, big))});
    bad.push_back({ConfigRequest("e2", "qa"), ChunkRequest(MakeChunk(0, v1::CUSTOMER, v + "\xff"))});
    bad.push_back({ConfigRequest("e3", "qa"), ChunkRequest(MakeChunk(1, v1::CUSTOMER, v)),
                   ChunkRequest(MakeChunk(1, v1::CUSTOMER, v))});
    bad.push_back({ChunkRequest(MakeChunk(0, v1::CUSTOMER, v))});
    bad.push_back({ConfigRequest("e5", "qa"), ChunkRequest(MakeChunk(0, v1::CUSTOMER, v)),
                   ConfigRequest("e5", "qa")});
    v1::Chunk screen = MakeChunk(0, v1::CUSTOMER, v);
    screen.set_source(v1::SCREEN);
    bad.push_back({ConfigRequest("e6", "qa"), ChunkRequest(screen)});
    v1::Chunk words = MakeChunk(0, v1::CUSTOMER, v);
    if (words.words_size() > 0) words.mutable_words(0)->set_end_ms(-5);
    bad.push_back({ConfigRequest("e7", "qa"), ChunkRequest(words)});
    for (const auto& requests : bad) {
      StreamOutcome out = RunStream(stub.get(), requests, Bearer(kToken));
      ++calls_made;
      errors += out.status.error_message() + "\n";
      for (const v1::RedactedChunk& c : out.chunks) add_events(c);
    }
    // Denied and unauthenticated calls with gold text.
    StreamOutcome denied = RunStream(
        stub.get(), {ConfigRequest("e8", "qa"), ChunkRequest(MakeChunk(0, v1::CUSTOMER, v))},
        Bearer(kOtherToken));
    EXPECT_EQ(denied.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    StreamOutcome unauth = RunStream(
        stub.get(), {ConfigRequest("e9", "qa"), ChunkRequest(MakeChunk(0, v1::CUSTOMER, v))});
    EXPECT_EQ(unauth.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    calls_made += 2;
    errors += denied.status.error_message() + "\n" + unauth.status.error_message() + "\n";
    v1::Call unary;
    unary.mutable_config()->set_policy("qa");
    *unary.add_chunks() = MakeChunk(0, v1::CUSTOMER, big);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + kToken);
    v1::RedactedCall result;
    grpc::Status s = stub->Redact(&ctx, unary, &result);
    ++calls_made;
    EXPECT_FALSE(s.ok());
    errors += s.error_message() + "\n";
  }
  EXPECT_FALSE(errors.empty());

  const std::string metrics = HttpGet(server->metrics_port(), "/metrics");
  EXPECT_THAT(metrics, HasSubstr("200 OK"));
  std::vector<json> audit = AuditLines(dir.File("audit.jsonl"), calls_made);
  EXPECT_EQ(audit.size(), calls_made);
  server->Stop(std::chrono::milliseconds(2000));
  server.reset();
  const std::string log = capture.Restore();
  // The log was captured, with per-stream lines.
  EXPECT_THAT(log, HasSubstr("stream ended"));
  EXPECT_THAT(log, HasSubstr("serving callredact.v1.Redactor"));

  std::vector<std::string> found;
  for (const auto& [where, text] :
       std::vector<std::pair<std::string, std::string>>{
           {"audit log", ReadWholeFile(dir.File("audit.jsonl"))},
           {"server log", log},
           {"metrics", metrics},
           {"events", events},
           {"error messages", errors}}) {
    std::vector<std::string> f = FindGold(gold, where, text);
    found.insert(found.end(), f.begin(), f.end());
  }
  EXPECT_TRUE(found.empty()) << absl::StrJoin(found, "\n");
  // Nor the token.
  EXPECT_THAT(log + ReadWholeFile(dir.File("audit.jsonl")), Not(HasSubstr(kToken)));
}

}  // namespace
}  // namespace callredact::testing
