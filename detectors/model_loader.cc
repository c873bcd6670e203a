#include "detectors/model_loader.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace callredact {
namespace {

class CollectFirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (message_.empty()) {
      // The parser counts from 0; editors count from 1.
      message_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
    }
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace

absl::Status LoadTextProto(const std::string& path, google::protobuf::Message* message,
                           google::protobuf::TextFormat::ParseInfoTree* locations) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open model file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  google::protobuf::TextFormat::Parser parser;
  CollectFirstError errors;
  parser.RecordErrorsTo(&errors);
  if (locations) parser.WriteLocationsTo(locations);
  if (!parser.ParseFromString(buffer.str(), message)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", errors.message().empty() ? "0:0: parse error" : errors.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> LoadWordList(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open word list"));
  std::vector<std::string> words;
  std::string line;
  while (std::getline(in, line)) {
    size_t b = 0, e = line.size();
    while (b < e && std::isspace(static_cast<unsigned char>(line[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(line[e - 1]))) --e;
    if (b == e || line[b] == '#') continue;
    std::string w = line.substr(b, e - b);
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    words.push_back(std::move(w));
  }
  return words;
}

std::string ResolveBeside(const std::string& base_file, const std::string& relative) {
  if (!relative.empty() && relative[0] == '/') return relative;
  size_t slash = base_file.rfind('/');
  if (slash == std::string::npos) return relative;
  return base_file.substr(0, slash + 1) + relative;
}

}  // namespace callredact
