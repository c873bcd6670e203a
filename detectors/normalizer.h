// The normaliser turns one stream window's tokens into a detection view: lower-case
// text in which spoken numbers are digits ("eight oh double five" -> "8055", "agt nul"
// -> "80"), digit groups are joined ("800101 5009 087" -> "8001015009087", also over
// fillers, repairs and chunk boundaries of one speaker), and spoken e-mail addresses
// are written ("thandi dot nkosi at gmail dot com" -> "thandi.nkosi@gmail.com").
// Every view byte maps back to the token it came from, so a match in the view becomes
// a redaction of exactly the original words.
#ifndef CALLREDACT_DETECTORS_NORMALIZER_H_
#define CALLREDACT_DETECTORS_NORMALIZER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "callredact/v1/models.pb.h"
#include "detectors/lexicon.h"
#include "detectors/tokenizer.h"

namespace callredact {

struct View {
  std::string text;
  // For each byte of `text`: the index of the token it came from, or -1 for a
  // separator the normaliser inserted (space, line break).
  std::vector<int32_t> token_at;
  // Tokens of the window that the view covers, in order.
  size_t token_count = 0;
};

struct NormalizerOptions {
  // A pause longer than this between two words ends a number; 0: no limit.
  int64_t max_gap_ms = 0;
};

struct NormalizeResult {
  View view;
  // First token of a number or e-mail address that reaches the end of the window and
  // could still grow; tokens.size() when none (always so when `final_window`).
  size_t open_from = 0;
};

NormalizeResult Normalize(const Lexicon& lexicon, const std::vector<Token>& tokens,
                          const NormalizerOptions& options, bool final_window);

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_NORMALIZER_H_
