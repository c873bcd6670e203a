// A stand-in for RedactCall in the format and archive tests: every whitespace token that
// contains a digit is an entity (PHONE_NUMBER), replaced by "[PHONE_NUMBER]", with one
// event per token whose audio range comes from the token's word timing.
#ifndef CALLREDACT_TESTS_FORMATS_FAKE_REDACTOR_H_
#define CALLREDACT_TESTS_FORMATS_FAKE_REDACTOR_H_

#include <cctype>
#include <string>

#include "callredact/v1/redactor.pb.h"

namespace callredact::testing {

inline bool IsWs(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline v1::RedactedCall FakeRedact(const v1::Call& call) {
  v1::RedactedCall out;
  out.set_call_id(call.config().call_id());
  for (const v1::Chunk& c : call.chunks()) {
    v1::RedactedChunk* r = out.add_chunks();
    r->set_seq(c.seq());
    r->set_source(c.source());
    r->set_speaker(c.speaker());
    r->set_is_final(c.is_final());
    const std::string& t = c.text();
    std::string text;
    size_t i = 0;
    int token = 0;
    while (i < t.size()) {
      if (IsWs(t[i])) {
        text += t[i++];
        continue;
      }
      size_t b = i;
      bool digit = false;
      while (i < t.size() && !IsWs(t[i]))
        digit |= std::isdigit(static_cast<unsigned char>(t[i++])) != 0;
      if (!digit) {
        text += t.substr(b, i - b);
      } else {
        text += "[PHONE_NUMBER]";
        v1::DetectionEvent* ev = r->add_events();
        ev->set_call_id(call.config().call_id());
        ev->set_type(v1::PHONE_NUMBER);
        ev->set_confidence(0.9);
        ev->set_detector("fake.digits");
        ev->set_confirmed(true);
        ev->set_mute_audio(true);
        v1::Span* sp = ev->add_spans();
        sp->set_seq(c.seq());
        sp->set_start(static_cast<uint32_t>(b));
        sp->set_end(static_cast<uint32_t>(i));
        if (token < c.words_size()) {
          v1::AudioRange* a = ev->add_audio();
          a->set_speaker(c.speaker());
          a->set_start_ms(c.words(token).start_ms());
          a->set_end_ms(c.words(token).end_ms());
        }
      }
      ++token;
    }
    r->set_text(text);
  }
  return out;
}

// Returns the call unchanged (no events).
inline v1::RedactedCall IdentityRedact(const v1::Call& call) {
  v1::RedactedCall out;
  out.set_call_id(call.config().call_id());
  for (const v1::Chunk& c : call.chunks()) {
    v1::RedactedChunk* r = out.add_chunks();
    r->set_seq(c.seq());
    r->set_source(c.source());
    r->set_speaker(c.speaker());
    r->set_is_final(c.is_final());
    r->set_text(c.text());
  }
  return out;
}

}  // namespace callredact::testing

#endif  // CALLREDACT_TESTS_FORMATS_FAKE_REDACTOR_H_
