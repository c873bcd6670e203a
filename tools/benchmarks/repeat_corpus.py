#!/usr/bin/env python3
"""Writes a large benchmark corpus: the input corpus repeated N times, each copy's calls
with new call ids (<id>-r<k>). Usage: repeat_corpus.py N IN.jsonl OUT.jsonl"""
import json
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    n, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    with open(src, encoding="utf-8") as f:
        calls = [json.loads(line) for line in f if line.strip()]
    with open(dst, "w", encoding="utf-8") as out:
        for k in range(n):
            for call in calls:
                call = dict(call, call_id=f"{call['call_id']}-r{k}")
                out.write(json.dumps(call, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
