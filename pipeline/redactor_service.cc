#include "pipeline/redactor_service.h"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "detectors/tokenizer.h"
#include "pipeline/batch.h"
#include "pipeline/call_session.h"
#include "pipeline/server_log.h"

namespace callredact {

namespace {

using Clock = std::chrono::steady_clock;

// Stream requests up to this size are redacted in the gRPC reaction itself; larger
// ones on the worker pool (StreamReactor::OnReadDone).
constexpr size_t kInlineRequestBytes = 4096;

double SecondsSince(Clock::time_point t, Clock::time_point now) {
  return std::chrono::duration<double>(now - t).count();
}

// A policy name is echoed in an error only when it is short and plain.
std::string QuotedName(const std::string& name) {
  if (name.size() > 64) return "";
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      return "";
    }
  }
  return absl::StrCat(" \"", name, "\"");
}

// Checks done before a chunk reaches the CallSession (which validates the rest: seq,
// source/speaker, words). Messages name the field, never the text.
absl::Status PrecheckChunk(const v1::Chunk& chunk, size_t max_chunk_bytes) {
  if (chunk.text().size() > max_chunk_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("chunk.text: ", chunk.text().size(),
                                                     " bytes exceeds the limit of ",
                                                     max_chunk_bytes, " bytes (seq ",
                                                     chunk.seq(), ")"));
  }
  if (!IsValidUtf8(chunk.text())) {
    return absl::InvalidArgumentError(
        absl::StrCat("chunk.text: invalid UTF-8 (seq ", chunk.seq(), ")"));
  }
  return absl::OkStatus();
}

// Codes the session may return and pass through; anything else becomes INTERNAL.
absl::Status SanitizeSessionError(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return s;
    default:
      return absl::InternalError(
          "internal error while redacting; the stream was aborted and held text dropped");
  }
}

}  // namespace

namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

// Walks one message of the wire format. `strings` maps field numbers of string fields to
// their names, `messages` field numbers of sub-messages to a walker.
struct WireSchema {
  std::map<int, std::string> strings;
  std::map<int, std::pair<std::string, const WireSchema*>> messages;
};

// OK when the message is well formed with valid UTF-8 strings; else names the field.
absl::Status Walk(CodedInputStream* in, const WireSchema& schema, const std::string& prefix) {
  for (;;) {
    const uint32_t tag = in->ReadTag();
    if (tag == 0) {
      return in->ConsumedEntireMessage() || in->BytesUntilLimit() == 0
                 ? absl::OkStatus()
                 : absl::InvalidArgumentError(
                       absl::StrCat(prefix.empty() ? "request" : prefix, ": malformed"));
    }
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const bool delimited =
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    auto str = schema.strings.find(field);
    auto msg = schema.messages.find(field);
    if (delimited && str != schema.strings.end()) {
      std::string value;
      if (!WireFormatLite::ReadString(in, &value)) {
        return absl::InvalidArgumentError(absl::StrCat(prefix, str->second, ": truncated"));
      }
      if (!IsValidUtf8(value)) {
        return absl::InvalidArgumentError(absl::StrCat(prefix, str->second, ": invalid UTF-8"));
      }
    } else if (delimited && msg != schema.messages.end()) {
      uint32_t length;
      if (!in->ReadVarint32(&length)) {
        return absl::InvalidArgumentError(absl::StrCat(prefix, msg->second.first, ": truncated"));
      }
      const auto limit = in->PushLimit(static_cast<int>(length));
      absl::Status s = Walk(in, *msg->second.second, prefix + msg->second.first + ".");
      if (!s.ok()) return s;
      in->PopLimit(limit);
    } else if (!WireFormatLite::SkipField(in, tag)) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix.empty() ? "request" : prefix.substr(0, prefix.size() - 1),
                       ": malformed field ", field));
    }
  }
}

}  // namespace

absl::Status DiagnoseRequest(const std::string& bytes) {
  static const WireSchema* const kSchema = [] {
    auto* word = new WireSchema{{{1, "text"}}, {}};
    auto* chunk = new WireSchema{{{5, "text"}}, {{6, {"words", word}}}};
    auto* config = new WireSchema{{{1, "call_id"}, {2, "policy"}}, {}};
    return new WireSchema{{}, {{1, {"config", config}}, {2, {"chunk", chunk}}}};
  }();
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  absl::Status s = Walk(&in, *kSchema, "");
  if (!s.ok()) return s;
  return absl::InvalidArgumentError("request: not a valid RedactRequest message");
}

grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

struct RedactorService::Internals {
  Internals(std::shared_ptr<const Engine> e, std::shared_ptr<const PolicyRegistry> p,
            ServiceOptions o, ServerMetrics* m, std::shared_ptr<const AccessControl> a,
            AuditLog* log)
      : engine(std::move(e)),
        policies(std::move(p)),
        options(o),
        metrics(m),
        access(a ? std::move(a) : AccessControl::Open()),
        audit(log),
        pool(o.worker_threads) {}

  std::shared_ptr<const Engine> engine;
  std::shared_ptr<const PolicyRegistry> policies;
  ServiceOptions options;
  ServerMetrics* metrics;
  std::shared_ptr<const AccessControl> access;
  AuditLog* audit;
  ThreadPool pool;     // Destroyed after `timers` (declared first).
  TimerThread timers;  // Stopped first: no more posts to the pool after it.

  absl::StatusOr<std::shared_ptr<const Policy>> FindPolicy(const std::string& name) const {
    std::string n = name.empty() ? "default" : name;
    std::shared_ptr<const Policy> p = policies ? policies->Find(n) : nullptr;
    if (!p && n == "default") p = Policy::Default();
    if (!p) {
      return absl::NotFoundError(absl::StrCat("config.policy: unknown policy", QuotedName(n)));
    }
    return p;
  }

  // The policy asked for, as the audit log names it: a configured policy's name, else
  // "(unknown)" (a caller-chosen string is not echoed).
  std::string AuditPolicyName(const std::string& asked) const {
    const std::string n = asked.empty() ? "default" : asked;
    return n == "default" || (policies && policies->Find(n)) ? n : "(unknown)";
  }
};

namespace {

// One RedactStream call. Lifetime: reference counted; gRPC holds one reference until
// OnDone, every posted task and pending timer holds one.
class StreamReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  // Accepted stream of an authenticated caller.
  StreamReactor(RedactorService* service, grpc::CallbackServerContext* context, Caller caller)
      : service_(service),
        in_(&service->internals()),
        context_(context),
        accepted_(true),
        caller_(caller) {
    StartAudit(context);
    if (in_->metrics) in_->metrics->StreamStarted();
    last_activity_ns_ = NowNs();
    ScheduleIdleCheck(Clock::now() + in_->options.idle_timeout);
    {
      std::lock_guard<std::mutex> lock(mu_);
      read_wanted_ = true;
    }
    Pump();
  }

  // Rejected stream: finishes at once with `status`. `caller` when known.
  StreamReactor(RedactorService* service, grpc::CallbackServerContext* context,
                grpc::Status status, std::optional<Caller> caller = std::nullopt)
      : service_(service), in_(&service->internals()), context_(nullptr), accepted_(false) {
    if (caller) caller_ = *caller;
    StartAudit(context);
    finish_called_ = true;
    final_status_ = status;
    if (in_->metrics) {
      in_->metrics->StreamRejected();
      in_->metrics->RpcFinished("RedactStream", status.error_code());
    }
    Finish(std::move(status));
  }

  void OnReadDone(bool ok) override {
    last_activity_ns_ = NowNs();
    {
      std::lock_guard<std::mutex> lock(mu_);
      read_in_flight_ = false;
    }
    if (!ok) {
      Post([this] { ProcessReadsDone(); });
      return;
    }
    // A typical transcript chunk costs tens of microseconds to redact, less than the
    // wake-up of a pool thread: it is redacted here, in the reaction (measured: server
    // CPU per chunk -28%, p99 lower; BENCHMARKS.md). A large request (a screen capture,
    // a long chunk) goes to the pool so no gRPC thread is held for long. Order is safe
    // either way: the next read starts only when this request is processed.
    if (request_.Length() <= kInlineRequestBytes) {
      grpc::ByteBuffer request;
      request.Swap(&request_);
      Ref();
      ProcessRequest(&request);
      Unref();
      return;
    }
    auto request = std::make_shared<grpc::ByteBuffer>();
    request->Swap(&request_);
    Post([this, request] { ProcessRequest(request.get()); });
  }

  void OnWriteDone(bool ok) override {
    last_activity_ns_ = NowNs();
    {
      std::lock_guard<std::mutex> lock(mu_);
      write_in_flight_ = false;
      writing_.Clear();
      if (ok) {
        // Delivered: counts for the audit log.
        ++audit_.chunks_out;
        for (int type : writing_types_) {
          ++audit_.detections[v1::EntityType_Name(static_cast<v1::EntityType>(type))];
        }
      }
      writing_types_.clear();
      if (!ok) {
        // The client is gone: nothing more can be written.
        RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED,
                                         "write failed: the client went away"));
        queue_.clear();
      }
    }
    Pump();
  }

  void OnCancel() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      RequestFinishLocked(
          grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled by the client"));
      queue_.clear();
    }
    Pump();
  }

  void OnDone() override {
    if (accepted_) {
      uint64_t idle_id, hold_id;
      {
        std::lock_guard<std::mutex> lock(mu_);
        done_ = true;
        idle_id = idle_timer_id_;
        hold_id = hold_timer_id_;
        idle_timer_id_ = hold_timer_id_ = 0;
      }
      if (idle_id) in_->timers.Cancel(idle_id);
      if (hold_id) in_->timers.Cancel(hold_id);
      if (in_->metrics) in_->metrics->StreamEnded();
      service_->StreamEnded();
    }
    Unref();
  }

 private:
  // Every reference is gone: no task can still change the record.
  ~StreamReactor() override {
    if (!in_->audit) return;
    audit_.status_code = static_cast<int>(final_status_.error_code());
    audit_.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
    in_->audit->Write(audit_);
  }

  void StartAudit(grpc::CallbackServerContext* context) {
    started_ = Clock::now();
    if (!in_->audit) return;
    audit_.rpc = "RedactStream";
    if (caller_.identity) {
      audit_.identity = caller_.name();
      audit_.credential = caller_.credential;
    }
    if (context) audit_.peer = context->peer();
  }

  static int64_t NowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               Clock::now().time_since_epoch())
        .count();
  }

  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  // Runs `task` on the worker pool, holding a reference.
  template <typename F>
  void Post(F task) {
    Ref();
    in_->pool.Post([this, task = std::move(task)]() mutable {
      task();
      Unref();
    });
  }

  // --- Worker tasks (hold session_mu_ while using the session) ---

  void ProcessRequest(grpc::ByteBuffer* buffer) {
    {
      std::lock_guard<std::mutex> session_lock(session_mu_);
      if (closed_ || Finishing()) return;
      v1::RedactRequest request;
      std::string bytes;
      absl::Status status = ParseRequest(buffer, &bytes, &request);
      if (status.ok()) {
        switch (request.kind_case()) {
          case v1::RedactRequest::kConfig:
            status = Configure(request.config());
            break;
          case v1::RedactRequest::kChunk:
            ++audit_.chunks_in;
            status = AddChunk(request.chunk());
            break;
          default:
            status = absl::InvalidArgumentError("request: neither config nor chunk is set");
        }
      }
      if (!status.ok()) {
        FailLocked(status);
      } else {
        std::lock_guard<std::mutex> lock(mu_);
        read_wanted_ = true;
      }
    }
    Pump();
  }

  static absl::Status ParseRequest(grpc::ByteBuffer* buffer, std::string* bytes,
                                   v1::RedactRequest* request) {
    std::vector<grpc::Slice> slices;
    if (!buffer->Dump(&slices).ok()) return absl::InternalError("request: unreadable buffer");
    size_t size = 0;
    for (const grpc::Slice& s : slices) size += s.size();
    bytes->reserve(size);
    for (const grpc::Slice& s : slices) {
      bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    buffer->Clear();
    if (request->ParseFromString(*bytes)) return absl::OkStatus();
    return DiagnoseRequest(*bytes);
  }

  absl::Status Configure(const v1::CallConfig& config) {
    if (session_ || configured_) return absl::InvalidArgumentError("config: sent twice (config must be sent exactly once, first)");
    if (config.call_id().size() > in_->options.max_call_id_bytes) {
      return absl::InvalidArgumentError(absl::StrCat("config.call_id: longer than ",
                                                     in_->options.max_call_id_bytes,
                                                     " bytes"));
    }
    audit_.call_id = config.call_id();
    audit_.policy = in_->AuditPolicyName(config.policy());
    if (absl::Status s = AccessControl::Authorize(caller_, config.policy()); !s.ok()) return s;
    absl::StatusOr<std::shared_ptr<const Policy>> policy = in_->FindPolicy(config.policy());
    if (!policy.ok()) return policy.status();
    SessionOptions options;
    options.call_id = config.call_id();
    options.audio_margin_ms =
        config.audio_margin_ms() ? config.audio_margin_ms() : in_->options.audio_margin_ms;
    std::chrono::milliseconds hold = in_->options.max_hold;
    if (config.max_hold_ms() != 0) {
      hold = std::min(hold, std::chrono::milliseconds(config.max_hold_ms()));
    }
    options.max_hold = hold;
    options.max_chunk_bytes = in_->options.max_chunk_bytes;
    session_ = std::make_unique<CallSession>(in_->engine, *std::move(policy), options);
    configured_ = true;
    return absl::OkStatus();
  }

  absl::Status AddChunk(const v1::Chunk& chunk) {
    if (!session_) {
      return absl::FailedPreconditionError(
          "chunk before config: the first message of a stream must be a config");
    }
    if (absl::Status s = PrecheckChunk(chunk, in_->options.max_chunk_bytes); !s.ok()) return s;
    const Clock::time_point start = Clock::now();
    std::vector<v1::RedactedChunk> ready;
    absl::Status s = session_->Add(chunk, &ready, start);
    const Clock::time_point end = Clock::now();
    if (!s.ok()) return SanitizeSessionError(s);
    if (in_->metrics) in_->metrics->Chunk(SecondsSince(start, end));
    // Arrival times for the hold histogram; bounded by the chunks the session holds.
    arrivals_.emplace(chunk.seq(), start);
    EmitLocked(std::move(ready), end);
    ScheduleHoldLocked();
    return absl::OkStatus();
  }

  void ProcessReadsDone() {
    {
      std::lock_guard<std::mutex> session_lock(session_mu_);
      if (closed_ || Finishing()) return;
      if (session_) {
        std::vector<v1::RedactedChunk> ready;
        absl::Status s = session_->Finish(&ready);
        if (!s.ok()) {
          FailLocked(SanitizeSessionError(s));
        } else {
          EmitLocked(std::move(ready), Clock::now());
        }
      }
      if (!closed_) {
        closed_ = true;
        std::lock_guard<std::mutex> lock(mu_);
        RequestFinishLocked(grpc::Status::OK);
      }
    }
    Pump();
  }

  void ExpireHolds(uint64_t timer_id) {
    {
      std::lock_guard<std::mutex> session_lock(session_mu_);
      const Clock::time_point now = Clock::now();
      {
        // The earliest pending hold timer is due (this one or one about to fire).
        std::lock_guard<std::mutex> lock(mu_);
        if (hold_timer_id_ != 0 && hold_timer_at_ <= now) hold_timer_id_ = 0;
      }
      if (closed_ || !session_ || Finishing()) return;
      std::vector<v1::RedactedChunk> ready;
      absl::Status s = session_->ExpireHolds(now, &ready);
      if (!s.ok()) {
        FailLocked(SanitizeSessionError(s));
      } else {
        EmitLocked(std::move(ready), now);
        ScheduleHoldLocked();
      }
    }
    Pump();
  }

  void CheckIdle(uint64_t timer_id) {
    const auto idle = in_->options.idle_timeout;
    const int64_t idle_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(idle).count();
    const int64_t last = last_activity_ns_.load();
    const int64_t now = NowNs();
    bool active;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_timer_id_ == timer_id) idle_timer_id_ = 0;
      if (finish_requested_ || done_) return;
      active = now - last < idle_ns;
    }
    if (active) {
      // Activity since the timer was set: check again when it could next expire.
      ScheduleIdleCheck(Clock::now() + std::chrono::nanoseconds(last + idle_ns - now));
      return;
    }
    {
      std::lock_guard<std::mutex> session_lock(session_mu_);
      if (closed_) return;
      FailLocked(absl::DeadlineExceededError(absl::StrCat(
          "stream idle for more than ", idle.count(), " ms (--idle-timeout-ms); aborted")));
    }
    Pump();
  }

  // --- Helpers ---

  bool Finishing() {
    std::lock_guard<std::mutex> lock(mu_);
    return finish_requested_;
  }

  // Ends the stream with `status`: drops the session and every unsent chunk. Requires
  // session_mu_.
  void FailLocked(const absl::Status& status) {
    closed_ = true;
    session_.reset();  // Held text goes with it, never sent.
    arrivals_.clear();
    if (status.code() == absl::StatusCode::kInternal) {
      ServerLog(LogLevel::kError, absl::StrCat("stream aborted (INTERNAL): ", status.message()));
    } else {
      ServerLog(LogLevel::kInfo, absl::StrCat("stream ended: ",
                                              absl::StatusCodeToString(status.code()), ": ",
                                              status.message()));
    }
    std::lock_guard<std::mutex> lock(mu_);
    RequestFinishLocked(ToGrpcStatus(status));
  }

  // Queues released chunks for writing. Requires session_mu_.
  void EmitLocked(std::vector<v1::RedactedChunk> ready, Clock::time_point now) {
    if (ready.empty()) return;
    std::vector<Pending> responses;
    responses.reserve(ready.size());
    for (v1::RedactedChunk& chunk : ready) {
      double held = -1;
      auto it = arrivals_.find(chunk.seq());
      if (it != arrivals_.end()) {
        held = SecondsSince(it->second, now);
        arrivals_.erase(it);
      }
      if (in_->metrics) in_->metrics->Released(chunk, held);
      Pending pending;
      if (in_->audit) {
        for (const v1::DetectionEvent& e : chunk.events()) pending.types.push_back(e.type());
      }
      v1::RedactResponse response;
      *response.mutable_chunk() = std::move(chunk);
      grpc::ByteBuffer buffer;
      bool own = false;
      grpc::SerializationTraits<v1::RedactResponse>::Serialize(response, &buffer, &own);
      pending.buffer = std::move(buffer);
      responses.push_back(std::move(pending));
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (finish_requested_) return;
    for (auto& r : responses) queue_.push_back(std::move(r));
  }

  // Makes sure a timer fires at the session's next hold deadline. Requires session_mu_
  // (so the timer's task cannot run before its id is recorded).
  void ScheduleHoldLocked() {
    if (!session_) return;
    std::optional<Clock::time_point> next = session_->NextHoldDeadline();
    if (!next) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (done_ || finish_requested_) return;
      if (hold_timer_id_ != 0 && hold_timer_at_ <= *next) return;
    }
    // An earlier, later-firing timer may still be pending; it fires harmlessly.
    uint64_t id = ScheduleTimer(*next, &StreamReactor::ExpireHolds);
    std::lock_guard<std::mutex> lock(mu_);
    hold_timer_id_ = id;
    hold_timer_at_ = *next;
  }

  void ScheduleIdleCheck(Clock::time_point when) {
    uint64_t id = ScheduleTimer(when, &StreamReactor::CheckIdle);
    bool cancel_now = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (done_) {
        cancel_now = true;  // OnDone already ran and cannot cancel this one.
      } else {
        idle_timer_id_ = id;
      }
    }
    if (cancel_now && id != 0) in_->timers.Cancel(id);
  }

  // Schedules `(this->*task)(timer_id)` on the pool at `when`, holding a reference until
  // it ran or the timer was cancelled. Returns the timer id.
  uint64_t ScheduleTimer(Clock::time_point when, void (StreamReactor::*task)(uint64_t)) {
    Ref();
    auto id_holder = std::make_shared<std::atomic<uint64_t>>(0);
    uint64_t id = in_->timers.Schedule(
        when,
        [this, id_holder, task] {
          const uint64_t my_id = id_holder->load();
          in_->pool.Post([this, my_id, task] {
            (this->*task)(my_id);
            Unref();
          });
        },
        [this] { Unref(); });
    id_holder->store(id);
    return id;
  }

  // Requires mu_. The first request wins; an error drops unsent chunks.
  void RequestFinishLocked(grpc::Status status) {
    if (finish_requested_) return;
    finish_requested_ = true;
    final_status_ = std::move(status);
    if (!final_status_.ok()) queue_.clear();
  }

  // Starts whatever gRPC operations are due. Decides under mu_, calls gRPC without it.
  void Pump() {
    const grpc::ByteBuffer* to_write = nullptr;
    bool start_read = false;
    std::optional<grpc::Status> finish;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (finish_called_) return;
      if (!write_in_flight_ && !queue_.empty() && (!finish_requested_ || final_status_.ok())) {
        writing_.Swap(&queue_.front().buffer);
        writing_types_ = std::move(queue_.front().types);
        queue_.pop_front();
        write_in_flight_ = true;
        to_write = &writing_;
      }
      if (!finish_requested_ && read_wanted_ && !read_in_flight_ &&
          queue_.size() < in_->options.max_queued_writes) {
        read_wanted_ = false;
        read_in_flight_ = true;
        start_read = true;
      }
      if (finish_requested_ && !write_in_flight_ && queue_.empty()) {
        finish_called_ = true;
        finish = final_status_;
      }
    }
    if (to_write) StartWrite(to_write);
    if (start_read) StartRead(&request_);
    if (finish) {
      if (in_->metrics) in_->metrics->RpcFinished("RedactStream", finish->error_code());
      Finish(*finish);
    }
  }

  RedactorService* service_;
  RedactorService::Internals* in_;
  grpc::CallbackServerContext* context_;
  const bool accepted_;
  std::atomic<int> refs_{1};
  Caller caller_;
  Clock::time_point started_;
  // The audit line: call_id, policy, chunks_in under session_mu_; chunks_out and
  // detections under mu_; written by the destructor.
  AuditRecord audit_;
  bool configured_ = false;  // A config arrived (under session_mu_).
  std::atomic<int64_t> last_activity_ns_{0};

  grpc::ByteBuffer request_;  // Target of the one outstanding read.

  // Session state; used only by worker tasks.
  std::mutex session_mu_;
  std::unique_ptr<CallSession> session_;
  std::map<uint64_t, Clock::time_point> arrivals_;
  bool closed_ = false;  // Finished or failed: the session is not used again.

  // gRPC operation state; held only briefly, never across a gRPC call.
  std::mutex mu_;
  struct Pending {
    grpc::ByteBuffer buffer;
    std::vector<int> types;  // Entity types of its events (audit counts).
  };
  std::deque<Pending> queue_;
  grpc::ByteBuffer writing_;  // The message of the outstanding write.
  std::vector<int> writing_types_;
  bool write_in_flight_ = false;
  bool read_in_flight_ = false;
  bool read_wanted_ = false;
  bool finish_requested_ = false;
  bool finish_called_ = false;
  bool done_ = false;
  grpc::Status final_status_;
  uint64_t idle_timer_id_ = 0;
  uint64_t hold_timer_id_ = 0;
  Clock::time_point hold_timer_at_;
};

}  // namespace

RedactorService::RedactorService(std::shared_ptr<const Engine> engine,
                                 std::shared_ptr<const PolicyRegistry> policies,
                                 ServiceOptions options, ServerMetrics* metrics,
                                 std::shared_ptr<const AccessControl> access, AuditLog* audit)
    : internals_(std::make_unique<Internals>(std::move(engine), std::move(policies), options,
                                             metrics, std::move(access), audit)) {}

RedactorService::~RedactorService() { Shutdown(); }

void RedactorService::Shutdown() { internals_->timers.Stop(); }

void RedactorService::StreamEnded() { active_streams_.fetch_sub(1); }

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* RedactorService::RedactStream(
    grpc::CallbackServerContext* context) {
  if (draining_) {
    return new StreamReactor(
        this, context, grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
  }
  absl::StatusOr<Caller> caller = internals_->access->Authenticate(*context);
  if (!caller.ok()) {
    ServerLog(LogLevel::kInfo, absl::StrCat("stream refused: ", caller.status().message()));
    return new StreamReactor(this, context, ToGrpcStatus(caller.status()));
  }
  const size_t max = internals_->options.max_streams;
  if (active_streams_.fetch_add(1) >= max) {
    active_streams_.fetch_sub(1);
    ServerLog(LogLevel::kWarning, absl::StrCat("stream refused: ", max,
                                               " streams open (--max-streams)"));
    return new StreamReactor(
        this, context,
        grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                     absl::StrCat("too many concurrent streams (limit ", max,
                                  ", --max-streams); retry later")),
        *caller);
  }
  return new StreamReactor(this, context, *caller);
}

grpc::ServerUnaryReactor* RedactorService::Redact(grpc::CallbackServerContext* context,
                                                  const v1::Call* request,
                                                  v1::RedactedCall* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Internals* in = internals_.get();
  const Clock::time_point started = Clock::now();
  auto audit = std::make_shared<AuditRecord>();
  audit->rpc = "Redact";
  if (in->audit) audit->peer = context->peer();
  absl::StatusOr<Caller> caller = in->access->Authenticate(*context);
  if (caller.ok()) {
    audit->identity = caller->name();
    audit->credential = caller->credential;
  }
  in->pool.Post([in, reactor, request, response, caller, audit, started] {
    absl::Status status = [&]() -> absl::Status {
      if (!caller.ok()) return caller.status();
      audit->chunks_in = request->chunks_size();
      if (request->config().call_id().size() <= in->options.max_call_id_bytes) {
        audit->call_id = request->config().call_id();
      }
      const std::string& asked = request->config().policy();
      audit->policy = in->AuditPolicyName(asked);
      if (absl::Status s = AccessControl::Authorize(*caller, asked); !s.ok()) return s;
      absl::StatusOr<std::shared_ptr<const Policy>> policy =
          in->FindPolicy(request->config().policy());
      if (!policy.ok()) return policy.status();
      if (request->config().call_id().size() > in->options.max_call_id_bytes) {
        return absl::InvalidArgumentError("config.call_id: too long");
      }
      for (const v1::Chunk& chunk : request->chunks()) {
        if (absl::Status s = PrecheckChunk(chunk, in->options.max_chunk_bytes); !s.ok()) {
          return s;
        }
      }
      v1::Call call = *request;
      if (call.config().audio_margin_ms() == 0) {
        call.mutable_config()->set_audio_margin_ms(in->options.audio_margin_ms);
      }
      const Clock::time_point start = Clock::now();
      absl::StatusOr<v1::RedactedCall> result = RedactCall(in->engine, *policy, call);
      if (!result.ok()) return SanitizeSessionError(result.status());
      if (in->metrics) {
        const double per_chunk =
            call.chunks_size() ? SecondsSince(start, Clock::now()) / call.chunks_size() : 0;
        for (int i = 0; i < call.chunks_size(); ++i) in->metrics->Chunk(per_chunk);
        for (const v1::RedactedChunk& c : result->chunks()) in->metrics->Released(c, -1);
      }
      *response = *std::move(result);
      if (response->call_id().empty()) response->set_call_id(call.config().call_id());
      return absl::OkStatus();
    }();
    if (!status.ok()) {
      response->Clear();
      ServerLog(LogLevel::kInfo, absl::StrCat("Redact failed: ",
                                              absl::StatusCodeToString(status.code()), ": ",
                                              status.message()));
    }
    if (in->metrics) in->metrics->RpcFinished("Redact", static_cast<int>(status.code()));
    if (in->audit) {
      audit->status_code = static_cast<int>(status.code());
      if (status.ok()) {
        audit->chunks_out = response->chunks_size();
        for (const v1::RedactedChunk& c : response->chunks()) {
          for (const v1::DetectionEvent& e : c.events()) {
            ++audit->detections[v1::EntityType_Name(e.type())];
          }
        }
      }
      audit->duration_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
      in->audit->Write(*audit);
    }
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

}  // namespace callredact
