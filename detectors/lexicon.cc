#include "detectors/lexicon.h"

#include <memory>

namespace callredact {

Lexicon::Entry& Lexicon::At(const std::string& w) {
  std::unique_ptr<Entry>& e = words_[w];
  if (!e) e = std::make_unique<Entry>();
  return *e;
}

void Lexicon::Merge(const ::callredact::v1::Lexicon& lexicon) {
  // A later file overrides an earlier value of the same word and class.
  auto add = [this](int slot, const std::string* Entry::*field, const auto& words) {
    for (const auto& w : words) {
      Entry& e = At(w.word());
      e.values_[slot] = w.value();
      e.*field = &e.values_[slot];
    }
  };
  add(0, &Entry::digit, lexicon.digit());
  add(1, &Entry::multiplier, lexicon.multiplier());
  add(2, &Entry::teen, lexicon.teen());
  add(3, &Entry::tens, lexicon.tens());
  add(4, &Entry::scale, lexicon.scale());
  add(5, &Entry::email, lexicon.email_symbol());
  add(6, &Entry::month, lexicon.month());
  add(7, &Entry::letter, lexicon.letter());
  for (const std::string& w : lexicon.filler()) At(w).filler = true;
  for (const std::string& w : lexicon.unit()) At(w).unit = true;
  for (const std::string& w : lexicon.repair()) {
    At(w).repair = true;
    const size_t space = w.find(' ');
    if (space != std::string::npos) At(w.substr(0, space)).repair_prefix = true;
  }
}

}  // namespace callredact
