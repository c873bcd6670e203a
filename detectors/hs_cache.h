// An on-disk cache of compiled Hyperscan databases. Compiling the detector pack's
// patterns and cue phrases is most of a process's startup (~1 s of CPU), and
// every `callredact redact` run and server start compiles the same inputs again;
// deserialising a stored database takes milliseconds.
//
//   HsCacheKey key("patterns");
//   key.Add(regex); key.Add(flags); ...                 // every input of the compile
//   absl::StatusOr<HsDatabasePtr> db = LoadOrCompileHsDatabase(key, &extra,
//       [&](std::string* extra) { ...hs_compile_multi...; });
//
// The contract:
//  - The key hashes (SHA-256) everything that determines the database: the caller adds
//    the expressions, flags, ids and its compile mode; the key itself adds the Hyperscan
//    version string (hs_version()), this host's platform (hs_populate_platform) and the
//    cache file format version. A changed pack, library or CPU therefore never reads an
//    old entry: it gets a new file name.
//  - The directory is $CALLREDACT_CACHE_DIR if set (set but empty: caching off), else
//    $XDG_CACHE_HOME/callredact, else $HOME/.cache/callredact. It is created 0700 when
//    missing and used only when it is a directory owned by this user that group and
//    others cannot write (a stored database is trusted bytecode).
//  - The cache never changes results and never fails a load: an unusable directory, a
//    missing, truncated, corrupt (checked by a SHA-256 of the payload) or mismatched
//    file, or a failed write all fall back to compiling. A rebuilt entry replaces the
//    bad file. Writes are atomic (temporary file + rename), so concurrent processes
//    never read half a file.
//  - Errors are never cached: `compile` failing returns its status as is.
//  - Old entries (of earlier packs or library versions) are not removed; each is a few
//    hundred kB to a few MB.
#ifndef CALLREDACT_DETECTORS_HS_CACHE_H_
#define CALLREDACT_DETECTORS_HS_CACHE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "detectors/hyperscan_db.h"

namespace callredact {

// Builds the cache key of one database. Fields are length-prefixed, so no two different
// sequences of Add() calls hash alike.
class HsCacheKey {
 public:
  // `kind` ("patterns") starts the file name, for people looking at the
  // directory; it is hashed too.
  explicit HsCacheKey(std::string_view kind);
  ~HsCacheKey();
  HsCacheKey(const HsCacheKey&) = delete;
  HsCacheKey& operator=(const HsCacheKey&) = delete;

  void Add(std::string_view bytes);
  void Add(uint64_t number);

  // "<kind>-<64 hex digits>.hsdb". Adds the library version, platform and format version
  // first; call once.
  std::string FileName();

 private:
  struct State;
  std::string kind_;
  std::unique_ptr<State> state_;
};

// The cache directory chosen from the environment as above, created if missing; "" when
// caching is off or the directory is unusable. Read on every call (tests change it).
std::string HsCacheDir();

// Counters of this process's cache use, for tests and benchmarks.
struct HsCacheStats {
  uint64_t hits = 0;      // Loaded from a file.
  uint64_t misses = 0;    // Compiled: no usable file (absent, corrupt, mismatched).
  uint64_t rejected = 0;  // Of the misses: a file was there but unusable.
  uint64_t stored = 0;    // Written after a miss.
};
HsCacheStats GetHsCacheStats();

// The database for `key`: from the cache directory when a valid entry is there, else
// from `compile`, which is then stored. `extra` is caller data stored with the
// database (e.g. per-expression facts that cost compiles to recompute): on a hit it is
// set from the file; on a miss `compile` sets it.
absl::StatusOr<HsDatabasePtr> LoadOrCompileHsDatabase(
    HsCacheKey& key, std::string* extra,
    const std::function<absl::StatusOr<HsDatabasePtr>(std::string* extra)>& compile);

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_HS_CACHE_H_
