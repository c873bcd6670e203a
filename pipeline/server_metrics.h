// Prometheus metrics of the gRPC server. No metric carries chunk text or detected values:
// labels are only entity types, RPC names and status codes.
#ifndef CALLREDACT_PIPELINE_SERVER_METRICS_H_
#define CALLREDACT_PIPELINE_SERVER_METRICS_H_

#include <map>
#include <memory>
#include <string>

#include "callredact/v1/redactor.pb.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace callredact {

class ServerMetrics {
 public:
  ServerMetrics();
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  void StreamStarted();
  void StreamEnded();
  void StreamRejected();          // Over --max-streams or while draining.
  void RpcFinished(const std::string& method, int grpc_code);
  void Chunk(double processing_seconds);
  void Released(const callredact::v1::RedactedChunk& chunk, double held_seconds);
  void Event(callredact::v1::EntityType type);

  double active_streams() const { return streams_active_->Value(); }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Gauge* streams_active_;
  prometheus::Counter* streams_total_;
  prometheus::Counter* streams_rejected_;
  prometheus::Family<prometheus::Counter>* rpcs_;
  prometheus::Counter* chunks_in_;
  prometheus::Counter* chunks_out_;
  prometheus::Counter* chunks_provisional_;
  prometheus::Family<prometheus::Counter>* events_;
  std::map<int, prometheus::Counter*> events_by_type_;
  prometheus::Histogram* hold_seconds_;
  prometheus::Histogram* chunk_seconds_;
};

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_SERVER_METRICS_H_
