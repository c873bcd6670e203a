#include "tools/flags.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace callredact {

FlagSet& FlagSet::Add(const std::string& name, bool boolean,
                      std::function<absl::Status(const std::string&)> set) {
  flags_.push_back({name, boolean, std::move(set)});
  return *this;
}

FlagSet& FlagSet::String(const std::string& name, std::string* out) {
  return Add(name, false, [out](const std::string& v) {
    *out = v;
    return absl::OkStatus();
  });
}

FlagSet& FlagSet::Bool(const std::string& name, bool* out) {
  return Add(name, true, [out](const std::string& v) {
    if (v == "true") {
      *out = true;
    } else if (v == "false") {
      *out = false;
    } else {
      return absl::InvalidArgumentError("true or false");
    }
    return absl::OkStatus();
  });
}

absl::Status ParseUintValue(const std::string& value, uint64_t min, uint64_t max,
                            uint64_t* out) {
  uint64_t n = 0;
  if (!absl::SimpleAtoi(value, &n) || n < min || n > max) {
    return absl::InvalidArgumentError(absl::StrCat("a number in ", min, "..", max));
  }
  *out = n;
  return absl::OkStatus();
}

FlagSet& FlagSet::Uint(const std::string& name, uint64_t min, uint64_t max,
                       std::function<void(uint64_t)> set) {
  return Add(name, false, [min, max, set = std::move(set)](const std::string& v) {
    uint64_t n = 0;
    absl::Status st = ParseUintValue(v, min, max, &n);
    if (st.ok()) set(n);
    return st;
  });
}

FlagSet& FlagSet::Double(const std::string& name, double min, double* out) {
  return Add(name, false, [min, out](const std::string& v) {
    double d = 0;
    if (!absl::SimpleAtod(v, &d) || !(d >= min)) {
      return absl::InvalidArgumentError(absl::StrCat("a number >= ", min));
    }
    *out = d;
    return absl::OkStatus();
  });
}

FlagSet& FlagSet::Custom(const std::string& name,
                         std::function<absl::Status(const std::string&)> set) {
  return Add(name, false, std::move(set));
}

absl::Status FlagSet::Parse(const std::vector<std::string>& args,
                            std::vector<std::string>* positional) const {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      positional->push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    const size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const Flag* flag = nullptr;
    for (const Flag& f : flags_) {
      if (f.name == name) flag = &f;
    }
    if (!flag) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    if (!inline_value) {
      if (flag->boolean) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, ": needs a value"));
      }
    }
    absl::Status st = flag->set(value);
    if (!st.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", st.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status FlagSet::Parse(int argc, char** argv, int first,
                            std::vector<std::string>* positional) const {
  std::vector<std::string> args;
  for (int i = first; i < argc; ++i) args.emplace_back(argv[i]);
  return Parse(args, positional);
}

}  // namespace callredact
