// Loading model files (text-format protobuf) with errors that name file and line.
#ifndef CALLREDACT_DETECTORS_MODEL_LOADER_H_
#define CALLREDACT_DETECTORS_MODEL_LOADER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"

namespace callredact {

// Parses the text proto at `path` into `message`. Errors: NOT_FOUND when the file cannot
// be read, INVALID_ARGUMENT "<path>:<line>:<column>: <what is wrong>" on a parse error.
// When `locations` is given, it receives where each parsed field sits, so later checks
// can name the line of a bad entry.
absl::Status LoadTextProto(const std::string& path, google::protobuf::Message* message,
                           google::protobuf::TextFormat::ParseInfoTree* locations = nullptr);

// Reads a word list: one entry per line, '#' comments and blank lines skipped, entries
// lower-cased and trimmed.
absl::StatusOr<std::vector<std::string>> LoadWordList(const std::string& path);

// `relative` resolved against the folder of `base_file`.
std::string ResolveBeside(const std::string& base_file, const std::string& relative);

}  // namespace callredact

#endif  // CALLREDACT_DETECTORS_MODEL_LOADER_H_
