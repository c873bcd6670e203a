// PERSON_NAME and STREET_ADDRESS: words, not digits. Found from cue phrases ("my name
// is", "Mr", "my husband", "I stay at"), screen field labels ("Customer:", "Name:",
// "Address:") and gazetteers of South African first names, surnames, street names,
// street types, places and complexes (models/gazetteers/, one hash table of entries
// built at load time). Company, bank and product names are never names.
#ifndef CALLREDACT_DETECTORS_NAME_ADDRESS_DETECTOR_H_
#define CALLREDACT_DETECTORS_NAME_ADDRESS_DETECTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callredact/v1/models.pb.h"
#include "detectors/engine.h"
#include "detectors/normalizer.h"
#include "detectors/tokenizer.h"

namespace callredact {

class NameAddressDetector {
 public:
  // Loads the gazetteers the pack lists (paths relative to `pack_path`) and compiles
  // them. Errors name the file (and line where it applies).
  static absl::StatusOr<std::unique_ptr<NameAddressDetector>> Load(
      const v1::DetectorPack& pack, const std::string& pack_path);
  ~NameAddressDetector();

  // Finds names and addresses in one stream window (`tokens`, with its normalised
  // `view`). Appends detections with token indices into `tokens`; lowers `*open_from`
  // to the first token of a name or address that reaches the end of the window and
  // could still go on in the next chunk (unless `final_window`). Names the call has
  // already produced (`dialogue.known_values`) are found again wherever they recur.
  // Thread-safe.
  absl::Status Detect(const std::vector<Token>& tokens, const View& view,
                      const DialogueState& dialogue, bool final_window,
                      std::vector<Detection>* out, size_t* open_from) const;

 private:
  NameAddressDetector();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_NAME_ADDRESS_DETECTOR_H_
