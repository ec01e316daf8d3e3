"""Analysis throughput: model load time, ms per item and items/s for ~2,000-character news.

Texts come from the shipped development set (classifiers/data/dev/devset.jsonl), each padded
with further dev-set paragraphs to about --chars characters, so the figures describe real-size
news in Russian, Kazakh Cyrillic and Kazakh Latin. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/analyze.py [--items 2000] [--chars 2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "classifiers" / "data" / "dev" / "devset.jsonl"


def make_items(n: int, chars: int) -> list[dict]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_lang: dict[str, list[dict]] = {}
    for r in rows:
        by_lang.setdefault(r["language"], []).append(r)
    items = []
    for i in range(n):
        base = rows[i % len(rows)]
        same = by_lang[base["language"]]
        text, j = base["text"], 1
        while len(text) < chars:
            text += "\n" + same[(i + j) % len(same)]["text"]
            j += 1
        items.append({"id": i, "title": base["title"], "text": text[:chars]})
    return items


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--chars", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not DEV.exists():
        sys.exit(f"{DEV} is missing: the development set ships with the repository")

    from classifiers.pipeline import Analyzer, Record
    from mediamon.analysis import analyze_stream

    t0 = time.perf_counter()
    analyzer = Analyzer.load()
    load_s = time.perf_counter() - t0

    items = make_items(args.items, args.chars)
    records = [Record(id=it["id"], title=it["title"], text=it["text"]) for it in items]
    analyzer.analyze_many(records[:32])  # warm caches

    per_item = []
    for r in records[:300]:
        t = time.perf_counter()
        analyzer.analyze(r)
        per_item.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    for start in range(0, len(records), 128):
        analyzer.analyze_many(records[start:start + 128])
    one_proc = len(records) / (time.perf_counter() - t)

    payload = "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items)
    out = io.StringIO()
    t = time.perf_counter()
    analyze_stream(io.StringIO(payload), out, workers=args.workers)
    streamed = len(items) / (time.perf_counter() - t)

    per_item.sort()
    print(f"items: {len(items)} of {args.chars} characters (dev-set texts)")
    print(f"model load: {load_s * 1000:.0f} ms")
    print(f"one item at a time: median {statistics.median(per_item):.2f} ms, "
          f"p95 {per_item[int(len(per_item) * 0.95) - 1]:.2f} ms")
    print(f"batched, 1 process: {one_proc:.0f} items/s ({1000 / one_proc:.2f} ms/item)")
    print(f"mediamon analyze stream, {args.workers} workers (incl. worker start-up): {streamed:.0f} items/s")


if __name__ == "__main__":
    main()
