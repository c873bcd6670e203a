// Spoken-number and spoken e-mail vocabulary, merged over every lexicon file of the
// pack (English, Afrikaans). Lookups take the token's lower-case norm.
#ifndef CALLREDACT_DETECTORS_LEXICON_H_
#define CALLREDACT_DETECTORS_LEXICON_H_

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "callredact/v1/models.pb.h"

namespace callredact {

class Lexicon {
 public:
  void Merge(const ::callredact::v1::Lexicon& lexicon);

  // Each returns nullptr / false when the word is not of that class.
  const std::string* Digit(const std::string& w) const { return Find(digit_, w); }
  const std::string* Multiplier(const std::string& w) const { return Find(multiplier_, w); }
  const std::string* Teen(const std::string& w) const { return Find(teen_, w); }
  const std::string* Tens(const std::string& w) const { return Find(tens_, w); }
  const std::string* Scale(const std::string& w) const { return Find(scale_, w); }
  const std::string* EmailSymbol(const std::string& w) const { return Find(email_, w); }
  const std::string* Month(const std::string& w) const { return Find(month_, w); }
  const std::string* Letter(const std::string& w) const { return Find(letter_, w); }
  bool IsFiller(const std::string& w) const { return filler_.count(w) > 0; }
  bool IsRepair(const std::string& w) const { return repair_.count(w) > 0; }
  bool IsUnit(const std::string& w) const { return unit_.count(w) > 0; }
  // Any word that can stand inside a spoken number (digit, multiplier, teen, tens, scale).
  bool IsNumberWord(const std::string& w) const {
    return Digit(w) || Multiplier(w) || Teen(w) || Tens(w) || Scale(w);
  }

 private:
  using Map = std::unordered_map<std::string, std::string>;
  static const std::string* Find(const Map& m, const std::string& w) {
    auto it = m.find(w);
    return it == m.end() ? nullptr : &it->second;
  }
  Map digit_, multiplier_, teen_, tens_, scale_, email_, month_, letter_;
  std::unordered_set<std::string> filler_, repair_, unit_;
};

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_LEXICON_H_
