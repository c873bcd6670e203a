// Test helper shared by the test folders: builds valid numbers (IDs, cards, tax numbers)
// in the tests themselves instead of copying values from a corpus.
#ifndef CALLREDACT_TESTS_COMMON_CHECK_DIGITS_H_
#define CALLREDACT_TESTS_COMMON_CHECK_DIGITS_H_

#include <string>

namespace callredact::test_support {

// The Luhn check digit that makes `body` + digit valid. The check digit will sit at
// position 0 from the right, so the last digit of `body` is doubled.
inline char LuhnDigit(const std::string& body) {
  int sum = 0;
  bool dbl = true;
  for (size_t i = body.size(); i-- > 0;) {
    int d = body[i] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

// `body` followed by its Luhn check digit.
inline std::string WithLuhn(const std::string& body) { return body + LuhnDigit(body); }

}  // namespace callredact::test_support

#endif  // CALLREDACT_TESTS_COMMON_CHECK_DIGITS_H_
