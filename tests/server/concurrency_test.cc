// Many concurrent streams: every one completes and equals batch redaction.
#include <thread>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "pipeline/batch.h"
#include "pipeline/policy.h"
#include "tests/server/server_testutil.h"
#include "tools/replay.h"

namespace callredact::testing {
namespace {

TEST(ConcurrencyTest, TwoHundredConcurrentStreams) {
  std::vector<v1::Call> corpus = LoadCorpus("dev.jsonl");
  ASSERT_FALSE(corpus.empty());
  constexpr int kStreams = 200;
  std::vector<v1::Call> calls;
  for (int i = 0; i < kStreams; ++i) calls.push_back(corpus[i % corpus.size()]);

  ServiceOptions o;
  o.max_streams = 2000;
  // Equality with batch is the point here, not hold expiry (tested on its own): on a
  // loaded 2-core machine a wall-clock hold could expire and change an interim answer.
  o.max_hold = std::chrono::minutes(10);
  std::unique_ptr<Server> server = StartTestServer(o);
  ASSERT_NE(server, nullptr);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 4; ++i) channels.push_back(NewChannel(*server, /*own_connection=*/true));

  // All streams open at once: each thread opens its stream, then waits for the others.
  std::vector<absl::StatusOr<v1::RedactedCall>> results(kStreams, absl::UnknownError(""));
  std::vector<std::unique_ptr<v1::Redactor::Stub>> stubs;
  for (auto& ch : channels) stubs.push_back(v1::Redactor::NewStub(ch));
  std::vector<std::thread> threads;
  for (int i = 0; i < kStreams; ++i) {
    threads.emplace_back([&, i] {
      results[i] = StreamCall(stubs[i % stubs.size()].get(), calls[i], ReplayPace::kFast, "");
    });
  }
  size_t peak = 0;
  for (int k = 0; k < 100; ++k) {
    peak = std::max(peak, server->service().active_streams());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& t : threads) t.join();
  std::shared_ptr<const Policy> policy = Policy::Default();
  for (int i = 0; i < kStreams; ++i) {
    ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status();
    v1::Call call = calls[i];
    call.mutable_config()->set_audio_margin_ms(100);
    absl::StatusOr<v1::RedactedCall> batch = RedactCall(TestEngine(), policy, call);
    ASSERT_TRUE(batch.ok()) << batch.status();
    ASSERT_EQ(batch->chunks_size(), results[i]->chunks_size());
    for (int k = 0; k < batch->chunks_size(); ++k) {
      v1::RedactedChunk streamed = results[i]->chunks(k);
      ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(batch->chunks(k), streamed))
          << call.config().call_id() << " seq " << streamed.seq();
    }
  }
  std::printf("peak concurrent streams observed: %zu\n", peak);
}

}  // namespace
}  // namespace callredact::testing
