// The detection engine: start here.
//
//   absl::StatusOr<std::shared_ptr<const Engine>> engine = Engine::Load(models_dir);
//   // share *engine between threads; it is immutable after Load().
//
// Load() reads the detector pack (models/detectors.textproto), its lexicons and
// gazetteers, and compiles one Hyperscan database for every pattern and cue phrase
// (gazetteer entries go into a hash table, detectors/name_gazetteer.h). A bad model
// file fails Load() with its path, line and what is wrong.
//
// Detection itself runs inside a CallSession (pipeline/call_session.h), which feeds
// Engine::Detect() one stream's open window at a time.
#ifndef CALLREDACT_DETECTORS_ENGINE_H_
#define CALLREDACT_DETECTORS_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callredact/v1/models.pb.h"
#include "callredact/v1/redactor.pb.h"
#include "detectors/lexicon.h"
#include "detectors/tokenizer.h"

namespace callredact {

namespace v1 = ::callredact::v1;

// A detected entity over a stream window's tokens.
struct Detection {
  v1::EntityType type = v1::ENTITY_TYPE_UNSPECIFIED;
  double confidence = 0;
  std::string detector;     // Pattern or detector id.
  size_t first_token = 0;   // Index into the window's tokens, inclusive.
  size_t last_token = 0;    // Inclusive.
  // The value normalised for pseudonyms and read-back matching ("8001015009087",
  // "thandi.nkosi@gmail.com"); held in memory only, never logged or sent.
  std::string normalized;
};

// The index of a call's stream in DialogueState's per-stream arrays: 0 AGENT, 1 CUSTOMER,
// 2 SCREEN.
inline int StreamIndex(v1::Source source, v1::Speaker speaker) {
  if (source == v1::SCREEN) return 2;
  return speaker == v1::AGENT ? 0 : 1;
}

// Per-call memory shared by the streams of one call: the agent's last question and
// values already found (so a read-back is typed like the original).
struct DialogueState {
  // Bit mask of ContextKind (1 << kind) set by the agent's most recent question.
  uint32_t expectation = 0;
  // Bit mask of every ContextKind that has come up in the call so far (cues of either
  // speaker, kinds of detections), for patterns with `requires_seen`.
  uint32_t seen = 0;
  // Normalised values found earlier in the call and their type (bounded).
  std::vector<std::pair<std::string, v1::EntityType>> known_values;
  // Values each stream (AGENT, CUSTOMER, SCREEN) has found but not committed yet (a name
  // or a number at the end of a held chunk). The other streams treat them like known
  // values, so a read-back that comes while the first speaker's chunk is still held is
  // found however the chunks are cut.
  std::vector<std::pair<std::string, v1::EntityType>> open_values[3];
  // Whether each stream's transcript is cased (a final chunk of it had a capitalised
  // word): then a name after a cue is capitalised too ("Is this cellphone ..." is not one).
  bool cased[3] = {false, false, false};
  void Remember(const std::string& value, v1::EntityType type);
  // The type of a known value, or of an open value of a stream other than `own`.
  v1::EntityType Lookup(const std::string& value, int own = -1) const;
};

// What Detect() found in a window.
struct DetectResult {
  std::vector<Detection> detections;
  // Tokens from this index on could still become part of an entity when the
  // stream continues (an open number, a half-spoken e-mail); == tokens.size() when
  // nothing is open. Hold-back keeps every chunk that has a token at or after it.
  size_t open_from = 0;
  // Context kinds (ContextKind bit mask) of the cues that end at or after `first_new`;
  // the session sets the dialogue expectation from the agent's.
  uint32_t new_cue_contexts = 0;
};

class EngineImpl;

class Engine {
 public:
  // Loads and compiles the models in `models_dir` (the folder holding
  // detectors.textproto). Errors name the file and line.
  static absl::StatusOr<std::shared_ptr<const Engine>> Load(const std::string& models_dir);
  // The models folder compiled into the binary (the source tree's models/).
  static std::string DefaultModelsDir();

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Detects entities in `tokens` (one stream's window: left context, then the open
  // part). Tokens before `first_new` were seen by an earlier call and serve as left
  // context only: detections ending before it are not returned. `final_window` says the
  // stream has ended, so nothing is open. Thread-safe: uses a per-thread scratch.
  absl::StatusOr<DetectResult> Detect(const std::vector<Token>& tokens, size_t first_new,
                                      const DialogueState& dialogue,
                                      bool final_window) const;

  const v1::DetectorPack& pack() const;
  const Lexicon& lexicon() const;
  // How many words before a candidate a cue may end (the pack's cue_window_words, 8 when
  // unset), and the words of the longest cue phrase: together what a window must keep
  // of the text before it for its cues (pipeline/call_session.cc).
  size_t cue_window_words() const;
  size_t longest_cue_words() const;

 private:
  explicit Engine(std::unique_ptr<EngineImpl> impl);
  std::unique_ptr<EngineImpl> impl_;
};

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_ENGINE_H_
