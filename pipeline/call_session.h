// CallSession: the state of one call, used by the gRPC server and the batch CLI alike.
//
//   CallSession session(engine, policy, {.call_id = "c1"});
//   std::vector<v1::RedactedChunk> out;
//   for (const v1::Chunk& c : chunks) {
//     absl::Status s = session.Add(c, &out);   // out gets 0..n released chunks
//     if (!s.ok()) ...                           // stream must end; nothing unredacted left
//   }
//   session.Finish(&out);                        // flushes every held chunk, redacted
//
// Each input chunk yields exactly one RedactedChunk. Order is kept per stream (AGENT,
// CUSTOMER, SCREEN); one stream's held chunk never delays another's. A chunk whose tail
// may still grow into an entity (trailing digits, a half-spoken e-mail) is held until
// the stream's next chunk, Finish(), or ExpireHolds() past max_hold (DESIGN.md, 3).
//
// Not thread-safe: one session belongs to one stream of calls at a time.
#ifndef CALLREDACT_PIPELINE_CALL_SESSION_H_
#define CALLREDACT_PIPELINE_CALL_SESSION_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "callredact/v1/redactor.pb.h"
#include "detectors/engine.h"
#include "pipeline/policy.h"

namespace callredact {

struct SessionOptions {
  std::string call_id;
  // Padding on both sides of each audio range, in milliseconds.
  uint32_t audio_margin_ms = 0;
  // Wall-clock bound on a hold; used by ExpireHolds().
  std::chrono::milliseconds max_hold{1500};
  // Largest chunk text accepted, in bytes.
  size_t max_chunk_bytes = 64 * 1024;
};

class StreamState;

class CallSession {
 public:
  using Clock = std::chrono::steady_clock;

  CallSession(std::shared_ptr<const Engine> engine, std::shared_ptr<const Policy> policy,
              SessionOptions options);
  ~CallSession();
  CallSession(const CallSession&) = delete;
  CallSession& operator=(const CallSession&) = delete;

  // Validates and processes one chunk; appends to `ready` every RedactedChunk that can be
  // released now (this one, earlier held ones, or none). Bad input returns
  // INVALID_ARGUMENT naming the field (never the text); a processing fault returns
  // INTERNAL. After an error the session must not be used again, except for destruction.
  absl::Status Add(const v1::Chunk& chunk, std::vector<v1::RedactedChunk>* ready,
                   Clock::time_point now = Clock::now());

  // Releases every chunk held longer than max_hold at `now`, with any unresolved tail
  // redacted and reported as an unconfirmed event.
  absl::Status ExpireHolds(Clock::time_point now, std::vector<v1::RedactedChunk>* ready);

  // The earliest time at which ExpireHolds() would release something, if anything is held.
  std::optional<Clock::time_point> NextHoldDeadline() const;

  // End of the call: releases every held chunk, redacted.
  absl::Status Finish(std::vector<v1::RedactedChunk>* ready);

  size_t held_chunks() const;
  const std::string& call_id() const { return options_.call_id; }

  // Test hook for the fail-closed tests: when set, called at each processing stage
  // ("tokenize", "detect", "redact", "release"); a non-OK status aborts like a fault.
  using FaultHook = absl::Status (*)(const char* stage);
  static void SetFaultHookForTesting(FaultHook hook);

 private:
  StreamState& StreamFor(const v1::Chunk& chunk);
  absl::Status AddFinalTranscript(const v1::Chunk& chunk, StreamState& stream,
                                  Clock::time_point now, std::vector<v1::RedactedChunk>* ready);

  std::shared_ptr<const Engine> engine_;
  std::shared_ptr<const Policy> policy_;
  SessionOptions options_;
  // Words of left context each stream keeps for its next window (call_session.cc).
  size_t left_context_words_;
  DialogueState dialogue_;
  std::unique_ptr<StreamState> streams_[3];  // AGENT, CUSTOMER, SCREEN.
  bool have_seq_ = false;
  uint64_t last_seq_ = 0;
  bool failed_ = false;
  // Words each speaker's counterpart said since that speaker's last final chunk
  // ([0] AGENT, [1] CUSTOMER).
  size_t words_since_other_[2] = {0, 0};
  // Whether the counterpart asked a question since that speaker's last final chunk.
  bool asked_[2] = {false, false};
  size_t agent_turn_words_ = 0;     // Words of the agent's current turn.
  bool agent_turn_has_cue_ = false;  // Whether the current agent turn set the expectation.
};

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_CALL_SESSION_H_
