#include "tools/audio_mute.h"

#include <fcntl.h>
#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace callredact {
namespace {

using Json = nlohmann::json;

absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

bool IsFloatFormat(int format) {
  int sub = format & SF_FORMAT_SUBMASK;
  return sub == SF_FORMAT_FLOAT || sub == SF_FORMAT_DOUBLE || sub == SF_FORMAT_VORBIS ||
         sub == SF_FORMAT_OPUS || sub == SF_FORMAT_MPEG_LAYER_III;
}

v1::Speaker SpeakerOf(std::string_view name) {
  std::string n(name);
  for (char& c : n) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  if (n == "AGENT") return v1::AGENT;
  if (n == "CUSTOMER") return v1::CUSTOMER;
  return v1::SPEAKER_UNSPECIFIED;
}

// A sample range [begin, end) on one channel (-1: all channels).
struct SampleRange {
  int channel;
  int64_t begin, end;
};

}  // namespace

absl::StatusOr<std::map<v1::Speaker, int>> ParseSpeakerChannels(std::string_view spec) {
  std::map<v1::Speaker, int> out;
  size_t i = 0;
  while (i <= spec.size()) {
    size_t comma = spec.find(',', i);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view item = spec.substr(i, comma - i);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--speaker-channel: expected SPEAKER=CHANNEL items (AGENT=0,CUSTOMER=1), got \"", A(item),
          "\""));
    }
    v1::Speaker speaker = SpeakerOf(item.substr(0, eq));
    int channel = -1;
    std::string num(item.substr(eq + 1));
    char* end = nullptr;
    long v = std::strtol(num.c_str(), &end, 10);
    if (!num.empty() && *end == '\0' && v >= 0 && v < 64) channel = static_cast<int>(v);
    if (speaker == v1::SPEAKER_UNSPECIFIED || channel < 0) {
      return absl::InvalidArgumentError(absl::StrCat("--speaker-channel: bad item \"", A(item),
                                                     "\" (AGENT or CUSTOMER = channel 0..63)"));
    }
    out[speaker] = channel;
    i = comma + 1;
  }
  return out;
}

absl::StatusOr<std::vector<MuteRange>> ReadMuteRanges(const std::string& events_path) {
  std::ifstream in(events_path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(events_path, ": cannot open events file"));
  std::vector<MuteRange> ranges;
  std::string line;
  size_t lineno = 0;
  auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(events_path, ":", lineno, ": ", A(what)));
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json ev;
    try {
      ev = Json::parse(line);
    } catch (const Json::parse_error&) {
      return bad("not valid JSON");  // e.what() would quote the line.
    }
    if (!ev.is_object()) return bad("expected a JSON object");
    if (auto m = ev.find("mute_audio"); m != ev.end() && m->is_boolean() && !m->get<bool>()) {
      continue;
    }
    auto audio = ev.find("audio");
    if (audio == ev.end() || audio->is_null()) continue;
    if (!audio->is_array()) return bad("\"audio\" is not an array");
    for (size_t k = 0; k < audio->size(); ++k) {
      const Json& a = (*audio)[k];
      std::string which = absl::StrCat("audio range ", k);
      if (!a.is_object() || !a.contains("start_ms") || !a.contains("end_ms") ||
          !a["start_ms"].is_number() || !a["end_ms"].is_number()) {
        return bad(which + ": expected numeric start_ms and end_ms");
      }
      MuteRange r;
      r.line = lineno;
      double s = a["start_ms"].get<double>(), e = a["end_ms"].get<double>();
      if (!std::isfinite(s) || !std::isfinite(e) || std::fabs(s) > 1e13 || std::fabs(e) > 1e13) {
        return bad(which + ": time out of range");
      }
      r.start_ms = static_cast<int64_t>(std::floor(s));
      r.end_ms = static_cast<int64_t>(std::ceil(e));
      if (a.contains("speaker")) {
        if (!a["speaker"].is_string()) return bad(which + ": speaker is not a string");
        std::string name = a["speaker"].get<std::string>();
        r.speaker = SpeakerOf(name);
        if (r.speaker == v1::SPEAKER_UNSPECIFIED && !name.empty()) {
          return bad(which + ": speaker must be AGENT or CUSTOMER");
        }
      }
      if (r.start_ms < 0)
        return bad(absl::StrCat(which, ": starts before 0 (", r.start_ms, " ms)"));
      if (r.end_ms < r.start_ms) return bad(which + ": ends before it starts");
      ranges.push_back(r);
    }
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat(events_path, ": read error"));
  return ranges;
}

absl::Status MuteRanges(const MuteOptions& options, const std::vector<MuteRange>& ranges) {
  SF_INFO info{};
  SndfilePtr in(sf_open(options.input_path.c_str(), SFM_READ, &info));
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.input_path, ": cannot read recording: ", sf_strerror(nullptr)));
  }
  const int channels = info.channels;
  const int64_t frames = info.frames;
  const int64_t rate = info.samplerate;
  if (channels < 1 || rate < 1) {
    return absl::InvalidArgumentError(absl::StrCat(options.input_path, ": no audio channels"));
  }
  const int64_t duration_ms = frames * 1000 / rate;

  // Check every range first; nothing is written if one is wrong.
  std::vector<SampleRange> todo;
  for (const MuteRange& r : ranges) {
    std::string where = absl::StrCat(options.events_path, ":", r.line, ": audio range [",
                                     r.start_ms, ", ", r.end_ms, ") ms");
    // Time t ms is sample floor(t * rate / 1000); the end is rounded up.
    int64_t end_frame = (r.end_ms * rate + 999) / 1000;
    if (end_frame > frames && r.end_ms > duration_ms + options.end_tolerance_ms) {
      return absl::OutOfRangeError(absl::StrCat(where, " ends after the recording ",
                                                options.input_path, " (", duration_ms, " ms)"));
    }
    int channel = -1;
    if (channels > 1 && r.speaker != v1::SPEAKER_UNSPECIFIED) {
      auto it = options.speaker_channels.find(r.speaker);
      if (it == options.speaker_channels.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": no channel given for speaker ",
                         r.speaker == v1::AGENT ? "AGENT" : "CUSTOMER", " (--speaker-channel)"));
      }
      if (it->second >= channels) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": speaker channel ", it->second,
                                                       " but the recording has ", channels,
                                                       " channel(s)"));
      }
      channel = it->second;
    }
    int64_t begin = std::max<int64_t>(0, (r.start_ms - options.margin_ms) * rate / 1000);
    int64_t end = std::min<int64_t>(frames, ((r.end_ms + options.margin_ms) * rate + 999) / 1000);
    if (end > begin) todo.push_back({channel, begin, end});
  }

  // Write to a temporary file beside the output, then rename.
  std::string tmp = absl::StrCat(options.output_path, ".tmp.", getpid());
  SF_INFO out_info = info;
  out_info.frames = 0;
  SndfilePtr out(sf_open(tmp.c_str(), SFM_WRITE, &out_info));
  if (!out) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.output_path, ": cannot write recording: ", sf_strerror(nullptr)));
  }
  for (int s = SF_STR_FIRST; s <= SF_STR_LAST; ++s) {
    if (const char* v = sf_get_string(in.get(), s)) sf_set_string(out.get(), s, v);
  }
  const bool as_float = IsFloatFormat(info.format);
  constexpr int64_t kBlock = 16384;
  std::vector<double> fbuf(as_float ? kBlock * channels : 0);
  std::vector<int> ibuf(as_float ? 0 : kBlock * channels);
  const double two_pi_f = 2.0 * M_PI * options.bleep_hz / static_cast<double>(rate);
  auto fail = [&](std::string_view what) {
    out.reset();
    std::remove(tmp.c_str());
    return absl::DataLossError(absl::StrCat(A(what), ": ", sf_strerror(nullptr)));
  };
  for (int64_t pos = 0; pos < frames; pos += kBlock) {
    int64_t n = std::min(kBlock, frames - pos);
    sf_count_t got = as_float ? sf_readf_double(in.get(), fbuf.data(), n)
                              : sf_readf_int(in.get(), ibuf.data(), n);
    if (got != n) return fail(absl::StrCat(options.input_path, ": short read"));
    for (const SampleRange& r : todo) {
      int64_t b = std::max(r.begin, pos), e = std::min(r.end, pos + n);
      for (int64_t f = b; f < e; ++f) {
        double v = options.bleep
                       ? options.bleep_amplitude * std::sin(two_pi_f * static_cast<double>(f))
                       : 0.0;
        for (int c = 0; c < channels; ++c) {
          if (r.channel >= 0 && c != r.channel) continue;
          size_t idx = static_cast<size_t>((f - pos) * channels + c);
          if (as_float) {
            fbuf[idx] = v;
          } else {
            ibuf[idx] = static_cast<int>(std::lrint(v * 2147483647.0));
          }
        }
      }
    }
    sf_count_t put = as_float ? sf_writef_double(out.get(), fbuf.data(), n)
                              : sf_writef_int(out.get(), ibuf.data(), n);
    if (put != n) return fail(absl::StrCat(options.output_path, ": short write"));
  }
  sf_write_sync(out.get());
  out.reset();  // Closes (and finalises the header).
  int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(tmp.c_str(), options.output_path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::InternalError(absl::StrCat(options.output_path, ": cannot rename the output"));
  }
  return absl::OkStatus();
}

absl::Status MuteRecording(const MuteOptions& options) {
  absl::StatusOr<std::vector<MuteRange>> ranges = ReadMuteRanges(options.events_path);
  if (!ranges.ok()) return ranges.status();
  return MuteRanges(options, *ranges);
}

int RunMute(const MuteOptions& options) {
  absl::Status st = MuteRecording(options);
  if (!st.ok()) {
    std::cerr << "callredact mute: " << st.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace callredact
