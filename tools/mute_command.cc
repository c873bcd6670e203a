// `callredact mute`: silences (or bleeps) the audio ranges of detection events in a
// call recording (WAV, FLAC) via libsndfile.
#include <iostream>

#include "tools/audio_mute.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace callredact {

int RunMuteCommand(int argc, char** argv) {
  static const char kUsage[] =
      "usage: callredact mute --events EVENTS [--speaker-channel AGENT=0,CUSTOMER=1]\n"
      "                       [--bleep] [--margin-ms N] IN.wav OUT.wav\n"
      "  Silences every audio range of the events on its speaker's channel (stereo) or\n"
      "  on the only channel (mono); refuses ranges outside the recording.\n";
  auto args = ParseArgs(argc, argv, 2, {"events", "speaker-channel", "margin-ms"},
                        {"bleep", "help"});
  if (!args.ok() || args->Has("help") || !args->Has("events") || args->positional.size() != 2) {
    if (!args.ok()) std::cerr << "callredact mute: " << args.status().message() << "\n";
    std::cerr << kUsage;
    return args.ok() && args->Has("help") ? 0 : 2;
  }
  MuteOptions options;
  options.events_path = args->Get("events");
  options.input_path = args->positional[0];
  options.output_path = args->positional[1];
  options.bleep = args->Has("bleep");
  uint64_t margin_ms = 0;
  if (absl::Status st = args->GetUint("margin-ms", 0, 60000, &margin_ms); !st.ok()) {
    std::cerr << "callredact mute: " << st.message() << "\n";
    return 2;
  }
  options.margin_ms = static_cast<int64_t>(margin_ms);
  if (args->Has("speaker-channel")) {
    auto channels = ParseSpeakerChannels(args->Get("speaker-channel"));
    if (!channels.ok()) {
      std::cerr << "callredact mute: --speaker-channel: " << channels.status().message() << "\n";
      return 2;
    }
    options.speaker_channels = *channels;
  }
  return RunMute(options);
}

}  // namespace callredact
