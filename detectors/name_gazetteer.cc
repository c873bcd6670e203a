#include "detectors/name_gazetteer.h"

#include <array>
#include <cctype>
#include <fstream>

#include "absl/strings/str_cat.h"
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

static_assert(kGazKindCount <= 32, "GazKind masks are 32 bits");

NameGazetteers::~NameGazetteers() = default;

absl::StatusOr<std::unique_ptr<NameGazetteers>> NameGazetteers::Load(
    const v1::DetectorPack& pack, const std::string& pack_path) {
  std::unique_ptr<NameGazetteers> g(new NameGazetteers());
  std::array<bool, kGazKindCount> seen{};
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
        g->Add(curly, kind);
      }
      g->Add(entry, kind);
    }
  }
  for (size_t k = 0; k < kGazKindCount; ++k) {
    if (!seen[k]) {
      return absl::InvalidArgumentError(
          absl::StrCat(pack_path, ": gazetteer '", kKindNames[k], "' is missing"));
    }
  }
  return g;
}

void NameGazetteers::Add(const std::string& entry, size_t kind) {
  entries_[entry].kinds |= 1u << kind;
  for (size_t sp = entry.find(' '); sp != std::string::npos; sp = entry.find(' ', sp + 1)) {
    entries_[entry.substr(0, sp)].prefix = true;
  }
}

absl::Status NameGazetteers::Scan(
    std::string_view text, const std::function<void(GazKind, size_t, size_t)>& on_match) const {
  auto word_end = [&](size_t k) {
    while (k < text.size() && !IsBoundary(text, k)) ++k;
    return k;
  };
  size_t b = 0;
  while (b < text.size()) {
    if (IsBoundary(text, b)) {
      ++b;
      continue;
    }
    // Every run of words from `b` that is an entry; a run grows over spaces (never a
    // line break) while it is the start of a longer entry.
    size_t e = word_end(b);
    const size_t first_end = e;
    for (;;) {
      auto it = entries_.find(absl::string_view(text.data() + b, e - b));
      if (it == entries_.end()) break;
      for (uint32_t mask = it->second.kinds; mask != 0; mask &= mask - 1) {
        on_match(static_cast<GazKind>(__builtin_ctz(mask)), b, e);
      }
      if (e >= text.size() || text[e] != ' ' || !it->second.prefix) break;
      size_t next = e;
      while (next < text.size() && text[next] == ' ') ++next;
      if (next >= text.size() || text[next] == '\n') break;
      e = word_end(next);
    }
    b = first_end;
  }
  return absl::OkStatus();
}

}  // namespace callredact
