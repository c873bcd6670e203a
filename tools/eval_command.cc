// `callredact eval`: the FORMAT.md metrics of an event file against a labelled corpus.
#include <iostream>

#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/corpus_io.h"
#include "tools/eval.h"

namespace callredact {

int RunEvalCommand(int argc, char** argv) {
  static const char kUsage[] =
      "usage: callredact eval --corpus FILE --events FILE [--json]\n"
      "  Prints leak, over-redaction, recall, typed, precision and audio leak, per type\n"
      "  and overall (../shared/corpus/FORMAT.md).\n";
  auto args = ParseArgs(argc, argv, 2, {"corpus", "events"}, {"json", "help"});
  if (!args.ok() || args->Has("help") || !args->Has("corpus") || !args->Has("events")) {
    if (!args.ok()) std::cerr << "callredact eval: " << args.status().message() << "\n";
    std::cerr << kUsage;
    return args.ok() && args->Has("help") ? 0 : 2;
  }
  auto corpus = ReadCorpusFile(args->Get("corpus"));
  if (!corpus.ok()) {
    std::cerr << "callredact eval: " << corpus.status().message() << "\n";
    return 1;
  }
  auto events = ReadEventsFile(args->Get("events"));
  if (!events.ok()) {
    std::cerr << "callredact eval: " << events.status().message() << "\n";
    return 1;
  }
  auto report = Evaluate(*corpus, *events);
  if (!report.ok()) {
    std::cerr << "callredact eval: " << report.status().message() << "\n";
    return 1;
  }
  std::cout << (args->Has("json") ? ReportToJson(*report) : FormatReport(*report));
  return 0;
}

}  // namespace callredact
