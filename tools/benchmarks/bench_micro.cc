// Micro benchmarks (Google Benchmark) of the detection layers on the dev corpus's
// transcript and screen text, in bytes of chunk text per second per core
// (SetBytesProcessed; one thread). See BENCHMARKS.md.
//
//   build/bin/callredact_bench_micro [--benchmark_filter=Engine] [--benchmark_min_time=1]
//
// CALLREDACT_BENCH_CORPUS=FILE replaces the corpus (default tests/data/dev.jsonl).
// Nothing here prints chunk text or detected values.
#include <benchmark/benchmark.h>
#include <hs/hs.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "detectors/engine.h"
#include "detectors/hyperscan_db.h"
#include "detectors/name_address_detector.h"
#include "detectors/normalizer.h"
#include "detectors/tokenizer.h"
#include "pipeline/batch.h"
#include "pipeline/policy.h"
#include "tools/benchmarks/baseline.h"
#include "tools/corpus_io.h"

namespace callredact {
namespace {

// One chunk's worth of work: its tokens (a window of its own) and normalised view.
struct Window {
  std::vector<Token> tokens;
  View view;
  size_t bytes = 0;
};

struct Fixture {
  std::shared_ptr<const Engine> engine;
  std::shared_ptr<const Policy> policy;
  std::vector<v1::Call> calls;
  std::vector<v1::Chunk> chunks;  // Every chunk of every call.
  std::vector<Window> windows;    // One per chunk.
  // One per stream of each call (agent, customer, screen): all its chunks' tokens in
  // one window, to show the engine's cost per byte without the per-window overhead.
  std::vector<Window> stream_windows;
  std::unique_ptr<NameAddressDetector> names;
  size_t bytes = 0;               // Chunk text bytes of the corpus.

  static Fixture& Get() {
    static Fixture* f = [] {
      auto* fx = new Fixture;
      const char* env = std::getenv("CALLREDACT_BENCH_CORPUS");
      const std::string path = env ? env : CALLREDACT_CORPUS_DIR "/dev.jsonl";
      auto corpus = ReadCorpusFile(path);
      if (!corpus.ok()) {
        std::fprintf(stderr, "corpus: %s\n", std::string(corpus.status().message()).c_str());
        std::exit(1);
      }
      auto engine = Engine::Load(Engine::DefaultModelsDir());
      if (!engine.ok()) {
        std::fprintf(stderr, "engine: %s\n", std::string(engine.status().message()).c_str());
        std::exit(1);
      }
      fx->engine = *engine;
      fx->policy = Policy::Default();
      auto names = NameAddressDetector::Load(fx->engine->pack(),
                                             Engine::DefaultModelsDir() + "/detectors.textproto");
      if (!names.ok()) std::exit(1);
      fx->names = std::move(*names);
      for (CorpusCall& cc : *corpus) {
        std::map<int, Window> streams;
        for (const v1::Chunk& c : cc.call.chunks()) {
          const int stream = c.source() == v1::SCREEN ? 2 : c.speaker() == v1::AGENT ? 0 : 1;
          Window& sw = streams[stream];
          for (Token& t : Tokenize(c, sw.tokens.empty() ? Break::kHard : Break::kChunk)) {
            sw.tokens.push_back(std::move(t));
          }
          sw.bytes += c.text().size();
        }
        for (auto& [stream, sw] : streams) fx->stream_windows.push_back(std::move(sw));
        for (const v1::Chunk& c : cc.call.chunks()) {
          fx->chunks.push_back(c);
          fx->bytes += c.text().size();
          Window w;
          w.tokens = Tokenize(c, Break::kHard);
          w.view = Normalize(fx->engine->lexicon(), w.tokens, {}, true).view;
          w.bytes = c.text().size();
          fx->windows.push_back(std::move(w));
        }
        fx->calls.push_back(std::move(cc.call));
      }
      return fx;
    }();
    return *f;
  }
};

void BM_Tokenize(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  for (auto _ : state) {
    for (const v1::Chunk& c : f.chunks) benchmark::DoNotOptimize(Tokenize(c, Break::kHard));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}
BENCHMARK(BM_Tokenize)->Unit(benchmark::kMillisecond);

void BM_Normalize(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  for (auto _ : state) {
    for (const Window& w : f.windows) {
      benchmark::DoNotOptimize(Normalize(f.engine->lexicon(), w.tokens, {}, true));
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}
BENCHMARK(BM_Normalize)->Unit(benchmark::kMillisecond);

// One Hyperscan database per pattern family (the pack's pattern ids up to the first
// '.': za_id, payment_card, phone, dob, ...) and one of every cue phrase, scanned over
// the normalised views. The engine scans them all in one database; this shows which
// family costs what.
struct Family {
  std::string name;
  std::unique_ptr<HyperscanDatabase> db;
};
const std::vector<Family>& Families() {
  static std::vector<Family>* fams = [] {
    auto* out = new std::vector<Family>;
    Fixture& f = Fixture::Get();
    std::map<std::string, std::vector<HsExpression>> by_family;
    const v1::DetectorPack& pack = f.engine->pack();
    for (int i = 0; i < pack.pattern_size(); ++i) {
      std::string id = pack.pattern(i).id();
      by_family[id.substr(0, id.find('.'))].push_back(
          {pack.pattern(i).regex(), HS_FLAG_CASELESS, static_cast<unsigned>(i)});
    }
    std::vector<HsExpression> all;
    for (const auto& [name, exprs] : by_family) all.insert(all.end(), exprs.begin(), exprs.end());
    by_family["all_patterns"] = all;
    std::vector<HsExpression> cues;
    for (const v1::Cue& c : pack.cue()) {
      for (const std::string& phrase : c.phrase()) {
        std::string lit;
        for (char ch : phrase) {
          if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != ' ' &&
              static_cast<unsigned char>(ch) < 0x80) {
            lit.push_back('\\');
          }
          lit.push_back(ch);
        }
        cues.push_back({"\\b" + lit + "\\b", HS_FLAG_CASELESS,
                        static_cast<unsigned>(cues.size())});
      }
    }
    by_family["cues"] = cues;
    for (auto& [name, exprs] : by_family) {
      auto db = HyperscanDatabase::Compile(exprs);
      if (!db.ok()) std::exit(1);
      out->push_back({name, std::move(*db)});
    }
    return out;
  }();
  return *fams;
}

void BM_HyperscanFamily(benchmark::State& state, const Family* family) {
  Fixture& f = Fixture::Get();
  const Family& fam = *family;
  size_t matches = 0;
  for (auto _ : state) {
    for (const Window& w : f.windows) {
      (void)fam.db->Scan(w.view.text, [&](unsigned, unsigned long long) { ++matches; });
    }
  }
  benchmark::DoNotOptimize(matches);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}

void BM_NameAddressDetector(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  std::vector<Detection> out;
  for (auto _ : state) {
    for (const Window& w : f.windows) {
      out.clear();
      size_t open_from = w.tokens.size();
      (void)f.names->Detect(w.tokens, w.view, DialogueState{}, true, &out, &open_from);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}
BENCHMARK(BM_NameAddressDetector)->Unit(benchmark::kMillisecond);

// Engine::Detect over each chunk as a window of its own (normalise, scan, RE2 spans,
// validators, context, names, overlaps).
void BM_EngineDetect(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  DialogueState dialogue;
  size_t found = 0;
  for (auto _ : state) {
    for (const Window& w : f.windows) {
      auto r = f.engine->Detect(w.tokens, 0, dialogue, true);
      if (r.ok()) found += r->detections.size();
    }
  }
  benchmark::DoNotOptimize(found);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}
BENCHMARK(BM_EngineDetect)->Unit(benchmark::kMillisecond);

// Engine::Detect over each stream of a call as one window (~1 KB): the same text as
// BM_EngineDetect in 1/6 of the windows. The difference is the per-window cost.
void BM_EngineDetectWholeStream(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  DialogueState dialogue;
  size_t found = 0;
  for (auto _ : state) {
    for (const Window& w : f.stream_windows) {
      auto r = f.engine->Detect(w.tokens, 0, dialogue, true);
      if (r.ok()) found += r->detections.size();
    }
  }
  benchmark::DoNotOptimize(found);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}
BENCHMARK(BM_EngineDetectWholeStream)->Unit(benchmark::kMillisecond);

// The floor of any per-chunk engine: one Hyperscan block scan per chunk of its raw text
// against a database of one literal that never matches. A real engine scans at least
// once per chunk, so this bounds the MB/s any design that scans per chunk can reach.
void BM_HyperscanCallFloor(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  static const HyperscanDatabase* db = [] {
    auto compiled = HyperscanDatabase::Compile({{"\\x00\\x01never", 0, 0}});
    if (!compiled.ok()) std::exit(1);
    return compiled->release();
  }();
  size_t matches = 0;
  for (auto _ : state) {
    for (const v1::Chunk& c : f.chunks) {
      (void)db->Scan(c.text(), [&](unsigned, unsigned long long) { ++matches; });
    }
  }
  benchmark::DoNotOptimize(matches);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}
BENCHMARK(BM_HyperscanCallFloor)->Unit(benchmark::kMillisecond);

// The whole pipeline of a call (RedactCall: validation, tokenizer, streams, hold-back,
// windows with left context, detection, policy rendering, events), as `callredact
// redact` and the unary RPC run it.
void BM_RedactCall(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  for (auto _ : state) {
    for (const v1::Call& call : f.calls) {
      auto r = RedactCall(f.engine, f.policy, call);
      if (!r.ok()) state.SkipWithError("RedactCall failed");
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}
BENCHMARK(BM_RedactCall)->Unit(benchmark::kMillisecond);

// The side-by-side baseline (tools/benchmarks/baseline.h): RE2 patterns over raw text.
void BM_BaselineRe2(benchmark::State& state) {
  Fixture& f = Fixture::Get();
  static const bench::Baseline* baseline = new bench::Baseline;
  size_t found = 0;
  for (auto _ : state) {
    for (const v1::Chunk& c : f.chunks) found += baseline->Find(c.text()).size();
  }
  benchmark::DoNotOptimize(found);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
}
BENCHMARK(BM_BaselineRe2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callredact

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (const callredact::Family& fam : callredact::Families()) {
    benchmark::RegisterBenchmark(("BM_Hyperscan/" + fam.name).c_str(),
                                 callredact::BM_HyperscanFamily, &fam)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
