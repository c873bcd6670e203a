#include "detectors/validators.h"

#include <cctype>
#include <string>
#include <vector>

namespace callredact {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int Num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool Never(std::string_view) { return false; }

bool EmailValid(std::string_view v) {
  size_t at = v.find('@');
  if (at == std::string_view::npos || at == 0 || v.find('@', at + 1) != std::string_view::npos)
    return false;
  std::string_view domain = v.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2) return false;
  // A company's role mailbox ("claims@sizwefuneral.co.za") is nobody's personal address.
  static const char* const kRoleMailboxes[] = {
      "info",     "claims",   "support",  "help",      "admin",      "service",
      "services", "contact",  "enquiries", "enquiry",  "queries",    "sales",
      "accounts", "billing",  "noreply",  "no-reply",  "complaints", "customercare",
      "customerservice", "helpdesk", "office", "reception", "careers", "fraud"};
  const std::string_view local = v.substr(0, at);
  for (const char* role : kRoleMailboxes) {
    if (local == role) return false;
  }
  return true;
}

bool PassportValid(std::string_view v) {
  // A letter (or two) and 6 to 9 digits, spaces and a spoken comma ("A, one two ...")
  // removed.
  std::string s;
  for (char c : v) {
    if (c != ' ' && c != ',' && c != '.') s.push_back(c);
  }
  size_t letters = 0;
  while (letters < s.size() && std::isalpha(static_cast<unsigned char>(s[letters]))) ++letters;
  if (letters < 1 || letters > 2) return false;
  std::string_view digits = std::string_view(s).substr(letters);
  return AllDigits(digits) && digits.size() >= 6 && digits.size() <= 9;
}

// The year of a two-digit year in a date of birth: 00-25 are 2000-2025, the rest 19xx.
int FullYear(int yy) { return yy <= 25 ? 2000 + yy : 1900 + yy; }

int MonthFromWord(std::string_view w) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  static const char* const kAfrikaans[] = {"januarie", "februarie", "maart", "april",
                                           "mei", "junie", "julie", "augustus",
                                           "september", "oktober", "november", "desember"};
  for (int m = 0; m < 12; ++m) {
    if (w == kAfrikaans[m]) return m + 1;
    if (w.size() >= 3 && StartsWith(w, kMonths[m])) return m + 1;
  }
  return 0;
}

}  // namespace

bool IsRealDate(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = kDays[month - 1];
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap) max = 29;
  return day <= max;
}

bool LuhnValid(std::string_view digits) {
  if (!AllDigits(digits) || digits.size() < 2) return false;
  int sum = 0;
  bool dbl = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool ZaIdValid(std::string_view d) {
  if (d.size() != 13 || !AllDigits(d)) return false;
  int yy = Num(d.substr(0, 2)), mm = Num(d.substr(2, 2)), dd = Num(d.substr(4, 2));
  // Either century: a date valid in 19YY or 20YY (29 February needs a leap year).
  if (!IsRealDate(1900 + yy, mm, dd) && !IsRealDate(2000 + yy, mm, dd)) return false;
  if (d[10] != '0' && d[10] != '1' && d[10] != '2') return false;
  return LuhnValid(d);
}

bool PaymentCardValid(std::string_view d) {
  if (!AllDigits(d) || d.size() < 12 || d.size() > 19 || !LuhnValid(d)) return false;
  const size_t n = d.size();
  // 13-digit numbers starting 1 are millisecond timestamps (2001-2033), not cards.
  if (n == 13 && d[0] == '1') return false;
  int p2 = Num(d.substr(0, 2)), p3 = Num(d.substr(0, 3)), p4 = Num(d.substr(0, 4));
  int p6 = n >= 6 ? Num(d.substr(0, 6)) : 0;
  if (d[0] == '4') return n == 13 || n == 16 || n == 19;                    // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;  // Mastercard
  if (p2 == 34 || p2 == 37) return n == 15;                                 // Amex
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39 || p3 == 309)
    return n >= 14 && n <= 19;                                              // Diners
  if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) ||
      (p6 >= 622126 && p6 <= 622925))
    return n >= 16 && n <= 19;                                              // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19;                  // JCB
  if (p2 == 62) return n >= 16 && n <= 19;                                  // UnionPay
  if (p2 == 50 || (p2 >= 56 && p2 <= 69)) return n >= 12 && n <= 19;        // Maestro
  return false;
}

bool TaxNumberValid(std::string_view d) {
  if (d.size() != 10 || !AllDigits(d)) return false;
  if (d[0] != '0' && d[0] != '1' && d[0] != '2' && d[0] != '3' && d[0] != '9') return false;
  return LuhnValid(d);
}

bool ZaPhoneValid(std::string_view v) {
  std::string_view nat;
  if (StartsWith(v, "+27")) {
    nat = v.substr(3);
  } else if (StartsWith(v, "0027")) {
    nat = v.substr(4);
  } else if (StartsWith(v, "0")) {
    nat = v.substr(1);
  } else {
    return false;
  }
  if (nat.size() != 9 || !AllDigits(nat)) return false;
  char a = nat[0], b = nat[1];
  if (a == '6' || a == '7') return true;                      // Mobile.
  // 080x (toll-free) and 0860/0861 (share-call) numbers belong to businesses, never to a
  // person: "the fraud line is 0860 100 222".
  if (a == '8' && (b == '0' || (b == '6' && (nat[2] == '0' || nat[2] == '1')))) return false;
  if (a == '8') return (b >= '1' && b <= '4') || b == '6' || b == '7';
  if (a >= '1' && a <= '5') return true;                      // Geographic.
  return false;
}

bool IntlPhoneValid(std::string_view v) {
  if (!StartsWith(v, "+")) return false;
  std::string_view d = v.substr(1);
  return AllDigits(d) && d[0] != '0' && d.size() >= 8 && d.size() <= 15;
}

bool ExpiryValid(std::string_view v) {
  std::string d, word;
  for (char c : v) {
    if (c >= '0' && c <= '9') d.push_back(c);
    if (std::isalpha(static_cast<unsigned char>(c))) word.push_back(c);
  }
  if (!word.empty() && word != "of") {
    // "june 2026", "june of 26".
    if (word.size() > 2 && word.substr(word.size() - 2) == "of") word.resize(word.size() - 2);
    int month = MonthFromWord(word);
    int year = d.size() == 2 ? 2000 + Num(d) : d.size() == 4 ? Num(d) : 0;
    return month > 0 && year >= 2000 && year <= 2049;
  }
  if (d.size() != 4 && d.size() != 6) return false;
  int month = Num(std::string_view(d).substr(0, 2));
  int year = d.size() == 4 ? 2000 + Num(std::string_view(d).substr(2)) : Num(std::string_view(d).substr(2));
  return month >= 1 && month <= 12 && year >= 2000 && year <= 2049;
}

bool DayMonthOfBirthValid(std::string_view v) {
  // Checked as a date of the leap year 2000, so that 29 February passes.
  return DateOfBirthValid(std::string(v) + " 2000");
}

namespace {
// The end of ParseDateOfBirth: a real date of 1900-2025, stored.
bool Done(int year, int month, int day, int* year_out, int* month_out, int* day_out) {
  if (year < 1900 || year > 2025 || !IsRealDate(year, month, day)) return false;
  *year_out = year;
  *month_out = month;
  *day_out = day;
  return true;
}
}  // namespace

bool ParseDateOfBirth(std::string_view v, int* year_out, int* month_out, int* day_out) {
  // Split into alphanumeric words.
  std::vector<std::string> words;
  std::string cur;
  for (char c : v) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!cur.empty()) {
      words.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(cur);
  // "30sep71": day, month abbreviation and year written as one word.
  for (size_t k = 0; k < words.size(); ++k) {
    const std::string& w = words[k];
    const size_t a = w.find_first_not_of("0123456789");
    if (a == 0 || a == std::string::npos || a + 3 >= w.size()) continue;
    const size_t b = w.find_first_of("0123456789", a);
    if (b == std::string::npos || b - a != 3 || !AllDigits(w.substr(b))) continue;
    std::vector<std::string> parts = {w.substr(0, a), w.substr(a, 3), w.substr(b)};
    words.erase(words.begin() + static_cast<long>(k));
    words.insert(words.begin() + static_cast<long>(k), parts.begin(), parts.end());
    k += 2;
  }
  int year = -1, month = -1, day = -1;
  auto strip_ordinal = [](std::string w) {
    if (w.size() > 2) {
      std::string tail = w.substr(w.size() - 2);
      if (tail == "st" || tail == "nd" || tail == "rd" || tail == "th") w.resize(w.size() - 2);
    }
    return w;
  };
  static const char* const kOrdinals[] = {
      "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
      "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
      "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"};
  static const char* const kAfrikaansOrdinals[] = {
      "eerste", "tweede", "derde", "vierde", "vyfde", "sesde", "sewende", "agste",
      "negende", "tiende", "elfde", "twaalfde", "dertiende", "veertiende", "vyftiende",
      "sestiende", "sewentiende", "agtiende", "negentiende", "twintigste"};
  auto ordinal = [&](const std::string& w) {
    for (int k = 0; k < 20; ++k) {
      if (w == kOrdinals[k] || w == kAfrikaansOrdinals[k]) return k + 1;
    }
    return w == "thirtieth" || w == "dertigste" ? 30 : 0;
  };
  std::vector<std::string> nums;
  std::vector<int> ordinals;  // Spoken ordinals: day, then month ("19th of the 6th").
  for (size_t k = 0; k < words.size(); ++k) {
    std::string w = strip_ordinal(words[k]);
    if (int o = ordinal(words[k]); o > 0) {
      // "twenty third" reads "20 third" in the view.
      if (!nums.empty() && (nums.back() == "20" || nums.back() == "30") && o < 10 &&
          k > 0 && words[k - 1] == nums.back()) {
        o += Num(nums.back());
        nums.pop_back();
      }
      ordinals.push_back(o);
    } else if (AllDigits(w)) {
      if (w != words[k] && w.size() <= 2) {
        ordinals.push_back(Num(w));  // "19th".
      } else {
        nums.push_back(w);
      }
    } else if (int m = MonthFromWord(w); m > 0) {
      month = m;
    }
  }
  if (!ordinals.empty()) {
    day = ordinals[0];
    const bool month_word = month > 0;
    if (month < 0 && ordinals.size() >= 2) month = ordinals[1];
    for (const std::string& n : nums) {
      if (n.size() == 4) year = Num(n);
    }
    // "the fifteenth of june eighty two", "the twelfth of the third eighty five": a
    // two-digit year after a month.
    if (year < 0 && (month_word || ordinals.size() >= 2) && nums.size() == 1 &&
        nums[0].size() == 2) {
      year = FullYear(Num(nums[0]));
    }
    return Done(year, month, day, year_out, month_out, day_out);
  }
  if (month > 0) {
    // "13 january 1960" or "january 13 1960"; "15 june 82" (day first, then a two-digit
    // year) as spoken.
    for (const std::string& n : nums) {
      if (n.size() == 4) year = Num(n);
      else if (n.size() <= 2) day = Num(n);
    }
    if (year < 0 && nums.size() == 2 && nums[0].size() <= 2 && nums[1].size() == 2) {
      day = Num(nums[0]);
      year = FullYear(Num(nums[1]));
    }
  } else if (nums.size() == 3) {
    if (nums[0].size() == 4) {
      year = Num(nums[0]); month = Num(nums[1]); day = Num(nums[2]);
    } else if (nums[2].size() == 4 || (nums[2].size() == 2 && nums[0].size() <= 2)) {
      // "12/03/1985", and "12/03/85" with a two-digit year.
      day = Num(nums[0]); month = Num(nums[1]);
      year = nums[2].size() == 4 ? Num(nums[2]) : FullYear(Num(nums[2]));
      if (!IsRealDate(year, month, day)) std::swap(day, month);  // US order.
    }
  } else if (nums.size() == 1 && nums[0].size() == 6) {
    // DDMMYY as spoken ("one eight oh seven eight four"), else YYMMDD as in an ID.
    std::string_view d = nums[0];
    day = Num(d.substr(0, 2)); month = Num(d.substr(2, 2)); year = FullYear(Num(d.substr(4, 2)));
    if (!IsRealDate(year, month, day)) {
      year = FullYear(Num(d.substr(0, 2))); month = Num(d.substr(2, 2)); day = Num(d.substr(4, 2));
    }
  } else if (nums.size() == 1 && nums[0].size() == 8) {
    std::string_view d = nums[0];
    if (Num(d.substr(0, 2)) >= 19 && Num(d.substr(0, 2)) <= 20) {
      year = Num(d.substr(0, 4)); month = Num(d.substr(4, 2)); day = Num(d.substr(6, 2));
    } else {
      day = Num(d.substr(0, 2)); month = Num(d.substr(2, 2)); year = Num(d.substr(4, 4));
    }
  }
  return Done(year, month, day, year_out, month_out, day_out);
}

bool DateOfBirthValid(std::string_view v) {
  int year, month, day;
  return ParseDateOfBirth(v, &year, &month, &day);
}

Validator FindValidator(std::string_view name) {
  struct Entry {
    const char* name;
    Validator fn;
  };
  static const Entry kValidators[] = {
      {"luhn", LuhnValid},          {"za_id", ZaIdValid},
      {"payment_card", PaymentCardValid}, {"tax_number", TaxNumberValid},
      {"za_phone", ZaPhoneValid},   {"intl_phone", IntlPhoneValid},
      {"email", EmailValid},        {"expiry", ExpiryValid},
      {"date_of_birth", DateOfBirthValid}, {"day_month_of_birth", DayMonthOfBirthValid},
      {"passport", PassportValid},
      {"never", Never},
  };
  for (const Entry& e : kValidators) {
    if (name == e.name) return e.fn;
  }
  return nullptr;
}

}  // namespace callredact
