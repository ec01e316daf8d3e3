"""The SQLite store: sources, source health, fetch log, items with full-text search, labels.

One file in the user's data directory, opened through sqlite-utils over a sqlite3 connection
in WAL mode with foreign keys on. Every write is one ``BEGIN IMMEDIATE … COMMIT`` transaction,
so a crash (or a kill) mid-crawl loses nothing already committed. The schema is versioned with
``PRAGMA user_version`` and upgraded by numbered migration functions when the file is opened.

Full-text search: ``items_fts`` is an FTS5 table keyed by rowid = item id over the normalised
title and text (:func:`classifiers.normalize.normalize_text`: Kazakh Latin → Cyrillic, Russian
Snowball stems, Kazakh suffix stripping); queries go through
:func:`classifiers.normalize.normalize_query`, so word forms of either language meet.
The FTS row is written in the same transaction as its item.

Analysis labels: the analysis stage stores ``origin='model'`` labels and mentions with
:meth:`Store.save_analysis`, which replaces only model rows; analysts' corrections
(``origin='analyst'``) are kept across re-runs and win over model labels of the same kind.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import sqlite_utils

from classifiers.normalize import (
    NORMALIZER_VERSION,
    normalize_query,
    normalize_spans,
    normalize_text,
    query_terms,
)
from mediamon.models import FetchLog, Item, Source, SourceHealth, now_iso

__all__ = ["Store", "StoreError", "SCHEMA_VERSION", "MIGRATIONS", "migrate"]

BUSY_TIMEOUT_MS = 15_000
SNIPPET_CHARS = 220
LABEL_ORIGINS = ("model", "analyst")


class StoreError(Exception):
    """A database problem a user can act on; the message is one readable line."""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _unjson(text: str | None, default: Any) -> Any:
    if text is None or text == "":
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


# ---------------------------------------------------------------------------------------------
# Migrations: each one a function; migration n brings the schema from version n-1 to n.


def _m1_core(db: sqlite_utils.Database) -> None:
    """Sources, their health, the fetch log, items and their full-text index."""
    db.execute(
        """CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            url TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'feed',
            languages TEXT NOT NULL DEFAULT '[]',
            origin TEXT,
            owner TEXT,
            agency TEXT,
            region TEXT,
            interval INTEGER,
            enabled INTEGER NOT NULL DEFAULT 1,
            reach REAL,
            confidence TEXT,
            config TEXT NOT NULL DEFAULT '{}',
            updated TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE source_health (
            source_id TEXT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
            etag TEXT,
            last_modified TEXT,
            last_success TEXT,
            last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            next_poll TEXT,
            extra TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    db.execute(
        """CREATE TABLE fetches (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            started TEXT NOT NULL,
            duration_ms INTEGER NOT NULL DEFAULT 0,
            status INTEGER,
            items_found INTEGER NOT NULL DEFAULT 0,
            items_new INTEGER NOT NULL DEFAULT 0,
            items_seen INTEGER NOT NULL DEFAULT 0,
            bytes INTEGER NOT NULL DEFAULT 0,
            not_modified INTEGER NOT NULL DEFAULT 0,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_fetches_source_started ON fetches(source_id, started)")
    db.execute(
        """CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            published TEXT,
            fetched TEXT NOT NULL,
            language TEXT,
            author TEXT,
            content_hash TEXT
        )"""
    )
    db.execute("CREATE INDEX idx_items_content_hash ON items(content_hash)")
    db.execute("CREATE INDEX idx_items_published ON items(published)")
    db.execute("CREATE INDEX idx_items_source_published ON items(source_id, published)")
    db.execute("CREATE INDEX idx_items_date ON items(coalesce(published, fetched))")
    db.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5("
        "title, body, tokenize = 'unicode61 remove_diacritics 0')"
    )
    db.execute(
        """CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = old.id;
        END"""
    )
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        "INSERT INTO meta(key, value) VALUES ('normalizer_version', ?)", [NORMALIZER_VERSION]
    )


def _m2_analysis(db: sqlite_utils.Database) -> None:
    """Labels and mentions of the analysis stage; items remember when they were analysed."""
    db.execute("ALTER TABLE items ADD COLUMN analysed TEXT")
    db.execute("CREATE INDEX idx_items_analysed ON items(analysed)")
    db.execute(
        """CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            score REAL,
            origin TEXT NOT NULL CHECK (origin IN ('model', 'analyst')),
            explanation TEXT,
            note TEXT,
            created TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_labels_item_kind ON labels(item_id, kind)")
    db.execute("CREATE INDEX idx_labels_kind_value ON labels(kind, value)")
    db.execute("CREATE INDEX idx_labels_origin_kind ON labels(origin, kind)")
    db.execute(
        """CREATE TABLE mentions (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            start INTEGER,
            "end" INTEGER,
            text TEXT,
            tone,
            origin TEXT NOT NULL DEFAULT 'model' CHECK (origin IN ('model', 'analyst'))
        )"""
    )
    db.execute("CREATE INDEX idx_mentions_item ON mentions(item_id)")
    db.execute("CREATE INDEX idx_mentions_kind_value ON mentions(kind, value)")


def _m3_mention_field(db: sqlite_utils.Database) -> None:
    """Mentions say whether their offsets count in the title or in the text."""
    db.execute("ALTER TABLE mentions ADD COLUMN field TEXT NOT NULL DEFAULT 'text'")


MIGRATIONS: list[tuple[int, Callable[[sqlite_utils.Database], None]]] = [
    (1, _m1_core),
    (2, _m2_analysis),
    (3, _m3_mention_field),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, target: int | None = None) -> int:
    """Apply the migrations newer than the file's schema, each in its own transaction.

    ``target`` stops at that version (tests use it to build old databases). Returns the
    resulting version.
    """
    target = SCHEMA_VERSION if target is None else target
    current = _schema_version(db)
    for number, step in MIGRATIONS:
        if current < number <= target:
            db.execute("BEGIN IMMEDIATE")
            try:
                step(db)
                db.execute(f"PRAGMA user_version = {int(number)}")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            current = number
    return current


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating parent folders) a WAL-mode connection with foreign keys and busy timeout."""
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # autocommit: transactions are explicit BEGIN … COMMIT
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = NORMAL")
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(
            f"Cannot open the database {path}: {exc}; check that the folder is writable "
            "and the file is a mediamon database (or move it away to start a new one)."
        ) from exc
    if str(mode).lower() != "wal":
        conn.close()
        raise StoreError(
            f"The database {path} cannot use write-ahead logging (journal mode {mode}); "
            "keep it on a local disk rather than a network share."
        )
    return sqlite_utils.Database(conn)


# ---------------------------------------------------------------------------------------------


def _label_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Store:
    """mediamon's database. Thread-safe (one lock around one connection); one writer per file
    is expected, other processes may read at the same time (WAL)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self.db = connect(self.path)
        self._lock = threading.RLock()
        try:
            version = _schema_version(self.db)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"The database {self.path} was written by a newer mediamon (schema "
                    f"{version}, this version knows {SCHEMA_VERSION}); update mediamon."
                )
            migrate(self.db)
        except sqlite3.DatabaseError as exc:
            self.db.conn.close()
            raise StoreError(
                f"The file {self.path} is not a usable mediamon database ({exc}); "
                "move it away to start a new one."
            ) from exc
        except BaseException:
            self.db.conn.close()
            raise

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            try:
                self.db.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction; rolled back on any exception."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] | dict = ()) -> list[dict]:
        with self._lock:
            return list(self.db.query(sql, params))

    def _one(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        with self._lock:
            row = self.db.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @property
    def schema_version(self) -> int:
        with self._lock:
            return _schema_version(self.db)

    # -- sources and health ---------------------------------------------------------------

    def upsert_sources(self, sources: Iterable[Source]) -> None:
        """Insert or update sources by id (sources absent from the list are left alone)."""
        now = now_iso()
        rows = []
        for s in sources:
            config = {
                "selectors": asdict(s.selectors) if s.selectors else None,
                "api": asdict(s.api) if s.api else None,
                "note": s.note,
                "max_pages": s.max_pages,
            }
            rows.append(
                (
                    s.id, s.name, s.url, s.kind, _json(list(s.languages)), s.origin, s.owner,
                    s.agency, s.region, s.interval, int(bool(s.enabled)), s.reach,
                    s.confidence, _json(config), now,
                )
            )
        with self._write() as db:
            db.conn.executemany(
                """INSERT INTO sources (id, name, url, kind, languages, origin, owner, agency,
                    region, interval, enabled, reach, confidence, config, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, url = excluded.url,
                    kind = excluded.kind, languages = excluded.languages,
                    origin = excluded.origin, owner = excluded.owner,
                    agency = excluded.agency, region = excluded.region,
                    interval = excluded.interval, enabled = excluded.enabled,
                    reach = excluded.reach, confidence = excluded.confidence,
                    config = excluded.config, updated = excluded.updated""",
                rows,
            )

    def sources(self) -> list[dict]:
        """All stored sources; ``languages`` as a list, ``config`` as a dict, ``enabled`` bool."""
        rows = self._rows("SELECT * FROM sources ORDER BY id")
        for r in rows:
            r["languages"] = _unjson(r["languages"], [])
            r["config"] = _unjson(r["config"], {})
            r["enabled"] = bool(r["enabled"])
        return rows

    @staticmethod
    def _health_from_row(row: dict) -> SourceHealth:
        return SourceHealth(
            source_id=row["source_id"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            last_success=row["last_success"],
            last_error=row["last_error"],
            consecutive_failures=int(row["consecutive_failures"] or 0),
            next_poll=row["next_poll"],
            extra=_unjson(row["extra"], {}),
        )

    def health(self, source_id: str) -> SourceHealth:
        """What is remembered about a source; a fresh SourceHealth for an unknown id."""
        rows = self._rows("SELECT * FROM source_health WHERE source_id = ?", [source_id])
        return self._health_from_row(rows[0]) if rows else SourceHealth(source_id=source_id)

    def all_health(self) -> dict[str, SourceHealth]:
        """The remembered health of every source that has been polled, by source id."""
        return {
            r["source_id"]: self._health_from_row(r)
            for r in self._rows("SELECT * FROM source_health")
        }

    def save_health(self, health: SourceHealth) -> None:
        """Store a source's health; the source must have been stored with upsert_sources."""
        try:
            with self._write() as db:
                db.execute(
                    """INSERT INTO source_health (source_id, etag, last_modified, last_success,
                        last_error, consecutive_failures, next_poll, extra)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(source_id) DO UPDATE SET etag = excluded.etag,
                        last_modified = excluded.last_modified,
                        last_success = excluded.last_success,
                        last_error = excluded.last_error,
                        consecutive_failures = excluded.consecutive_failures,
                        next_poll = excluded.next_poll, extra = excluded.extra""",
                    [
                        health.source_id, health.etag, health.last_modified,
                        health.last_success, health.last_error,
                        int(health.consecutive_failures), health.next_poll,
                        _json(health.extra or {}),
                    ],
                )
        except sqlite3.IntegrityError as exc:
            raise ValueError(
                f"Source {health.source_id!r} is not in the database: store it with "
                "upsert_sources() before saving its health."
            ) from exc

    # -- fetch log ------------------------------------------------------------------------

    def record_fetch(self, log: FetchLog) -> None:
        """Append one poll to the fetch log."""
        with self._write() as db:
            db.execute(
                """INSERT INTO fetches (source_id, started, duration_ms, status, items_found,
                    items_new, items_seen, bytes, not_modified, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    log.source_id, log.started, int(log.duration_ms), log.status,
                    int(log.items_found), int(log.items_new), int(log.items_seen),
                    int(log.bytes), int(bool(log.not_modified)), log.error,
                ],
            )

    def recent_fetches(self, source_id: str | None = None, limit: int = 50) -> list[FetchLog]:
        """The latest fetches, newest first, of one source or of all."""
        where, params = ("WHERE source_id = ?", [source_id]) if source_id else ("", [])
        rows = self._rows(
            f"SELECT * FROM fetches {where} ORDER BY started DESC, id DESC LIMIT ?",
            [*params, int(limit)],
        )
        return [
            FetchLog(
                source_id=r["source_id"], started=r["started"], duration_ms=r["duration_ms"],
                status=r["status"], items_found=r["items_found"], items_new=r["items_new"],
                items_seen=r["items_seen"], bytes=r["bytes"],
                not_modified=bool(r["not_modified"]), error=r["error"],
            )
            for r in rows
        ]

    # -- items ----------------------------------------------------------------------------

    def known_canonical_urls(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` already stored as some item's canonical URL."""
        wanted = list(dict.fromkeys(u for u in urls if u))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r["canonical_url"]
                for r in self._rows(
                    f"SELECT canonical_url FROM items WHERE canonical_url IN ({marks})", chunk
                )
            )
        return found

    def _is_duplicate(self, item: Item) -> bool:
        if item.content_hash:
            sql = "SELECT 1 FROM items WHERE canonical_url = ? OR content_hash = ? LIMIT 1"
            params: list[Any] = [item.canonical_url, item.content_hash]
        else:
            sql = "SELECT 1 FROM items WHERE canonical_url = ? LIMIT 1"
            params = [item.canonical_url]
        return self.db.execute(sql, params).fetchone() is not None

    @staticmethod
    def _index_fields(item: Item | dict) -> tuple[str, str]:
        get = item.get if isinstance(item, dict) else lambda k: getattr(item, k)
        lang = get("language")
        hint = lang if lang in ("kk", "ru") else None
        title = get("title") or ""
        body = get("text") or get("summary") or ""
        if hint is None:
            # Decide the language once over title and text, so both are stemmed alike.
            combined = normalize_text(title + "\n" + body)
            n_title = len(normalize_text(title).split()) if title else 0
            tokens = combined.split()
            return " ".join(tokens[:n_title]), " ".join(tokens[n_title:])
        return normalize_text(title, hint), normalize_text(body, hint)

    def add_items(self, items: Sequence[Item]) -> list[tuple[int, Item]]:
        """Store new items in one transaction with their full-text rows.

        Skips an item whose canonical URL or (non-empty) content hash is already stored or
        appeared earlier in the batch. Returns (new id, item) for each item inserted.
        """
        seen_urls: set[str] = set()
        seen_hashes: set[str] = set()
        batch: list[Item] = []
        for item in items:
            if item.canonical_url in seen_urls or (
                item.content_hash and item.content_hash in seen_hashes
            ):
                continue
            seen_urls.add(item.canonical_url)
            if item.content_hash:
                seen_hashes.add(item.content_hash)
            batch.append(item)
        if not batch:
            return []
        with self._lock:
            candidates = [it for it in batch if not self._is_duplicate(it)]
        # Normalising is the slow part: do it before taking the write lock of the file.
        prepared = [(it, self._index_fields(it)) for it in candidates]
        inserted: list[tuple[int, Item]] = []
        with self._write() as db:
            for it, (fts_title, fts_body) in prepared:
                if self._is_duplicate(it):  # another writer got there first
                    continue
                cur = db.execute(
                    """INSERT INTO items (source_id, url, canonical_url, title, text, summary,
                        published, fetched, language, author, content_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [
                        it.source_id, it.url, it.canonical_url, it.title or "", it.text or "",
                        it.summary or "", it.published, it.fetched, it.language, it.author,
                        it.content_hash,
                    ],
                )
                item_id = int(cur.lastrowid)
                db.execute(
                    "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)",
                    [item_id, fts_title, fts_body],
                )
                inserted.append((item_id, it))
        return inserted

    def item(self, item_id: int) -> dict | None:
        """One item as a dict, with ``labels`` and ``mentions`` lists; None if absent."""
        rows = self._rows("SELECT * FROM items WHERE id = ?", [int(item_id)])
        if not rows:
            return None
        row = rows[0]
        row["labels"] = self._labels(int(item_id))
        row["mentions"] = [
            dict(m)
            for m in self._rows(
                "SELECT id, kind, value, field, start, \"end\", text, tone, origin FROM mentions "
                "WHERE item_id = ? ORDER BY field DESC, start, id",
                [int(item_id)],
            )
        ]
        return row

    def items(
        self,
        *,
        source_id: str | None = None,
        since: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict]:
        """Items newest first (by published date, else fetch time), optionally of one source
        and published (or fetched) at or after ``since`` (ISO 8601)."""
        where, params = [], []
        if source_id:
            where.append("source_id = ?")
            params.append(source_id)
        if since:
            where.append("coalesce(published, fetched) >= ?")
            params.append(since)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self._rows(
            f"SELECT * FROM items {clause} ORDER BY coalesce(published, fetched) DESC, id DESC "
            "LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )

    def items_to_analyse(self, limit: int = 500) -> list[dict]:
        """Items that save_analysis has not seen yet, oldest first."""
        return self._rows(
            "SELECT * FROM items WHERE analysed IS NULL ORDER BY id LIMIT ?", [int(limit)]
        )

    def count_items(self, source_id: str | None = None) -> int:
        """How many items are stored, of one source or of all."""
        if source_id:
            return int(self._one("SELECT count(*) FROM items WHERE source_id = ?", [source_id]))
        return int(self._one("SELECT count(*) FROM items"))

    # -- search ---------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20, *, offset: int = 0) -> list[dict]:
        """Full-text search, best first (bm25; title matches weigh three times the text).

        Each result: id, title, url, published, source_id, language, score, snippet (a piece
        of the original text around the first match) and highlights ((start, end) offsets of
        matching words inside the snippet). A query without words raises ValueError with a
        readable message.
        """
        match = normalize_query(query)
        terms = query_terms(query)
        rows = self._rows(
            """WITH hits AS (
                SELECT rowid AS id, bm25(items_fts, 3.0, 1.0) AS score FROM items_fts
                WHERE items_fts MATCH ? ORDER BY score LIMIT ? OFFSET ?
            )
            SELECT items.id, items.title, items.url, items.published, items.source_id,
                items.language, items.text, items.summary, hits.score
            FROM hits JOIN items ON items.id = hits.id ORDER BY hits.score, items.id""",
            [match, int(limit), int(offset)],
        )
        for r in rows:
            text = r.pop("text") or ""
            summary = r.pop("summary") or ""
            r["snippet"], r["highlights"] = _snippet(text or summary, terms, r["language"])
        return rows

    def reindex(self) -> int:
        """Rebuild the full-text index with the current normaliser; returns items indexed."""
        count = 0
        with self._write() as db:
            db.execute("DELETE FROM items_fts")
            rows = db.execute("SELECT id, title, text, summary, language FROM items")
            cols = [d[0] for d in rows.description]
            for values in rows.fetchall():
                rec = dict(zip(cols, values, strict=True))
                fts_title, fts_body = self._index_fields(rec)
                db.execute(
                    "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)",
                    [rec["id"], fts_title, fts_body],
                )
                count += 1
            db.execute(
                "INSERT INTO meta(key, value) VALUES ('normalizer_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [NORMALIZER_VERSION],
            )
        return count

    def fts_stale(self) -> bool:
        """True when the index was built by another normaliser version: run reindex()."""
        stored = self._one("SELECT value FROM meta WHERE key = 'normalizer_version'")
        return stored != NORMALIZER_VERSION

    # -- statistics -----------------------------------------------------------------------

    def stats(self) -> dict:
        """Figures for the CLI and the app's status page."""
        per_source = self._rows(
            """WITH counts AS (
                SELECT source_id, count(*) AS n, max(fetched) AS last_item FROM items
                GROUP BY source_id
            ), ids AS (SELECT id AS source_id FROM sources UNION SELECT source_id FROM counts)
            SELECT ids.source_id, s.name, s.enabled, coalesce(c.n, 0) AS items, c.last_item,
                h.last_success, coalesce(h.consecutive_failures, 0) AS consecutive_failures,
                h.last_error
            FROM ids LEFT JOIN sources s ON s.id = ids.source_id
            LEFT JOIN counts c ON c.source_id = ids.source_id
            LEFT JOIN source_health h ON h.source_id = ids.source_id
            ORDER BY ids.source_id"""
        )
        sources = {}
        for r in per_source:
            failures = int(r["consecutive_failures"])
            sources[r["source_id"]] = {
                "name": r["name"],
                "enabled": bool(r["enabled"]) if r["enabled"] is not None else None,
                "items": int(r["items"]),
                "last_item": r["last_item"],
                "last_success": r["last_success"],
                "consecutive_failures": failures,
                "dead": SourceHealth(r["source_id"], consecutive_failures=failures).dead,
                "last_error": r["last_error"],
            }
        languages = {
            r["language"]: int(r["n"])
            for r in self._rows(
                "SELECT coalesce(language, 'unknown') AS language, count(*) AS n FROM items "
                "GROUP BY 1 ORDER BY 2 DESC"
            )
        }
        with self._lock:
            page_count = self._one("PRAGMA page_count")
            page_size = self._one("PRAGMA page_size")
        files = [self.path, Path(str(self.path) + "-wal")]
        return {
            "items": self.count_items(),
            "sources": sources,
            "languages": languages,
            "fetches": int(self._one("SELECT count(*) FROM fetches")),
            "labels": int(self._one("SELECT count(*) FROM labels")),
            "analyst_labels": int(
                self._one("SELECT count(*) FROM labels WHERE origin = 'analyst'")
            ),
            "db_size_bytes": int(page_count) * int(page_size),
            "file_size_bytes": sum(os.path.getsize(f) for f in files if f.exists()),
            "schema_version": self.schema_version,
            "fts_stale": self.fts_stale(),
        }

    # -- analysis labels ------------------------------------------------------------------

    def _require_item(self, item_id: int) -> None:
        if self.db.execute("SELECT 1 FROM items WHERE id = ?", [item_id]).fetchone() is None:
            raise ValueError(f"Item {item_id} is not in the database; it may have been deleted.")

    def _labels(self, item_id: int) -> list[dict]:
        rows = self._rows(
            "SELECT id, kind, value, score, origin, explanation, note, created FROM labels "
            "WHERE item_id = ? ORDER BY kind, origin, score DESC, id",
            [item_id],
        )
        for r in rows:
            r["explanation"] = _unjson(r["explanation"], None)
        return rows

    def save_analysis(
        self,
        item_id: int,
        labels: list[dict],
        mentions: list[dict],
        language: str | None = None,
    ) -> None:
        """Replace the item's model labels and mentions in one transaction.

        Each label: kind, value, optional score and explanation (any JSON-able value); each
        mention: kind, value, start, end, text, optional tone and field ('title' or 'text', which
        the offsets count in; default 'text'). Labels without a value are skipped. Rows with
        origin 'analyst' are never touched. ``language`` also updates the item's language.
        """
        item_id = int(item_id)
        now = now_iso()
        label_rows = []
        for lab in labels:
            if not lab.get("kind"):
                raise ValueError(f"A label of item {item_id} has no kind: {lab!r}")
            if lab.get("value") is None:
                continue  # no value: nothing to label
            label_rows.append(
                (
                    item_id, str(lab["kind"]), _label_value(lab["value"]),
                    None if lab.get("score") is None else float(lab["score"]),
                    None if lab.get("explanation") is None else _json(lab["explanation"]),
                    now,
                )
            )
        mention_rows = []
        for m in mentions:
            if not m.get("kind") or m.get("value") is None:
                raise ValueError(f"A mention in item {item_id} lacks a kind or value: {m!r}")
            mention_rows.append(
                (
                    item_id, str(m["kind"]), _label_value(m["value"]), m.get("start"),
                    m.get("end"), m.get("text"), m.get("tone"), m.get("field") or "text",
                )
            )
        with self._write() as db:
            self._require_item(item_id)
            db.execute("DELETE FROM labels WHERE item_id = ? AND origin = 'model'", [item_id])
            db.execute("DELETE FROM mentions WHERE item_id = ? AND origin = 'model'", [item_id])
            db.conn.executemany(
                "INSERT INTO labels (item_id, kind, value, score, origin, explanation, "
                "created) VALUES (?, ?, ?, ?, 'model', ?, ?)",
                label_rows,
            )
            db.conn.executemany(
                'INSERT INTO mentions (item_id, kind, value, start, "end", text, tone, field, '
                "origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'model')",
                mention_rows,
            )
            if language:
                db.execute(
                    "UPDATE items SET language = ?, analysed = ? WHERE id = ?",
                    [language, now, item_id],
                )
            else:
                db.execute("UPDATE items SET analysed = ? WHERE id = ?", [now, item_id])

    def set_analyst_label(
        self,
        item_id: int,
        kind: str,
        value: str | Sequence[str] | None,
        *,
        note: str | None = None,
    ) -> None:
        """Store an analyst's correction of one kind of label, replacing an earlier one.

        ``value`` None removes the correction (the model's label applies again); a list of
        values stores several (for multi-label kinds such as 'topic').
        """
        item_id = int(item_id)
        if not kind:
            raise ValueError("An analyst label needs a kind such as 'topic' or 'tone'.")
        if value is None:
            values: list[str] = []
        elif isinstance(value, str | bool | int | float):
            values = [_label_value(value)]
        else:
            values = [_label_value(v) for v in value]
        now = now_iso()
        with self._write() as db:
            self._require_item(item_id)
            db.execute(
                "DELETE FROM labels WHERE item_id = ? AND kind = ? AND origin = 'analyst'",
                [item_id, kind],
            )
            db.conn.executemany(
                "INSERT INTO labels (item_id, kind, value, score, origin, note, created) "
                "VALUES (?, ?, ?, 1.0, 'analyst', ?, ?)",
                [(item_id, kind, v, note, now) for v in dict.fromkeys(values)],
            )

    def analyst_labels(self, kind: str | None = None) -> list[dict]:
        """Analysts' corrections with their items' title and text: training data."""
        where, params = ("AND l.kind = ?", [kind]) if kind else ("", [])
        return self._rows(
            f"""SELECT l.item_id, l.kind, l.value, l.note, l.created, i.title, i.text,
                i.language, i.source_id
            FROM labels l JOIN items i ON i.id = l.item_id
            WHERE l.origin = 'analyst' {where} ORDER BY l.item_id, l.kind, l.id""",
            params,
        )

    def effective_labels(self, item_id: int) -> dict[str, list[dict]]:
        """Per kind, the labels that apply: the analyst's if any, else the model's.

        ``{kind: [{value, score, origin, explanation, note}, …]}``, best score first; a
        single-valued kind (tone, language) has one entry.
        """
        by_kind: dict[str, dict[str, list[dict]]] = {}
        for lab in self._labels(int(item_id)):
            by_kind.setdefault(lab["kind"], {}).setdefault(lab["origin"], []).append(
                {k: lab[k] for k in ("value", "score", "origin", "explanation", "note")}
            )
        result: dict[str, list[dict]] = {}
        for kind, origins in by_kind.items():
            chosen = origins.get("analyst") or origins.get("model") or []
            result[kind] = sorted(chosen, key=lambda d: -(d["score"] or 0.0))
        return result


def _snippet(
    text: str, terms: list[tuple[frozenset[str], bool]], language: str | None
) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``text`` around the first word matching a query term, with the offsets of
    matching words inside it."""
    if not text:
        return "", []
    text = unicodedata.normalize("NFC", text)

    def matches(stem: str) -> bool:
        for forms, prefix in terms:
            if stem in forms or (prefix and any(stem.startswith(f) for f in forms)):
                return True
        return False

    hint = language if language in ("kk", "ru") else None
    spans = []
    first = None
    for start, end, stem in normalize_spans(text, hint):
        if matches(stem):
            spans.append((start, end))
            if first is None:
                first = start
        if first is not None and start > first + SNIPPET_CHARS:
            break
    lo = 0 if first is None else max(0, first - SNIPPET_CHARS // 4)
    if lo:
        space = text.rfind(" ", 0, lo)
        lo = space + 1 if space >= 0 and lo - space < 30 else lo
    hi = min(len(text), lo + SNIPPET_CHARS)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo + SNIPPET_CHARS // 2 else hi
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    body = " ".join(text[lo:hi].split("\n"))
    shift = len(prefix) - lo
    highlights = [(s + shift, e + shift) for s, e in spans if s >= lo and e <= hi]
    return prefix + body + suffix, highlights
