// Fail closed: a fault at any processing stage ends the stream with INTERNAL and nothing
// unredacted is released.
#include <atomic>
#include <cstring>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/call_session.h"
#include "tests/server/server_testutil.h"

namespace callredact::testing {
namespace {

using namespace std::chrono_literals;

std::atomic<const char*> g_fail_stage{nullptr};
std::atomic<int> g_skip{0};  // Stage hits to let through before failing.

absl::Status FailAt(const char* stage) {
  const char* target = g_fail_stage.load();
  if (target && std::strcmp(stage, target) == 0) {
    if (g_skip.fetch_sub(1) <= 0) return absl::InternalError("injected fault");
  }
  return absl::OkStatus();
}

class FaultTest : public ::testing::TestWithParam<std::tuple<const char*, int>> {
 protected:
  void SetUp() override {
    ServiceOptions o;
    o.max_hold = 300ms;
    server_ = StartTestServer(o);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Redactor::NewStub(NewChannel(*server_));
  }
  void TearDown() override {
    CallSession::SetFaultHookForTesting(nullptr);
    g_fail_stage = nullptr;
  }
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::Redactor::Stub> stub_;
};

TEST_P(FaultTest, FaultEndsStreamWithInternalAndNoRawText) {
  const auto [stage, skip] = GetParam();
  g_fail_stage = stage;
  g_skip = skip;
  CallSession::SetFaultHookForTesting(&FailAt);
  StreamClient client(stub_.get());
  client.Write(ConfigRequest("fault", "", 300));
  client.Write(ChunkRequest(MakeChunk(0, v1::AGENT, "Can I have your ID number please?")));
  client.Write(ChunkRequest(MakeChunk(1, v1::CUSTOMER, "eight oh oh one oh one", true, 3000)));
  // Give a hold time to expire (the "release" stage of ExpireHolds), then go on.
  std::this_thread::sleep_for(500ms);
  client.Write(ChunkRequest(MakeChunk(2, v1::CUSTOMER, "five oh oh nine oh eight seven", true, 4300)));
  client.Write(ChunkRequest(MakeChunk(3, v1::SPEAKER_UNSPECIFIED, "ID Number: 8001015009087")));
  client.WritesDone();
  grpc::Status s = client.Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL) << stage << " " << s.error_message();
  EXPECT_EQ(s.error_message().find("8001015009087"), std::string::npos);
  EXPECT_FALSE(LeaksAny(client.received(),
                        {"eight oh oh one", "five oh oh nine", "8001015009087"}));
  CallSession::SetFaultHookForTesting(nullptr);
  g_fail_stage = nullptr;
  // The server goes on serving.
  StreamOutcome ok = RunStream(stub_.get(), {ConfigRequest("after"),
                                             ChunkRequest(MakeChunk(0, v1::AGENT, "hello"))});
  EXPECT_TRUE(ok.status.ok()) << ok.status.error_message();
}

INSTANTIATE_TEST_SUITE_P(
    EveryStage, FaultTest,
    ::testing::Combine(::testing::Values("tokenize", "detect", "redact", "release"),
                       ::testing::Values(0, 1, 2)),
    [](const auto& info) {
      return std::string(std::get<0>(info.param)) + "_after_" +
             std::to_string(std::get<1>(info.param));
    });

TEST(FaultUnaryTest, UnaryFaultIsInternal) {
  std::unique_ptr<Server> server = StartTestServer();
  ASSERT_NE(server, nullptr);
  auto stub = v1::Redactor::NewStub(NewChannel(*server));
  for (const char* stage : {"tokenize", "detect", "redact", "release"}) {
    g_fail_stage = stage;
    g_skip = 0;
    CallSession::SetFaultHookForTesting(&FailAt);
    v1::Call call;
    call.mutable_config()->set_call_id("u");
    *call.add_chunks() = MakeChunk(0, v1::CUSTOMER, "8001015009087");
    grpc::ClientContext ctx;
    v1::RedactedCall out;
    grpc::Status s = stub->Redact(&ctx, call, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL) << stage;
    EXPECT_EQ(out.chunks_size(), 0);
  }
  CallSession::SetFaultHookForTesting(nullptr);
  g_fail_stage = nullptr;
}

}  // namespace
}  // namespace callredact::testing
