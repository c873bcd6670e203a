#include "pipeline/call_session.h"

#include <algorithm>
#include <deque>
#include <map>

#include "absl/strings/str_cat.h"
#include "detectors/tokenizer.h"

namespace callredact {
namespace {

// Left context: the tokens before the committed point that a later window still shows
// Detect, so that a window re-started there finds what one over the whole stream would
// (DESIGN.md, invariant 2). It is measured in words (tokens that are not punctuation:
// "ID ........ 800..." has one word before the number), because that is what Detect
// looks back over:
//  - engine.cc: the nearest cue before a candidate, at most `cue_window_words` words
//    away on the same line, and the cue phrase itself (up to the pack's longest);
//    LeftContextWords() derives this budget from the pack;
//  - name_address_detector.cc, within a turn: a name cue of up to six words and three
//    skipped units before a name, an answer's lead-in of up to eight units after its
//    turn start, an address cue of up to four words and three units before an address;
//    all within kNameLookBackWords.
// Nothing looks back across a turn break ('\n' in the view: no cue, pattern or number
// spans it) except the name and address detector, which reads the last units of the
// speaker's previous turn: a one-word name cue, title or relation with the word before
// it ("my wife" | "Thandi"), or an address cue of up to four words and the two units
// after it. So before the start of the current turn only kTurnLookBackWords are kept.
constexpr size_t kNameLookBackWords = 10;
constexpr size_t kTurnLookBackWords = 6;
// Agent utterances this short ("okay", "go ahead") keep the dialogue expectation.
constexpr size_t kShortUtteranceWords = 3;

CallSession::FaultHook g_fault_hook = nullptr;

absl::Status Stage(const char* name) {
  if (g_fault_hook) return g_fault_hook(name);
  return absl::OkStatus();
}

struct Part {
  uint64_t seq;
  uint32_t start, end;
  v1::EntityType type;
  std::string normalized;
};

// Which context each entity type answers.
constexpr std::pair<v1::ContextKind, v1::EntityType> kContextTypes[] = {
      {v1::CTX_ID, v1::ZA_ID_NUMBER},           {v1::CTX_CARD, v1::PAYMENT_CARD_NUMBER},
      {v1::CTX_ACCOUNT, v1::BANK_ACCOUNT_NUMBER}, {v1::CTX_PHONE, v1::PHONE_NUMBER},
      {v1::CTX_TAX, v1::TAX_NUMBER},             {v1::CTX_PASSPORT, v1::PASSPORT_NUMBER},
      {v1::CTX_EXPIRY, v1::CARD_EXPIRY},         {v1::CTX_SECURITY_CODE, v1::CARD_SECURITY_CODE},
      {v1::CTX_AUTH, v1::AUTH_CODE},             {v1::CTX_DOB, v1::DATE_OF_BIRTH},
      {v1::CTX_EMAIL, v1::EMAIL_ADDRESS},        {v1::CTX_NAME, v1::PERSON_NAME},
      {v1::CTX_ADDRESS, v1::STREET_ADDRESS}};

// The entity type an expectation (ContextKind bit mask) asks for; the first that fits.
v1::EntityType ExpectedType(uint32_t expectation) {
  for (const auto& [ctx, type] : kContextTypes) {
    if (expectation & (1u << static_cast<int>(ctx))) return type;
  }
  return v1::ENTITY_TYPE_UNSPECIFIED;
}

// The ContextKind bit of an entity type (0 for none).
uint32_t ContextBitOf(v1::EntityType type) {
  for (const auto& [ctx, t] : kContextTypes) {
    if (t == type) return 1u << static_cast<int>(ctx);
  }
  return 0;
}

// Words of left context a later window needs for cues: the cue window plus the longest
// cue phrase (a cue that ends within the window may start before it).
size_t LeftContextWords(const Engine& engine) {
  return std::max(engine.cue_window_words() + engine.longest_cue_words(), kNameLookBackWords);
}

// What a RedactedChunk needs of its input chunk: not the word timings, which its
// tokens already hold, so a held chunk does not keep a copy of them.
struct ChunkText {
  uint64_t seq = 0;
  v1::Source source = v1::SOURCE_UNSPECIFIED;
  v1::Speaker speaker = v1::SPEAKER_UNSPECIFIED;
  bool is_final = true;
  std::string text;

  static ChunkText Of(const v1::Chunk& c) {
    return {c.seq(), c.source(), c.speaker(), c.is_final(), c.text()};
  }
};

int StreamIndex(const v1::Chunk& c) { return ::callredact::StreamIndex(c.source(), c.speaker()); }

}  // namespace

// One stream's held chunks and open window (DESIGN.md, invariant 3).
class StreamState {
 public:
  struct Pending {
    ChunkText chunk;
    CallSession::Clock::time_point arrived;
    uint64_t token_begin = 0, token_end = 0;  // Absolute token indices.
    std::vector<Part> parts;
    std::vector<v1::DetectionEvent> events;
  };

  StreamState(const Engine& engine, const Policy& policy, const SessionOptions& options,
              DialogueState& dialogue, size_t left_context_words, int index)
      : index_(index),
        engine_(engine),
        policy_(policy),
        options_(options),
        dialogue_(dialogue),
        left_context_words_(left_context_words) {}

  // A final chunk of a TRANSCRIPT stream.
  // `new_turn`: the other speaker spoke since this stream's last chunk, so nothing open
  // continues into this one. `cues` gets the context kinds of cues in the window.
  absl::Status AddFinal(const v1::Chunk& chunk, bool new_turn, CallSession::Clock::time_point now,
                        std::vector<v1::RedactedChunk>* ready, uint32_t* cues) {
    absl::Status st = Stage("tokenize");
    if (!st.ok()) return st;
    std::vector<Token> fresh =
        Tokenize(chunk, tokens_.empty() ? Break::kHard : new_turn ? Break::kTurn : Break::kChunk);
    const bool customer = chunk.speaker() == v1::CUSTOMER;
    for (Token& t : fresh) {
      t.expectation = customer ? dialogue_.expectation : 0;
      if (t.capitalized && !t.punct && t.norm.size() > 1) dialogue_.cased[index_] = true;
    }
    Pending p;
    p.chunk = ChunkText::Of(chunk);
    p.arrived = now;
    p.token_begin = base_ + tokens_.size();
    p.token_end = p.token_begin + fresh.size();
    pending_.push_back(std::move(p));
    for (Token& t : fresh) tokens_.push_back(std::move(t));

    auto result = RunDetect(/*final_window=*/false);
    if (!result.ok()) return result.status();
    *cues = result->new_cue_contexts;
    st = Commit(*result, base_ + result->open_from);
    if (!st.ok()) return st;
    NoteOpenValues(*result);
    return Release(ready);
  }

  // A SCREEN chunk: a capture of its own, never continued by the next one.
  absl::Status AddScreen(const v1::Chunk& chunk, CallSession::Clock::time_point now,
                         std::vector<v1::RedactedChunk>* ready) {
    absl::Status st = Stage("tokenize");
    if (!st.ok()) return st;
    tokens_ = Tokenize(chunk, Break::kHard);
    base_ = committed_ = 0;
    Pending p;
    p.chunk = ChunkText::Of(chunk);
    p.arrived = now;
    p.token_begin = 0;
    p.token_end = tokens_.size();
    pending_.push_back(std::move(p));
    auto result = RunDetect(/*final_window=*/true);
    if (!result.ok()) return result.status();
    st = Commit(*result, tokens_.size());
    if (!st.ok()) return st;
    st = Release(ready);
    tokens_.clear();
    base_ = committed_ = 0;
    return st;
  }

  // An interim hypothesis: redacted at once against the open window, never committed.
  absl::Status AddInterim(const v1::Chunk& chunk, std::vector<v1::RedactedChunk>* ready) {
    absl::Status st = Stage("tokenize");
    if (!st.ok()) return st;
    std::vector<Token> window(tokens_.begin() + static_cast<long>(committed_ - base_),
                              tokens_.end());
    const size_t first_interim = window.size();
    std::vector<Token> fresh = Tokenize(chunk, window.empty() ? Break::kHard : Break::kChunk);
    const bool customer = chunk.speaker() == v1::CUSTOMER;
    for (Token& t : fresh) {
      t.expectation = customer ? dialogue_.expectation : 0;
      window.push_back(std::move(t));
    }
    st = Stage("detect");
    if (!st.ok()) return st;
    auto result = engine_.Detect(window, 0, dialogue_, /*final_window=*/false);
    if (!result.ok()) return result.status();
    st = Stage("redact");
    if (!st.ok()) return st;
    std::vector<Part> parts;
    std::vector<bool> covered(window.size(), false);
    for (const Detection& d : result->detections) {
      if (d.last_token < first_interim || !policy_.Applies(d.type, d.confidence)) continue;
      for (size_t k = std::max(d.first_token, first_interim); k <= d.last_token; ++k) {
        covered[k] = true;
      }
      AddParts(window, d, first_interim, &parts);
    }
    // The open tail is masked provisionally: it may still become an entity.
    for (size_t k = std::max(result->open_from, first_interim); k < window.size(); ++k) {
      if (!covered[k] && !window[k].punct) {
        parts.push_back({window[k].seq, window[k].begin, window[k].end,
                         v1::ENTITY_TYPE_UNSPECIFIED, ""});
      }
    }
    v1::RedactedChunk out;
    FillChunk(ChunkText::Of(chunk), std::move(parts), &out);
    ready->push_back(std::move(out));
    return absl::OkStatus();
  }

  // Releases chunks held past max_hold with their open tail masked.
  absl::Status Expire(CallSession::Clock::time_point now, std::vector<v1::RedactedChunk>* ready) {
    bool any = false;
    for (const Pending& p : pending_) {
      if (p.arrived + options_.max_hold <= now) any = true;
    }
    if (!any) return absl::OkStatus();
    // What would be found if the stream ended now, reported as unconfirmed.
    auto result = RunDetect(/*final_window=*/true);
    if (!result.ok()) return result.status();
    absl::Status st = Stage("redact");
    if (!st.ok()) return st;
    std::vector<Detection> provisional;
    for (const Detection& d : result->detections) {
      if (base_ + d.last_token >= committed_ && policy_.Applies(d.type, d.confidence)) {
        provisional.push_back(d);
      }
    }
    while (!pending_.empty() &&
           pending_.front().arrived + options_.max_hold <= now) {
      Pending& p = pending_.front();
      std::vector<Part> parts = p.parts;
      std::vector<bool> covered(tokens_.size(), false);
      for (const Detection& d : provisional) {
        for (size_t k = d.first_token; k <= d.last_token; ++k) covered[k] = true;
        std::vector<Part> dparts;
        AddParts(tokens_, d, 0, &dparts);
        for (const Part& part : dparts) {
          if (part.seq == p.chunk.seq) parts.push_back(part);
        }
        if (ChunkOfToken(base_ + d.last_token) == &p) {
          v1::DetectionEvent e = MakeEvent(d);
          e.set_confirmed(false);
          p.events.push_back(std::move(e));
        }
      }
      // The unresolved tail: masked, and reported unconfirmed as what the agent asked
      // for, so recording storage can silence it too.
      Detection unresolved;
      bool have_unresolved = false;
      for (uint64_t abs = std::max(committed_, p.token_begin); abs < p.token_end; ++abs) {
        const Token& t = tokens_[abs - base_];
        if (!covered[abs - base_] && !t.punct) {
          parts.push_back({t.seq, t.begin, t.end, v1::ENTITY_TYPE_UNSPECIFIED, ""});
          if (!have_unresolved) unresolved.first_token = abs - base_;
          unresolved.last_token = abs - base_;
          have_unresolved = true;
        }
      }
      if (have_unresolved) {
        unresolved.type = ExpectedType(tokens_[unresolved.first_token].expectation);
        if (unresolved.type != v1::ENTITY_TYPE_UNSPECIFIED) {
          unresolved.confidence = 0.5;
          unresolved.detector = "hold_expired";
          v1::DetectionEvent e = MakeEvent(unresolved);
          e.set_confirmed(false);
          p.events.push_back(std::move(e));
        }
      }
      v1::RedactedChunk out;
      FillChunk(p.chunk, std::move(parts), &out);
      out.set_provisional(true);
      for (auto& e : p.events) *out.add_events() = std::move(e);
      ready->push_back(std::move(out));
      // Its tokens stay in the open window; the chunk itself is never sent again.
      pending_.pop_front();
    }
    return absl::OkStatus();
  }

  absl::Status Finish(std::vector<v1::RedactedChunk>* ready) {
    if (pending_.empty() && committed_ == base_ + tokens_.size()) return absl::OkStatus();
    auto result = RunDetect(/*final_window=*/true);
    if (!result.ok()) return result.status();
    absl::Status st = Commit(*result, base_ + tokens_.size());
    if (!st.ok()) return st;
    dialogue_.open_values[index_].clear();
    return Release(ready);
  }

  std::optional<CallSession::Clock::time_point> NextDeadline() const {
    if (pending_.empty()) return std::nullopt;
    return pending_.front().arrived + options_.max_hold;
  }

  size_t held() const { return pending_.size(); }

 private:
  // The values of `result` not committed yet, for the other streams (DialogueState).
  void NoteOpenValues(const DetectResult& result) {
    auto& values = dialogue_.open_values[index_];
    values.clear();
    for (const Detection& d : result.detections) {
      if (base_ + d.last_token < committed_ || d.normalized.empty()) continue;
      values.emplace_back(d.normalized, d.type);
    }
  }

  absl::StatusOr<DetectResult> RunDetect(bool final_window) {
    absl::Status st = Stage("detect");
    if (!st.ok()) return st;
    return engine_.Detect(tokens_, static_cast<size_t>(committed_ - base_), dialogue_,
                          final_window);
  }

  // Records the detections that are final now (they end before `new_committed`), and
  // moves the committed point.
  absl::Status Commit(const DetectResult& result, uint64_t new_committed) {
    absl::Status st = Stage("redact");
    if (!st.ok()) return st;
    for (const Detection& d : result.detections) {
      uint64_t first = base_ + d.first_token, last = base_ + d.last_token;
      // Already reported, or still open.
      if (last < committed_ || last >= new_committed) continue;
      if (first < committed_ && reported_until_ > first) continue;
      dialogue_.Remember(d.normalized, d.type);
      dialogue_.seen |= ContextBitOf(d.type);
      if (!policy_.Applies(d.type, d.confidence)) continue;
      std::vector<Part> parts;
      AddParts(tokens_, d, 0, &parts);
      for (const Part& part : parts) {
        // A chunk released early by hold expiry already went out with this part masked.
        if (Pending* p = ChunkOfSeq(part.seq)) p->parts.push_back(part);
      }
      v1::DetectionEvent e = MakeEvent(d);
      // The event goes with the chunk that completes the entity.
      Pending* owner = ChunkOfToken(last);
      if (!owner) owner = pending_.empty() ? nullptr : &pending_.back();
      if (owner) {
        owner->events.push_back(std::move(e));
      } else {
        orphan_events_.push_back(std::move(e));
      }
    }
    for (const Detection& d : result.detections) {
      uint64_t last = base_ + d.last_token;
      if (last < new_committed) reported_until_ = std::max(reported_until_, last + 1);
    }
    committed_ = std::max(committed_, new_committed);
    return absl::OkStatus();
  }

  absl::Status Release(std::vector<v1::RedactedChunk>* ready) {
    absl::Status st = Stage("release");
    if (!st.ok()) return st;
    while (!pending_.empty() && pending_.front().token_end <= committed_) {
      Pending& p = pending_.front();
      v1::RedactedChunk out;
      FillChunk(p.chunk, std::move(p.parts), &out);
      for (auto& e : orphan_events_) *out.add_events() = std::move(e);
      orphan_events_.clear();
      for (auto& e : p.events) *out.add_events() = std::move(e);
      ready->push_back(std::move(out));
      pending_.pop_front();
    }
    // Drop tokens no longer needed: keep left context before the committed point, and
    // every token of a held chunk.
    uint64_t keep_from = LeftContextStart();
    if (!pending_.empty()) keep_from = std::min(keep_from, pending_.front().token_begin);
    if (keep_from > base_) {
      tokens_.erase(tokens_.begin(), tokens_.begin() + static_cast<long>(keep_from - base_));
      base_ = keep_from;
    }
    return absl::OkStatus();
  }

  // The first token of the left context before the committed point: back over
  // left_context_words_ words, but no more than kTurnLookBackWords words before the
  // start of the current turn (see kNameLookBackWords). Punctuation right before the
  // first kept word is kept with it.
  uint64_t LeftContextStart() const {
    size_t budget = left_context_words_, words = 0;
    uint64_t k = committed_;
    while (k > base_) {
      const Token& t = tokens_[k - 1 - base_];
      if (!t.punct) {
        if (words == budget) break;
        ++words;
      }
      --k;
      if (t.brk >= Break::kTurn) budget = std::min(budget, words + kTurnLookBackWords);
    }
    return k;
  }

  // Splits a detection over the chunks it spans. Parts whose chunk is not held any
  // more are skipped (their text was already released, masked).
  static void AddParts(const std::vector<Token>& tokens, const Detection& d, size_t from,
                       std::vector<Part>* parts) {
    size_t k = std::max(d.first_token, from);
    while (k <= d.last_token) {
      uint64_t seq = tokens[k].seq;
      uint32_t start = tokens[k].begin, end = tokens[k].end;
      while (k <= d.last_token && tokens[k].seq == seq) {
        end = tokens[k].end;
        ++k;
      }
      parts->push_back({seq, start, end, d.type, d.normalized});
    }
  }

  Pending* ChunkOfToken(uint64_t abs) {
    for (Pending& p : pending_) {
      if (abs >= p.token_begin && abs < p.token_end) return &p;
    }
    return nullptr;
  }
  Pending* ChunkOfSeq(uint64_t seq) {
    for (Pending& p : pending_) {
      if (p.chunk.seq == seq) return &p;
    }
    return nullptr;
  }

  v1::DetectionEvent MakeEvent(const Detection& d) const {
    v1::DetectionEvent e;
    e.set_call_id(options_.call_id);
    e.set_type(d.type);
    e.set_confidence(d.confidence);
    e.set_detector(d.detector);
    e.set_confirmed(true);
    const v1::EntityRule& rule = policy_.RuleFor(d.type);
    e.set_mute_audio(rule.mute_audio());
    if (rule.action() == v1::PSEUDONYM) {
      e.set_pseudonym(policy_.Pseudonym(d.type, d.normalized).substr(0, 16));
      e.set_key_id(policy_.key_id());
    }
    std::map<v1::Speaker, std::pair<int64_t, int64_t>> audio;
    size_t k = d.first_token;
    while (k <= d.last_token) {
      uint64_t seq = tokens_[k].seq;
      v1::Span* span = e.add_spans();
      span->set_seq(seq);
      span->set_start(tokens_[k].begin);
      while (k <= d.last_token && tokens_[k].seq == seq) {
        const Token& t = tokens_[k];
        span->set_end(t.end);
        if (t.source == v1::TRANSCRIPT && t.start_ms >= 0) {
          auto it = audio.find(t.speaker);
          if (it == audio.end()) {
            audio[t.speaker] = {t.start_ms, t.end_ms};
          } else {
            it->second.first = std::min(it->second.first, t.start_ms);
            it->second.second = std::max(it->second.second, t.end_ms);
          }
        }
        ++k;
      }
    }
    for (const auto& [speaker, range] : audio) {
      v1::AudioRange* a = e.add_audio();
      a->set_speaker(speaker);
      a->set_start_ms(std::max<int64_t>(0, range.first - options_.audio_margin_ms));
      a->set_end_ms(range.second + options_.audio_margin_ms);
    }
    return e;
  }

  void FillChunk(const ChunkText& chunk, std::vector<Part> parts, v1::RedactedChunk* out) const {
    out->set_seq(chunk.seq);
    out->set_source(chunk.source);
    out->set_speaker(chunk.speaker);
    out->set_is_final(chunk.is_final);
    std::sort(parts.begin(), parts.end(),
              [](const Part& a, const Part& b) { return a.start < b.start; });
    const std::string& text = chunk.text;
    std::string redacted;
    uint32_t pos = 0;
    for (const Part& part : parts) {
      if (part.seq != chunk.seq) continue;  // Another chunk's part of the same entity.
      if (part.start >= part.end || part.end > text.size()) {
        // Cannot happen by construction; if it does, nothing of the chunk goes out.
        out->set_text("[REDACTED]");
        return;
      }
      if (part.start < pos) {
        // Overlaps the previous part: extend the masked region instead.
        if (part.end > pos) pos = part.end;
        continue;
      }
      redacted.append(text, pos, part.start - pos);
      if (part.type == v1::ENTITY_TYPE_UNSPECIFIED) {
        redacted.append("[REDACTED]");
      } else {
        redacted.append(policy_.Render(part.type, text.substr(part.start, part.end - part.start),
                                       part.normalized));
      }
      pos = part.end;
    }
    redacted.append(text, pos, std::string::npos);
    out->set_text(std::move(redacted));
  }

  const int index_;  // The stream: 0 AGENT, 1 CUSTOMER, 2 SCREEN (DialogueState::open_values).
  const Engine& engine_;
  const Policy& policy_;
  const SessionOptions& options_;
  DialogueState& dialogue_;
  const size_t left_context_words_;  // LeftContextWords() of the engine.
  std::deque<Pending> pending_;
  std::vector<v1::DetectionEvent> orphan_events_;
  std::vector<Token> tokens_;
  uint64_t base_ = 0;       // Absolute index of tokens_[0].
  uint64_t committed_ = 0;  // Absolute index: tokens before it are final.
  // One past the last token of any entity reported so far: an entity that reaches back
  // before the committed point (its start was released before it could be known) is
  // still reported, once, with spans into the chunks already sent.
  uint64_t reported_until_ = 0;
};

CallSession::CallSession(std::shared_ptr<const Engine> engine,
                         std::shared_ptr<const Policy> policy, SessionOptions options)
    : engine_(std::move(engine)),
      policy_(std::move(policy)),
      options_(std::move(options)),
      left_context_words_(LeftContextWords(*engine_)) {}

CallSession::~CallSession() = default;

void CallSession::SetFaultHookForTesting(FaultHook hook) { g_fault_hook = hook; }

StreamState& CallSession::StreamFor(const v1::Chunk& chunk) {
  auto& s = streams_[StreamIndex(chunk)];
  if (!s) {
    s = std::make_unique<StreamState>(*engine_, *policy_, options_, dialogue_,
                                      left_context_words_, StreamIndex(chunk));
  }
  return *s;
}

absl::Status CallSession::Add(const v1::Chunk& chunk, std::vector<v1::RedactedChunk>* ready,
                              Clock::time_point now) {
  if (failed_) return absl::FailedPreconditionError("session already failed");
  // Validation: messages name the field, never the text.
  if (have_seq_ && chunk.seq() <= last_seq_) {
    return absl::InvalidArgumentError(absl::StrCat("chunk.seq: ", chunk.seq(),
                                                   " does not follow ", last_seq_,
                                                   " (must increase)"));
  }
  if (chunk.source() != v1::TRANSCRIPT && chunk.source() != v1::SCREEN) {
    return absl::InvalidArgumentError("chunk.source: must be TRANSCRIPT or SCREEN");
  }
  if (chunk.source() == v1::TRANSCRIPT && chunk.speaker() != v1::AGENT &&
      chunk.speaker() != v1::CUSTOMER) {
    return absl::InvalidArgumentError("chunk.speaker: TRANSCRIPT needs AGENT or CUSTOMER");
  }
  if (chunk.text().size() > options_.max_chunk_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("chunk.text: ", chunk.text().size(),
                                                   " bytes exceeds the limit of ",
                                                   options_.max_chunk_bytes));
  }
  if (!IsValidUtf8(chunk.text())) {
    return absl::InvalidArgumentError("chunk.text: not valid UTF-8");
  }
  if (chunk.words_size() > 0 && chunk.source() == v1::TRANSCRIPT) {
    std::vector<std::string_view> words = SplitWords(chunk.text());
    if (words.size() != static_cast<size_t>(chunk.words_size())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "chunk.words: ", chunk.words_size(), " words for ", words.size(),
          " space-separated tokens of chunk.text"));
    }
    for (int i = 0; i < chunk.words_size(); ++i) {
      const v1::Word& w = chunk.words(i);
      if (w.text() != words[i]) {
        return absl::InvalidArgumentError(
            absl::StrCat("chunk.words[", i, "].text: does not match chunk.text"));
      }
      if (w.start_ms() < 0 || w.end_ms() < w.start_ms()) {
        return absl::InvalidArgumentError(
            absl::StrCat("chunk.words[", i, "]: needs 0 <= start_ms <= end_ms"));
      }
    }
  }
  have_seq_ = true;
  last_seq_ = chunk.seq();
  StreamState& stream = StreamFor(chunk);
  absl::Status st;
  if (chunk.source() == v1::SCREEN) {
    st = stream.AddScreen(chunk, now, ready);
  } else if (!chunk.is_final()) {
    st = stream.AddInterim(chunk, ready);
  } else {
    st = AddFinalTranscript(chunk, stream, now, ready);
  }
  if (!st.ok()) {
    failed_ = true;
    if (st.code() != absl::StatusCode::kInvalidArgument) {
      return absl::InternalError(absl::StrCat("processing failed: ", st.message()));
    }
  }
  return st;
}

// Turns: once one speaker has said more than a few words since the other's last chunk,
// whatever the other was saying is over (a number does not go on across an answer), and
// the agent's next words start a new question. Word counts are cumulative, so however
// the chunks are cut the same turns result (DESIGN.md, invariant 2).
absl::Status CallSession::AddFinalTranscript(const v1::Chunk& chunk, StreamState& stream,
                                             Clock::time_point now,
                                             std::vector<v1::RedactedChunk>* ready) {
  const int me = chunk.speaker() == v1::AGENT ? 0 : 1;
  const int other = 1 - me;
  const size_t words = CountWords(chunk.text());
  const bool question = chunk.text().find('?') != std::string::npos;
  const bool new_turn = words_since_other_[me] > kShortUtteranceWords || asked_[me];
  words_since_other_[me] = 0;
  asked_[me] = false;
  const bool was_short = words_since_other_[other] <= kShortUtteranceWords && !asked_[other];
  words_since_other_[other] += words;
  asked_[other] |= question;
  const bool closes = was_short && (words_since_other_[other] > kShortUtteranceWords || question);
  if (closes && streams_[other]) {
    absl::Status st = streams_[other]->Finish(ready);
    if (!st.ok()) return st;
  }
  if (me == 0) {
    if (new_turn) {
      agent_turn_words_ = 0;
      agent_turn_has_cue_ = false;
    }
    agent_turn_words_ += words;
  }
  uint32_t cues = 0;
  absl::Status st = stream.AddFinal(chunk, new_turn, now, ready, &cues);
  if (!st.ok()) return st;
  dialogue_.seen |= cues;
  if (me == 0) {
    // The agent's question sets what the customer's answer is likely to be.
    if (cues) {
      dialogue_.expectation = agent_turn_has_cue_ ? (dialogue_.expectation | cues) : cues;
      agent_turn_has_cue_ = true;
      // A cue is a question even when the transcript has no "?" ("and your surname"):
      // what the customer says next starts a turn (an answer), however short the
      // question was, and whatever the customer was saying is over.
      if (was_short && !closes) {
        asked_[other] = true;
        if (streams_[other]) {
          st = streams_[other]->Finish(ready);
          if (!st.ok()) return st;
        }
      }
    } else if (!agent_turn_has_cue_ && agent_turn_words_ > kShortUtteranceWords) {
      dialogue_.expectation = 0;
    }
  }
  return absl::OkStatus();
}

absl::Status CallSession::ExpireHolds(Clock::time_point now,
                                      std::vector<v1::RedactedChunk>* ready) {
  if (failed_) return absl::FailedPreconditionError("session already failed");
  for (auto& s : streams_) {
    if (!s) continue;
    absl::Status st = s->Expire(now, ready);
    if (!st.ok()) {
      failed_ = true;
      return absl::InternalError(absl::StrCat("processing failed: ", st.message()));
    }
  }
  return absl::OkStatus();
}

std::optional<CallSession::Clock::time_point> CallSession::NextHoldDeadline() const {
  std::optional<Clock::time_point> best;
  for (const auto& s : streams_) {
    if (!s) continue;
    auto d = s->NextDeadline();
    if (d && (!best || *d < *best)) best = d;
  }
  return best;
}

absl::Status CallSession::Finish(std::vector<v1::RedactedChunk>* ready) {
  if (failed_) return absl::FailedPreconditionError("session already failed");
  for (auto& s : streams_) {
    if (!s) continue;
    absl::Status st = s->Finish(ready);
    if (!st.ok()) {
      failed_ = true;
      return absl::InternalError(absl::StrCat("processing failed: ", st.message()));
    }
  }
  return absl::OkStatus();
}

size_t CallSession::held_chunks() const {
  size_t n = 0;
  for (const auto& s : streams_) {
    if (s) n += s->held();
  }
  return n;
}

}  // namespace callredact
