// Scoring detection events against the labelled corpus, with the metrics of
// tests/data/FORMAT.md ("Metrics"):
//
//   absl::StatusOr<EvalReport> report = Evaluate(corpus, events);
//   std::cout << FormatReport(*report);
//
// Exact definitions used (all over FINAL chunks only: interim chunks, gold entities
// marked interim, and event spans on interim chunks are left out of every count):
//
//   characters  UTF-8 characters that are not ASCII whitespace. A character is "covered"
//               when every byte of it lies in some event span, and "touched" when any
//               byte does.
//   leak        gold PII characters (union of the entities of every type but IGNORE)
//               that are not covered / all gold PII characters. Per type: over the
//               union of that type's entities.
//   over        characters outside every gold entity and IGNORE region that are touched
//               / all characters outside them. Overall only.
//   recall      gold entities (not IGNORE) whose every letter and digit is covered (an
//               entity without letters or digits: every character) / gold entities.
//               Letters are ASCII letters and the Latin, Greek and Cyrillic letters of
//               U+00C0..U+052F and U+1E00..U+1EFF; digits are ASCII digits.
//   typed       caught entities that some event of the gold type overlaps (shares a
//               byte with one of the entity's parts) / caught entities.
//   precision   events with a span overlapping a gold entity or IGNORE region / events.
//               Only events with at least one non-empty span on a final chunk count.
//               Per type: by the event's type.
//   audio leak  milliseconds of the gold entities' words (the words of final
//               TRANSCRIPT chunks whose token overlaps an entity part; per speaker, the
//               union of their [start_ms, end_ms) times) that no audio range of an
//               event of the same call and speaker covers / all those milliseconds.
//
// A ratio whose denominator is 0 is NaN ("-" in FormatReport, null in ReportToJson).
#ifndef CALLREDACT_TOOLS_EVAL_H_
#define CALLREDACT_TOOLS_EVAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/corpus_io.h"

namespace callredact {

// The counts behind one row of the report.
struct EvalCounts {
  int64_t gold_entities = 0;    // Scored gold entities (not IGNORE, not interim).
  int64_t caught = 0;           // Of those, entities whose letters and digits are covered.
  int64_t typed = 0;            // Of the caught, those overlapped by an event of their type.
  int64_t events = 0;           // Scored events (a non-empty span on a final chunk).
  int64_t events_touching = 0;  // Of those, events touching a gold entity or IGNORE.
  int64_t gold_chars = 0;       // Non-space characters of gold entities.
  int64_t leaked_chars = 0;     // Of those, characters not covered.
  int64_t audio_ms = 0;         // Spoken time of gold entities.
  int64_t leaked_audio_ms = 0;  // Of that, time not covered by a same-speaker audio range.
};

// One row: a type, or the overall row.
struct EvalRow {
  std::string type;  // EntityType name, or "OVERALL".
  EvalCounts counts;
  double leak = 0;        // leaked_chars / gold_chars.
  double recall = 0;      // caught / gold_entities.
  double typed = 0;       // typed / caught.
  double precision = 0;   // events_touching / events.
  double audio_leak = 0;  // leaked_audio_ms / audio_ms.
};

struct EvalReport {
  // One row per entity type with scored gold entities or scored events, in EntityType
  // enum order.
  std::vector<EvalRow> types;
  // All types together. Character and audio counts are over the union of all
  // entities, so they can be less than the sum of the per-type rows where entities
  // of different types overlap.
  EvalRow overall;
  int64_t other_chars = 0;  // Non-space characters outside gold entities and IGNORE.
  int64_t over_chars = 0;   // Of those, characters touched by an event span.
  double over = 0;          // over_chars / other_chars.
  int64_t calls = 0;            // Calls in the corpus.
  int64_t final_chunks = 0;     // Final chunks in the corpus.
  int64_t events_read = 0;      // All events given.
  int64_t events_unscored = 0;  // Events without a non-empty span on a final chunk.
};

// Scores `events` against `corpus`. INVALID_ARGUMENT (prefixed with the event's origin,
// "<file>:<line>", when it has one) for an event whose call_id is not in the corpus,
// whose span names a seq the call does not have or ends past the chunk's text, or whose
// type is not an EntityType name; also for a corpus with a duplicate call_id or a gold
// part outside its chunk. Messages never contain text.
absl::StatusOr<EvalReport> Evaluate(const std::vector<CorpusCall>& corpus,
                                    const std::vector<EventRecord>& events);

// A fixed-width table for people: a header, one row per type, the OVERALL row, then
// the over-redaction line and totals. Ends with a newline.
std::string FormatReport(const EvalReport& report);

// The report as one JSON object (no trailing newline): totals, "over", "overall" and
// "types" (rows with their counts and ratios; NaN ratios are null).
std::string ReportToJson(const EvalReport& report);

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_EVAL_H_
