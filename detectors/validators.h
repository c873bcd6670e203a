// Validators: C++ checks named from the detector pack's `validator` field.
//
// Each takes the candidate's normalised text (digits for numbers, with a leading '+'
// for international phone numbers; the view text for dates and e-mail addresses) and
// says whether it has the shape and checksum of its kind. They never log.
#ifndef CALLREDACT_DETECTORS_VALIDATORS_H_
#define CALLREDACT_DETECTORS_VALIDATORS_H_

#include <string_view>

namespace callredact {

using Validator = bool (*)(std::string_view value);

// The validator registered under `name`, or nullptr. Names: luhn, za_id, payment_card,
// tax_number, za_phone, intl_phone, email, expiry, date_of_birth, passport, never.
Validator FindValidator(std::string_view name);

// Standard Luhn (mod 10) over a string of digits; false on any non-digit or empty.
bool LuhnValid(std::string_view digits);

// SA identity number: 13 digits, YYMMDD a real date in either century, citizenship
// digit (11th) 0, 1 or 2, Luhn check digit.
bool ZaIdValid(std::string_view digits);

// Payment card PAN: 12-19 digits, Luhn, and a known network prefix and length (Visa,
// Mastercard incl. 2221-2720, Amex 15, Diners, Discover, JCB, UnionPay, Maestro). A
// 13-digit number that looks like a Unix time in milliseconds is rejected.
bool PaymentCardValid(std::string_view digits);

// SARS income tax reference: 10 digits, first 0, 1, 2, 3 or 9, Luhn.
bool TaxNumberValid(std::string_view digits);

// South African phone number: "0" + 9 digits or "+27"/"0027" + 9 digits, with a valid
// mobile (06x, 07x, 08[1-4]) or geographic (01x-05x) or personal non-geographic (0862-0869
// fax-to-e-mail, 087x VoIP) range. Business ranges (080x toll-free, 0860/0861 share-call)
// fail.
bool ZaPhoneValid(std::string_view value);

// Any E.164 number: '+', country code not 0, 8 to 15 digits in all.
bool IntlPhoneValid(std::string_view value);

// Card expiry as digits MMYY or MMYYYY (separators removed): month 1-12, year 2000-2049.
bool ExpiryValid(std::string_view value);

// A date of birth in view text ("13 january 1960", "1960-01-13", "13/01/1960",
// "13011960", "180784" as DDMMYY or YYMMDD): a real date with year 1900-2025.
bool DateOfBirthValid(std::string_view value);
// The same parse, with the date: false when `value` is no date of birth.
bool ParseDateOfBirth(std::string_view value, int* year, int* month, int* day);
// A day and a month name with no year ("the 2nd of February", "tenth of may"): a real
// day of the year (29 February included).
bool DayMonthOfBirthValid(std::string_view value);

// A real calendar date.
bool IsRealDate(int year, int month, int day);

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_VALIDATORS_H_
