#include "tests/server/server_testutil.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "pipeline/server_log.h"
#include "tools/corpus_io.h"

namespace callredact::testing {

std::shared_ptr<const Engine> TestEngine() {
  static std::shared_ptr<const Engine> engine = [] {
    absl::StatusOr<std::shared_ptr<const Engine>> e = Engine::Load(Engine::DefaultModelsDir());
    if (!e.ok()) {
      std::fprintf(stderr, "Engine::Load: %s\n", e.status().ToString().c_str());
      std::abort();
    }
    return *e;
  }();
  return engine;
}

std::unique_ptr<Server> StartTestServer(ServiceOptions service,
                                        const std::string& metrics_listen) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.service = service;
  options.metrics_listen = metrics_listen;
  options.quiet = true;
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options, TestEngine());
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return nullptr;
  return *std::move(server);
}

std::unique_ptr<Server> StartServerWith(ServerOptions options) {
  if (options.listen == ServerOptions().listen) options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options, TestEngine());
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return nullptr;
  return *std::move(server);
}

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "callredact-test-XXXXXX").string();
  char* made = mkdtemp(templ.data());
  EXPECT_NE(made, nullptr);
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  const std::string p = File(name);
  std::ofstream out(p, std::ios::binary);
  out << content;
  EXPECT_TRUE(out.good()) << p;
  return p;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<grpc::Channel> NewChannel(const Server& server, bool own_connection) {
  grpc::ChannelArguments args;
  if (own_connection) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(server.address(), grpc::InsecureChannelCredentials(), args);
}

v1::RedactRequest ConfigRequest(const std::string& call_id, const std::string& policy,
                                uint32_t max_hold_ms) {
  v1::RedactRequest r;
  r.mutable_config()->set_call_id(call_id);
  r.mutable_config()->set_policy(policy);
  r.mutable_config()->set_max_hold_ms(max_hold_ms);
  return r;
}

v1::Chunk MakeChunk(uint64_t seq, v1::Speaker speaker, const std::string& text, bool is_final,
                    int64_t start_ms) {
  v1::Chunk c;
  c.set_seq(seq);
  c.set_source(speaker == v1::SPEAKER_UNSPECIFIED ? v1::SCREEN : v1::TRANSCRIPT);
  c.set_speaker(speaker);
  c.set_is_final(is_final);
  c.set_text(text);
  if (speaker != v1::SPEAKER_UNSPECIFIED) {
    int64_t t = start_ms;
    for (absl::string_view w : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
      v1::Word* word = c.add_words();
      word->set_text(std::string(w));
      word->set_start_ms(t);
      word->set_end_ms(t + 180);
      t += 200;
    }
  }
  return c;
}

v1::RedactRequest ChunkRequest(const v1::Chunk& chunk) {
  v1::RedactRequest r;
  *r.mutable_chunk() = chunk;
  return r;
}

StreamClient::StreamClient(v1::Redactor::Stub* stub, const Metadata& metadata) {
  context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  for (const auto& [key, value] : metadata) context_.AddMetadata(key, value);
  stream_ = stub->RedactStream(&context_);
  reader_ = std::thread([this] {
    v1::RedactResponse response;
    while (stream_->Read(&response)) {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.push_back(response.chunk());
      all_.push_back(response.chunk());
      cv_.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
    cv_.notify_all();
  });
}

StreamClient::~StreamClient() {
  if (!finished_) {
    context_.TryCancel();
    Finish();
  }
}

bool StreamClient::Write(const v1::RedactRequest& request) { return stream_->Write(request); }

void StreamClient::WritesDone() {
  if (!writes_done_) stream_->WritesDone();
  writes_done_ = true;
}

std::optional<v1::RedactedChunk> StreamClient::Next(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return !pending_.empty() || ended_; });
  if (pending_.empty()) return std::nullopt;
  v1::RedactedChunk c = std::move(pending_.front());
  pending_.pop_front();
  return c;
}

grpc::Status StreamClient::Finish() {
  if (finished_) return status_;
  reader_.join();
  status_ = stream_->Finish();
  finished_ = true;
  return status_;
}

StreamOutcome RunStream(v1::Redactor::Stub* stub, const std::vector<v1::RedactRequest>& requests,
                        const Metadata& metadata) {
  StreamClient client(stub, metadata);
  for (const v1::RedactRequest& r : requests) {
    if (!client.Write(r)) break;
  }
  client.WritesDone();
  StreamOutcome out;
  out.status = client.Finish();
  out.chunks = client.received();
  return out;
}

bool LeaksAny(const std::vector<v1::RedactedChunk>& chunks, const std::vector<std::string>& raw) {
  for (const v1::RedactedChunk& c : chunks) {
    for (const std::string& r : raw) {
      if (c.text().find(r) != std::string::npos) return true;
    }
  }
  return false;
}

std::vector<v1::Call> LoadCorpus(const std::string& file_name) {
  absl::StatusOr<std::vector<CorpusCall>> corpus =
      ReadCorpusFile(std::string(CALLREDACT_CORPUS_DIR) + "/" + file_name);
  EXPECT_TRUE(corpus.ok()) << corpus.status();
  std::vector<v1::Call> calls;
  if (!corpus.ok()) return calls;
  for (CorpusCall& c : *corpus) calls.push_back(std::move(c.call));
  return calls;
}

}  // namespace callredact::testing
