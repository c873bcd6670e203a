#include "detectors/hyperscan_db.h"

#include <atomic>
#include <climits>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "detectors/hs_cache.h"

namespace callredact {
namespace {

struct ScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};

struct CachedScratch {
  uint64_t key;
  std::unique_ptr<hs_scratch_t, ScratchDeleter> scratch;
};

// Databases whose scratch a thread keeps (a process has a few: the engine's, the
// gazetteers'; tests load many engines one after another).
constexpr size_t kMaxCachedScratches = 16;

}  // namespace

uint64_t NewDatabaseKey() {
  static std::atomic<uint64_t> next{1};
  return next++;
}

hs_scratch_t* ThreadScratchFor(const hs_database_t* db, uint64_t key, hs_error_t* err) {
  thread_local std::vector<CachedScratch> cache;
  for (CachedScratch& c : cache) {
    if (c.key == key) {
      *err = HS_SUCCESS;
      return c.scratch.get();
    }
  }
  hs_scratch_t* raw = nullptr;
  *err = hs_alloc_scratch(db, &raw);
  if (*err != HS_SUCCESS) return nullptr;
  if (cache.size() >= kMaxCachedScratches) cache.erase(cache.begin());  // The oldest.
  cache.push_back({key, std::unique_ptr<hs_scratch_t, ScratchDeleter>(raw)});
  return raw;
}

namespace {

// Compiles `expressions` and sets `*widths` to each one's max_width.
absl::StatusOr<HsDatabasePtr> CompileUncached(const std::vector<HsExpression>& expressions,
                                              std::vector<unsigned int>* widths) {
  std::vector<const char*> regexes;
  std::vector<unsigned int> flags, ids;
  widths->clear();
  for (const HsExpression& e : expressions) {
    regexes.push_back(e.regex.c_str());
    flags.push_back(e.flags);
    ids.push_back(e.id);
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* cerr = nullptr;
    if (hs_expression_info(e.regex.c_str(), e.flags, &info, &cerr) != HS_SUCCESS) {
      std::string msg =
          absl::StrCat("expression ", widths->size(), ": ", cerr ? cerr->message : "invalid");
      hs_free_compile_error(cerr);
      return absl::InvalidArgumentError(msg);
    }
    widths->push_back(info->max_width);
    std::free(info);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* cerr = nullptr;
  if (hs_compile_multi(regexes.data(), flags.data(), ids.data(),
                       static_cast<unsigned int>(regexes.size()), HS_MODE_BLOCK, nullptr, &db,
                       &cerr) != HS_SUCCESS) {
    std::string msg = absl::StrCat("expression ", cerr ? cerr->expression : -1, ": ",
                                   cerr ? cerr->message : "compile failed");
    hs_free_compile_error(cerr);
    return absl::InvalidArgumentError(msg);
  }
  return HsDatabasePtr(db);
}

// The widths travel in the cache entry's extra data as little-endian u32s, so a hit
// needs no hs_expression_info() calls either.
std::string EncodeWidths(const std::vector<unsigned int>& widths) {
  std::string out;
  for (unsigned int w : widths) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((w >> (8 * i)) & 0xFF));
  }
  return out;
}

bool DecodeWidths(const std::string& in, size_t count, std::vector<unsigned int>* widths) {
  if (in.size() != 4 * count) return false;
  widths->resize(count);
  for (size_t k = 0; k < count; ++k) {
    unsigned int w = 0;
    for (int i = 3; i >= 0; --i) w = (w << 8) | static_cast<unsigned char>(in[4 * k + i]);
    (*widths)[k] = w;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HyperscanDatabase>> HyperscanDatabase::Compile(
    const std::vector<HsExpression>& expressions) {
  auto out = std::make_unique<HyperscanDatabase>();
  HsCacheKey key("patterns");
  key.Add(uint64_t{HS_MODE_BLOCK});
  key.Add(uint64_t{expressions.size()});
  for (const HsExpression& e : expressions) {
    key.Add(e.regex);
    key.Add(uint64_t{e.flags});
    key.Add(uint64_t{e.id});
  }
  std::string extra;
  absl::StatusOr<HsDatabasePtr> db = LoadOrCompileHsDatabase(key, &extra, [&](std::string* extra) {
    absl::StatusOr<HsDatabasePtr> compiled = CompileUncached(expressions, &out->max_widths_);
    *extra = EncodeWidths(out->max_widths_);
    return compiled;
  });
  if (!db.ok()) return db.status();
  if (!DecodeWidths(extra, expressions.size(), &out->max_widths_)) {
    // Only a key collision or a bug gets here; the cache must never change results.
    db = CompileUncached(expressions, &out->max_widths_);
    if (!db.ok()) return db.status();
  }
  out->db_ = std::move(*db);
  return out;
}

absl::Status HyperscanDatabase::Scan(
    std::string_view text,
    const std::function<void(unsigned int, unsigned long long)>& on_match) const {
  hs_error_t err;
  hs_scratch_t* scratch = ThreadScratchFor(db_.get(), key_, &err);
  if (err != HS_SUCCESS) return absl::InternalError("hyperscan: cannot allocate scratch");
  auto cb = [](unsigned int id, unsigned long long, unsigned long long to, unsigned int,
               void* ctx) -> int {
    (*static_cast<const std::function<void(unsigned int, unsigned long long)>*>(ctx))(id, to);
    return 0;
  };
  err = hs_scan(db_.get(), text.data(), static_cast<unsigned int>(text.size()), 0, scratch, cb,
                const_cast<void*>(static_cast<const void*>(&on_match)));
  if (err != HS_SUCCESS) return absl::InternalError(absl::StrCat("hyperscan: scan error ", err));
  return absl::OkStatus();
}

}  // namespace callredact
