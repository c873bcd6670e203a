// The side-by-side baseline of BENCHMARKS.md: what a first attempt at the problem looks
// like. One RE2 pattern per entity type, run over the raw chunk text (no normaliser, no
// spoken numbers, no context, no validators, no streaming), every match reported.
// It exists to put callredact's speed and quality in proportion; nothing uses it at
// run time.
#ifndef CALLREDACT_TOOLS_BENCHMARKS_BASELINE_H_
#define CALLREDACT_TOOLS_BENCHMARKS_BASELINE_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callredact/v1/redactor.pb.h"
#include "re2/re2.h"

namespace callredact::bench {

struct BaselineMatch {
  v1::EntityType type;
  uint32_t start, end;  // UTF-8 byte offsets into the text, end exclusive.
};

class Baseline {
 public:
  Baseline() {
    // Longest and most specific first: overlaps are resolved in this order.
    Add(v1::EMAIL_ADDRESS, R"(\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b)");
    Add(v1::PAYMENT_CARD_NUMBER, R"(\b(?:\d[ -]?){12,18}\d\b)");
    Add(v1::ZA_ID_NUMBER, R"(\b\d{6}[ -]?\d{4}[ -]?\d{3}\b)");
    Add(v1::PHONE_NUMBER, R"((?:\+27[ -]?|\b0)\d{2}[ -]?\d{3}[ -]?\d{4}\b)");
    Add(v1::TAX_NUMBER, R"(\b[01239]\d{9}\b)");
    Add(v1::PASSPORT_NUMBER, R"(\b[A-Z]\d{8}\b)");
    Add(v1::DATE_OF_BIRTH,
        R"((?i)\b(?:\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\b)");
    Add(v1::CARD_EXPIRY, R"(\b(?:0[1-9]|1[0-2]) ?/ ?\d{2}\b)");
    Add(v1::BANK_ACCOUNT_NUMBER, R"(\b\d{7,11}\b)");
    Add(v1::AUTH_CODE, R"((?i)\b(?:pin|otp|one[- ]time pin|passcode|password)\D{0,12}(\d{4,8})\b)");
    Add(v1::CARD_SECURITY_CODE, R"((?i)\b(?:cvv|cvc|security code)\D{0,12}(\d{3,4})\b)");
    Add(v1::PERSON_NAME,
        R"((?:\b(?:Mr|Mrs|Ms|Miss|Dr)\.? |(?i:my name is|name:|customer:) ?)([A-Z][a-z]+(?: [A-Z][a-z]+)?))");
    Add(v1::STREET_ADDRESS,
        R"(\b\d{1,5} [A-Z][a-z]+(?: [A-Z][a-z]+)? (?:Street|St|Road|Rd|Avenue|Ave|Drive|Dr|Lane|Crescent|Close|Way)\b)");
  }

  // Every match of every pattern, overlaps resolved in pattern order, sorted by start.
  std::vector<BaselineMatch> Find(std::string_view text) const {
    std::vector<BaselineMatch> out;
    for (const auto& p : patterns_) {
      re2::StringPiece input(text.data(), text.size());
      re2::StringPiece m[2];
      size_t pos = 0;
      const int groups = p.re->NumberOfCapturingGroups() > 0 ? 2 : 1;
      while (pos <= text.size() &&
             p.re->Match(input, pos, text.size(), RE2::UNANCHORED, m, groups)) {
        const re2::StringPiece& hit = groups == 2 && m[1].data() ? m[1] : m[0];
        const uint32_t b = static_cast<uint32_t>(hit.data() - text.data());
        const uint32_t e = b + static_cast<uint32_t>(hit.size());
        const size_t whole_end = static_cast<size_t>(m[0].data() - text.data()) + m[0].size();
        pos = whole_end > pos ? whole_end : pos + 1;
        if (e <= b) continue;
        bool clash = false;
        for (const BaselineMatch& o : out) {
          if (b < o.end && o.start < e) {
            clash = true;
            break;
          }
        }
        if (!clash) out.push_back({p.type, b, e});
      }
    }
    std::sort(out.begin(), out.end(),
              [](const BaselineMatch& a, const BaselineMatch& b) { return a.start < b.start; });
    return out;
  }

 private:
  struct Pattern {
    v1::EntityType type;
    std::unique_ptr<RE2> re;
  };
  void Add(v1::EntityType type, const char* regex) {
    RE2::Options o;
    o.set_log_errors(true);
    patterns_.push_back({type, std::make_unique<RE2>(regex, o)});
  }
  std::vector<Pattern> patterns_;
};

}  // namespace callredact::bench

#endif  // CALLREDACT_TOOLS_BENCHMARKS_BASELINE_H_
