// Side-by-side peer of BENCHMARKS.md: the npm package redact-pii (SyncRedactor, its
// built-in patterns and name list) over every chunk of a corpus. Writes its detections
// as FORMAT.md events JSONL (for `callredact eval`) and prints its throughput; never
// prints chunk text or detected values.
//
//   (cd tools/benchmarks/node && npm install)
//   node tools/benchmarks/node/redact_pii_bench.js --events E.jsonl [--repeat N] CORPUS.jsonl
//
// redact-pii returns redacted text, not spans: each built-in replaces its matches with a
// fixed label (CREDIT_CARD_NUMBER, PHONE_NUMBER, ...). The spans are recovered by aligning
// the redacted text with the original (the literal text between labels is found in the
// original in order). Labels map to FORMAT.md types as in LABEL_TYPES below; types it
// has no notion of (SA ID, tax, passport, CVV, ...) can only be caught as DIGITS etc.
'use strict';
const fs = require('fs');
const { SyncRedactor } = require('redact-pii');

const LABEL_TYPES = {
  CREDIT_CARD_NUMBER: 'PAYMENT_CARD_NUMBER',
  STREET_ADDRESS: 'STREET_ADDRESS',
  ZIPCODE: 'STREET_ADDRESS',
  PHONE_NUMBER: 'PHONE_NUMBER',
  IP_ADDRESS: 'PHONE_NUMBER',
  US_SOCIAL_SECURITY_NUMBER: 'ZA_ID_NUMBER',
  EMAIL_ADDRESS: 'EMAIL_ADDRESS',
  USERNAME: 'AUTH_CODE',
  PASSWORD: 'AUTH_CODE',
  CREDENTIALS: 'AUTH_CODE',
  DIGITS: 'BANK_ACCOUNT_NUMBER',
  URL: 'EMAIL_ADDRESS',
  PERSON_NAME: 'PERSON_NAME',
};
const LABEL_RE = new RegExp('(' + Object.keys(LABEL_TYPES).sort((a, b) => b.length - a.length).join('|') + ')');

function parseArgs(argv) {
  const o = { events: '', repeat: 1, corpus: '' };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--events') o.events = argv[++i];
    else if (argv[i] === '--repeat') o.repeat = Math.max(1, parseInt(argv[++i], 10));
    else o.corpus = argv[i];
  }
  if (!o.corpus) {
    console.error('usage: node redact_pii_bench.js [--events FILE] [--repeat N] CORPUS.jsonl');
    process.exit(2);
  }
  return o;
}

// Character spans (UTF-16 indices) of the labels of `redacted` in `original`, or null
// when the two cannot be aligned.
function align(original, redacted) {
  const parts = redacted.split(LABEL_RE);  // lit, LABEL, lit, LABEL, ..., lit
  if (parts.length === 1) return [];
  if (!original.startsWith(parts[0])) return null;
  const spans = [];
  let pos = parts[0].length;
  for (let i = 1; i < parts.length; i += 2) {
    const label = parts[i];
    const lit = parts[i + 1];
    const last = i + 2 >= parts.length;
    let next;
    if (last) {
      next = original.length - lit.length;
      if (next < pos || original.slice(next) !== lit) return null;
    } else if (lit.length === 0) {
      // Two labels back to back: one span (pos stays), of the second label's type.
      continue;
    } else {
      next = original.indexOf(lit, pos + 1);
      if (next < 0) return null;
    }
    spans.push({ start: pos, end: next, type: LABEL_TYPES[label] });
    pos = next + lit.length;
  }
  return spans;
}

function utf8Offset(text, index) {
  return Buffer.byteLength(text.slice(0, index), 'utf8');
}

function main() {
  const o = parseArgs(process.argv);
  const calls = fs.readFileSync(o.corpus, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const redactor = new SyncRedactor();
  let bytes = 0;
  let unaligned = 0;
  const events = [];
  const t0 = process.hrtime.bigint();
  let redactNs = 0n;
  for (let r = 0; r < o.repeat; r++) {
    for (const call of calls) {
      for (const chunk of call.chunks) {
        bytes += Buffer.byteLength(chunk.text, 'utf8');
        const a = process.hrtime.bigint();
        const redacted = redactor.redact(chunk.text);
        redactNs += process.hrtime.bigint() - a;
        if (r !== 0 || !chunk.is_final || !o.events) continue;
        const spans = align(chunk.text, redacted);
        if (spans === null) {
          unaligned++;
          // Fail closed for scoring: the whole chunk counts as redacted.
          events.push({ call_id: call.call_id, type: 'PERSON_NAME', confidence: 1.0,
            spans: [{ seq: chunk.seq, start: 0, end: Buffer.byteLength(chunk.text, 'utf8') }] });
          continue;
        }
        for (const s of spans) {
          if (s.end <= s.start) continue;
          events.push({ call_id: call.call_id, type: s.type, confidence: 1.0,
            spans: [{ seq: chunk.seq, start: utf8Offset(chunk.text, s.start), end: utf8Offset(chunk.text, s.end) }] });
        }
      }
    }
  }
  const totalS = Number(process.hrtime.bigint() - t0) / 1e9;
  const redactS = Number(redactNs) / 1e9;
  if (o.events) fs.writeFileSync(o.events, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  console.log(`redact_pii bytes=${bytes} events=${events.length} unaligned_chunks=${unaligned} ` +
    `seconds=${redactS.toFixed(4)} MB_per_s=${(bytes / redactS / 1e6).toFixed(2)} ` +
    `loop_seconds=${totalS.toFixed(4)}`);
}

main();
