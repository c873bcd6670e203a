#include "detectors/hs_cache.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace callredact {
namespace {

// Bump when the file layout below or the meaning of a key changes.
constexpr uint64_t kFormatVersion = 1;

// File layout: kMagic, then little-endian u64 sizes of the key name, the extra data and
// the serialised database, then the SHA-256 of everything after the digest, then the
// three byte strings. The name binds the file to its key (a file copied or renamed
// under another key is rejected); the digest catches truncation and corruption, which
// hs_deserialize_database does not fully check and which would otherwise be scanned
// as bytecode.
constexpr char kMagic[8] = {'C', 'R', 'H', 'S', 'D', 'B', '0', '1'};
constexpr size_t kDigestSize = 32;
constexpr size_t kHeaderSize = sizeof(kMagic) + 3 * 8 + kDigestSize;
// A database larger than this is not one of ours.
constexpr uint64_t kMaxFileSize = uint64_t{1} << 30;

std::atomic<uint64_t> g_hits{0}, g_misses{0}, g_rejected{0}, g_stored{0};

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// SHA-256 of `data`; an empty string if OpenSSL fails (then nothing is cached).
std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1 ||
      len != kDigestSize) {
    return "";
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

// Whether `dir` may hold databases this process loads: a directory owned by this user
// (or root) that group and others cannot write, since its files are run as bytecode.
bool IsTrustedDir(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  if (st.st_uid != geteuid() && st.st_uid != 0) return false;
  return (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

bool ReadWholeFile(const std::string& path, std::string* out) {
  // O_NONBLOCK: opening a FIFO left at the path must not hang the load (it then fails
  // the S_ISREG check); it changes nothing for regular files.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st;
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            static_cast<uint64_t>(st.st_size) <= kMaxFileSize;
  if (ok) {
    out->resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (ok && done < out->size()) {
      ssize_t n = read(fd, out->data() + done, out->size() - done);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) done += static_cast<size_t>(n);
    }
  }
  close(fd);
  return ok;
}

// Writes `data` to `path` atomically: a unique temporary file beside it, then rename.
bool WriteFileAtomically(const std::string& path, std::string_view data) {
  static std::atomic<uint64_t> counter{0};
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid(), ".", counter++);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = true;
  size_t done = 0;
  while (ok && done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = close(fd) == 0 && ok;
  if (ok) ok = rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) unlink(tmp.c_str());
  return ok;
}

// Parses a cache file for key `name`: the database and extra data, or nullptr when the
// file is not a valid entry for that key.
HsDatabasePtr DecodeEntry(const std::string& file, const std::string& name, std::string* extra) {
  if (file.size() < kHeaderSize || std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0) {
    return nullptr;
  }
  const char* p = file.data() + sizeof(kMagic);
  const uint64_t name_len = GetU64(p), extra_len = GetU64(p + 8), db_len = GetU64(p + 16);
  const std::string_view digest(p + 24, kDigestSize);
  const uint64_t body = file.size() - kHeaderSize;
  // Each length is bounded by the file size first, so the sum cannot overflow.
  if (name_len > body || extra_len > body || db_len > body ||
      name_len + extra_len + db_len != body) {
    return nullptr;
  }
  if (Sha256(std::string_view(file).substr(kHeaderSize)) != digest) return nullptr;
  const char* q = file.data() + kHeaderSize;
  if (std::string_view(q, name_len) != name) return nullptr;
  q += name_len;
  const char* bytes = q + extra_len;
  // Rejects bytes that are not a database of this library version before they are used.
  char* info = nullptr;
  if (hs_serialized_database_info(bytes, db_len, &info) != HS_SUCCESS) return nullptr;
  std::free(info);
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(bytes, db_len, &db) != HS_SUCCESS) return nullptr;
  extra->assign(q, extra_len);
  return HsDatabasePtr(db);
}

bool StoreEntry(const std::string& path, const std::string& name, const hs_database_t* db,
                std::string_view extra) {
  char* bytes = nullptr;
  size_t db_len = 0;
  if (hs_serialize_database(db, &bytes, &db_len) != HS_SUCCESS) return false;
  std::string body;
  body.reserve(name.size() + extra.size() + db_len);
  body.append(name).append(extra).append(bytes, db_len);
  std::free(bytes);  // hs_serialize_database allocates with the misc allocator: malloc.
  const std::string digest = Sha256(body);
  if (digest.empty()) return false;
  std::string file(kMagic, sizeof(kMagic));
  PutU64(&file, name.size());
  PutU64(&file, extra.size());
  PutU64(&file, db_len);
  file += digest;
  file += body;
  return WriteFileAtomically(path, file);
}

}  // namespace

struct HsCacheKey::State {
  EVP_MD_CTX* ctx = nullptr;
  bool ok = false;
};

HsCacheKey::HsCacheKey(std::string_view kind) : kind_(kind), state_(new State) {
  state_->ctx = EVP_MD_CTX_new();
  state_->ok = state_->ctx != nullptr && EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) == 1;
  Add(kind);
}

HsCacheKey::~HsCacheKey() { EVP_MD_CTX_free(state_->ctx); }

void HsCacheKey::Add(std::string_view bytes) {
  Add(static_cast<uint64_t>(bytes.size()));
  if (state_->ok) state_->ok = EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size()) == 1;
}

void HsCacheKey::Add(uint64_t number) {
  std::string le;
  PutU64(&le, number);
  if (state_->ok) state_->ok = EVP_DigestUpdate(state_->ctx, le.data(), le.size()) == 1;
}

std::string HsCacheKey::FileName() {
  Add(kFormatVersion);
  Add(std::string_view(hs_version()));
  hs_platform_info_t platform;
  std::memset(&platform, 0, sizeof(platform));
  if (hs_populate_platform(&platform) != HS_SUCCESS) state_->ok = false;
  Add(platform.tune);
  Add(platform.cpu_features);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!state_->ok || EVP_DigestFinal_ex(state_->ctx, md, &len) != 1) return "";
  state_->ok = false;  // Finalised.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = kind_ + "-";
  for (unsigned int i = 0; i < len; ++i) {
    name.push_back(kHex[md[i] >> 4]);
    name.push_back(kHex[md[i] & 15]);
  }
  return name + ".hsdb";
}

std::string HsCacheDir() {
  namespace fs = std::filesystem;
  std::string dir;
  if (const char* env = std::getenv("CALLREDACT_CACHE_DIR")) {
    dir = env;
    if (dir.empty()) return "";  // Explicitly off.
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') {
    dir = std::string(xdg) + "/callredact";
  } else if (const char* home = std::getenv("HOME"); home && *home == '/') {
    dir = std::string(home) + "/.cache/callredact";
  } else {
    return "";
  }
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    fs::create_directories(fs::path(dir).parent_path(), ec);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return "";
  }
  return IsTrustedDir(dir) ? dir : "";
}

HsCacheStats GetHsCacheStats() {
  HsCacheStats s;
  s.hits = g_hits.load();
  s.misses = g_misses.load();
  s.rejected = g_rejected.load();
  s.stored = g_stored.load();
  return s;
}

absl::StatusOr<HsDatabasePtr> LoadOrCompileHsDatabase(
    HsCacheKey& key, std::string* extra,
    const std::function<absl::StatusOr<HsDatabasePtr>(std::string* extra)>& compile) {
  const std::string dir = HsCacheDir();
  const std::string name = dir.empty() ? "" : key.FileName();
  const std::string path = name.empty() ? "" : dir + "/" + name;
  if (!path.empty()) {
    std::string file;
    if (ReadWholeFile(path, &file)) {
      if (HsDatabasePtr db = DecodeEntry(file, name, extra)) {
        ++g_hits;
        return db;
      }
      ++g_rejected;
    }
  }
  ++g_misses;
  absl::StatusOr<HsDatabasePtr> db = compile(extra);
  if (db.ok() && !path.empty() && StoreEntry(path, name, db->get(), *extra)) ++g_stored;
  return db;
}

}  // namespace callredact
