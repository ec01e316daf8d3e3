"""The `mediamon` command: everything the app does, headless.

Errors a user can cause end as one readable line on stderr and a non-zero exit code; the
traceback of an unexpected failure goes to ``mediamon-error.log`` in the data directory.
Exit codes: 0 done; 1 unexpected error; 2 a user error (bad option, sources.toml, database,
`analyze` input lines that could not be read — each reported in its place);
3 every source polled or checked failed; 4 `sources check` found some dead sources;
130 interrupted (Ctrl+C), with everything stored so far kept.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import traceback
from pathlib import Path

from mediamon import __version__
from mediamon.models import now_iso
from mediamon.paths import Paths, resolve_paths

EXIT_USAGE = 2
EXIT_ALL_FAILED = 3
EXIT_SOME_FAILED = 4  # `sources check`: at least one source is dead


class UserError(Exception):
    """A problem the user can fix; its message says what to do."""


# ----------------------------------------------------------------------------- context


class Context:
    """Resolved paths and lazily opened config and store for one invocation."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.paths: Paths = resolve_paths(args.home)
        self.sources_path = Path(args.sources) if args.sources else None
        self.db_path = Path(args.db) if args.db else self.paths.db_file
        self._store = None

    def sources_file(self) -> Path:
        if self.sources_path is not None:
            if not self.sources_path.exists():
                raise UserError(f"sources file {self.sources_path} does not exist; check --sources")
            return self.sources_path
        from mediamon.config import ensure_user_sources

        return ensure_user_sources(self.paths)

    def config(self):
        from mediamon.config import load_sources

        return load_sources(self.sources_file())

    def store(self):
        if self._store is None:
            from mediamon.store import Store

            self._store = Store(self.db_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _error_line(source_id: str, error: str) -> str:
    """``source: error`` without saying the source twice when the error already names it."""
    return error if error.startswith(source_id) else f"{source_id}: {error}"


def _only(sources: list, ids: list[str] | None) -> list:
    """The sources whose id is in ``ids`` (all when ``ids`` is empty), in file order."""
    if not ids:
        return sources
    known = {s.id for s in sources}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise UserError(f"unknown source id(s): {', '.join(unknown)}; see `mediamon sources list`")
    wanted = set(ids)
    return [s for s in sources if s.id in wanted]


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


# ----------------------------------------------------------------------------- crawl


def cmd_crawl(ctx: Context, args) -> int:
    import asyncio

    from mediamon.crawl import crawl

    if args.every is not None and not args.every > 0:
        raise UserError(f"--every {args.every:g}: give the minutes between two crawls, more "
                        "than 0 (e.g. --every 30)")
    cfg = ctx.config()
    sources = _only(list(cfg.sources), args.source)
    store = ctx.store()
    store.upsert_sources(cfg.sources)

    on_new = None
    if not args.no_analyze:
        from classifiers.pipeline import Analyzer
        from mediamon.analysis import analyze_inserted

        analyzer = Analyzer.load()

        def on_new(inserted):
            analyze_inserted(store, analyzer, inserted)

    def on_event(event: dict) -> None:
        line = json.dumps(event, ensure_ascii=False) if args.json_progress else _event_line(event)
        if line is not None:
            print(line, flush=True)

    async def one_cycle(cancel: asyncio.Event):
        return await crawl(sources, store, cfg.crawler, on_event=on_event, on_new_items=on_new,
                           cancel=cancel, force=args.force or args.source is not None)

    async def main() -> int:
        cancel = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, cancel.set)
            except (NotImplementedError, RuntimeError):
                pass
        while True:
            summary = await one_cycle(cancel)
            if args.every is None or cancel.is_set():
                break
            try:
                await asyncio.wait_for(cancel.wait(), timeout=args.every * 60)
            except TimeoutError:
                continue
        return EXIT_ALL_FAILED if summary.sources and summary.failed == summary.sources else 0

    return asyncio.run(main())


def _event_line(event: dict) -> str | None:
    """The human-readable progress line of a crawl event, None for events not shown."""
    kind = event.get("event")
    if kind == "source_finished":
        if event.get("error") and event.get("failed", True):
            return f"  FAIL {_error_line(event['source'], event['error'])}"
        if event.get("error"):  # the source worked; some entries or articles did not
            return (f"  WARN {event['source']}: {event.get('items_new', 0)} new, "
                    f"{event.get('items_seen', 0)} seen; "
                    f"{_error_line(event['source'], event['error'])}")
        if event.get("not_modified"):
            return f"  ok   {event['source']}: not modified"
        return (f"  ok   {event['source']}: {event.get('items_new', 0)} new, "
                f"{event.get('items_seen', 0)} seen")
    if kind == "crawl_finished":
        return (f"crawl finished: {event.get('sources', 0)} sources, {event.get('failed', 0)} "
                f"failed, {event.get('items_new', 0)} new items in "
                f"{event.get('duration_ms', 0) / 1000:.1f} s")
    return None


# ----------------------------------------------------------------------------- sources


def _health_word(health) -> str:
    if health is None or (health.last_success is None and health.consecutive_failures == 0):
        return "never polled"
    if health.dead:
        return f"DEAD ({health.consecutive_failures} failures)"
    if health.consecutive_failures:
        return f"failing ({health.consecutive_failures})"
    return "ok"


def cmd_sources(ctx: Context, args) -> int:
    action = args.sources_action
    if action == "import-opml":
        from mediamon.opml import import_opml

        report = import_opml(Path(args.file), ctx.sources_file())
        print(report.summary())
        return 0
    cfg = ctx.config()
    if action == "export-opml":
        from mediamon.opml import export_opml

        export_opml(cfg.sources, Path(args.file))
        print(f"exported {len(cfg.sources)} sources to {args.file}")
        return 0
    if action in ("enable", "disable"):
        from mediamon.config import set_enabled

        _only(cfg.sources, args.ids)  # every id known before the first write
        for sid in args.ids:
            set_enabled(ctx.sources_file(), sid, action == "enable")
        print(f"{action}d: {', '.join(args.ids)}")
        return 0
    if action == "check":
        return _sources_check(ctx, cfg, args)
    store = ctx.store()
    store.upsert_sources(cfg.sources)
    if action == "log":
        return _sources_log(store, cfg, args)
    if action == "list":
        return _sources_list(store, cfg, args)
    raise UserError(f"unknown sources action {action!r}; see `mediamon sources --help`")


def _sources_list(store, cfg, args) -> int:
    """`sources list`: every configured source with its health."""
    health = store.all_health()
    rows = []
    for s in cfg.sources:
        h = health.get(s.id)
        rows.append({"id": s.id, "kind": s.kind, "origin": s.origin, "owner": s.owner,
                     "languages": list(s.languages), "enabled": s.enabled,
                     "confidence": s.confidence, "health": _health_word(h),
                     "last_success": getattr(h, "last_success", None),
                     "next_poll": getattr(h, "next_poll", None),
                     "consecutive_failures": getattr(h, "consecutive_failures", 0),
                     "last_error": getattr(h, "last_error", None), "url": s.url})
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            flag = " " if r["enabled"] else "-"
            print(f"{flag} {r['id']:<28} {r['kind']:<8} {r['origin']:<8} {r['confidence']:<10} "
                  f"{r['health']:<22} {r['url']}")
        dead = [r["id"] for r in rows if r["health"].startswith("DEAD")]
        print(f"{len(rows)} sources, {sum(r['enabled'] for r in rows)} enabled, {len(dead)} dead"
              + (f": {', '.join(dead)}" if dead else ""))
    return 0


def _sources_log(store, cfg, args) -> int:
    """`sources log [ID]`: the fetch log, newest first."""
    if args.id and args.id not in {s.id for s in cfg.sources}:
        raise UserError(f"unknown source id: {args.id}; see `mediamon sources list`")
    logs = store.recent_fetches(args.id, limit=args.limit)
    if args.json:
        _print_json([log.__dict__ for log in logs])
        return 0
    for log in logs:
        status = "304" if log.not_modified else (str(log.status) if log.status else "---")
        line = (f"{log.started[:19]}  {log.source_id:<24} {status:>3}  {log.items_new:>3} new "
                f"{log.items_seen:>4} seen  {log.bytes / 1024:>7.1f} KB  {log.duration_ms:>6} ms")
        print(line + (f"  {log.error}" if log.error else ""))
    if not logs:
        print("no fetches yet: run `mediamon crawl`")
    return 0


def _sources_check(ctx: Context, cfg, args) -> int:
    """`sources check [ID …]`: probe sources now and print one verdict per source."""
    from mediamon.crawl import check_sources

    sources = _only(cfg.sources, args.ids)
    history = {}
    if ctx.db_path.exists():  # what the crawler saw before; never create a database here
        history = ctx.store().all_health()
    results = check_sources(sources, cfg.crawler)
    for r in results:
        h = history.get(r["source"])
        r["verdict"] = "DEAD" if r.get("error") else ("WARN" if r.get("notes") else "OK")
        r["crawler"] = _health_word(h) if h is not None else "never polled"
    if args.json:
        _print_json(results)
    else:
        print(f"{ctx.sources_file()}: {len(cfg.sources)} sources, configuration valid")
        for r in results:
            past = f" [crawler: {r['crawler']}]" if r["crawler"] not in ("ok", "never polled") else ""
            if r["verdict"] == "DEAD":
                print(f"  DEAD {_error_line(r['source'], r['error'])}{past}")
                continue
            first = f"; first: «{r['first_title'][:90]}»" if r.get("first_title") else ""
            print(f"  {r['verdict']:<4} {r['source']}: HTTP {r['status']}, "
                  f"{r['items_found']} items{first}{past}")
            for note in r.get("notes") or []:
                print(f"       note: {note}")
    dead = [r["source"] for r in results if r["verdict"] == "DEAD"]
    if not args.json:
        warned = sum(r["verdict"] == "WARN" for r in results)
        print(f"{len(results)} checked: {len(results) - len(dead) - warned} ok, {warned} with "
              f"notes, {len(dead)} dead" + (f": {', '.join(dead)} — fix or disable them "
                                            "(`mediamon sources disable ID`)" if dead else ""))
    if results and len(dead) == len(results):
        return EXIT_ALL_FAILED
    return EXIT_SOME_FAILED if dead else 0


# ----------------------------------------------------------------------------- search, db


def cmd_search(ctx: Context, args) -> int:
    try:
        hits = ctx.store().search(args.query, limit=args.limit)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        _print_json(hits)
        return 0
    for h in hits:
        date = (h.get("published") or "")[:10]
        print(f"[{h['id']}] {date} {h.get('source_id', '')}: {h.get('title', '')}")
        if h.get("snippet"):
            print(f"      {h['snippet']}")
        print(f"      {h.get('url', '')}")
    print(f"{len(hits)} result(s)")
    return 0


LABEL_ORDER = ("language", "primary_topic", "topic", "tone", "agency", "region",
               "about_kazakhstan", "foreign_wire")


def cmd_show(ctx: Context, args) -> int:
    """`show ITEM`: one item with its labels (analyst's first) and why each was given."""
    store = ctx.store()
    item = store.item(args.item_id)
    if item is None:
        raise UserError(f"no item with id {args.item_id}; find ids with `mediamon search`")
    labels = store.effective_labels(args.item_id)
    if args.json:
        _print_json({**item, "effective_labels": labels})
        return 0
    print(f"[{item['id']}] {item.get('title') or '(no title)'}")
    print(f"  {item.get('source_id')} · published {item.get('published') or 'unknown'} · "
          f"fetched {item.get('fetched')}")
    print(f"  {item.get('url')}")
    text = (item.get("text") or "").strip()
    print("\n  " + (text[:600] + ("…" if len(text) > 600 else "")).replace("\n", "\n  ") + "\n")
    for kind in sorted(labels, key=lambda k: LABEL_ORDER.index(k) if k in LABEL_ORDER else 99):
        for label in labels[kind]:
            score = f" ({label['score']:.2f})" if isinstance(label.get("score"), float) else ""
            who = "analyst" if label.get("origin") == "analyst" else "model"
            print(f"  {kind:<17} {label['value']}{score}  [{who}]")
            why = label.get("explanation")
            if why:
                why = why if isinstance(why, list) else [why]
                print(f"  {'':<17}   because: {'; '.join(str(w) for w in why[:6])}")
    return 0


def cmd_db(ctx: Context, args) -> int:
    stats = ctx.store().stats()
    if args.json:
        _print_json(stats)
        return 0
    print(f"database: {ctx.db_path}")
    for key, value in stats.items():
        if isinstance(value, dict | list):
            continue
        print(f"  {key}: {value}")
    if stats["sources"]:
        print("  per source:")
        for sid, s in stats["sources"].items():
            dead = " DEAD" if s["dead"] else ""
            err = f" — {s['last_error']}" if s["last_error"] else ""
            print(f"    {sid}: {s['items']} items, "
                  f"last success {s['last_success'] or 'never'}{dead}{err}")
    if stats["languages"]:
        print("  per language: "
              + ", ".join(f"{k or '?'} {v}" for k, v in stats["languages"].items()))
    return 0


# ----------------------------------------------------------------------------- extract, analyse


def cmd_extract(ctx: Context, args) -> int:
    if not args.batch:
        raise UserError("use `mediamon extract --batch` with JSON lines {\"id\",\"url\",\"html\"} on stdin")
    from mediamon.extract import extract_batch

    extract_batch(sys.stdin, sys.stdout)
    return 0


def cmd_analyze(ctx: Context, args) -> int:
    """Exit 0 when every line was analysed; 2 when some could not be read (each is reported
    in its place, the others are analysed)."""
    from mediamon.analysis import analyze_stream

    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers must be 1 or more, not {args.workers}")
    # bytes in, so a line that is not UTF-8 is reported in place instead of ending the run;
    # UTF-8 out whatever the console's code page
    inp = getattr(sys.stdin, "buffer", sys.stdin)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    _, failed = analyze_stream(inp, sys.stdout, workers=args.workers, err=sys.stderr)
    return EXIT_USAGE if failed else 0


def cmd_reanalyze(ctx: Context, args) -> int:
    from classifiers.pipeline import Analyzer
    from mediamon.analysis import reanalyze

    store = ctx.store()
    analyzer = Analyzer.load()

    def progress(done: int, total: int) -> None:
        if args.json_progress:
            print(json.dumps({"event": "progress", "done": done, "total": total}), flush=True)

    n = reanalyze(store, analyzer, source_id=args.source, on_progress=progress)
    print(f"re-analysed {n} items; analysts' labels kept")
    return 0


def cmd_correct(ctx: Context, args) -> int:
    store = ctx.store()
    if store.item(args.item_id) is None:
        raise UserError(f"no item with id {args.item_id}; find ids with `mediamon search`")
    if args.clear:
        values = None
    elif args.value is None:
        raise UserError("give a VALUE, or --clear to remove the analyst's label")
    else:
        from mediamon.analysis import LabelValueError, check_label_value

        try:
            values = check_label_value(args.kind, args.value)
        except LabelValueError as exc:
            raise UserError(f"correct {args.kind}: {exc}") from None
    store.set_analyst_label(args.item_id, args.kind, values, note=args.note)
    shown = ", ".join(values) if values is not None else "(removed)"
    print(f"item {args.item_id}: analyst {args.kind} = {shown}")
    return 0


def cmd_train(ctx: Context, args) -> int:
    from classifiers.train import train_all

    extra: list[dict] = []
    if not args.no_corrections and ctx.db_path.exists():
        extra = _corrections_as_examples(ctx.store())
    report = train_all(out_dir=Path(args.out) if args.out else None, extra_examples=extra)
    if args.json:
        _print_json(report)
    else:
        from classifiers.train import format_report

        print(f"analyst corrections used: {len(extra)}")
        print(format_report(report))
    return 0


def _corrections_as_examples(store) -> list[dict]:
    """Analysts' topic and tone corrections as training examples."""
    by_item: dict[int, dict] = {}
    for row in store.analyst_labels():
        ex = by_item.setdefault(row["item_id"], {"title": row.get("title") or "", "text": row.get("text") or ""})
        if row["kind"] == "primary_topic":  # the analyst's primary wins over a first topic
            ex["primary_topic"] = row["value"]
            ex.setdefault("topics", []).insert(0, row["value"])
        elif row["kind"] == "topic":
            ex.setdefault("primary_topic", row["value"])
            if row["value"] not in ex.setdefault("topics", []):
                ex["topics"].append(row["value"])
        elif row["kind"] == "tone":
            ex["tone"] = row["value"]
    return [ex for ex in by_item.values() if "primary_topic" in ex or "tone" in ex]


def cmd_eval(ctx: Context, args) -> int:
    from classifiers.evaluate import evaluate, format_report

    report = evaluate(dev_path=Path(args.dev) if args.dev else None, models_dir=args.models,
                      cross_validate=args.cv)
    if args.json:
        _print_json(report)
    else:
        print(format_report(report))
    return 0


# ----------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mediamon", description="Media monitoring for Kazakh press services.")
    p.add_argument("--version", action="version", version=f"mediamon {__version__}")
    p.add_argument("--home", help="one folder for config and data (also env MEDIAMON_HOME)")
    p.add_argument("--sources", help="sources.toml to use instead of the user's copy")
    p.add_argument("--db", help="SQLite database file to use")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("crawl", help="poll sources, store and analyse new items")
    c.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    mode = c.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one cycle, then exit (default)")
    mode.add_argument("--every", type=float, metavar="MINUTES", help="repeat every MINUTES until stopped")
    c.add_argument("--force", action="store_true", help="poll every source now, ignoring schedules")
    c.add_argument("--json-progress", action="store_true", help="one JSON object per line on stdout")
    c.add_argument("--no-analyze", action="store_true", help="store items without labelling them")
    c.set_defaults(func=cmd_crawl)

    s = sub.add_parser("sources", help="list, check, enable, disable, import or export sources")
    ss = s.add_subparsers(dest="sources_action", required=True, metavar="ACTION")
    sl = ss.add_parser("list", help="sources with their health")
    sl.add_argument("--json", action="store_true")
    sg = ss.add_parser("log", help="the fetch log: status, new/seen items, bytes, duration, error")
    sg.add_argument("id", nargs="?", metavar="ID")
    sg.add_argument("--limit", type=int, default=30)
    sg.add_argument("--json", action="store_true")
    sc = ss.add_parser("check", help="validate sources.toml and probe sources now")
    sc.add_argument("ids", nargs="*", metavar="ID")
    sc.add_argument("--json", action="store_true", help="one JSON list of verdicts")
    for name in ("enable", "disable"):
        se = ss.add_parser(name, help=f"{name} sources in sources.toml (comments kept)")
        se.add_argument("ids", nargs="+", metavar="ID")
    si = ss.add_parser("import-opml", help="add the feeds of an OPML file")
    si.add_argument("file")
    sx = ss.add_parser("export-opml", help="write the sources as OPML")
    sx.add_argument("file")
    s.set_defaults(func=cmd_sources)

    q = sub.add_parser("search", help="full-text search over stored items (Kazakh and Russian word forms)")
    q.add_argument("query")
    q.add_argument("--limit", type=int, default=20)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_search)

    w = sub.add_parser("show", help="one item with its labels and their explanations")
    w.add_argument("item_id", type=int)
    w.add_argument("--json", action="store_true")
    w.set_defaults(func=cmd_show)

    e = sub.add_parser("extract", help="article text extraction, JSON lines in and out")
    e.add_argument("--batch", action="store_true", help='read {"id","url","html"} lines on stdin')
    e.set_defaults(func=cmd_extract)

    a = sub.add_parser("analyze", help="label JSON lines {id,title,text,url,published} from stdin")
    a.add_argument("--workers", type=int, default=None, help="processes (default: up to 2)")
    a.set_defaults(func=cmd_analyze)

    r = sub.add_parser("reanalyze", help="re-label stored items after a model update (analyst labels kept)")
    r.add_argument("--source", metavar="ID")
    r.add_argument("--json-progress", action="store_true")
    r.set_defaults(func=cmd_reanalyze)

    k = sub.add_parser("correct", help="store an analyst's label for an item (never overwritten by models)")
    k.add_argument("item_id", type=int)
    k.add_argument("kind", choices=["primary_topic", "topic", "tone", "agency", "region",
                                     "about_kazakhstan", "foreign_wire", "language"])
    k.add_argument("value", nargs="?", help="a topic, agency or region id, a tone … "
                   "(several ids for topic/agency/region: a,b); a wrong one lists the accepted")
    k.add_argument("--clear", action="store_true", help="remove the analyst's label of this kind")
    k.add_argument("--note")
    k.set_defaults(func=cmd_correct)

    t = sub.add_parser("train", help="rebuild the topic and tone models reproducibly")
    t.add_argument("--out", help="write models here instead of the package's models folder")
    t.add_argument("--no-corrections", action="store_true", help="ignore analysts' corrections in the database")
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=cmd_train)

    v = sub.add_parser("eval", help="print per-classifier figures on the development sets")
    v.add_argument("--dev", help="development set (JSON lines) instead of the shipped one")
    v.add_argument("--models", help="evaluate models written by `train --out DIR` instead")
    v.add_argument("--cv", action="store_true", help="also 5-fold cross-validation on the seeds (slow)")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_eval)

    d = sub.add_parser("db", help="database commands")
    ds = d.add_subparsers(dest="db_action", required=True, metavar="ACTION")
    dst = ds.add_parser("stats", help="counts per source and language, health, size")
    dst.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_db)
    return p


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions whose message is meant for the user (no traceback)."""
    from classifiers.model_io import ModelFileError
    from mediamon.config import ConfigError
    from mediamon.opml import OpmlError
    from mediamon.store import StoreError

    # training's errors can only come from an already imported (and costly: sklearn) module
    train = sys.modules.get("classifiers.train")
    training = (train.TrainingDataError,) if train is not None else ()
    return (UserError, ConfigError, OpmlError, StoreError, ModelFileError, *training)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = None
    try:
        ctx = Context(args)
        return args.func(ctx, args) or 0
    except _user_errors() as exc:
        print(f"mediamon: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("mediamon: interrupted; everything stored so far is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - last resort: one line for the user, details in a log
        log = _write_crash_log(ctx)
        print(f"mediamon: unexpected error: {type(exc).__name__}: {exc}. Details: {log}", file=sys.stderr)
        return 1
    finally:
        if ctx is not None:
            ctx.close()


def _write_crash_log(ctx: Context | None) -> Path:
    base = ctx.paths.data_dir if ctx else resolve_paths().data_dir
    try:
        base.mkdir(parents=True, exist_ok=True)
        log = base / "mediamon-error.log"
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {now_iso()} {' '.join(sys.argv)}\n{traceback.format_exc()}\n")
        return log
    except OSError:
        return Path("(log not writable)")


if __name__ == "__main__":
    sys.exit(main())
