// The word lists of the name and address detector (models/gazetteers/*.txt, listed as
// `gazetteer` entries of the detector pack), compiled into one Hyperscan literal
// database. A scan reports every entry that matches the view on word boundaries.
#ifndef CALLREDACT_DETECTORS_NAME_GAZETTEER_H_
#define CALLREDACT_DETECTORS_NAME_GAZETTEER_H_

#include <hs/hs.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "callredact/v1/models.pb.h"
#include "detectors/hyperscan_db.h"

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
    return prefixes_.count(std::string(words)) > 0;
  }

 private:
  NameGazetteers() = default;
  struct Entry {
    GazKind kind;
    uint32_t length;
  };
  hs_database_t* db_ = nullptr;
  uint64_t key_ = NewDatabaseKey();  // For this thread's scratch (hyperscan_db.h).
  std::vector<Entry> entries_;
  std::unordered_set<std::string> prefixes_;
};

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_NAME_GAZETTEER_H_
