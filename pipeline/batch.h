// Redacting a whole call at once: the unary Redact RPC, `callredact redact` and the
// archive tools. Feeds the chunks through a CallSession in order and flushes it, so the
// output equals streaming the call (DESIGN.md, invariant 2).
#ifndef CALLREDACT_PIPELINE_BATCH_H_
#define CALLREDACT_PIPELINE_BATCH_H_

#include <memory>

#include "absl/status/statusor.h"
#include "callredact/v1/redactor.pb.h"
#include "detectors/engine.h"
#include "pipeline/policy.h"

namespace callredact {

// Redacts `call`; the result has one RedactedChunk per input chunk, in input order, with
// every event attached to the chunk that completes it. Bad input gives INVALID_ARGUMENT
// naming the field.
absl::StatusOr<v1::RedactedCall> RedactCall(std::shared_ptr<const Engine> engine,
                                            std::shared_ptr<const Policy> policy,
                                            const v1::Call& call);

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_BATCH_H_
