// The word lists of the name and address detector (models/gazetteers/*.txt, listed as
// `gazetteer` entries of the detector pack), held in one hash table of entries. A scan
// reports every entry that matches the view on word boundaries.
//
// Why a hash table and not a Hyperscan literal database: an entry always spans whole
// view words, so walking the ~10 words of a window and looking each run of words up
// (extended only while it is the prefix of a longer entry) costs a few hundred
// instructions, where a scan of the ~20,000-literal database cost ~7,000 per window and
// ~0.3 s to compile at start-up.
#ifndef CALLREDACT_DETECTORS_NAME_GAZETTEER_H_
#define CALLREDACT_DETECTORS_NAME_GAZETTEER_H_


#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "callredact/v1/models.pb.h"

namespace callredact {

// The lists the detector reads, by their `name` in the pack.
enum class GazKind : uint8_t {
  kFirstNames,
  kSurnames,
  kSurnameParticles,
  kNameStopwords,
  kOrganisations,
  kPlaceNames,
  kStreetNames,
  kStreetTypes,
  kComplexWords,
  kCommonWords,
  kNameCues,
  kNameCuesWeak,
  kNameTitles,
  kKinshipWords,
  kNameLabels,
  kNameStopsAfter,
  kAddressLabels,
  kAddressPrefixes,
  kAddressAreaWords,
  kAddressCues,
  kNameGreetings,
  kCount,
};
constexpr size_t kGazKindCount = static_cast<size_t>(GazKind::kCount);

class NameGazetteers {
 public:
  // Reads every list of `pack` (paths relative to `pack_path`); each kind above must be
  // listed exactly once. Errors name the file and line.
  static absl::StatusOr<std::unique_ptr<NameGazetteers>> Load(const v1::DetectorPack& pack,
                                                               const std::string& pack_path);
  ~NameGazetteers();

  // Calls `on_match(kind, begin, end)` for every entry found in `text` (lower case) that
  // starts and ends on a word boundary (a space, a line break or the text's ends).
  absl::Status Scan(std::string_view text,
                    const std::function<void(GazKind, size_t, size_t)>& on_match) const;

  // Whether `words` (lower case, single spaces) is the first word or words of a longer
  // entry of any list ("cape" of "cape town", "p o" of "p o box"): at the end of a
  // stream window, the next chunk may complete it.
  bool IsEntryPrefix(std::string_view words) const {
    auto it = entries_.find(absl::string_view(words.data(), words.size()));
    return it != entries_.end() && it->second.prefix;
  }

 private:
  NameGazetteers() = default;
  // Adds one entry (lower case) of list `kind`.
  void Add(const std::string& entry, size_t kind);
  // One lookup answers both questions a scan asks of a run of words.
  struct Run {
    uint32_t kinds = 0;   // Bit mask of the GazKinds listing the run as an entry.
    bool prefix = false;  // The run is the first word or words of a longer entry.
  };
  absl::flat_hash_map<std::string, Run> entries_;
};

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_NAME_GAZETTEER_H_
