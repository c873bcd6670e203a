#include "pipeline/server_metrics.h"

namespace callredact {

ServerMetrics::ServerMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  streams_active_ = &prometheus::BuildGauge()
                         .Name("callredact_streams_active")
                         .Help("RedactStream calls currently open")
                         .Register(*registry_)
                         .Add({});
  auto& streams = prometheus::BuildCounter()
                      .Name("callredact_streams_total")
                      .Help("RedactStream calls accepted or rejected")
                      .Register(*registry_);
  streams_total_ = &streams.Add({{"result", "accepted"}});
  streams_rejected_ = &streams.Add({{"result", "rejected"}});
  rpcs_ = &prometheus::BuildCounter()
               .Name("callredact_rpcs_finished_total")
               .Help("Finished RPCs by method and gRPC status code")
               .Register(*registry_);
  auto& chunks = prometheus::BuildCounter()
                     .Name("callredact_chunks_total")
                     .Help("Chunks received and redacted chunks released")
                     .Register(*registry_);
  chunks_in_ = &chunks.Add({{"direction", "in"}});
  chunks_out_ = &chunks.Add({{"direction", "out"}});
  chunks_provisional_ = &chunks.Add({{"direction", "out_provisional"}});
  events_ = &prometheus::BuildCounter()
                 .Name("callredact_events_total")
                 .Help("Detection events by entity type")
                 .Register(*registry_);
  const auto* desc = callredact::v1::EntityType_descriptor();
  for (int i = 0; i < desc->value_count(); ++i) {
    const auto* v = desc->value(i);
    events_by_type_[v->number()] = &events_->Add({{"type", v->name()}});
  }
  hold_seconds_ = &prometheus::BuildHistogram()
                       .Name("callredact_hold_seconds")
                       .Help("Time from a chunk's arrival to its release")
                       .Register(*registry_)
                       .Add({}, prometheus::Histogram::BucketBoundaries{
                                    0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1,
                                    1.5, 2, 5, 10});
  chunk_seconds_ = &prometheus::BuildHistogram()
                        .Name("callredact_chunk_processing_seconds")
                        .Help("CPU time to process one chunk (CallSession::Add)")
                        .Register(*registry_)
                        .Add({}, prometheus::Histogram::BucketBoundaries{
                                     0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                     0.005, 0.01, 0.025, 0.05, 0.1, 0.5});
}

void ServerMetrics::StreamStarted() {
  streams_active_->Increment();
  streams_total_->Increment();
}
void ServerMetrics::StreamEnded() { streams_active_->Decrement(); }
void ServerMetrics::StreamRejected() { streams_rejected_->Increment(); }

void ServerMetrics::RpcFinished(const std::string& method, int grpc_code) {
  rpcs_->Add({{"method", method}, {"code", std::to_string(grpc_code)}}).Increment();
}

void ServerMetrics::Chunk(double processing_seconds) {
  chunks_in_->Increment();
  chunk_seconds_->Observe(processing_seconds);
}

void ServerMetrics::Released(const callredact::v1::RedactedChunk& chunk,
                             double held_seconds) {
  chunks_out_->Increment();
  if (chunk.provisional()) chunks_provisional_->Increment();
  if (held_seconds >= 0) hold_seconds_->Observe(held_seconds);
  for (const auto& e : chunk.events()) Event(e.type());
}

void ServerMetrics::Event(callredact::v1::EntityType type) {
  auto it = events_by_type_.find(static_cast<int>(type));
  if (it != events_by_type_.end()) it->second->Increment();
}

}  // namespace callredact
