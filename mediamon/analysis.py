"""Analysis in the product: label items on ingest, re-analyse the store, stream JSON lines.

The classifiers themselves live in ``classifiers``; this module connects them to the store
(model labels beside analyst labels, never over them) and to ``mediamon analyze``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import IO, Any

from classifiers.pipeline import Analyzer, Record
from mediamon.models import Item

BATCH = 128
_worker: Analyzer | None = None


class AnalysisInputError(ValueError):
    """A line of `mediamon analyze` input that cannot be read; ``item_id`` when it could be."""

    def __init__(self, message: str, item_id: Any = None) -> None:
        super().__init__(message)
        self.item_id = item_id


def _decode(line: str | bytes, lineno: int) -> str:
    """A stdin line as text: UTF-8; a byte-order mark (files joined with cat) is dropped."""
    if isinstance(line, str):
        return line.removeprefix("\ufeff")
    try:
        return line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        item_id = None
        try:  # the id may still be readable around the bad bytes
            obj = json.loads(line.decode("utf-8", errors="replace"))
            if isinstance(obj, dict) and _valid_id(obj.get("id")):
                item_id = obj["id"]
        except json.JSONDecodeError:
            pass
        raise AnalysisInputError(
            f"line {lineno}{_id_note(item_id)}: not UTF-8 text (byte 0x{line[exc.start]:02x} at "
            f"byte {exc.start + 1}); send the input as UTF-8", item_id) from None


def _valid_id(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _id_note(item_id: Any) -> str:
    return "" if item_id is None else f" (id {item_id!r})"


def parse_record(line: str | bytes, lineno: int) -> Record:
    """One JSON line {"id","title","text","url","published"} → Record (title/url/published optional).

    Raises AnalysisInputError naming the line (and the id, when it can be read).
    """
    line = _decode(line, lineno)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise AnalysisInputError(f"line {lineno}: not valid JSON ({exc.msg} at column {exc.colno}); "
                                 "send one JSON object per line") from None
    if not isinstance(obj, dict):
        raise AnalysisInputError(f"line {lineno}: expected a JSON object with \"id\" and \"text\"")
    if "id" not in obj:
        raise AnalysisInputError(f"line {lineno}: the field \"id\" is missing")
    item_id = obj["id"]
    if not _valid_id(item_id):
        raise AnalysisInputError(f"line {lineno}: the field \"id\" must be a string or a number, "
                                 f"not {json.dumps(item_id)[:40]}")
    where = f"line {lineno}{_id_note(item_id)}"
    text = obj.get("text")
    title = obj.get("title")
    if title is None:
        title = ""
    if not isinstance(title, str):
        raise AnalysisInputError(f"{where}: the field \"title\" must be a string", item_id)
    if not isinstance(text, str):
        raise AnalysisInputError(f"{where}: the field \"text\" must be a string "
                                 f"({'missing' if text is None else type(text).__name__})", item_id)
    if not (text.strip() or title.strip()):
        raise AnalysisInputError(f"{where}: \"title\" and \"text\" are both empty; "
                                 "there is nothing to analyse", item_id)
    return Record(id=item_id, title=title, text=text, url=obj.get("url"),
                  published=obj.get("published"))


LABEL_KINDS = ("primary_topic", "topic", "tone", "agency", "region", "about_kazakhstan",
               "foreign_wire", "language")
MULTI_VALUED = frozenset({"topic", "agency", "region"})  # `correct` takes "a,b" for these
NO_WIRE = "none"  # an analyst's "this item relies on no foreign outlet"


class LabelValueError(ValueError):
    """An analyst's label value that is not one of the accepted values of its kind."""


def accepted_values(kind: str) -> list[str]:
    """The values an analyst may give a label of ``kind``."""
    if kind in ("primary_topic", "topic"):
        from classifiers.taxonomy import load_taxonomy

        return list(load_taxonomy().ids)
    if kind == "tone":
        return ["positive", "neutral", "negative"]
    if kind == "agency":
        from classifiers.gazetteer import agency_names

        return list(agency_names())
    if kind == "region":
        from classifiers.gazetteer import region_names

        return list(region_names())
    if kind == "about_kazakhstan":
        return ["true", "false"]
    if kind == "foreign_wire":
        from classifiers.wires import FOREIGN_OUTLETS

        return [*FOREIGN_OUTLETS, NO_WIRE]
    if kind == "language":
        from classifiers.language import LANGUAGES

        return list(LANGUAGES)
    raise LabelValueError(f"unknown label kind {kind!r}; use one of: {', '.join(LABEL_KINDS)}")


def check_label_value(kind: str, value: str) -> list[str]:
    """The value(s) of an analyst's label, spelt as stored; LabelValueError names the accepted
    values (and the closest one) when a value is unknown. Multi-valued kinds take "a,b"."""
    import difflib

    accepted = accepted_values(kind)
    by_fold = {v.casefold(): v for v in accepted}
    by_fold.update({"yes": "true", "no": "false"} if kind == "about_kazakhstan" else {})
    parts = [v.strip() for v in value.split(",")] if kind in MULTI_VALUED else [value.strip()]
    out = []
    for part in parts:
        known = by_fold.get(part.casefold())
        if known is None:
            close = difflib.get_close_matches(part.casefold(), list(by_fold), n=1, cutoff=0.6)
            hint = f"did you mean {by_fold[close[0]]!r}? " if close else ""
            raise LabelValueError(f"{part!r} is not a known {kind} value; {hint}accepted values: "
                                  f"{', '.join(accepted)}")
        out.append(known)
    if not out:
        raise LabelValueError(f"give a {kind} value; accepted values: {', '.join(accepted)}")
    return list(dict.fromkeys(out))


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
    # an agency or region label is explained by its matched mentions (with what matched)
    for agency in result["agencies"]:
        labels.append({"kind": "agency", "value": agency, "score": None,
                       "explanation": _mentions_of(result["agency_mentions"], "agency", agency)})
    for region in result["regions"]:
        labels.append({"kind": "region", "value": region, "score": None,
                       "explanation": _mentions_of(result["region_mentions"], "region", region)})
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


def _mentions_of(mentions: list[dict], key: str, ident: str) -> list[str]:
    """«text» (matched as VIA, in the title/text at START) for each mention of ``ident``."""
    out = []
    for m in mentions:
        if m[key] == ident:
            tone = f"; tone of its sentence: {m['tone']}" if m.get("tone") else ""
            out.append(f"«{m['text']}» (matched as {m['via']}, {m['field']} "
                       f"characters {m['start']}–{m['end']}{tone})")
    return out


def _analyze_and_save(store, analyzer: Analyzer, records: list[Record]) -> int:
    """Label ``records`` and store their model labels (analysts' are kept). Returns how many."""
    done = 0
    for result in analyzer.analyze_many(records):
        labels, mentions = labels_for_store(result)
        store.save_analysis(result["id"], labels, mentions, language=result["language"])
        done += 1
    return done


def analyze_inserted(store, analyzer: Analyzer, inserted: Sequence[tuple[int, Item]]) -> int:
    """Label freshly stored items (the crawler's on_new_items hook). Returns how many."""
    done = 0
    for start in range(0, len(inserted), BATCH):
        chunk = inserted[start:start + BATCH]
        done += _analyze_and_save(store, analyzer, [
            Record(id=item_id, title=item.title, text=item.text, url=item.url,
                   published=item.published) for item_id, item in chunk])
    return done


def reanalyze(store, analyzer: Analyzer, *, source_id: str | None = None,
              on_progress: Callable[[int, int], Any] | None = None) -> int:
    """Re-label every stored item, or those of ``source_id`` (after a model update); analysts'
    labels are kept. ``on_progress(done, total)`` is called after each batch."""
    total = store.count_items(source_id=source_id)
    done = 0
    offset = 0
    while True:
        rows = store.items(source_id=source_id, limit=BATCH, offset=offset)
        if not rows:
            break
        offset += len(rows)
        _analyze_and_save(store, analyzer, [
            Record(id=r["id"], title=r.get("title") or "", text=r.get("text") or "",
                   url=r.get("url"), published=r.get("published")) for r in rows])
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


def _chunks(lines: Iterable[str | bytes], errors: list[AnalysisInputError]
            ) -> Iterator[list[tuple[int, Any]]]:
    """Group input lines into batches of (line number, Record | AnalysisInputError)."""
    batch: list[tuple[int, Any]] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            batch.append((lineno, parse_record(line, lineno)))
        except AnalysisInputError as exc:
            batch.append((lineno, exc))
            errors.append(exc)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def analyze_stream(inp: IO[str] | IO[bytes], out: IO[str], *, workers: int | None = None,
                   err: IO[str] | None = None) -> tuple[int, int]:
    """`mediamon analyze`: JSON lines in (text, or UTF-8 bytes), one JSON line out per item,
    in input order.

    A bad input line yields {"id": <its id or null>, "error": "line N …"} in its place and the
    same message on ``err``. Returns (analysed, failed).
    """
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    errors: list[AnalysisInputError] = []
    analysed = 0
    analyzer = Analyzer.load()  # also fails early, in this process, if the models are missing

    def emit(batch: list[tuple[int, Any]], results: list[dict]) -> None:
        nonlocal analysed
        it = iter(results)
        for _lineno, rec in batch:
            if isinstance(rec, Record):
                out.write(json.dumps(next(it), ensure_ascii=False) + "\n")
                analysed += 1
            else:
                out.write(json.dumps({"id": rec.item_id, "error": str(rec)}, ensure_ascii=False)
                          + "\n")
                if err is not None:
                    err.write(f"mediamon analyze: {rec}\n")

    batches = _chunks(inp, errors)
    if workers <= 1:
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
