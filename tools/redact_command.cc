// `callredact redact`: plain text or corpus JSONL in, redacted text out.
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "pipeline/batch.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/corpus_io.h"

namespace callredact {
namespace {

constexpr char kUsage[] =
    "usage: callredact redact [--format text|corpus] [--policy NAME] [--events FILE]\n"
    "                         [--models DIR] [--policies FILE] [--keys FILE] [FILE...]\n"
    "  Redacts plain text (each line one utterance of one speaker) or a corpus JSONL\n"
    "  (../shared/corpus/FORMAT.md) read from the files or stdin. Corpus output is one\n"
    "  redacted call per line; --events writes detection events as JSONL.\n";

int Fail(const absl::Status& st) {
  std::cerr << "callredact redact: " << st.message() << "\n";
  return 1;
}

// Plain text: every line is one final chunk of one speaker, in order.
absl::Status RedactText(std::istream& in, const std::string& name,
                        std::shared_ptr<const Engine> engine,
                        std::shared_ptr<const Policy> policy, std::ostream* events) {
  v1::Call call;
  call.mutable_config()->set_call_id(name);
  std::string line;
  uint64_t seq = 0;
  while (std::getline(in, line)) {
    v1::Chunk* c = call.add_chunks();
    c->set_seq(seq++);
    c->set_source(v1::TRANSCRIPT);
    c->set_speaker(v1::CUSTOMER);
    c->set_is_final(true);
    c->set_text(line);
  }
  auto out = RedactCall(engine, policy, call);
  if (!out.ok()) {
    return absl::Status(out.status().code(),
                        absl::StrCat(name, ":", 0, ": ", out.status().message()));
  }
  for (const v1::RedactedChunk& rc : out->chunks()) {
    std::cout << rc.text() << "\n";
    if (events) {
      for (const auto& e : rc.events()) *events << EventToJsonLine(e) << "\n";
    }
  }
  return absl::OkStatus();
}

absl::Status RedactCorpus(std::istream& in, const std::string& name,
                          std::shared_ptr<const Engine> engine,
                          std::shared_ptr<const Policy> policy, std::ostream* events) {
  int64_t line = 0;
  return ReadCorpus(in, name, [&](CorpusCall&& cc) -> absl::Status {
    ++line;
    auto out = RedactCall(engine, policy, cc.call);
    if (!out.ok()) {
      return absl::Status(out.status().code(), absl::StrCat(name, ":", line, ": call '",
                                                            cc.call.config().call_id(), "': ",
                                                            out.status().message()));
    }
    std::cout << RedactedCallToJsonLine(cc.call.config().call_id(), *out, cc.call) << "\n";
    if (events) {
      for (const auto& rc : out->chunks()) {
        for (const auto& e : rc.events()) *events << EventToJsonLine(e) << "\n";
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace

int RunRedactCommand(int argc, char** argv) {
  auto args = ParseArgs(argc, argv, 2, {"format", "policy", "events", "models", "policies", "keys"},
                        {"help"});
  if (!args.ok() || args->Has("help")) {
    if (!args.ok()) std::cerr << "callredact redact: " << args.status().message() << "\n";
    std::cerr << kUsage;
    return args.ok() ? 0 : 2;
  }
  const std::string format = args->Get("format", "text");
  if (format != "text" && format != "corpus") {
    std::cerr << "callredact redact: --format must be text or corpus\n" << kUsage;
    return 2;
  }
  auto engine = LoadEngine(*args);
  if (!engine.ok()) return Fail(engine.status());
  auto policies = LoadPolicies(*args);
  if (!policies.ok()) return Fail(policies.status());
  auto policy = policies->Find(args->Get("policy", "default"));
  if (!policy) {
    return Fail(absl::NotFoundError("--policy: unknown policy '" + args->Get("policy") + "'"));
  }
  std::ofstream events_file;
  std::ostream* events = nullptr;
  if (args->Has("events")) {
    events_file.open(args->Get("events"));
    if (!events_file) return Fail(absl::NotFoundError(args->Get("events") + ": cannot write"));
    events = &events_file;
  }
  std::vector<std::string> inputs = args->positional;
  if (inputs.empty()) inputs.push_back("-");
  for (const std::string& path : inputs) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path != "-") {
      file.open(path, std::ios::binary);
      if (!file) return Fail(absl::NotFoundError(path + ": cannot open"));
      in = &file;
    }
    const std::string name = path == "-" ? "<stdin>" : path;
    absl::Status st = format == "corpus" ? RedactCorpus(*in, name, *engine, policy, events)
                                         : RedactText(*in, name, *engine, policy, events);
    if (!st.ok()) return Fail(st);
  }
  if (events) {
    events_file.flush();
    if (!events_file) return Fail(absl::InternalError(args->Get("events") + ": write failed"));
  }
  return 0;
}

}  // namespace callredact
