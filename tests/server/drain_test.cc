// SIGTERM drains the real binary: open streams finish and flush, exit code 0. Also the
// in-process drain and the metrics endpoint.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>

#include "grpcpp/generic/generic_stub.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/server_testutil.h"

namespace callredact::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// Runs `callredact serve` with stderr on a pipe; returns the pid and the bound port.
struct Child {
  pid_t pid = -1;
  int port = 0;
  FILE* err = nullptr;
};

Child StartServe(const std::vector<std::string>& extra) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    std::vector<std::string> args = {CALLREDACT_BINARY, "serve", "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  Child c;
  c.pid = pid;
  c.err = fdopen(fds[0], "r");
  char line[4096];
  std::regex serving("serving callredact.v1.Redactor on [^ ]*:([0-9]+)");
  while (fgets(line, sizeof(line), c.err)) {
    std::cmatch m;
    if (std::regex_search(line, m, serving)) {
      c.port = std::stoi(m[1].str());
      break;
    }
  }
  return c;
}

int WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(20ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

TEST(DrainTest, SigtermLetsOpenStreamFinishThenExitsZero) {
  if (access(CALLREDACT_BINARY, X_OK) != 0) GTEST_SKIP() << "no " << CALLREDACT_BINARY;
  Child child = StartServe({"--drain-timeout-ms", "10000"});
  if (child.port == 0 && WaitExit(child.pid, 5s) == 2) {
    GTEST_SKIP() << "`callredact serve` is not wired in tools/main.cc yet";
  }
  ASSERT_GT(child.port, 0) << "serve did not report its port";
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(child.port),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::Redactor::NewStub(channel);
  StreamClient client(stub.get());
  ASSERT_TRUE(client.Write(ConfigRequest("drain")));
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(0, v1::AGENT, "Your ID number please?"))));
  ASSERT_TRUE(client.Next(10s));
  ASSERT_EQ(kill(child.pid, SIGTERM), 0);
  std::this_thread::sleep_for(300ms);
  // Still open: more chunks go through, including a held one flushed at the end.
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(1, v1::CUSTOMER, "it is", true, 3000))));
  ASSERT_TRUE(client.Write(
      ChunkRequest(MakeChunk(2, v1::CUSTOMER, "eight oh oh one oh one five oh oh nine oh eight seven", true, 4000))));
  client.WritesDone();
  grpc::Status s = client.Finish();
  EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  EXPECT_EQ(client.received().size(), 3u);
  EXPECT_FALSE(LeaksAny(client.received(), {"eight oh oh one"}));
  EXPECT_EQ(WaitExit(child.pid, 15s), 0);
  if (child.err) fclose(child.err);
}

TEST(DrainTest, DrainTimeoutCancelsStreamsThatDoNotFinish) {
  if (access(CALLREDACT_BINARY, X_OK) != 0) GTEST_SKIP() << "no " << CALLREDACT_BINARY;
  Child child = StartServe({"--drain-timeout-ms", "500"});
  if (child.port == 0 && WaitExit(child.pid, 5s) == 2) {
    GTEST_SKIP() << "`callredact serve` is not wired in tools/main.cc yet";
  }
  ASSERT_GT(child.port, 0);
  auto stub = v1::Redactor::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(child.port), grpc::InsecureChannelCredentials()));
  StreamClient client(stub.get());
  ASSERT_TRUE(client.Write(ConfigRequest("stuck")));
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(0, v1::AGENT, "hello"))));
  ASSERT_TRUE(client.Next(10s));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(child.pid, SIGTERM), 0);
  grpc::Status s = client.Finish();  // Never half-closes.
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(WaitExit(child.pid, 15s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  if (child.err) fclose(child.err);
}

TEST(DrainTest, InProcessStopDrainsOpenStream) {
  std::unique_ptr<Server> server = StartTestServer();
  ASSERT_NE(server, nullptr);
  auto stub = v1::Redactor::NewStub(NewChannel(*server));
  StreamClient client(stub.get());
  ASSERT_TRUE(client.Write(ConfigRequest("drain-inproc")));
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(0, v1::AGENT, "hello"))));
  ASSERT_TRUE(client.Next(5s));
  std::thread stopper([&] { server->Stop(5s); });
  std::this_thread::sleep_for(200ms);
  // New streams are refused while draining.
  auto other = RunStream(stub.get(), {ConfigRequest("late")});
  EXPECT_FALSE(other.status.ok());
  ASSERT_TRUE(client.Write(ChunkRequest(MakeChunk(1, v1::AGENT, "goodbye", true, 3000))));
  client.WritesDone();
  grpc::Status s = client.Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(client.received().size(), 2u);
  stopper.join();
}

std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) out.append(buf, n);
  close(fd);
  return out;
}

TEST(MetricsTest, ExposesCountersAndHistogramsWithoutText) {
  std::unique_ptr<Server> server = StartTestServer({}, "127.0.0.1:0");
  ASSERT_NE(server, nullptr);
  ASSERT_GT(server->metrics_port(), 0);
  auto stub = v1::Redactor::NewStub(NewChannel(*server));
  StreamOutcome out = RunStream(
      stub.get(), {ConfigRequest("m"),
                   ChunkRequest(MakeChunk(0, v1::AGENT, "Can I have your ID number please?")),
                   ChunkRequest(MakeChunk(1, v1::CUSTOMER, "8001015009087", true, 3000))});
  ASSERT_TRUE(out.status.ok());
  std::string body = HttpGet(server->metrics_port(), "/metrics");
  EXPECT_THAT(body, HasSubstr("callredact_streams_active"));
  EXPECT_THAT(body, HasSubstr("callredact_streams_total"));
  EXPECT_THAT(body, HasSubstr("callredact_chunks_total"));
  EXPECT_THAT(body, HasSubstr("callredact_events_total{type=\"ZA_ID_NUMBER\"}"));
  EXPECT_THAT(body, HasSubstr("callredact_hold_seconds_bucket"));
  EXPECT_THAT(body, HasSubstr("callredact_chunk_processing_seconds_bucket"));
  EXPECT_EQ(body.find("8001015009087"), std::string::npos);
  EXPECT_EQ(body.find("ID number"), std::string::npos);
}

// Health checking, through a generic unary call (no generated health stubs needed).
TEST(HealthTest, DefaultHealthServiceServes) {
  std::unique_ptr<Server> server = StartTestServer();
  ASSERT_NE(server, nullptr);
  auto channel = NewChannel(*server);
  grpc::GenericStub generic(channel);
  grpc::ClientContext ctx;
  grpc::ByteBuffer request;  // HealthCheckRequest{service: ""}: empty message.
  grpc::Slice empty("", 0);
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                    &response, [&](grpc::Status s) {
                      std::lock_guard<std::mutex> l(mu);
                      status = s;
                      done = true;
                      cv.notify_all();
                    });
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return done; });
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING
}

}  // namespace
}  // namespace callredact::testing

namespace callredact::testing {
namespace {

// Server reflection lists the Redactor service (async generic bidi call, no stubs).
TEST(ReflectionTest, ListsRedactorService) {
  std::unique_ptr<Server> server = StartTestServer();
  ASSERT_NE(server, nullptr);
  grpc::GenericStub stub(NewChannel(*server));
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto call =
      stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  auto step = [&](int want) {
    void* tag;
    bool ok;
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(tag, reinterpret_cast<void*>(want));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(step(1));
  grpc::Slice list_services("\x3a\x00", 2);  // ServerReflectionRequest{list_services: ""}
  grpc::ByteBuffer request(&list_services, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(step(2));
  call->WritesDone(reinterpret_cast<void*>(3));
  ASSERT_TRUE(step(3));
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(4));
  ASSERT_TRUE(step(4));
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_NE(bytes.find("callredact.v1.Redactor"), std::string::npos);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  EXPECT_TRUE(status.ok()) << status.error_message();
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
}

}  // namespace
}  // namespace callredact::testing
