// RedactStream and Redact against the real in-process server with real gRPC clients.
#include <algorithm>
#include <map>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "pipeline/batch.h"
#include "tests/server/server_testutil.h"

namespace callredact::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

const char* kIdPart1 = "eight oh oh one oh one";
const char* kIdPart2 = "five oh oh nine oh eight seven";

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceOptions o;
    o.max_hold = 5000ms;
    server_ = StartTestServer(o);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Redactor::NewStub(NewChannel(*server_));
  }
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::Redactor::Stub> stub_;
};

TEST_F(StreamTest, OneRedactedChunkPerInputChunkInOrder) {
  std::vector<v1::RedactRequest> requests = {
      ConfigRequest("call-1"),
      ChunkRequest(MakeChunk(0, v1::AGENT, "Good morning, can I have your ID number please?")),
      ChunkRequest(MakeChunk(1, v1::CUSTOMER, "it is 8001015009087", true, 4000)),
      ChunkRequest(MakeChunk(2, v1::AGENT, "Thank you, one moment.", true, 8000)),
      ChunkRequest(MakeChunk(3, v1::SPEAKER_UNSPECIFIED, "ID Number: 800101 5009 087")),
  };
  StreamOutcome out = RunStream(stub_.get(), requests);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  ASSERT_EQ(out.chunks.size(), 4u);
  std::vector<uint64_t> seqs;
  for (const auto& c : out.chunks) seqs.push_back(c.seq());
  std::sort(seqs.begin(), seqs.end());
  EXPECT_THAT(seqs, ::testing::ElementsAre(0, 1, 2, 3));
  EXPECT_FALSE(LeaksAny(out.chunks, {"8001015009087", "800101 5009 087"}));
  for (const auto& c : out.chunks) {
    if (c.seq() == 0) {
      EXPECT_THAT(c.text(), HasSubstr("ID number"));
    }
  }
}

// Small requests are redacted in the gRPC reaction, large ones (over 4 KiB) on the
// worker pool: both paths give the same redaction.
TEST_F(StreamTest, LargeAndSmallChunksTakeTheirPathsInOrder) {
  std::string screen;
  while (screen.size() < 20000) screen += "Field: value | Notes: nothing to see here\n";
  screen += "ID Number: 800101 5009 087\n";
  std::vector<v1::RedactRequest> requests = {
      ConfigRequest("call-large"),
      ChunkRequest(MakeChunk(0, v1::SPEAKER_UNSPECIFIED, screen)),
      ChunkRequest(MakeChunk(1, v1::CUSTOMER, "my ID is 8001015009087", true, 4000)),
      ChunkRequest(MakeChunk(2, v1::SPEAKER_UNSPECIFIED, screen)),
  };
  ASSERT_GT(requests[1].ByteSizeLong(), 4096u);
  ASSERT_LT(requests[2].ByteSizeLong(), 4096u);
  StreamOutcome out = RunStream(stub_.get(), requests);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  ASSERT_EQ(out.chunks.size(), 3u);
  EXPECT_FALSE(LeaksAny(out.chunks, {"8001015009087", "800101 5009 087"}));
  // The customer's chunk may be held (its number could go on); the screens are not.
  std::map<uint64_t, std::string> by_seq;
  for (const auto& c : out.chunks) by_seq[c.seq()] = c.text();
  ASSERT_EQ(by_seq.size(), 3u);
  EXPECT_TRUE(by_seq[0] == by_seq[2]) << "the two screens were redacted differently";
  EXPECT_NE(by_seq[0].find("Notes: nothing to see here"), std::string::npos);
  EXPECT_NE(by_seq[0].find("ID Number: [ZA_ID_NUMBER]"), std::string::npos);
  EXPECT_EQ(by_seq[1], "my ID is [ZA_ID_NUMBER]");
}

TEST_F(StreamTest, InterimHypothesisComesBackAtOnceRedacted) {
  StreamClient client(stub_.get());
  ASSERT_TRUE(client.Write(ConfigRequest("call-interim")));
  ASSERT_TRUE(client.Write(
      ChunkRequest(MakeChunk(0, v1::AGENT, "Can I have your ID number please?"))));
  ASSERT_TRUE(client.Write(ChunkRequest(
      MakeChunk(1, v1::CUSTOMER, "eight oh oh one oh one five", /*is_final=*/false, 3000))));
  std::optional<v1::RedactedChunk> a = client.Next(3s);
  std::optional<v1::RedactedChunk> b = client.Next(3s);
  ASSERT_TRUE(a && b);
  const v1::RedactedChunk& interim = a->seq() == 1 ? *a : *b;
  EXPECT_FALSE(interim.is_final());
  EXPECT_EQ(interim.text().find("eight oh oh one"), std::string::npos);
  client.WritesDone();
  EXPECT_TRUE(client.Finish().ok());
}

TEST_F(StreamTest, SplitNumberIsHeldThenReleasedWithItsEvent) {
  StreamClient client(stub_.get());
  ASSERT_TRUE(client.Write(ConfigRequest("call-split", "", 5000)));
  ASSERT_TRUE(client.Write(
      ChunkRequest(MakeChunk(0, v1::AGENT, "Can I have your ID number please?", true, 1000))));
  std::optional<v1::RedactedChunk> first = client.Next(3s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->seq(), 0u);
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(1, v1::CUSTOMER, kIdPart1, true, 3000))));
  // The open number is held: nothing comes back for seq 1 yet.
  EXPECT_FALSE(client.Next(400ms)) << "an open numeric tail must be held";
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(2, v1::CUSTOMER, kIdPart2, true, 4300))));
  // The speaker goes on with words: the number is complete, both parts come back.
  ASSERT_TRUE(client.Write(
      ChunkRequest(MakeChunk(3, v1::CUSTOMER, "that is my ID number", true, 6000))));
  std::optional<v1::RedactedChunk> c1 = client.Next(3s);
  std::optional<v1::RedactedChunk> c2 = client.Next(3s);
  client.WritesDone();
  ASSERT_TRUE(client.Finish().ok());
  const auto& all = client.received();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_FALSE(LeaksAny(all, {kIdPart1, kIdPart2, "eight oh oh one", "five oh oh nine"}));
  ASSERT_TRUE(c1 && c2);
  EXPECT_EQ(c1->seq(), 1u);
  EXPECT_EQ(c2->seq(), 2u);
  bool id_event = false;
  for (const auto& c : all) {
    for (const auto& e : c.events()) {
      if (e.type() != v1::ZA_ID_NUMBER) continue;
      for (const auto& s : e.spans()) id_event |= s.seq() == 1;
      EXPECT_EQ(e.call_id(), "call-split");
    }
  }
  EXPECT_TRUE(id_event) << "an ZA_ID_NUMBER event covering seq 1";
}

TEST_F(StreamTest, HoldExpiresAfterMaxHoldAndTailIsMasked) {
  StreamClient client(stub_.get());
  ASSERT_TRUE(client.Write(ConfigRequest("call-expire", "", 300)));
  ASSERT_TRUE(client.Write(
      ChunkRequest(MakeChunk(0, v1::AGENT, "Can I have your ID number please?", true, 1000))));
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(1, v1::CUSTOMER, kIdPart1, true, 3000))));
  const auto start = std::chrono::steady_clock::now();
  std::optional<v1::RedactedChunk> got;
  while (std::chrono::steady_clock::now() - start < 5s) {
    std::optional<v1::RedactedChunk> c = client.Next(100ms);
    if (c && c->seq() == 1) {
      got = c;
      break;
    }
  }
  ASSERT_TRUE(got) << "held chunk released by hold expiry";
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  EXPECT_TRUE(got->provisional());
  EXPECT_EQ(got->text().find("eight oh oh one"), std::string::npos);
  client.WritesDone();
  EXPECT_TRUE(client.Finish().ok());
}

TEST_F(StreamTest, UnaryRedactEqualsStreaming) {
  std::vector<v1::Call> calls = LoadCorpus("dev.jsonl");
  ASSERT_FALSE(calls.empty());
  for (size_t i = 0; i < 5 && i < calls.size(); ++i) {
    const v1::Call& call = calls[i];
    grpc::ClientContext ctx;
    v1::RedactedCall unary;
    grpc::Status s = stub_->Redact(&ctx, call, &unary);
    ASSERT_TRUE(s.ok()) << s.error_message();
    std::vector<v1::RedactRequest> requests = {ConfigRequest(call.config().call_id())};
    for (const auto& c : call.chunks()) requests.push_back(ChunkRequest(c));
    StreamOutcome streamed = RunStream(stub_.get(), requests);
    ASSERT_TRUE(streamed.status.ok()) << streamed.status.error_message();
    std::sort(streamed.chunks.begin(), streamed.chunks.end(),
              [](const auto& a, const auto& b) { return a.seq() < b.seq(); });
    ASSERT_EQ(unary.chunks_size(), static_cast<int>(streamed.chunks.size()));
    for (int k = 0; k < unary.chunks_size(); ++k) {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(unary.chunks(k),
                                                                     streamed.chunks[k]))
          << call.config().call_id() << " seq " << unary.chunks(k).seq();
    }
  }
}

TEST_F(StreamTest, EmptyStreamFinishesOk) {
  StreamOutcome out = RunStream(stub_.get(), {});
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
  out = RunStream(stub_.get(), {ConfigRequest("empty")});
  EXPECT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_TRUE(out.chunks.empty());
}

}  // namespace
}  // namespace callredact::testing
