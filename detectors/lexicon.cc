#include "detectors/lexicon.h"

namespace callredact {

void Lexicon::Merge(const ::callredact::v1::Lexicon& lexicon) {
  auto add = [](Map& m, const auto& words) {
    for (const auto& w : words) m[w.word()] = w.value();
  };
  add(digit_, lexicon.digit());
  add(multiplier_, lexicon.multiplier());
  add(teen_, lexicon.teen());
  add(tens_, lexicon.tens());
  add(scale_, lexicon.scale());
  add(email_, lexicon.email_symbol());
  add(month_, lexicon.month());
  add(letter_, lexicon.letter());
  filler_.insert(lexicon.filler().begin(), lexicon.filler().end());
  repair_.insert(lexicon.repair().begin(), lexicon.repair().end());
  unit_.insert(lexicon.unit().begin(), lexicon.unit().end());
}

}  // namespace callredact
