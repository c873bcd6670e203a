#include "detectors/name_address_detector.h"

namespace callredact {

struct NameAddressDetector::Impl {};

NameAddressDetector::NameAddressDetector() : impl_(std::make_unique<Impl>()) {}
NameAddressDetector::~NameAddressDetector() = default;

absl::StatusOr<std::unique_ptr<NameAddressDetector>> NameAddressDetector::Load(
    const v1::DetectorPack& pack, const std::string& pack_path) {
  (void)pack;
  (void)pack_path;
  return std::unique_ptr<NameAddressDetector>(new NameAddressDetector());
}

absl::Status NameAddressDetector::Detect(const std::vector<Token>& tokens, const View& view,
                                         bool final_window, std::vector<Detection>* out,
                                         size_t* open_from) const {
  (void)tokens;
  (void)view;
  (void)final_window;
  (void)out;
  (void)open_from;
  return absl::OkStatus();
}

}  // namespace callredact
