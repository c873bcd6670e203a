// callredact_baseline: the side-by-side baseline of BENCHMARKS.md as a tool. Runs the RE2
// patterns of baseline.h over the raw text of every chunk of a corpus, writes one
// detection event per match (FORMAT.md events JSONL, for `callredact eval`) and prints
// its throughput. Never prints chunk text or matched values.
//
//   callredact_baseline [--events FILE] [--repeat N] CORPUS.jsonl
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tools/benchmarks/baseline.h"
#include "tools/corpus_io.h"

namespace {

using namespace callredact;

v1::DetectionEvent ToEvent(const std::string& call_id, const v1::Chunk& chunk,
                           const bench::BaselineMatch& m) {
  v1::DetectionEvent e;
  e.set_call_id(call_id);
  e.set_type(m.type);
  e.set_confidence(1.0);
  e.set_detector("baseline.re2");
  e.set_confirmed(true);
  v1::Span* s = e.add_spans();
  s->set_seq(chunk.seq());
  s->set_start(m.start);
  s->set_end(m.end);
  // Audio: the words the span touches.
  auto tokens = WhitespaceTokens(chunk.text());
  if (chunk.source() == v1::TRANSCRIPT &&
      tokens.size() == static_cast<size_t>(chunk.words_size())) {
    int64_t a = -1, b = -1;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].first < m.end && m.start < tokens[i].second) {
        const v1::Word& w = chunk.words(static_cast<int>(i));
        if (a < 0 || w.start_ms() < a) a = w.start_ms();
        if (w.end_ms() > b) b = w.end_ms();
      }
    }
    if (a >= 0) {
      v1::AudioRange* r = e.add_audio();
      r->set_speaker(chunk.speaker());
      r->set_start_ms(a);
      r->set_end_ms(b);
    }
  }
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  std::string events_path, corpus_path;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--events") && i + 1 < argc) {
      events_path = argv[++i];
    } else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (argv[i][0] == '-' || !corpus_path.empty()) {
      std::fprintf(stderr, "usage: callredact_baseline [--events FILE] [--repeat N] CORPUS.jsonl\n");
      return 2;
    } else {
      corpus_path = argv[i];
    }
  }
  if (corpus_path.empty()) {
    std::fprintf(stderr, "usage: callredact_baseline [--events FILE] [--repeat N] CORPUS.jsonl\n");
    return 2;
  }
  auto corpus = ReadCorpusFile(corpus_path);
  if (!corpus.ok()) {
    std::fprintf(stderr, "callredact_baseline: %s\n", std::string(corpus.status().message()).c_str());
    return 1;
  }
  bench::Baseline baseline;
  size_t bytes = 0, matches = 0;
  std::string events;
  const auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < repeat; ++r) {
    for (const CorpusCall& cc : *corpus) {
      for (const v1::Chunk& chunk : cc.call.chunks()) {
        bytes += chunk.text().size();
        std::vector<bench::BaselineMatch> found = baseline.Find(chunk.text());
        matches += found.size();
        if (r == 0 && chunk.is_final() && !events_path.empty()) {
          for (const auto& m : found) {
            events += EventToJsonLine(ToEvent(cc.call.config().call_id(), chunk, m));
            events += '\n';
          }
        }
      }
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!events_path.empty()) {
    std::ofstream out(events_path, std::ios::binary | std::ios::trunc);
    out << events;
    if (!out) {
      std::fprintf(stderr, "callredact_baseline: cannot write %s\n", events_path.c_str());
      return 1;
    }
  }
  std::printf("baseline_re2 bytes=%zu matches=%zu seconds=%.4f MB_per_s=%.2f\n", bytes, matches,
              secs, bytes / secs / 1e6);
  return 0;
}
