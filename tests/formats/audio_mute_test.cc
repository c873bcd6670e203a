#include "tools/audio_mute.h"

#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace callredact {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int kRate = 8000;

class MuteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("callredact_mute_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  // Writes `frames` frames of constant `value` on every channel.
  void WriteWav(const std::string& path, int channels, int frames, double value, int subtype) {
    SF_INFO info{};
    info.samplerate = kRate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | subtype;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
    std::vector<double> buf(static_cast<size_t>(frames) * channels, value);
    ASSERT_EQ(sf_writef_double(f, buf.data(), frames), frames);
    sf_close(f);
  }

  // Reads every sample, interleaved.
  std::vector<double> ReadWav(const std::string& path, int* channels) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    EXPECT_NE(f, nullptr);
    if (f == nullptr) return {};
    std::vector<double> buf(static_cast<size_t>(info.frames) * info.channels);
    sf_readf_double(f, buf.data(), info.frames);
    sf_close(f);
    *channels = info.channels;
    return buf;
  }

  void WriteEvents(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }

  fs::path dir_;
};

// Frame of time t ms.
int F(int ms) { return ms * kRate / 1000; }

TEST_F(MuteTest, StereoMutesEachSpeakerOnItsChannel) {
  WriteWav(Path("in.wav"), 2, kRate, 0.5, SF_FORMAT_FLOAT);
  WriteEvents(
      Path("ev.jsonl"),
      R"({"call_id":"c","type":"ZA_ID_NUMBER","audio":[{"speaker":"AGENT","start_ms":100,"end_ms":200}]})"
      "\n\n"
      R"({"call_id":"c","type":"PHONE_NUMBER","audio":[{"speaker":"CUSTOMER","start_ms":500,"end_ms":600},)"
      R"({"speaker":"CUSTOMER","start_ms":900,"end_ms":1000}]})"
      "\n"
      R"({"call_id":"c","type":"PERSON_NAME","mute_audio":false,"audio":[{"speaker":"AGENT","start_ms":700,"end_ms":800}]})"
      "\n");
  MuteOptions opts;
  opts.events_path = Path("ev.jsonl");
  opts.input_path = Path("in.wav");
  opts.output_path = Path("out.wav");
  ASSERT_EQ(RunMute(opts), 0);
  int ch = 0;
  std::vector<double> s = ReadWav(Path("out.wav"), &ch);
  ASSERT_EQ(ch, 2);
  ASSERT_EQ(s.size(), static_cast<size_t>(2 * kRate));
  auto at = [&](int frame, int c) { return s[static_cast<size_t>(frame) * 2 + c]; };
  for (int f = 0; f < kRate; ++f) {
    bool agent_muted = f >= F(100) && f < F(200);
    bool customer_muted = (f >= F(500) && f < F(600)) || f >= F(900);
    ASSERT_EQ(at(f, 0), agent_muted ? 0.0 : 0.5) << "frame " << f;
    ASSERT_EQ(at(f, 1), customer_muted ? 0.0 : 0.5) << "frame " << f;
  }
  EXPECT_FALSE(fs::exists(Path("out.wav.tmp." + std::to_string(getpid()))));
}

TEST_F(MuteTest, MonoMutesEveryRangeAndKeepsPcmBitExact) {
  WriteWav(Path("in.wav"), 1, kRate / 2, 0.5, SF_FORMAT_PCM_16);
  WriteEvents(Path("ev.jsonl"), R"({"audio":[{"speaker":"AGENT","start_ms":0,"end_ms":50}]})"
                                "\n"
                                R"({"audio":[{"speaker":"CUSTOMER","start_ms":250,"end_ms":300}]})"
                                "\n");
  MuteOptions opts;
  opts.events_path = Path("ev.jsonl");
  opts.input_path = Path("in.wav");
  opts.output_path = Path("out.wav");
  ASSERT_TRUE(MuteRecording(opts).ok());
  int ch = 0;
  std::vector<double> in = ReadWav(Path("in.wav"), &ch);
  std::vector<double> out = ReadWav(Path("out.wav"), &ch);
  ASSERT_EQ(ch, 1);
  ASSERT_EQ(in.size(), out.size());
  for (int f = 0; f < static_cast<int>(out.size()); ++f) {
    bool muted = f < F(50) || (f >= F(250) && f < F(300));
    ASSERT_EQ(out[f], muted ? 0.0 : in[f]) << "frame " << f;
  }
  EXPECT_NE(in[0], 0.0);
}

TEST_F(MuteTest, BleepWritesTheTone) {
  WriteWav(Path("in.wav"), 2, kRate, 0.5, SF_FORMAT_FLOAT);
  WriteEvents(Path("ev.jsonl"),
              R"({"audio":[{"speaker":"CUSTOMER","start_ms":200,"end_ms":400}]})");
  MuteOptions opts;
  opts.events_path = Path("ev.jsonl");
  opts.input_path = Path("in.wav");
  opts.output_path = Path("out.wav");
  opts.bleep = true;
  ASSERT_TRUE(MuteRecording(opts).ok());
  int ch = 0;
  std::vector<double> s = ReadWav(Path("out.wav"), &ch);
  for (int f = 0; f < kRate; ++f) {
    double ch1 = s[static_cast<size_t>(f) * 2 + 1];
    if (f >= F(200) && f < F(400)) {
      double tone = 0.25 * std::sin(2 * M_PI * 1000.0 * f / kRate);
      ASSERT_NEAR(ch1, tone, 1e-6) << "frame " << f;
    } else {
      ASSERT_EQ(ch1, 0.5) << "frame " << f;
    }
    ASSERT_EQ(s[static_cast<size_t>(f) * 2], 0.5) << "frame " << f;
  }
}

TEST_F(MuteTest, RefusesRangesOutsideTheRecording) {
  WriteWav(Path("in.wav"), 2, kRate, 0.5, SF_FORMAT_FLOAT);  // 1000 ms.
  WriteEvents(Path("ev.jsonl"), R"({"audio":[{"speaker":"AGENT","start_ms":100,"end_ms":200}]})"
                                "\n"
                                R"({"audio":[{"speaker":"CUSTOMER","start_ms":900,"end_ms":1200}]})"
                                "\n");
  MuteOptions opts;
  opts.events_path = Path("ev.jsonl");
  opts.input_path = Path("in.wav");
  opts.output_path = Path("out.wav");
  absl::Status st = MuteRecording(opts);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr(Path("ev.jsonl") + ":2:"));
  EXPECT_THAT(std::string(st.message()), HasSubstr("ends after the recording"));
  EXPECT_FALSE(fs::exists(Path("out.wav")));
  EXPECT_EQ(RunMute(opts), 1);

  // Within a tolerance it is clamped instead.
  opts.end_tolerance_ms = 250;
  EXPECT_TRUE(MuteRecording(opts).ok());
}

TEST_F(MuteTest, BadEventLinesNameTheLine) {
  WriteWav(Path("in.wav"), 1, kRate, 0.5, SF_FORMAT_FLOAT);
  struct Case {
    std::string events;
    std::string want;
  } cases[] = {
      {"{\"audio\":[]}\n{not json 8001015009087\n", ":2: not valid JSON"},
      {"{\"audio\":[{\"start_ms\":-5,\"end_ms\":10}]}\n", ":1: audio range 0: starts before 0"},
      {"{\"audio\":[{\"start_ms\":50,\"end_ms\":10}]}\n",
       ":1: audio range 0: ends before it starts"},
      {"\n{\"audio\":[{\"speaker\":\"BOB\",\"start_ms\":0,\"end_ms\":10}]}\n",
       ":2: audio range 0: speaker"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.events);
    WriteEvents(Path("ev.jsonl"), c.events);
    MuteOptions opts;
    opts.events_path = Path("ev.jsonl");
    opts.input_path = Path("in.wav");
    opts.output_path = Path("out.wav");
    absl::Status st = MuteRecording(opts);
    ASSERT_FALSE(st.ok());
    EXPECT_THAT(std::string(st.message()), HasSubstr(Path("ev.jsonl") + c.want));
    EXPECT_THAT(std::string(st.message()), ::testing::Not(HasSubstr("8001015009087")));
  }
}

TEST(SpeakerChannels, Parses) {
  auto m = ParseSpeakerChannels("AGENT=1,customer=0");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->at(v1::AGENT), 1);
  EXPECT_EQ(m->at(v1::CUSTOMER), 0);
  EXPECT_FALSE(ParseSpeakerChannels("AGENT").ok());
  EXPECT_FALSE(ParseSpeakerChannels("BOB=1").ok());
  EXPECT_FALSE(ParseSpeakerChannels("AGENT=x").ok());
}

TEST_F(MuteTest, SwappedChannelsAndMissingChannel) {
  WriteWav(Path("in.wav"), 2, kRate / 4, 0.5, SF_FORMAT_FLOAT);
  WriteEvents(Path("ev.jsonl"), R"({"audio":[{"speaker":"AGENT","start_ms":0,"end_ms":100}]})");
  MuteOptions opts;
  opts.events_path = Path("ev.jsonl");
  opts.input_path = Path("in.wav");
  opts.output_path = Path("out.flac");  // Output keeps the input format (WAV) regardless.
  opts.speaker_channels = {{v1::AGENT, 1}, {v1::CUSTOMER, 0}};
  ASSERT_TRUE(MuteRecording(opts).ok());
  int ch = 0;
  std::vector<double> s = ReadWav(Path("out.flac"), &ch);
  EXPECT_EQ(s[0], 0.5);
  EXPECT_EQ(s[1], 0.0);
  opts.speaker_channels = {{v1::AGENT, 3}};
  absl::Status st = MuteRecording(opts);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr("2 channel(s)"));
}

TEST_F(MuteTest, Flac) {
  SF_INFO info{};
  info.samplerate = kRate;
  info.channels = 2;
  info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(Path("in.flac").c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
  std::vector<double> buf(2 * 800, 0.5);
  sf_writef_double(f, buf.data(), 800);
  sf_close(f);
  WriteEvents(Path("ev.jsonl"), R"({"audio":[{"speaker":"CUSTOMER","start_ms":0,"end_ms":50}]})");
  MuteOptions opts;
  opts.events_path = Path("ev.jsonl");
  opts.input_path = Path("in.flac");
  opts.output_path = Path("out.flac");
  ASSERT_TRUE(MuteRecording(opts).ok());
  int ch = 0;
  std::vector<double> in = ReadWav(Path("in.flac"), &ch);
  std::vector<double> out = ReadWav(Path("out.flac"), &ch);
  ASSERT_EQ(in.size(), out.size());
  for (int fr = 0; fr < 800; ++fr) {
    ASSERT_EQ(out[fr * 2], in[fr * 2]);
    ASSERT_EQ(out[fr * 2 + 1], fr < F(50) ? 0.0 : in[fr * 2 + 1]);
  }
}

}  // namespace
}  // namespace callredact
