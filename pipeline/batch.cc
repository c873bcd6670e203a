#include "pipeline/batch.h"

#include <unordered_map>

#include "pipeline/call_session.h"

namespace callredact {

absl::StatusOr<v1::RedactedCall> RedactCall(std::shared_ptr<const Engine> engine,
                                            std::shared_ptr<const Policy> policy,
                                            const v1::Call& call) {
  SessionOptions options;
  options.call_id = call.config().call_id();
  // 0 is no margin here (the server reads 0 as its --audio-margin-ms default): archive
  // events go to `callredact mute`, which adds its own --margin-ms.
  options.audio_margin_ms = call.config().audio_margin_ms();
  CallSession session(std::move(engine), std::move(policy), options);
  std::vector<v1::RedactedChunk> released;
  for (const v1::Chunk& chunk : call.chunks()) {
    absl::Status st = session.Add(chunk, &released);
    if (!st.ok()) return st;
  }
  absl::Status st = session.Finish(&released);
  if (!st.ok()) return st;
  // Back into input order.
  std::unordered_map<uint64_t, size_t> index;
  for (int i = 0; i < call.chunks_size(); ++i) index[call.chunks(i).seq()] = static_cast<size_t>(i);
  std::vector<v1::RedactedChunk> ordered(static_cast<size_t>(call.chunks_size()));
  for (v1::RedactedChunk& rc : released) {
    auto it = index.find(rc.seq());
    if (it == index.end()) return absl::InternalError("released a chunk that was never added");
    ordered[it->second] = std::move(rc);
  }
  v1::RedactedCall out;
  out.set_call_id(call.config().call_id());
  for (auto& rc : ordered) *out.add_chunks() = std::move(rc);
  return out;
}

}  // namespace callredact
