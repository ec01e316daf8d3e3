"""Analysis in the product: label items on ingest, re-analyse the store, stream JSON lines.

The classifiers themselves live in ``classifiers``; this module connects them to the store
(model labels beside analyst labels, never over them) and to ``mediamon analyze``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import IO, Any

from classifiers.pipeline import Analyzer, Record
from mediamon.models import Item

BATCH = 128
_worker: Analyzer | None = None


class AnalysisInputError(ValueError):
    """A line of `mediamon analyze` input that cannot be read."""


def parse_record(line: str, lineno: int) -> Record:
    """One JSON line {"id","title","text","url","published"} → Record (title/url/published optional)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise AnalysisInputError(f"line {lineno}: not valid JSON ({exc.msg}); send one JSON object per line") from None
    if not isinstance(obj, dict):
        raise AnalysisInputError(f"line {lineno}: expected a JSON object with \"id\" and \"text\"")
    if "id" not in obj:
        raise AnalysisInputError(f"line {lineno}: the field \"id\" is missing")
    text = obj.get("text")
    title = obj.get("title") or ""
    if not isinstance(text, str) or not (text.strip() or str(title).strip()):
        raise AnalysisInputError(f"line {lineno} (id {obj['id']!r}): the field \"text\" must be a non-empty string")
    return Record(id=obj["id"], title=str(title), text=text, url=obj.get("url"), published=obj.get("published"))


def labels_for_store(result: dict) -> tuple[list[dict], list[dict]]:
    """Turn one analysis result into label rows and mention rows for Store.save_analysis."""
    expl = result.get("explanation", {})
    labels: list[dict] = [
        {"kind": "language", "value": result["language"], "score": None, "explanation": expl.get("language")},
        {"kind": "primary_topic", "value": result["primary_topic"],
         "score": result["topic_scores"].get(result["primary_topic"]),
         "explanation": expl.get("topics", {}).get(result["primary_topic"])},
        {"kind": "tone", "value": result["tone"], "score": result["tone_score"], "explanation": expl.get("tone")},
        {"kind": "about_kazakhstan", "value": "true" if result["about_kazakhstan"] else "false",
         "score": None, "explanation": expl.get("about_kazakhstan")},
    ]
    for topic in result["topics"]:
        labels.append({"kind": "topic", "value": topic, "score": result["topic_scores"].get(topic),
                       "explanation": expl.get("topics", {}).get(topic)})
    for agency in result["agencies"]:
        labels.append({"kind": "agency", "value": agency, "score": None, "explanation": None})
    for region in result["regions"]:
        labels.append({"kind": "region", "value": region, "score": None, "explanation": None})
    if result["foreign_wire"]:
        labels.append({"kind": "foreign_wire", "value": result["foreign_wire"], "score": None,
                       "explanation": expl.get("foreign_wire")})
    mentions = [
        {"kind": "agency", "value": m["agency"], "field": m["field"], "start": m["start"], "end": m["end"],
         "text": m["text"], "tone": m.get("tone")}
        for m in result["agency_mentions"]
    ] + [
        {"kind": "region", "value": m["region"], "field": m["field"], "start": m["start"], "end": m["end"],
         "text": m["text"], "tone": None}
        for m in result["region_mentions"]
    ]
    return labels, mentions


def analyze_inserted(store, analyzer: Analyzer, inserted: Sequence[tuple[int, Item]]) -> int:
    """Label freshly stored items (the crawler's on_new_items hook). Returns how many."""
    done = 0
    for start in range(0, len(inserted), BATCH):
        chunk = inserted[start:start + BATCH]
        records = [Record(id=item_id, title=item.title, text=item.text, url=item.url,
                          published=item.published) for item_id, item in chunk]
        for result in analyzer.analyze_many(records):
            labels, mentions = labels_for_store(result)
            store.save_analysis(result["id"], labels, mentions, language=result["language"])
            done += 1
    return done


def reanalyze(store, analyzer: Analyzer, *, source_id: str | None = None, on_progress=None) -> int:
    """Re-label every stored item (after a model update); analysts' labels are kept."""
    total = store.count_items()
    done = 0
    offset = 0
    while True:
        rows = store.items(source_id=source_id, limit=BATCH, offset=offset)
        if not rows:
            break
        offset += len(rows)
        records = [Record(id=r["id"], title=r.get("title") or "", text=r.get("text") or "",
                          url=r.get("url"), published=r.get("published")) for r in rows]
        for result in analyzer.analyze_many(records):
            labels, mentions = labels_for_store(result)
            store.save_analysis(result["id"], labels, mentions, language=result["language"])
        done += len(rows)
        if on_progress:
            on_progress(done, total)
    return done


def _init_worker() -> None:
    global _worker
    _worker = Analyzer.load()


def _analyze_chunk(records: list[Record]) -> list[dict]:
    assert _worker is not None
    return _worker.analyze_many(records)


def _chunks(lines: Iterable[str], errors: list[tuple[int, str]]) -> Iterator[list[tuple[int, Any]]]:
    """Group input lines into batches of (position, Record | error message)."""
    batch: list[tuple[int, Any]] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            batch.append((lineno, parse_record(line, lineno)))
        except AnalysisInputError as exc:
            batch.append((lineno, str(exc)))
            errors.append((lineno, str(exc)))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def analyze_stream(inp: IO[str], out: IO[str], *, workers: int | None = None, err: IO[str] | None = None) -> tuple[int, int]:
    """`mediamon analyze`: JSON lines in, one JSON line out per item, in input order.

    A bad input line yields {"id": ..., "error": "..."} in its place and a message on ``err``.
    Returns (analysed, failed).
    """
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    errors: list[tuple[int, str]] = []
    analysed = 0

    def emit(batch: list[tuple[int, Any]], results: list[dict]) -> None:
        nonlocal analysed
        it = iter(results)
        for _lineno, rec in batch:
            if isinstance(rec, Record):
                out.write(json.dumps(next(it), ensure_ascii=False) + "\n")
                analysed += 1
            else:
                out.write(json.dumps({"id": None, "error": rec}, ensure_ascii=False) + "\n")
                if err is not None:
                    err.write(f"mediamon analyze: {rec}\n")

    batches = _chunks(inp, errors)
    if workers <= 1:
        analyzer = Analyzer.load()
        for batch in batches:
            emit(batch, analyzer.analyze_many([r for _, r in batch if isinstance(r, Record)]))
        return analysed, len(errors)

    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        pending = []
        for batch in batches:
            pending.append((batch, pool.submit(_analyze_chunk, [r for _, r in batch if isinstance(r, Record)])))
            if len(pending) >= workers * 2:
                b, fut = pending.pop(0)
                emit(b, fut.result())
        for b, fut in pending:
            emit(b, fut.result())
    return analysed, len(errors)
