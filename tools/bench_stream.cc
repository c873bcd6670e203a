#include "tools/bench_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/grpcpp.h"
#include "pipeline/call_session.h"
#include "pipeline/policy.h"
#include "pipeline/server.h"
#include "tools/corpus_io.h"
#include "tools/flags.h"

namespace callredact {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A corpus call with each chunk's due time (ms from the start of the call).
struct Prepared {
  v1::Call call;
  std::vector<int64_t> due_ms;
  std::vector<uint64_t> seqs;
  int64_t length_ms = 0;
  // For a stream entering the call at chunk `first`: releaser[first][i] is the index of
  // the chunk whose arrival releases chunk i (i itself: released on arrival; -1: only at
  // the end of the stream). Whether a chunk is held depends only on the data (DESIGN.md,
  // invariant 3), so a local CallSession over the same chunks tells it exactly; hold
  // expiry (wall clock) is the one exception and comes back marked provisional.
  std::map<size_t, std::vector<int32_t>> releaser;
};

// Fills p->releaser[first] with a local CallSession (same engine and models as a spawned
// server, no hold expiry).
void ComputeReleasers(const std::shared_ptr<const Engine>& engine, Prepared* p, size_t first) {
  if (p->releaser.count(first)) return;
  std::vector<int32_t> rel(p->seqs.size(), -1);
  SessionOptions so;
  so.call_id = "bench";
  CallSession session(engine, Policy::Default(), so);
  std::vector<v1::RedactedChunk> ready;
  for (size_t i = first; i < p->seqs.size(); ++i) {
    ready.clear();
    if (!session.Add(p->call.chunks(static_cast<int>(i)), &ready).ok()) break;
    for (const v1::RedactedChunk& rc : ready) {
      auto it = std::lower_bound(p->seqs.begin(), p->seqs.end(), rc.seq());
      if (it != p->seqs.end() && *it == rc.seq()) {
        rel[static_cast<size_t>(it - p->seqs.begin())] = static_cast<int32_t>(i);
      }
    }
  }
  p->releaser[first] = std::move(rel);
}

std::vector<Prepared> Prepare(std::vector<CorpusCall>& corpus) {
  std::vector<Prepared> out;
  for (CorpusCall& cc : corpus) {
    Prepared p;
    p.call = std::move(cc.call);
    int64_t last = 0;
    for (const v1::Chunk& c : p.call.chunks()) {
      int64_t t = -1;
      for (const v1::Word& w : c.words()) t = std::max<int64_t>(t, w.end_ms());
      if (t < 0) t = last;  // SCREEN and untimed chunks: right after the previous one.
      last = std::max(last, t);
      p.due_ms.push_back(last);
      p.seqs.push_back(c.seq());
    }
    p.length_ms = last + 1;
    if (!p.due_ms.empty()) out.push_back(std::move(p));
  }
  return out;
}

// /proc/<pid>: CPU seconds (user + system) and resident bytes.
bool ProcStats(int pid, double* cpu_s, double* rss_bytes) {
  std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t rp = line.rfind(')');
  if (rp == std::string::npos) return false;
  std::istringstream rest(line.substr(rp + 2));
  std::vector<std::string> f;
  std::string tok;
  while (rest >> tok) f.push_back(tok);
  // After "pid (comm) ": state is field 3, utime 14, stime 15, rss 24 (1-based).
  if (f.size() < 22) return false;
  const double tck = static_cast<double>(sysconf(_SC_CLK_TCK));
  *cpu_s = (std::stod(f[11]) + std::stod(f[12])) / tck;
  *rss_bytes = std::stod(f[21]) * static_cast<double>(sysconf(_SC_PAGESIZE));
  return true;
}

double SelfCpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// ---------------------------------------------------------------------------------------
// A server in a child process (`callredact serve`, exec'd from this binary), so its CPU
// and memory are its own and no gRPC state crosses a fork.
int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

struct SpawnedServer {
  int pid = 0;
  int port = 0;

  static absl::StatusOr<SpawnedServer> Start(const BenchStreamOptions& o, size_t max_streams) {
    SpawnedServer s;
    s.port = FreeLoopbackPort();
    if (s.port == 0) return absl::UnavailableError("no free loopback port");
    const std::string listen = absl::StrCat("127.0.0.1:", s.port);
    const std::string streams = absl::StrCat(max_streams);
    const std::string workers = absl::StrCat(o.workers);
    std::vector<const char*> argv = {"callredact", "serve", "--listen", listen.c_str(),
                                     "--quiet", "--max-streams", streams.c_str(),
                                     "--drain-timeout-ms", "2000"};
    if (o.workers > 0) {
      argv.push_back("--workers");
      argv.push_back(workers.c_str());
    }
    argv.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    const int pid = fork();
    if (pid < 0) return absl::InternalError("fork failed");
    if (pid == 0) {
      execv("/proc/self/exe", const_cast<char* const*>(argv.data()));
      _exit(127);
    }
    s.pid = pid;
    for (int i = 0; i < 600; ++i) {
      if (CanConnect(s.port)) return s;
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        s.pid = 0;
        return absl::UnavailableError("the spawned server exited at start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    s.Stop();
    return absl::UnavailableError("the spawned server did not start within 30 s");
  }

  void Stop() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = 0;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    pid = 0;
  }
};

// ---------------------------------------------------------------------------------------
// Per-run results.
struct Samples {
  std::vector<double> arrival_ms;  // Released on arrival: receipt - own write.
  std::vector<double> hold_ms;     // Held: receipt - own write.
  std::vector<double> release_ms;  // Held: receipt - write of the releasing chunk.
  size_t expired = 0;              // Released by hold expiry (provisional).
  size_t at_end = 0;               // Released by the end of the stream.
  size_t other = 0;                // Not as predicted (should stay 0).
  void Merge(Samples& o) {
    arrival_ms.insert(arrival_ms.end(), o.arrival_ms.begin(), o.arrival_ms.end());
    hold_ms.insert(hold_ms.end(), o.hold_ms.begin(), o.hold_ms.end());
    release_ms.insert(release_ms.end(), o.release_ms.begin(), o.release_ms.end());
    expired += o.expired;
    at_end += o.at_end;
    other += o.other;
  }
};

class Runner;

class CallStream final : public grpc::ClientBidiReactor<v1::RedactRequest, v1::RedactResponse> {
 public:
  CallStream(Runner* runner, const Prepared* call, std::string call_id, size_t first,
             Clock::time_point base)
      : runner_(runner), call_(call), releaser_(&call->releaser.at(first)),
        call_id_(std::move(call_id)), first_(first),
        next_write_(first), due_upto_(first), base_(base),
        written_(call->due_ms.size()) {}

  Clock::time_point DueAt(size_t idx) const {
    return base_ + std::chrono::milliseconds(call_->due_ms[idx]);
  }
  size_t first() const { return first_; }
  size_t size() const { return call_->due_ms.size(); }

  void Start(v1::Redactor::Stub* stub, const std::string& policy);
  void Due(size_t idx) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    due_upto_ = std::max(due_upto_, idx + 1);
    MaybeWrite();
  }
  void EndWrites() {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    end_wanted_ = true;
    MaybeWrite();
  }
  void Cancel() {
    if (started()) context_.TryCancel();
  }
  bool started() const { return started_.load(); }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    writing_ = false;
    if (ok) MaybeWrite();
  }
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

  Samples TakeSamples() {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    return std::move(samples_);
  }
  size_t written_in_window() const { return written_in_window_; }
  size_t responses() const { return responses_; }

 private:
  void MaybeWrite();

  Runner* runner_;
  const Prepared* call_;
  const std::vector<int32_t>* releaser_;
  std::string call_id_;
  size_t first_, next_write_, due_upto_;
  Clock::time_point base_;
  std::vector<Clock::time_point> written_;
  std::recursive_mutex mu_;
  grpc::ClientContext context_;
  v1::RedactRequest request_;
  v1::RedactResponse response_;
  std::atomic<bool> started_{false};
  bool writing_ = false;
  bool end_wanted_ = false;
  bool writes_done_ = false;
  size_t last_written_ = 0;
  bool any_written_ = false;
  Samples samples_;
  size_t written_in_window_ = 0;
  size_t responses_ = 0;
};

struct RunResult {
  int calls = 0;
  double duration_s = 0;
  size_t streams_started = 0, streams_failed = 0, streams_refused = 0;
  size_t chunks_measured = 0, responses = 0;
  Samples samples;
  double server_cpu_s = -1, server_rss_idle = -1, server_rss_peak = -1;
  double client_cpu_s = 0;
  std::string first_error;
};

class Runner {
 public:
  Runner(const BenchStreamOptions& o, std::vector<Prepared>& calls,
         std::shared_ptr<const Engine> engine, std::string target, int server_pid, int run_id)
      : o_(o), calls_(calls), engine_(std::move(engine)), server_pid_(server_pid),
        run_id_(run_id), rng_(o.seed + static_cast<uint64_t>(run_id)) {
    for (int k = 0; k < std::max(1, o.channels); ++k) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      args.SetInt("callredact.bench_channel", k);
      args.SetMaxReceiveMessageSize(64 << 20);
      auto ch = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
      stubs_.push_back(v1::Redactor::NewStub(ch));
      channels_.push_back(std::move(ch));
    }
  }

  RunResult Run(int n);

  // Called by streams.
  bool InWindow(Clock::time_point t) const { return t >= window_start_ && t < window_end_; }
  void StreamDone(CallStream* s, const grpc::Status& status, bool finished_call) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!status.ok()) {
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
          status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++refused_;
      } else if (status.error_code() != grpc::StatusCode::CANCELLED || !stopping_) {
        ++failed_;
      }
      if (first_error_.empty() && !(stopping_ && status.error_code() == grpc::CANCELLED)) {
        first_error_ = absl::StrCat(status.error_code(), ": ", status.error_message());
      }
    }
    --active_;
    done_.push_back(s);
    // A call that ran to its end is replaced by the next one, from its beginning.
    if (finished_call && status.ok() && !stopping_) {
      const size_t slot = next_call_++;
      // From its beginning (releasers for entry 0 are computed up front).
      Schedule(Clock::now(), NewStream(slot, 0, 0, Clock::now()), kOpen);
    }
    cv_.notify_all();
  }

 private:
  static constexpr size_t kOpen = SIZE_MAX;
  struct Item {
    Clock::time_point at;
    CallStream* stream;
    size_t idx;  // kOpen: open the stream.
    bool operator>(const Item& o) const { return at > o.at; }
  };

  // Under mu_.
  // `first`/`phase`: where the stream enters its call (releasers computed).
  CallStream* NewStream(size_t slot, size_t first, int64_t phase, Clock::time_point open) {
    const Prepared& p = calls_[slot % calls_.size()];
    auto s = std::make_unique<CallStream>(
        this, &p, absl::StrCat("bench-", run_id_, "-", slot), first,
        open - std::chrono::milliseconds(phase));
    CallStream* raw = s.get();
    streams_.push_back(std::move(s));
    ++active_;
    ++started_;
    return raw;
  }

  void Schedule(Clock::time_point at, CallStream* s, size_t idx) {
    std::lock_guard<std::mutex> lock(heap_mu_);
    heap_.push({at, s, idx});
    heap_cv_.notify_one();
  }

  void SchedulerLoop();

  const BenchStreamOptions& o_;
  std::vector<Prepared>& calls_;
  std::shared_ptr<const Engine> engine_;
  int server_pid_;
  int run_id_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<v1::Redactor::Stub>> stubs_;
  std::mt19937_64 rng_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<CallStream>> streams_;
  std::vector<CallStream*> done_;
  std::vector<Clock::time_point> open_time_;
  size_t next_call_ = 0, active_ = 0, started_ = 0, failed_ = 0, refused_ = 0;
  bool stopping_ = false;
  std::string first_error_;
  std::atomic<size_t> opened_{0};

  std::mutex heap_mu_;
  std::condition_variable heap_cv_;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap_;
  bool heap_stop_ = false;
  Clock::time_point window_start_, window_end_;
};

void CallStream::Start(v1::Redactor::Stub* stub, const std::string& policy) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  request_.Clear();
  v1::CallConfig* config = request_.mutable_config();
  config->set_call_id(call_id_);
  if (!policy.empty()) config->set_policy(policy);
  writing_ = true;
  stub->async()->RedactStream(&context_, this);
  started_ = true;
  StartWrite(&request_);
  StartRead(&response_);
  StartCall();
}

void CallStream::MaybeWrite() {
  if (writing_ || writes_done_) return;
  if (next_write_ < due_upto_ && next_write_ < size()) {
    request_.Clear();
    *request_.mutable_chunk() = call_->call.chunks(static_cast<int>(next_write_));
    const Clock::time_point now = Clock::now();
    written_[next_write_] = now;
    if (runner_->InWindow(now)) ++written_in_window_;
    last_written_ = next_write_;
    any_written_ = true;
    ++next_write_;
    writing_ = true;
    StartWrite(&request_);
  } else if (end_wanted_ || next_write_ >= size()) {
    writes_done_ = true;
    StartWritesDone();
  }
}

void CallStream::OnReadDone(bool ok) {
  if (!ok) return;
  const Clock::time_point now = Clock::now();
  {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    ++responses_;
    const v1::RedactedChunk& rc = response_.chunk();
    auto it = std::lower_bound(call_->seqs.begin(), call_->seqs.end(), rc.seq());
    if (it != call_->seqs.end() && *it == rc.seq()) {
      const size_t idx = static_cast<size_t>(it - call_->seqs.begin());
      const Clock::time_point w = written_[idx];
      if (idx >= first_ && runner_->InWindow(w)) {
        const int32_t rel = (*releaser_)[idx];
        if (rc.provisional()) {
          ++samples_.expired;
        } else if (rel == static_cast<int32_t>(idx)) {
          samples_.arrival_ms.push_back(Ms(now - w));
        } else if (rel > static_cast<int32_t>(idx) && static_cast<size_t>(rel) < next_write_) {
          samples_.hold_ms.push_back(Ms(now - w));
          samples_.release_ms.push_back(Ms(now - written_[static_cast<size_t>(rel)]));
        } else if (writes_done_) {
          ++samples_.at_end;  // Its releasing chunk was never sent: the run ended.
        } else {
          ++samples_.other;  // Released otherwise than the local session predicts.
        }
      }
    }
  }
  StartRead(&response_);
}

void CallStream::OnDone(const grpc::Status& status) {
  bool finished_call;
  {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    finished_call = next_write_ >= size() && !end_wanted_;
  }
  runner_->StreamDone(this, status, finished_call);
}

void Runner::SchedulerLoop() {
  std::unique_lock<std::mutex> lock(heap_mu_);
  while (!heap_stop_) {
    if (heap_.empty()) {
      heap_cv_.wait(lock);
      continue;
    }
    const Item top = heap_.top();
    if (top.at > Clock::now()) {
      heap_cv_.wait_until(lock, top.at);
      continue;
    }
    heap_.pop();
    lock.unlock();
    size_t next = top.idx == kOpen ? top.stream->first() : top.idx + 1;
    if (top.idx == kOpen) {
      top.stream->Start(stubs_[opened_++ % stubs_.size()].get(), o_.policy);
      // The first chunk is due at its own time (the stream's phase).
      next = top.stream->first();
      lock.lock();
      heap_.push({std::max(top.at, top.stream->DueAt(next)), top.stream, next});
      continue;
    }
    top.stream->Due(top.idx);
    lock.lock();
    if (next < top.stream->size()) heap_.push({top.stream->DueAt(next), top.stream, next});
  }
}

RunResult Runner::Run(int n) {
  RunResult r;
  r.calls = n;
  // Where each stream enters its call: a random point, so that chunks arrive evenly
  // from the start. Which chunks are held is computed for each entry first.
  std::vector<std::pair<size_t, int64_t>> entries;
  for (int i = 0; i < n; ++i) {
    Prepared& p = calls_[static_cast<size_t>(i) % calls_.size()];
    int64_t phase = std::uniform_int_distribution<int64_t>(0, p.length_ms - 1)(rng_);
    size_t first = 0;
    while (first + 1 < p.due_ms.size() && p.due_ms[first] < phase) ++first;
    phase = std::min(phase, p.due_ms[first]);
    ComputeReleasers(engine_, &p, first);
    entries.emplace_back(first, phase);
  }
  double cpu0 = 0, rss = 0;
  if (server_pid_ > 0 && ProcStats(server_pid_, &cpu0, &rss)) r.server_rss_idle = rss;
  const Clock::time_point t0 = Clock::now() + std::chrono::milliseconds(50);
  const auto ramp = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(o_.ramp_s));
  window_start_ = t0 + ramp + std::chrono::milliseconds(500);
  window_end_ = window_start_ + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o_.duration_s));
  std::thread scheduler([this] { SchedulerLoop(); });
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int i = 0; i < n; ++i) {
      open_time_.push_back(t0 + ramp * i / std::max(1, n));
    }
    next_call_ = static_cast<size_t>(n);
    for (int i = 0; i < n; ++i) {
      const auto& [first, phase] = entries[static_cast<size_t>(i)];
      CallStream* s = NewStream(static_cast<size_t>(i), first, phase,
                                open_time_[static_cast<size_t>(i)]);
      Schedule(open_time_[static_cast<size_t>(i)], s, kOpen);
    }
  }
  // Window: CPU at both ends, RSS sampled throughout.
  std::this_thread::sleep_until(window_start_);
  double cpu_a = 0, cpu_b = 0, peak = 0;
  const bool have_server = server_pid_ > 0 && ProcStats(server_pid_, &cpu_a, &rss);
  const double client_a = SelfCpu();
  if (have_server) peak = rss;
  while (Clock::now() < window_end_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (have_server && ProcStats(server_pid_, &cpu_b, &rss)) peak = std::max(peak, rss);
  }
  if (have_server && ProcStats(server_pid_, &cpu_b, &rss)) {
    peak = std::max(peak, rss);
    r.server_cpu_s = cpu_b - cpu_a;
    r.server_rss_peak = peak;
  }
  r.client_cpu_s = SelfCpu() - client_a;
  r.duration_s = o_.duration_s;

  // Stop: no more chunks; every stream half-closes and gets its held chunks.
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  {
    std::lock_guard<std::mutex> lock(heap_mu_);
    heap_stop_ = true;
    heap_cv_.notify_all();
  }
  scheduler.join();
  std::vector<CallStream*> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& s : streams_) {
      if (s->started()) {
        all.push_back(s.get());
      } else {
        --active_;  // Scheduled to open after the end: never opened.
      }
    }
  }
  for (CallStream* s : all) s->EndWrites();
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(20), [&] { return active_ == 0; })) {
      for (auto& s : streams_) s->Cancel();
      cv_.wait_for(lock, std::chrono::seconds(10), [&] { return active_ == 0; });
    }
  }
  // Streams whose Start never ran (opened after the scheduler stopped) hold no call.
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& s : streams_) {
    Samples part = s->TakeSamples();
    r.samples.Merge(part);
    r.chunks_measured += s->written_in_window();
    r.responses += s->responses();
  }
  r.streams_started = started_;
  r.streams_failed = failed_;
  r.streams_refused = refused_;
  r.first_error = first_error_;
  return r;
}

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

struct Summary {
  double p50 = 0, p99 = 0, p999 = 0, max = 0;
  size_t n = 0;
};
Summary Summarize(std::vector<double>& v) {
  Summary s;
  s.n = v.size();
  s.p50 = Percentile(v, 0.50);
  s.p99 = Percentile(v, 0.99);
  s.p999 = Percentile(v, 0.999);
  s.max = v.empty() ? 0 : v.back();
  return s;
}

bool Report(const BenchStreamOptions& o, RunResult& r, bool* passed) {
  Summary arrival = Summarize(r.samples.arrival_ms);
  Summary hold = Summarize(r.samples.hold_ms);
  Summary release = Summarize(r.samples.release_ms);
  const bool clean = r.streams_failed == 0 && r.streams_refused == 0;
  // The target is on chunks released on arrival; held chunks are reported beside it.
  *passed = clean && arrival.n > 0 && arrival.p99 <= o.p99_ms;
  std::printf("bench-stream: calls=%d duration=%.0fs streams=%zu failed=%zu refused=%zu\n",
              r.calls, r.duration_s, r.streams_started, r.streams_failed, r.streams_refused);
  if (!r.first_error.empty()) std::printf("  first error: %s\n", r.first_error.c_str());
  std::printf("  chunks written in window %zu (%.1f/s), responses %zu\n", r.chunks_measured,
              r.chunks_measured / r.duration_s, r.responses);
  std::printf("  on arrival  n=%-7zu p50 %.3f ms  p99 %.3f ms  p999 %.3f ms  max %.3f ms\n",
              arrival.n, arrival.p50, arrival.p99, arrival.p999, arrival.max);
  std::printf("  held        n=%-7zu release latency p50 %.3f ms  p99 %.3f ms  p999 %.3f ms;"
              " hold time p50 %.0f ms  p99 %.0f ms\n",
              release.n, release.p50, release.p99, release.p999, hold.p50, hold.p99);
  std::printf("  hold expired (provisional) %zu, released at stream end %zu, unpredicted %zu\n",
              r.samples.expired, r.samples.at_end, r.samples.other);
  double cpu_per_chunk_us = -1, rss_per_stream_kb = -1;
  if (r.server_cpu_s >= 0) {
    cpu_per_chunk_us = r.chunks_measured ? r.server_cpu_s / r.chunks_measured * 1e6 : 0;
    rss_per_stream_kb = (r.server_rss_peak - r.server_rss_idle) / r.calls / 1024;
    std::printf("  server CPU %.2f s in %.0f s (%.1f%% of one core), %.1f us per chunk\n",
                r.server_cpu_s, r.duration_s, 100 * r.server_cpu_s / r.duration_s,
                cpu_per_chunk_us);
    std::printf("  server RSS idle %.1f MB, peak %.1f MB, %.1f KB per stream\n",
                r.server_rss_idle / 1e6, r.server_rss_peak / 1e6, rss_per_stream_kb);
  }
  std::printf("  client CPU %.2f s (%.1f%% of one core)\n", r.client_cpu_s,
              100 * r.client_cpu_s / r.duration_s);
  std::printf("  p99 (on arrival) <= %.1f ms, no stream errors: %s\n", o.p99_ms,
              *passed ? "yes" : "NO");
  std::fflush(stdout);
  if (!o.json_file.empty()) {
    std::ofstream j(o.json_file, std::ios::app);
    j << absl::StrFormat(
        "{\"calls\":%d,\"duration_s\":%.1f,\"streams\":%zu,\"failed\":%zu,\"refused\":%zu,"
        "\"chunks\":%zu,\"arrival\":{\"n\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f},"
        "\"held\":{\"n\":%zu,\"release_p50_ms\":%.3f,\"release_p99_ms\":%.3f,"
        "\"hold_p50_ms\":%.1f},\"expired\":%zu,\"at_end\":%zu,\"unpredicted\":%zu,\"server_cpu_us_per_chunk\":%.1f,"
        "\"server_rss_idle_mb\":%.1f,\"server_rss_peak_mb\":%.1f,\"kb_per_stream\":%.1f,"
        "\"client_cpu_s\":%.2f,\"passed\":%s}\n",
        r.calls, r.duration_s, r.streams_started, r.streams_failed, r.streams_refused,
        r.chunks_measured, arrival.n, arrival.p50, arrival.p99, arrival.p999, release.n,
        release.p50, release.p99, hold.p50, r.samples.expired, r.samples.at_end, r.samples.other,
        cpu_per_chunk_us, r.server_rss_idle / 1e6, r.server_rss_peak / 1e6, rss_per_stream_kb,
        r.client_cpu_s, *passed ? "true" : "false");
  }
  return clean;
}

// One run at `n` calls against a fresh spawned server, or the given target.
absl::StatusOr<RunResult> RunOnce(const BenchStreamOptions& o, std::vector<Prepared>& calls,
                                  const std::shared_ptr<const Engine>& engine, int n,
                                  int run_id) {
  SpawnedServer spawned;
  std::string target = o.target;
  int pid = o.server_pid;
  if (o.spawn) {
    auto s = SpawnedServer::Start(o, static_cast<size_t>(n) * 2 + 64);
    if (!s.ok()) return s.status();
    spawned = *s;
    target = absl::StrCat("127.0.0.1:", spawned.port);
    pid = spawned.pid;
  }
  RunResult r;
  {
    Runner runner(o, calls, engine, target, pid, run_id);
    r = runner.Run(n);
  }
  spawned.Stop();
  return r;
}

}  // namespace

std::string BenchStreamUsage() {
  return R"(usage: callredact bench-stream (--spawn | --target HOST:PORT) [flags]
  --spawn               fork a server on 127.0.0.1 (free port) for each run
  --target HOST:PORT    a running server (start it with a large enough --max-streams)
  --server-pid PID      with --target: read the server's CPU and RSS from /proc/PID
  --calls N             concurrent calls (default 100)
  --duration S          measured seconds after the ramp (default 10)
  --ramp S              streams open evenly over S seconds first (default 2)
  --corpus FILE         calls to replay (default tests/data/dev.jsonl); each stream
                        enters its call at a random point and moves to another call at
                        its end, chunks at real-time pace (their last word's end time)
  --channels K          client connections (default 4)
  --workers N           redaction threads of a spawned server (default: one per core)
  --policy NAME         policy of every call
  --search              find the largest N with p99 <= --p99-ms: doubles N from --calls
                        up to --max-calls (default 16000), then bisects twice
  --p99-ms MS           latency target of --search (default 10)
  --json FILE           append one JSON line per run
Latency is from the write of a chunk to the receipt of its RedactedChunk. Chunks held
back (an open tail) come back at a later chunk or at hold expiry: reported apart, with
the release latency from the write of the chunk that released them (known from a local
session over the same chunks; with --target the server must run the default models).
)";
}

absl::StatusOr<BenchStreamOptions> ParseBenchStreamFlags(const std::vector<std::string>& args) {
  BenchStreamOptions o;
  FlagSet flags;
  flags.Bool("spawn", &o.spawn)
      .Bool("search", &o.search)
      .String("target", &o.target)
      .Uint("server-pid", 1, INT32_MAX, &o.server_pid)
      .Uint("calls", 1, 1000000, &o.calls)
      .Uint("max-calls", 1, 1000000, &o.max_calls)
      .Double("duration", 0.1, &o.duration_s)
      .Double("ramp", 0, &o.ramp_s)
      .String("corpus", &o.corpus_file)
      .Uint("channels", 1, 256, &o.channels)
      .Uint("workers", 0, 1024, &o.workers)
      .String("policy", &o.policy)
      .Double("p99-ms", 0.001, &o.p99_ms)
      .String("json", &o.json_file)
      .Uint("seed", 0, INT32_MAX, &o.seed);
  std::vector<std::string> positional;
  absl::Status st = flags.Parse(args, &positional);
  if (!st.ok()) return st;
  if (!positional.empty()) {
    return absl::InvalidArgumentError("bench-stream takes no arguments, only flags");
  }
  if (o.spawn == !o.target.empty()) {
    return absl::InvalidArgumentError("give exactly one of --spawn and --target");
  }
  if (o.corpus_file.empty()) {
    o.corpus_file = Engine::DefaultModelsDir() + "/../tests/data/dev.jsonl";
  }
  return o;
}

int BenchStreamMain(int argc, char** argv) {
  int code = 0;
  std::optional<BenchStreamOptions> options = ParseSubcommand(
      "bench-stream", argc, argv, BenchStreamUsage(), &ParseBenchStreamFlags, &code);
  if (!options) return code;
  const BenchStreamOptions& o = *options;
  auto corpus = ReadCorpusFile(o.corpus_file);
  if (!corpus.ok()) {
    std::fprintf(stderr, "callredact bench-stream: %s\n",
                 std::string(corpus.status().message()).c_str());
    return 2;
  }
  std::vector<Prepared> calls = Prepare(*corpus);
  if (calls.empty()) {
    std::fprintf(stderr, "callredact bench-stream: the corpus has no chunks\n");
    return 2;
  }
  // The client's own engine, only to know which chunks the server holds (Prepared).
  auto engine = Engine::Load(Engine::DefaultModelsDir());
  if (!engine.ok()) {
    std::fprintf(stderr, "callredact bench-stream: %s\n",
                 std::string(engine.status().message()).c_str());
    return 1;
  }
  for (Prepared& p : calls) ComputeReleasers(*engine, &p, 0);
  std::signal(SIGPIPE, SIG_IGN);
  int run_id = 0;
  bool all_clean = true;
  auto run = [&](int n, bool* passed) -> bool {
    auto r = RunOnce(o, calls, *engine, n, run_id++);
    if (!r.ok()) {
      std::fprintf(stderr, "callredact bench-stream: %s\n",
                   std::string(r.status().message()).c_str());
      *passed = false;
      return false;
    }
    const bool clean = Report(o, *r, passed);
    all_clean &= clean;
    return true;
  };
  if (!o.search) {
    bool passed = false;
    if (!run(o.calls, &passed)) return 1;
    return all_clean ? 0 : 1;
  }
  int good = 0, bad = 0;
  for (int n = o.calls; n <= o.max_calls; n *= 2) {
    bool passed = false;
    if (!run(n, &passed)) return 1;
    if (!passed) {
      bad = n;
      break;
    }
    good = n;
  }
  for (int step = 0; step < 2 && good > 0 && bad > 0 && bad - good > 100; ++step) {
    int mid = (good + bad) / 2 / 50 * 50;
    bool passed = false;
    if (!run(mid, &passed)) return 1;
    (passed ? good : bad) = mid;
  }
  std::printf("bench-stream search: largest N with p99 <= %.1f ms: %d%s\n", o.p99_ms, good,
              bad == 0 ? " (the search's upper end)" : absl::StrCat(" (fails at ", bad, ")").c_str());
  return 0;
}

}  // namespace callredact
