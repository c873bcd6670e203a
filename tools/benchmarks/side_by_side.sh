#!/usr/bin/env bash
# Side by side on the same corpora in one run (BENCHMARKS.md): callredact, the RE2
# baseline (callredact_baseline) and the npm package redact-pii. For each: whole-process
# wall and CPU time, chunk-text MB/s of its detection loop, and `callredact eval` leak,
# over-redaction, recall and precision of its events. Prints a Markdown table; never
# prints chunk text.
#
#   tools/benchmarks/side_by_side.sh [BUILD_DIR] [CORPUS.jsonl...]
#   (redact-pii: cd tools/benchmarks/node && npm install; skipped when missing)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
shift || true
corpora=("$@")
[ ${#corpora[@]} -gt 0 ] || corpora=("$root/tests/data/dev.jsonl" "$root/tests/data/dev_styles.jsonl")
bin="$build/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
repeat="${REPEAT:-5}"   # Detection-loop passes for the MB/s figure (processes: one pass).

# Runs a command, prints "wall cpu" seconds of the whole process.
timed() {
  local out="$1"; shift
  /usr/bin/env python3 - "$out" "$@" <<'PY'
import os, resource, subprocess, sys, time
out = sys.argv[1]
t = time.monotonic()
with open(out, "wb") as f:
    rc = subprocess.call(sys.argv[2:], stdout=f)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if rc:
    sys.exit(f"command failed ({rc}): {sys.argv[2]}")
print(f"{wall:.3f} {ru.ru_utime + ru.ru_stime:.3f}")
PY
}

score() {  # corpus events -> "leak over recall precision"
  "$bin/callredact" eval --json --corpus "$1" --events "$2" | python3 -c '
import json, sys
r = json.load(sys.stdin)
o = r["overall"]
f = lambda x: "-" if x is None else f"{100*x:.1f}%"
print(f(o["leak"]), f(r["over"]), f(o["recall"]), f(o["precision"]))'
}

echo "| corpus | tool | MB | process wall s | process CPU s | detect loop MB/s | vs callredact | leak | over | recall | precision |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for corpus in "${corpora[@]}"; do
  name="$(basename "$corpus")"
  mb=$(python3 -c 'import json,sys; print(sum(len(c["text"].encode()) for l in open(sys.argv[1]) if l.strip() for c in json.loads(l)["chunks"])/1e6)' "$corpus")

  # callredact: the whole `redact` command; detection loop from the micro benchmark.
  read -r wall cpu < <(timed "$work/ours.out" "$bin/callredact" redact --format corpus \
      --events "$work/ours.events" "$corpus")
  ours_mbs=$(CALLREDACT_BENCH_CORPUS="$corpus" "$bin/callredact_bench_micro" \
      --benchmark_filter='^BM_RedactCall$' --benchmark_min_time=1 --benchmark_format=json \
      2>/dev/null | python3 -c 'import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print("%.2f" % (b["bytes_per_second"]/1e6))')
  read -r leak over recall prec < <(score "$corpus" "$work/ours.events")
  echo "| $name | callredact | $(printf %.2f "$mb") | $wall | $cpu | $ours_mbs | 1.00 | $leak | $over | $recall | $prec |"

  # RE2 baseline.
  read -r wall cpu < <(timed "$work/base.out" "$bin/callredact_baseline" \
      --events "$work/base.events" "$corpus")
  base_mbs=$("$bin/callredact_baseline" --repeat "$repeat" "$corpus" | sed -n 's/.*MB_per_s=\([0-9.]*\).*/\1/p')
  read -r leak over recall prec < <(score "$corpus" "$work/base.events")
  ratio=$(python3 -c "print(f'{$base_mbs/$ours_mbs:.2f}')")
  echo "| $name | RE2 baseline | $(printf %.2f "$mb") | $wall | $cpu | $base_mbs | $ratio | $leak | $over | $recall | $prec |"

  # redact-pii (Node.js).
  if [ -d "$here/node/node_modules/redact-pii" ]; then
    read -r wall cpu < <(timed "$work/rp.out" node "$here/node/redact_pii_bench.js" \
        --events "$work/rp.events" "$corpus")
    rp_mbs=$(node "$here/node/redact_pii_bench.js" --repeat "$repeat" "$corpus" | sed -n 's/.*MB_per_s=\([0-9.]*\).*/\1/p')
    read -r leak over recall prec < <(score "$corpus" "$work/rp.events")
    ratio=$(python3 -c "print(f'{$rp_mbs/$ours_mbs:.3f}')")
    echo "| $name | redact-pii 3.4.0 | $(printf %.2f "$mb") | $wall | $cpu | $rp_mbs | $ratio | $leak | $over | $recall | $prec |"
  else
    echo "| $name | redact-pii | (not installed: cd tools/benchmarks/node && npm install) |||||||||"
  fi
done
