// RAII wrappers for Hyperscan: one block-mode database compiled once and shared
// read-only by all threads, and a scratch per thread (Hyperscan scratch must never be
// used by two scans at once).
#ifndef CALLREDACT_DETECTORS_HYPERSCAN_DB_H_
#define CALLREDACT_DETECTORS_HYPERSCAN_DB_H_

#include <hs/hs.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace callredact {

struct HsDatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
using HsDatabasePtr = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;

struct HsExpression {
  std::string regex;
  unsigned int flags = 0;
  unsigned int id = 0;
};

// A key that no other database of this process has or will have (never reused, unlike
// an address), for ThreadScratchFor().
uint64_t NewDatabaseKey();

// This thread's scratch for database `db` with key `key`: allocated on the first scan of
// that database by the thread and reused after that. hs_alloc_scratch() on an existing
// scratch re-allocates and re-initialises it on every call in libhs 5.4 (it was 96% of
// the engine's time when called before each scan), so it is called once per
// (thread, database). A thread keeps the scratches of its most recent databases.
hs_scratch_t* ThreadScratchFor(const hs_database_t* db, uint64_t key, hs_error_t* err);

class HyperscanDatabase {
 public:
  // Compiles `expressions` in block mode, or loads the database compiled from the same
  // expressions from the on-disk cache (hs_cache.h). On error, the message names the
  // failing expression's index in `expressions` as "expression N: <hyperscan message>".
  static absl::StatusOr<std::unique_ptr<HyperscanDatabase>> Compile(
      const std::vector<HsExpression>& expressions);

  // Calls `on_match(id, to)` for every match end; to is the view offset one past the
  // match. Uses this thread's scratch.
  absl::Status Scan(std::string_view text,
                    const std::function<void(unsigned int id, unsigned long long to)>& on_match)
      const;

  // Largest width a match of expression `index` can have (UINT_MAX when unbounded).
  unsigned int max_width(size_t index) const { return max_widths_[index]; }

 private:
  HsDatabasePtr db_;
  uint64_t key_ = NewDatabaseKey();
  std::vector<unsigned int> max_widths_;
};

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_HYPERSCAN_DB_H_
