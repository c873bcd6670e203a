// `callredact mute`: silences (or bleeps) the audio ranges of detection events in a call
// recording, using libsndfile (WAV, FLAC and the other formats it reads and writes).
//
//   MuteOptions opts;
//   opts.events_path = "call.events.jsonl";
//   opts.input_path = "call.wav";
//   opts.output_path = "call.muted.wav";
//   absl::Status st = MuteRecording(opts);   // or: int rc = RunMute(opts);
//
// Events are FORMAT.md's JSONL: every line's "audio": [{"speaker", "start_ms", "end_ms"}]
// is muted. A line with "mute_audio": false (the policy keeps that audio) is skipped; a
// line without the field is muted. Stereo (or more channels): each range is muted on the
// channel of its speaker (speaker_channels); a range without a speaker on every channel.
// Mono: every range on the one channel. Samples outside the ranges are copied unchanged
// (integer formats are read and written as integers, so bit for bit).
//
// All ranges are checked before anything is written: a range that starts before 0, ends
// before it starts, or ends after the recording (beyond end_tolerance_ms) fails the whole
// run with INVALID_ARGUMENT naming the events file and line. The output is written to a
// temporary file beside it, flushed and renamed, so it exists only when complete.
// Errors never contain transcript text (events carry none anyway).
#ifndef CALLREDACT_TOOLS_AUDIO_MUTE_H_
#define CALLREDACT_TOOLS_AUDIO_MUTE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "callredact/v1/redactor.pb.h"

namespace callredact {

struct MuteOptions {
  std::string events_path;  // FORMAT.md events JSONL.
  std::string input_path;   // Recording to read.
  std::string output_path;  // Recording to write (same format as the input).
  // Channel of each speaker in multi-channel recordings ("AGENT=0,CUSTOMER=1").
  std::map<v1::Speaker, int> speaker_channels = {{v1::AGENT, 0}, {v1::CUSTOMER, 1}};
  // Replace the ranges with a tone instead of silence.
  bool bleep = false;
  double bleep_hz = 1000.0;
  double bleep_amplitude = 0.25;  // Of full scale.
  // Extra padding on both sides of every range, in milliseconds (clamped to the
  // recording).
  int64_t margin_ms = 0;
  // A range may end at most this far after the end of the recording (then it is
  // clamped); further is an error.
  int64_t end_tolerance_ms = 0;
};

// One range to mute, as read from the events file.
struct MuteRange {
  v1::Speaker speaker = v1::SPEAKER_UNSPECIFIED;  // Unspecified: all channels.
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  size_t line = 0;  // Line of the events file it came from.
};

// Parses "AGENT=0,CUSTOMER=1".
absl::StatusOr<std::map<v1::Speaker, int>> ParseSpeakerChannels(std::string_view spec);

// Reads every audio range of the events file (INVALID_ARGUMENT "path:line: ..." on bad
// lines).
absl::StatusOr<std::vector<MuteRange>> ReadMuteRanges(const std::string& events_path);

// Mutes `ranges` (their lines refer to options.events_path) from input to output.
absl::Status MuteRanges(const MuteOptions& options, const std::vector<MuteRange>& ranges);

// ReadMuteRanges + MuteRanges.
absl::Status MuteRecording(const MuteOptions& options);

// Entry point of `callredact mute`: runs MuteRecording, prints an error to stderr and
// returns 1 on failure, 0 on success.
int RunMute(const MuteOptions& options);

}  // namespace callredact

#endif  // CALLREDACT_TOOLS_AUDIO_MUTE_H_
