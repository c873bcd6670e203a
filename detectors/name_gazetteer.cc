#include "detectors/name_gazetteer.h"

#include <array>
#include <cctype>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "detectors/hs_cache.h"
#include "detectors/hyperscan_db.h"
#include "detectors/model_loader.h"

namespace callredact {
namespace {

constexpr std::array<const char*, kGazKindCount> kKindNames = {
    "first_names",   "surnames",         "surname_particles", "name_stopwords",
    "organisations", "place_names",      "street_names",      "street_types",
    "complex_words", "common_words",     "name_cues",         "name_cues_weak",
    "name_titles",   "kinship_words",    "name_labels",       "name_stops_after",
    "address_labels", "address_prefixes", "address_area_words", "address_cues",
    "name_greetings",
};

// Whether `pos` (the byte before a match, or the byte after it) is outside any word.
bool IsBoundary(std::string_view text, size_t pos) {
  return pos >= text.size() || text[pos] == ' ' || text[pos] == '\n';
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

NameGazetteers::~NameGazetteers() {
  if (db_) hs_free_database(db_);
}

absl::StatusOr<std::unique_ptr<NameGazetteers>> NameGazetteers::Load(
    const v1::DetectorPack& pack, const std::string& pack_path) {
  std::unique_ptr<NameGazetteers> g(new NameGazetteers());
  std::array<bool, kGazKindCount> seen{};
  std::vector<std::string> literals;
  for (const v1::Gazetteer& gz : pack.gazetteer()) {
    size_t kind = 0;
    while (kind < kGazKindCount && gz.name() != kKindNames[kind]) ++kind;
    if (kind == kGazKindCount) {
      return absl::InvalidArgumentError(
          absl::StrCat(pack_path, ": gazetteer '", gz.name(), "' is not a known list"));
    }
    if (seen[kind]) {
      return absl::InvalidArgumentError(
          absl::StrCat(pack_path, ": gazetteer '", gz.name(), "' is listed twice"));
    }
    seen[kind] = true;
    const std::string path = ResolveBeside(pack_path, gz.file());
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open gazetteer"));
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      std::string entry = Trim(line);
      if (entry.empty() || entry[0] == '#') continue;
      for (char& c : entry) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x80) c = static_cast<char>(std::tolower(u));
        if (c == '\t' || c == '\r') {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ":", line_no, ": tab or carriage return in entry"));
        }
      }
      if (entry.size() > 200) {
        return absl::InvalidArgumentError(absl::StrCat(path, ":", line_no, ": entry too long"));
      }
      // Transcripts write the apostrophe both ways ("it's", "it\u2019s").
      if (size_t q = entry.find('\''); q != std::string::npos) {
        std::string curly = entry;
        for (size_t k = curly.find('\''); k != std::string::npos; k = curly.find('\'', k + 3)) {
          curly.replace(k, 1, "\xE2\x80\x99");
        }
        g->entries_.push_back({static_cast<GazKind>(kind), static_cast<uint32_t>(curly.size())});
        literals.push_back(std::move(curly));
      }
      for (size_t sp = entry.find(' '); sp != std::string::npos; sp = entry.find(' ', sp + 1)) {
        g->prefixes_.insert(entry.substr(0, sp));
      }
      g->entries_.push_back({static_cast<GazKind>(kind), static_cast<uint32_t>(entry.size())});
      literals.push_back(std::move(entry));
    }
  }
  for (size_t k = 0; k < kGazKindCount; ++k) {
    if (!seen[k]) {
      return absl::InvalidArgumentError(
          absl::StrCat(pack_path, ": gazetteer '", kKindNames[k], "' is missing"));
    }
  }
  HsCacheKey key("gazetteer");
  key.Add(uint64_t{HS_MODE_BLOCK});
  key.Add(uint64_t{literals.size()});
  for (const std::string& literal : literals) key.Add(literal);  // Ids are the indexes.
  key.Add(uint64_t{HS_FLAG_CASELESS});
  std::string extra;  // Unused: entries_ and prefixes_ come from the lists above.
  absl::StatusOr<HsDatabasePtr> db =
      LoadOrCompileHsDatabase(key, &extra, [&](std::string*) -> absl::StatusOr<HsDatabasePtr> {
        std::vector<const char*> ptrs;
        std::vector<unsigned int> flags, ids;
        std::vector<size_t> lens;
        for (size_t i = 0; i < literals.size(); ++i) {
          ptrs.push_back(literals[i].data());
          flags.push_back(HS_FLAG_CASELESS);
          ids.push_back(static_cast<unsigned int>(i));
          lens.push_back(literals[i].size());
        }
        hs_database_t* raw = nullptr;
        hs_compile_error_t* cerr = nullptr;
        if (hs_compile_lit_multi(ptrs.data(), flags.data(), ids.data(), lens.data(),
                                 static_cast<unsigned int>(ptrs.size()), HS_MODE_BLOCK, nullptr,
                                 &raw, &cerr) != HS_SUCCESS) {
          std::string msg = absl::StrCat(
              pack_path, ": cannot compile gazetteers: ", cerr ? cerr->message : "compile failed");
          hs_free_compile_error(cerr);
          return absl::InvalidArgumentError(msg);
        }
        return HsDatabasePtr(raw);
      });
  if (!db.ok()) return db.status();
  g->db_ = db->release();
  return g;
}

absl::Status NameGazetteers::Scan(
    std::string_view text, const std::function<void(GazKind, size_t, size_t)>& on_match) const {
  if (text.empty()) return absl::OkStatus();
  hs_error_t err;
  hs_scratch_t* scratch = ThreadScratchFor(db_, key_, &err);
  if (err != HS_SUCCESS) return absl::InternalError("hyperscan: cannot allocate scratch");
  struct Ctx {
    const NameGazetteers* self;
    std::string_view text;
    const std::function<void(GazKind, size_t, size_t)>* cb;
  } ctx{this, text, &on_match};
  auto cb = [](unsigned int id, unsigned long long, unsigned long long to, unsigned int,
               void* p) -> int {
    const Ctx& c = *static_cast<const Ctx*>(p);
    const Entry& e = c.self->entries_[id];
    const size_t end = static_cast<size_t>(to);
    if (end < e.length) return 0;
    const size_t begin = end - e.length;
    if ((begin == 0 || IsBoundary(c.text, begin - 1)) && IsBoundary(c.text, end)) {
      (*c.cb)(e.kind, begin, end);
    }
    return 0;
  };
  err = hs_scan(db_, text.data(), static_cast<unsigned int>(text.size()), 0, scratch, cb, &ctx);
  if (err != HS_SUCCESS) return absl::InternalError(absl::StrCat("hyperscan: scan error ", err));
  return absl::OkStatus();
}

}  // namespace callredact
