// Tests of the validators (detectors/validators.h): checksums, SA ID rules, card
// networks, phone ranges, expiry and date-of-birth parsing. Valid numbers are built in
// the test by computing the Luhn check digit, never copied from the corpus.
#include "detectors/validators.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/check_digits.h"

namespace callredact {
namespace {

using ::callredact::test_support::LuhnDigit;


std::string WithLuhn(const std::string& body) { return body + LuhnDigit(body); }

// `valid` with its check digit changed to another digit.
std::string BreakCheckDigit(const std::string& valid) {
  std::string s = valid;
  s.back() = s.back() == '9' ? '0' : static_cast<char>(s.back() + 1);
  return s;
}

// An SA ID number: YYMMDD, 4 sequence digits, citizenship, 8, Luhn digit.
std::string ZaId(const std::string& yymmdd, char citizenship = '0',
                 const std::string& sequence = "5009") {
  return WithLuhn(yymmdd + sequence + citizenship + "8");
}

// `digits` padded with a fixed filler to `length` - 1 digits, then the Luhn digit.
std::string Pan(const std::string& prefix, size_t length) {
  std::string body = prefix;
  const std::string filler = "3141592653589793238";
  for (size_t i = 0; body.size() < length - 1; ++i) body.push_back(filler[i % filler.size()]);
  return WithLuhn(body);
}

struct Case {
  std::string value;
  bool valid;
};

void ExpectAll(Validator fn, const std::vector<Case>& cases) {
  // Traces name the case by index and length, never the value.
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE("case " + std::to_string(i) + " (" + std::to_string(c.value.size()) +
                 " bytes)");
    EXPECT_EQ(fn(c.value), c.valid);
  }
}

TEST(LuhnTest, HelperMakesValidNumbers) {
  // Known Luhn-valid reference values (ISO/IEC 7812 examples), not PII.
  EXPECT_TRUE(LuhnValid("79927398713"));
  EXPECT_EQ(LuhnDigit("7992739871"), '3');
  for (const std::string body : {"1", "12", "800101500908", "4000000000000", "0"}) {
    SCOPED_TRACE("body of " + std::to_string(body.size()) + " digits");
    EXPECT_TRUE(LuhnValid(WithLuhn(body)));
    EXPECT_FALSE(LuhnValid(BreakCheckDigit(WithLuhn(body))));
  }
}

TEST(LuhnTest, Cases) {
  ExpectAll(LuhnValid, {
                           {"79927398713", true},
                           {"79927398710", false},
                           {"79927398714", false},
                           {"", false},
                           {"7992739871a", false},
                           {"7992 7398 713", false},  // Separators are not digits.
                           {"00", true},
                           {"18", true},
                           {"-18", false},
                       });
}

TEST(ZaIdValidTest, DatesCitizenshipAndCheckDigit) {
  ExpectAll(ZaIdValid, {
                           {ZaId("800101"), true},
                           {ZaId("991231"), true},
                           {ZaId("050615"), true},
                           {ZaId("800101", '1'), true},   // Permanent resident.
                           {ZaId("800101", '2'), true},   // Refugee.
                           {ZaId("800101", '3'), false},  // Citizenship 0, 1 or 2 only.
                           {ZaId("800101", '9'), false},
                           {ZaId("801301"), false},  // Month 13.
                           {ZaId("800001"), false},  // Month 0.
                           {ZaId("800100"), false},  // Day 0.
                           {ZaId("800132"), false},  // 32 January.
                           {ZaId("800431"), false},  // 31 April.
                           {ZaId("800631"), false},  // 31 June.
                           {ZaId("800230"), false},  // 30 February.
                           {BreakCheckDigit(ZaId("800101")), false},
                           {ZaId("800101").substr(0, 12), false},  // 12 digits.
                           {ZaId("800101") + "0", false},          // 14 digits.
                           {"", false},
                       });
}

TEST(ZaIdValidTest, LeapYearsInEitherCentury) {
  ExpectAll(ZaIdValid, {
                           {ZaId("000229"), true},   // 2000 is leap (and 1900 not, either is enough).
                           {ZaId("040229"), true},   // 1904 and 2004.
                           {ZaId("960229"), true},   // 1996.
                           {ZaId("880229"), true},   // 1988.
                           {ZaId("200229"), true},   // 2020.
                           {ZaId("970229"), false},  // Neither 1997 nor 2097.
                           {ZaId("010229"), false},  // Neither 1901 nor 2001.
                           {ZaId("850229"), false},
                           {ZaId("000230"), false},
                       });
}

TEST(ZaIdValidTest, RejectsNonDigits) {
  std::string id = ZaId("800101");
  id[6] = 'x';
  EXPECT_FALSE(ZaIdValid(id));
  EXPECT_FALSE(ZaIdValid(id.substr(0, 6) + " " + id.substr(6)));
}

TEST(PaymentCardValidTest, NetworksAndLengths) {
  ExpectAll(PaymentCardValid, {
                                  // Visa: 13, 16 and 19 digits.
                                  {Pan("4", 13), true},
                                  {Pan("4", 16), true},
                                  {Pan("4", 19), true},
                                  {Pan("4", 15), false},
                                  {Pan("4", 17), false},
                                  // Mastercard: 51-55 and 2221-2720, 16 digits.
                                  {Pan("51", 16), true},
                                  {Pan("53", 16), true},
                                  {Pan("55", 16), true},
                                  {Pan("2221", 16), true},
                                  {Pan("2500", 16), true},
                                  {Pan("2720", 16), true},
                                  {Pan("2220", 16), false},
                                  {Pan("2721", 16), false},
                                  {Pan("55", 15), false},
                                  {Pan("55", 19), false},
                                  // Amex: 34 or 37, 15 digits.
                                  {Pan("34", 15), true},
                                  {Pan("37", 15), true},
                                  {Pan("37", 16), false},
                                  {Pan("35", 15), false},
                                  // Diners: 300-305, 36, 38, 14 digits.
                                  {Pan("300", 14), true},
                                  {Pan("305", 14), true},
                                  {Pan("36", 14), true},
                                  {Pan("38", 14), true},
                                  // No known network.
                                  {Pan("9", 16), false},
                                  {Pan("1", 16), false},
                                  {Pan("7", 16), false},
                              });
}

TEST(PaymentCardValidTest, LuhnFailuresAndShapes) {
  ExpectAll(PaymentCardValid, {
                                  {BreakCheckDigit(Pan("4", 16)), false},
                                  {BreakCheckDigit(Pan("51", 16)), false},
                                  {BreakCheckDigit(Pan("37", 15)), false},
                                  {BreakCheckDigit(Pan("36", 14)), false},
                                  {Pan("4", 11), false},  // Too short for any card.
                                  {Pan("4", 20), false},  // Too long.
                                  {"", false},
                                  {Pan("4", 16).substr(0, 4) + " " + Pan("4", 16).substr(4),
                                   false},  // Digits only.
                              });
}

TEST(PaymentCardValidTest, RejectsMillisecondTimestamps) {
  // 13-digit numbers starting with 1 are Unix times in milliseconds, even with a valid
  // Luhn digit.
  for (const std::string body : {"170000000000", "123456789012", "199999999999"}) {
    std::string ts = WithLuhn(body);
    SCOPED_TRACE("timestamp starting " + body.substr(0, 3));
    ASSERT_TRUE(LuhnValid(ts));
    EXPECT_FALSE(PaymentCardValid(ts));
  }
}

TEST(TaxNumberValidTest, FirstDigitAndLuhn) {
  ExpectAll(TaxNumberValid, {
                                {WithLuhn("012345678"), true},
                                {WithLuhn("112345678"), true},
                                {WithLuhn("212345678"), true},
                                {WithLuhn("312345678"), true},
                                {WithLuhn("912345678"), true},
                                {WithLuhn("412345678"), false},
                                {WithLuhn("512345678"), false},
                                {WithLuhn("812345678"), false},
                                {BreakCheckDigit(WithLuhn("012345678")), false},
                                {WithLuhn("01234567"), false},   // 9 digits.
                                {WithLuhn("0123456789"), false},  // 11 digits.
                                {"", false},
                            });
}

TEST(ZaPhoneValidTest, PrefixesRangesAndLengths) {
  ExpectAll(ZaPhoneValid, {
                              // Mobile.
                              {"0821234567", true},
                              {"0831234567", true},
                              {"0841234567", true},
                              {"0611234567", true},
                              {"0721234567", true},
                              {"0791234567", true},
                              // Geographic.
                              {"0111234567", true},
                              {"0211234567", true},
                              {"0311234567", true},
                              {"0411234567", true},
                              {"0511234567", true},
                              // Non-geographic.
                              {"0801234567", false},  // Toll-free: a business.
                              {"0861234567", false},  // Share-call: a business.
                              {"0860100222", false},
                              {"0862345678", true},   // Fax-to-e-mail: personal.
                              {"0871234567", true},
                              // International prefixes.
                              {"+27821234567", true},
                              {"0027821234567", true},
                              {"+27111234567", true},
                              // Not a South African range.
                              {"0851234567", false},
                              {"0881234567", false},
                              {"0911234567", false},
                              {"0012345678", false},
                              // Wrong lengths.
                              {"082123456", false},
                              {"08212345678", false},
                              {"+2782123456", false},
                              {"+278212345678", false},
                              {"002782123456", false},
                              // Without a trunk prefix.
                              {"821234567", false},
                              {"27821234567", false},
                              {"+44821234567", false},
                              {"082 123 4567", false},
                              {"", false},
                          });
}

TEST(IntlPhoneValidTest, E164) {
  ExpectAll(IntlPhoneValid, {
                                {"+27821234567", true},
                                {"+442071234567", true},
                                {"+12025550123", true},
                                {"+1234567", false},            // 7 digits.
                                {"+12345678", true},            // 8 digits.
                                {"+123456789012345", true},     // 15 digits.
                                {"+1234567890123456", false},   // 16 digits.
                                {"+0821234567", false},         // Country code 0.
                                {"27821234567", false},         // No '+'.
                                {"+27 82 123 4567", false},
                                {"+", false},
                                {"", false},
                            });
}

TEST(ExpiryValidTest, DigitsAndWords) {
  ExpectAll(ExpiryValid, {
                             {"0528", true},
                             {"052028", true},
                             {"05/28", true},
                             {"05/2028", true},
                             {"1228", true},
                             {"0128", true},
                             {"june 2027", true},
                             {"june 27", true},
                             {"dec 2030", true},
                             {"june of 27", true},
                             {"1328", false},     // Month 13.
                             {"0028", false},     // Month 0.
                             {"132028", false},
                             {"051998", false},   // Year before 2000.
                             {"052050", false},   // Year after 2049.
                             {"052", false},
                             {"05282", false},
                             {"june 1999", false},
                             {"blah 2027", false},
                             {"june", false},
                             {"", false},
                         });
}

TEST(DateOfBirthValidTest, Formats) {
  ExpectAll(DateOfBirthValid, {
                                  {"13 january 1960", true},
                                  {"13th of january 1960", true},
                                  {"january 13 1960", true},
                                  {"13 jan 1960", true},
                                  {"1960-01-13", true},
                                  {"13/01/1960", true},
                                  {"13.01.1960", true},
                                  {"13011960", true},
                                  {"19600113", true},
                                  {"29 february 1960", true},  // Leap year.
                                  {"30sep71", true},           // Booking screens.
                                  {"agtiende januarie 1968", true},
                                  {"29/02/2000", true},        // Leap year (400).
                                  {"31 february 1980", false},
                                  {"29 february 1981", false},
                                  {"29/02/1900", false},       // 1900 is not leap.
                                  {"32 january 1960", false},
                                  {"31/04/1960", false},
                                  {"1960-13-01", false},
                                  {"13 january 1899", false},  // Too old.
                                  {"13 january 2031", false},  // Future.
                                  {"01/01/2099", false},
                                  {"13 january", false},       // No year.
                                  // Two-digit years after a month.
                                  {"the fifteenth , june , 82", true},
                                  {"15th of june 82", true},
                                  {"15th of the 6th 82", true},
                                  {"12/03/85", true},
                                  {"31/04/85", false},
                                  {"29 february 81", false},
                                  {"15 june 82", true},
                                  {"15-jun-1982", true},
                                  {"15-jun-82", true},
                                  {"1960", false},
                                  {"", false},
                              });
}

TEST(IsRealDateTest, Calendar) {
  EXPECT_TRUE(IsRealDate(2024, 2, 29));
  EXPECT_FALSE(IsRealDate(2023, 2, 29));
  EXPECT_FALSE(IsRealDate(2100, 2, 29));
  EXPECT_TRUE(IsRealDate(2000, 2, 29));
  EXPECT_TRUE(IsRealDate(1999, 12, 31));
  EXPECT_FALSE(IsRealDate(1999, 11, 31));
  EXPECT_FALSE(IsRealDate(1999, 0, 1));
  EXPECT_FALSE(IsRealDate(1999, 13, 1));
  EXPECT_FALSE(IsRealDate(1999, 1, 0));
}

TEST(FindValidatorTest, NamesAndUnknown) {
  struct Named {
    const char* name;
    Validator expected;
  };
  const Named kNamed[] = {
      {"luhn", LuhnValid},
      {"za_id", ZaIdValid},
      {"payment_card", PaymentCardValid},
      {"tax_number", TaxNumberValid},
      {"za_phone", ZaPhoneValid},
      {"intl_phone", IntlPhoneValid},
      {"expiry", ExpiryValid},
      {"date_of_birth", DateOfBirthValid},
  };
  for (const Named& n : kNamed) {
    SCOPED_TRACE(n.name);
    EXPECT_EQ(FindValidator(n.name), n.expected);
  }
  // Validators without a public function: check they exist and behave.
  Validator email = FindValidator("email");
  ASSERT_NE(email, nullptr);
  EXPECT_TRUE(email("thandi.nkosi@example.co.za"));
  EXPECT_FALSE(email("thandi.nkosi"));
  EXPECT_FALSE(email("@example.com"));
  EXPECT_FALSE(email("a@b@example.com"));
  Validator passport = FindValidator("passport");
  ASSERT_NE(passport, nullptr);
  EXPECT_TRUE(passport("a12345678"));
  EXPECT_FALSE(passport("12345678"));
  Validator never = FindValidator("never");
  ASSERT_NE(never, nullptr);
  EXPECT_FALSE(never("8001015009087"));
  EXPECT_FALSE(never(""));

  for (const char* unknown : {"", "Luhn", "zaid", "no_such_validator", "luhn "}) {
    SCOPED_TRACE(std::string("unknown: '") + unknown + "'");
    EXPECT_EQ(FindValidator(unknown), nullptr);
  }
}

}  // namespace
}  // namespace callredact
