#!/usr/bin/env bash
# CI smoke run of the benchmark tools (registered with ctest as bench_smoke): checks that
# they run and report, not how fast. BENCHMARKS.md has the real runs.
#   smoke.sh MICRO_BINARY CALLREDACT_BINARY BASELINE_BINARY CORPUS.jsonl
set -euo pipefail
micro="$1" callredact="$2" baseline="$3" corpus="$4"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$micro" --benchmark_min_time=0.01 --benchmark_format=json > "$work/micro.json"
python3 - "$work/micro.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"]
names = {x["name"] for x in b}
for want in ("BM_Normalize", "BM_EngineDetect", "BM_RedactCall", "BM_BaselineRe2"):
    assert any(n.startswith(want) for n in names), want
assert any(n.startswith("BM_Hyperscan/") for n in names)
assert all(x.get("bytes_per_second", 0) > 0 for x in b if "error_occurred" not in x)
assert not any(x.get("error_occurred") for x in b)
print(f"micro: {len(b)} benchmarks ok")
PY

"$callredact" bench-stream --spawn --calls 8 --duration 2 --ramp 0.5 --corpus "$corpus" \
  --json "$work/stream.json" > "$work/stream.txt"
grep -q "on arrival" "$work/stream.txt"
python3 - "$work/stream.json" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["failed"] == 0 and r["refused"] == 0, r
assert r["streams"] >= 8, r
assert r["server_cpu_us_per_chunk"] >= 0, r
print("bench-stream ok:", r["calls"], "calls,", r["chunks"], "chunks in the window")
PY

"$baseline" --events "$work/base.events" "$corpus" > "$work/base.txt"
grep -q "MB_per_s=" "$work/base.txt"
"$callredact" eval --corpus "$corpus" --events "$work/base.events" > "$work/eval.txt"
grep -q OVERALL "$work/eval.txt"
echo "baseline ok"
