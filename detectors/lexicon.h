// Spoken-number and spoken e-mail vocabulary, merged over every lexicon file of the
// pack (English, Afrikaans). Lookups take the token's lower-case norm.
//
// Every word is one entry in one hash table holding all its classes ("oh" is a digit,
// "ag" a digit and a filler), so the normaliser classifies a token with a single
// lookup (Find) and the class accessors below never allocate.
#ifndef CALLREDACT_DETECTORS_LEXICON_H_
#define CALLREDACT_DETECTORS_LEXICON_H_

#include <string>
#include <string_view>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "callredact/v1/models.pb.h"

namespace callredact {

class Lexicon {
 public:
  // All classes of one word. A class's value is null when the word is not of it.
  struct Entry {
    const std::string* digit = nullptr;
    const std::string* multiplier = nullptr;
    const std::string* teen = nullptr;
    const std::string* tens = nullptr;
    const std::string* scale = nullptr;
    const std::string* email = nullptr;
    const std::string* month = nullptr;
    const std::string* letter = nullptr;
    bool filler = false;
    bool repair = false;
    bool unit = false;
    // The first word of a multi-word repair ("i" of "i mean").
    bool repair_prefix = false;
    // Any word that can stand inside a spoken number.
    bool number_word() const { return digit || multiplier || teen || tens || scale; }

   private:
    friend class Lexicon;
    // Owned values; the pointers above point into these.
    std::string values_[8];
  };

  Lexicon() = default;
  Lexicon(const Lexicon&) = delete;  // Entries point into themselves.
  Lexicon& operator=(const Lexicon&) = delete;

  void Merge(const ::callredact::v1::Lexicon& lexicon);

  // The entry of `w`, or nullptr when the word is in no class.
  const Entry* Find(std::string_view w) const {
    // Debian's Abseil has its own string_view type.
    auto it = words_.find(absl::string_view(w.data(), w.size()));
    return it == words_.end() ? nullptr : it->second.get();
  }

  // The digit a word stands for ("eight", "agt" -> "8"), or nullptr.
  const std::string* Digit(std::string_view w) const {
    const Entry* e = Find(w);
    return e ? e->digit : nullptr;
  }
  // A repair, of one word or more ("sorry", "i mean").
  bool IsRepair(std::string_view w) const { const Entry* e = Find(w); return e && e->repair; }
  // A unit after a number that makes it an amount or a duration ("rand", "hours").
  bool IsUnit(std::string_view w) const { const Entry* e = Find(w); return e && e->unit; }

 private:
  Entry& At(const std::string& w);

  // unique_ptr: entries stay put when the table rehashes.
  absl::flat_hash_map<std::string, std::unique_ptr<Entry>> words_;
};

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_LEXICON_H_
