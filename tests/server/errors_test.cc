// Bad input and limits: precise status and field, nothing unredacted released, and the
// server keeps serving other streams.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/server_testutil.h"
#include "tools/serve_command.h"

namespace callredact::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

const std::string kSecret = "eight oh oh one oh one";   // Held (open numeric tail).
const std::string kSecretDigits = "8001015009087";

class ErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceOptions o;
    o.max_chunk_bytes = 1000;
    o.max_hold = 5000ms;
    server_ = StartTestServer(o);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Redactor::NewStub(NewChannel(*server_));
  }
  void TearDown() override {
    // The server still serves a good stream.
    StreamOutcome ok = RunStream(stub_.get(), {ConfigRequest("after"),
                                               ChunkRequest(MakeChunk(0, v1::AGENT, "hello"))});
    EXPECT_TRUE(ok.status.ok()) << ok.status.error_message();
    EXPECT_EQ(ok.chunks.size(), 1u);
  }
  // A stream that first sends a held secret, then `bad`.
  StreamOutcome WithHeldSecret(const std::vector<v1::RedactRequest>& bad) {
    std::vector<v1::RedactRequest> r = {
        ConfigRequest("c"),
        ChunkRequest(MakeChunk(0, v1::AGENT, "Can I have your ID number please?")),
        ChunkRequest(MakeChunk(1, v1::CUSTOMER, kSecret, true, 3000))};
    r.insert(r.end(), bad.begin(), bad.end());
    return RunStream(stub_.get(), r);
  }
  void ExpectNoLeak(const StreamOutcome& out) {
    EXPECT_FALSE(LeaksAny(out.chunks, {kSecret, kSecretDigits, "eight oh oh"}));
  }
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::Redactor::Stub> stub_;
};

TEST_F(ErrorsTest, ChunkBeforeConfig) {
  StreamOutcome out = RunStream(stub_.get(), {ChunkRequest(MakeChunk(0, v1::CUSTOMER, kSecret))});
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(out.status.error_message(), HasSubstr("chunk before config"));
  EXPECT_TRUE(out.chunks.empty());
}

TEST_F(ErrorsTest, ConfigTwice) {
  StreamOutcome out = WithHeldSecret({ConfigRequest("again")});
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), HasSubstr("config"));
  ExpectNoLeak(out);
}

TEST_F(ErrorsTest, UnknownPolicy) {
  StreamOutcome out = RunStream(stub_.get(), {ConfigRequest("c", "no-such-policy"),
                                              ChunkRequest(MakeChunk(0, v1::CUSTOMER, kSecret))});
  EXPECT_TRUE(out.status.error_code() == grpc::StatusCode::NOT_FOUND ||
              out.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), HasSubstr("config.policy"));
  EXPECT_TRUE(out.chunks.empty());
}

TEST_F(ErrorsTest, UnknownPolicyUnary) {
  v1::Call call;
  call.mutable_config()->set_policy("no-such-policy");
  *call.add_chunks() = MakeChunk(0, v1::CUSTOMER, kSecret);
  grpc::ClientContext ctx;
  v1::RedactedCall out;
  grpc::Status s = stub_->Redact(&ctx, call, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("config.policy"));
}

TEST_F(ErrorsTest, ChunkOverSizeLimit) {
  std::string big(1500, 'a');
  StreamOutcome out =
      WithHeldSecret({ChunkRequest(MakeChunk(2, v1::SPEAKER_UNSPECIFIED, big))});
  EXPECT_TRUE(out.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
              out.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), HasSubstr("chunk.text"));
  ExpectNoLeak(out);
}

TEST_F(ErrorsTest, InvalidUtf8) {
  StreamOutcome out = WithHeldSecret(
      {ChunkRequest(MakeChunk(2, v1::SPEAKER_UNSPECIFIED, std::string("ID \xff\xfe 80010")))});
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << out.status.error_message();
  EXPECT_THAT(out.status.error_message(), HasSubstr("chunk.text"));
  ExpectNoLeak(out);
}

TEST_F(ErrorsTest, SeqRepeated) {
  StreamOutcome out = WithHeldSecret({ChunkRequest(MakeChunk(1, v1::CUSTOMER, "five"))});
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), HasSubstr("chunk.seq"));
  ExpectNoLeak(out);
}

TEST_F(ErrorsTest, SeqOutOfOrder) {
  StreamOutcome out = WithHeldSecret({ChunkRequest(MakeChunk(0, v1::CUSTOMER, "five"))});
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), HasSubstr("chunk.seq"));
  ExpectNoLeak(out);
}

TEST_F(ErrorsTest, WordsNotMatchingText) {
  v1::Chunk bad = MakeChunk(2, v1::CUSTOMER, "five oh oh nine", true, 5000);
  bad.mutable_words()->RemoveLast();
  StreamOutcome out = WithHeldSecret({ChunkRequest(bad)});
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), HasSubstr("chunk.words"));
  ExpectNoLeak(out);
}

TEST_F(ErrorsTest, InvalidUtf8InWordText) {
  v1::Chunk bad = MakeChunk(2, v1::CUSTOMER, "five oh", true, 5000);
  bad.mutable_words(0)->set_text("\xc3");
  StreamOutcome out = WithHeldSecret({ChunkRequest(bad)});
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(out.status.error_message(), HasSubstr("chunk.words"));
  ExpectNoLeak(out);
}

TEST_F(ErrorsTest, EmptyRequest) {
  StreamOutcome out = WithHeldSecret({v1::RedactRequest()});
  EXPECT_EQ(out.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExpectNoLeak(out);
}

TEST_F(ErrorsTest, ErrorMessagesNeverCarryText) {
  v1::Chunk words_mismatch = MakeChunk(5, v1::CUSTOMER, kSecretDigits + " x", true);
  words_mismatch.mutable_words()->RemoveLast();
  std::vector<StreamOutcome> outs = {
      WithHeldSecret({ChunkRequest(MakeChunk(1, v1::CUSTOMER, kSecretDigits))}),
      WithHeldSecret({ChunkRequest(words_mismatch)}),
      WithHeldSecret({ChunkRequest(MakeChunk(6, v1::CUSTOMER, kSecretDigits + "\xff"))}),
  };
  for (const auto& o : outs) {
    EXPECT_FALSE(o.status.ok());
    EXPECT_EQ(o.status.error_message().find(kSecretDigits), std::string::npos);
    EXPECT_EQ(o.status.error_message().find("eight"), std::string::npos);
  }
}

TEST(LimitsTest, MoreStreamsThanMaxStreams) {
  ServiceOptions o;
  o.max_streams = 2;
  std::unique_ptr<Server> server = StartTestServer(o);
  ASSERT_NE(server, nullptr);
  auto stub = v1::Redactor::NewStub(NewChannel(*server));
  std::vector<std::unique_ptr<StreamClient>> open;
  for (int i = 0; i < 2; ++i) {
    open.push_back(std::make_unique<StreamClient>(stub.get()));
    ASSERT_TRUE(open.back()->Write(ConfigRequest("s" + std::to_string(i))));
    ASSERT_TRUE(open.back()->Write(ChunkRequest(MakeChunk(0, v1::AGENT, "hello"))));
    ASSERT_TRUE(open.back()->Next(5s));  // The server has it open.
  }
  StreamOutcome third = RunStream(stub.get(), {ConfigRequest("s3"),
                                               ChunkRequest(MakeChunk(0, v1::AGENT, "hi"))});
  EXPECT_EQ(third.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(third.status.error_message(), HasSubstr("max-streams"));
  for (auto& c : open) {
    c->WritesDone();
    EXPECT_TRUE(c->Finish().ok());
  }
  open.clear();
  // Capacity is back.
  for (int tries = 0; tries < 50 && server->service().active_streams() > 0; ++tries) {
    std::this_thread::sleep_for(20ms);
  }
  StreamOutcome again = RunStream(stub.get(), {ConfigRequest("s4"),
                                               ChunkRequest(MakeChunk(0, v1::AGENT, "hi"))});
  EXPECT_TRUE(again.status.ok()) << again.status.error_message();
}

TEST(LimitsTest, IdleStreamTimesOut) {
  ServiceOptions o;
  o.idle_timeout = 300ms;
  o.max_hold = 60000ms;
  std::unique_ptr<Server> server = StartTestServer(o);
  ASSERT_NE(server, nullptr);
  auto stub = v1::Redactor::NewStub(NewChannel(*server));
  StreamClient client(stub.get());
  ASSERT_TRUE(client.Write(ConfigRequest("idle", "", 60000)));
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(0, v1::AGENT, "Your ID number please?"))));
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(1, v1::CUSTOMER, kSecret, true, 3000))));
  const auto start = std::chrono::steady_clock::now();
  grpc::Status s = client.Finish();  // Without WritesDone: the client just goes quiet.
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
              s.error_code() == grpc::StatusCode::CANCELLED)
      << s.error_code() << " " << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("idle"));
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 5s);
  EXPECT_FALSE(LeaksAny(client.received(), {kSecret, "eight oh oh"}));
}

TEST(LimitsTest, NonLoopbackPlaintextIsRefused) {
  ServerOptions options;
  options.listen = "0.0.0.0:0";
  options.quiet = true;
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options, TestEngine());
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("--allow-insecure-bind"));
  options.allow_insecure_bind = true;
  // Without --access, a non-loopback address also needs --allow-anonymous (identity_test).
  options.allow_anonymous = true;
  server = Server::Start(options, TestEngine());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->port(), 0);
}

TEST(LimitsTest, LoopbackDetection) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:50051"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3:1"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:50051"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:50051"));
  EXPECT_TRUE(IsLoopbackAddress("unix:/tmp/x.sock"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:50051"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:50051"));
  EXPECT_FALSE(IsLoopbackAddress("10.1.2.3:50051"));
  EXPECT_FALSE(IsLoopbackAddress("example.com:50051"));
}

TEST(LimitsTest, ServeFlags) {
  absl::StatusOr<ServerOptions> o = ParseServeFlags(
      {"--listen", "127.0.0.1:7000", "--max-streams=10", "--max-chunk-bytes", "100",
       "--idle-timeout-ms", "50", "--max-hold-ms", "20", "--audio-margin-ms", "5",
       "--drain-timeout-ms", "7", "--metrics-listen", "127.0.0.1:9100", "--allow-insecure-bind"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->listen, "127.0.0.1:7000");
  EXPECT_EQ(o->service.max_streams, 10u);
  EXPECT_EQ(o->service.max_chunk_bytes, 100u);
  EXPECT_EQ(o->service.idle_timeout, 50ms);
  EXPECT_EQ(o->service.max_hold, 20ms);
  EXPECT_EQ(o->service.audio_margin_ms, 5u);
  EXPECT_EQ(o->drain_timeout, 7ms);
  EXPECT_EQ(o->metrics_listen, "127.0.0.1:9100");
  EXPECT_TRUE(o->allow_insecure_bind);
  EXPECT_FALSE(ParseServeFlags({"--max-streams", "x"}).ok());
  EXPECT_FALSE(ParseServeFlags({"--bogus"}).ok());
}

}  // namespace
}  // namespace callredact::testing
