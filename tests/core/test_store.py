"""The SQLite store: items and dedupe, full-text search, health, labels, migrations, crashes."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mediamon.models import FetchLog, Item, Selectors, Source, SourceHealth
from mediamon.store import SCHEMA_VERSION, Store, StoreError, connect, migrate

ROOT = Path(__file__).resolve().parents[2]


def make_item(n: int, *, title: str = "", text: str = "", source: str = "kz",
              url: str | None = None, content_hash: str | None = None,
              published: str | None = None, language: str | None = None) -> Item:
    url = url or f"https://example.kz/news/{n}"
    return Item(
        source_id=source, url=url, canonical_url=url, title=title or f"Жаңалық {n}",
        text=text or f"Мәтін нөмірі {n}", published=published,
        fetched="2024-05-01T10:00:00+00:00", content_hash=content_hash or f"hash-{n}",
        language=language,
    )


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "data" / "mediamon.db") as s:
        s.upsert_sources([
            Source(id="kz", name="Kazinform", url="https://example.kz/rss", languages=("kk", "ru")),
            Source(id="gov", name="Gov", url="https://gov.example.kz", kind="listing",
                   selectors=Selectors(item="li.news")),
        ])
        yield s


def test_opens_in_wal_mode_with_foreign_keys_in_a_new_folder(tmp_path):
    path = tmp_path / "a" / "b" / "m.db"
    with Store(path) as s:
        assert path.exists()
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        assert s.schema_version == SCHEMA_VERSION


def test_sources_round_trip_and_upsert_keeps_health(store):
    store.save_health(SourceHealth("gov", etag='"abc"', consecutive_failures=1, extra={"k": 1}))
    store.upsert_sources([Source(id="gov", name="Gov renamed", url="https://gov.example.kz",
                                 kind="listing", enabled=False)])
    by_id = {s["id"]: s for s in store.sources()}
    assert by_id["gov"]["name"] == "Gov renamed"
    assert by_id["gov"]["enabled"] is False
    assert by_id["kz"]["languages"] == ["kk", "ru"]
    # an upsert must not delete and re-insert the row (that would cascade to its health)
    assert store.health("gov").etag == '"abc"'
    assert store.health("gov").extra == {"k": 1}


def test_health_defaults_and_updates(store):
    assert store.health("unknown") == SourceHealth("unknown")
    store.save_health(SourceHealth("kz", last_error="timeout", consecutive_failures=3))
    store.save_health(SourceHealth("kz", last_error="503", consecutive_failures=4))
    health = store.all_health()
    assert set(health) == {"kz"}
    assert health["kz"].last_error == "503" and health["kz"].dead


def test_health_of_an_unstored_source_is_a_readable_error(store):
    with pytest.raises(ValueError, match="upsert_sources"):
        store.save_health(SourceHealth("nope"))


def test_add_items_dedupes_by_canonical_url_and_content_hash(store):
    first = store.add_items([make_item(1), make_item(2)])
    assert [i for i, _ in first] == [1, 2]
    again = store.add_items([
        make_item(1),                                        # same canonical URL
        make_item(3, content_hash="hash-2"),                 # same content as item 2
        make_item(4), make_item(4),                          # duplicate within the batch
        make_item(5, content_hash="hash-4"),                 # same hash within the batch
        make_item(6, url="https://example.kz/news/4"),       # same URL within the batch
    ])
    assert [item.canonical_url for _, item in again] == ["https://example.kz/news/4"]
    assert store.count_items() == 3
    assert store.known_canonical_urls(
        ["https://example.kz/news/1", "https://example.kz/news/9"]
    ) == {"https://example.kz/news/1"}


def test_items_listing_filters_and_orders(store):
    store.add_items([
        make_item(1, published="2024-05-01T08:00:00+00:00"),
        make_item(2, published="2024-05-03T08:00:00+00:00", source="gov"),
        make_item(3, published="2024-05-02T08:00:00+00:00"),
    ])
    assert [r["id"] for r in store.items()] == [2, 3, 1]
    assert [r["id"] for r in store.items(source_id="kz")] == [3, 1]
    assert [r["id"] for r in store.items(since="2024-05-02")] == [2, 3]
    assert [r["id"] for r in store.items(limit=1, offset=1)] == [3]


def test_search_finds_kazakh_and_russian_word_forms(store):
    store.add_items([
        make_item(1, title="Жаңа мектеп", text="Алматы қаласында жаңа мектеп ашылды."),
        make_item(2, title="Әкім", text="Облыс орталығы қаланың мәселелерін талқылады."),
        make_item(3, title="Школа", text="В городе открыли новую школу."),
        make_item(4, title="Жители", text="Жители города довольны."),
        make_item(5, title="Latyn", text="Qalada jaña saiabaq aşyldy."),
        make_item(6, title="Басқа", text="Ауылда жол жөнделді."),
    ])
    ids = lambda q: {r["id"] for r in store.search(q)}  # noqa: E731
    assert ids("қала") == {1, 2, 5}
    assert ids("қалада") == {1, 2, 5}
    assert ids("qala") == {1, 2, 5}
    assert ids("городе") == {3, 4}
    assert ids("города") == {3, 4}
    assert ids("мектеп OR школа") == {1, 3}
    assert ids('"жаңа мектеп"') == {1}


def test_search_results_have_snippet_and_ranking(store):
    store.add_items([
        make_item(1, title="Погода", text=("Очень длинный текст без нужного слова. " * 20) + "В городе тепло."),
        make_item(2, title="Город готовится к празднику",
                  text=("Очень длинный текст без нужного слова. " * 20) + "Город украсили."),
    ] + [make_item(n, text="Ауылда жол жөнделді.") for n in range(3, 9)])
    results = store.search("город")
    assert [r["id"] for r in results] == [2, 1]  # a title match weighs more
    hit = results[0]
    assert set(hit) >= {"id", "title", "url", "published", "source_id", "snippet"}
    assert "Город" in hit["snippet"] and hit["snippet"].startswith("…")
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "Город"
    with pytest.raises(ValueError):
        store.search("   ")


@pytest.mark.parametrize("query", ['"', "NOT", "a OR", "(x", "NEAR(a b)", "x:y", "*"])
def test_search_never_raises_fts_syntax_errors(store, query):
    store.add_items([make_item(1, text="a x y")])
    try:
        store.search(query)
    except ValueError:
        pass


def test_fetch_log(store):
    store.record_fetch(FetchLog("kz", "2024-05-01T10:00:00+00:00", 120, 200, items_found=5,
                                items_new=2))
    store.record_fetch(FetchLog("gov", "2024-05-01T11:00:00+00:00", 80, None,
                                error="gov: connection refused; check the URL"))
    store.record_fetch(FetchLog("kz", "2024-05-01T12:00:00+00:00", 30, 304, not_modified=True))
    recent = store.recent_fetches()
    assert [f.started[11:13] for f in recent] == ["12", "11", "10"]
    assert store.recent_fetches("kz", limit=1) == [
        FetchLog("kz", "2024-05-01T12:00:00+00:00", 30, 304, not_modified=True)
    ]


def test_stats(store):
    store.add_items([make_item(1, language="kk"), make_item(2, language="ru"),
                     make_item(3, language="kk", source="gov")])
    store.save_health(SourceHealth("gov", last_error="404", consecutive_failures=3))
    store.save_health(SourceHealth("kz", last_success="2024-05-01T10:00:00+00:00"))
    store.record_fetch(FetchLog("kz", "2024-05-01T10:00:00+00:00", 1, 200))
    stats = store.stats()
    assert stats["items"] == 3
    assert stats["languages"] == {"kk": 2, "ru": 1}
    assert stats["fetches"] == 1
    assert stats["sources"]["kz"]["items"] == 2
    assert stats["sources"]["kz"]["last_success"] == "2024-05-01T10:00:00+00:00"
    assert stats["sources"]["kz"]["dead"] is False
    assert stats["sources"]["gov"]["dead"] is True
    assert stats["sources"]["gov"]["last_error"] == "404"
    assert stats["db_size_bytes"] > 0
    assert stats["schema_version"] == SCHEMA_VERSION


def test_analyst_labels_survive_save_analysis(store):
    [(item_id, _)] = store.add_items([make_item(1, title="Title", text="Body")])
    store.save_analysis(item_id, [
        {"kind": "tone", "value": "positive", "score": 0.7, "explanation": {"terms": ["жаңа"]}},
        {"kind": "topic", "value": "education", "score": 0.9},
        {"kind": "topic", "value": "health", "score": 0.4},
        {"kind": "about_kazakhstan", "value": True, "score": 0.99},
    ], [{"kind": "region", "value": "almaty", "start": 0, "end": 6, "text": "Алматы"}],
        language="kk")
    store.set_analyst_label(item_id, "tone", "negative", note="sarcasm")
    store.save_analysis(item_id, [{"kind": "tone", "value": "neutral", "score": 0.5}], [])

    item = store.item(item_id)
    assert item["language"] == "kk" and item["analysed"]
    assert item["mentions"] == []
    origins = sorted((lab["origin"], lab["value"]) for lab in item["labels"])
    assert origins == [("analyst", "negative"), ("model", "neutral")]

    effective = store.effective_labels(item_id)
    assert [e["value"] for e in effective["tone"]] == ["negative"]
    assert effective["tone"][0]["note"] == "sarcasm"

    training = store.analyst_labels("tone")
    assert [(t["item_id"], t["value"], t["title"], t["text"]) for t in training] == [
        (item_id, "negative", "Title", "Body")
    ]
    # removing the correction brings the model's label back
    store.set_analyst_label(item_id, "tone", None)
    assert [e["value"] for e in store.effective_labels(item_id)["tone"]] == ["neutral"]
    assert store.analyst_labels() == []


def test_model_labels_are_replaced_and_ranked(store):
    [(item_id, _)] = store.add_items([make_item(1)])
    store.save_analysis(item_id, [{"kind": "topic", "value": "a", "score": 0.2},
                                  {"kind": "topic", "value": "b", "score": 0.8}],
                        [{"kind": "agency", "value": "minedu", "start": 3, "end": 9,
                          "text": "министр", "tone": -0.5, "field": "title"}])
    assert [e["value"] for e in store.effective_labels(item_id)["topic"]] == ["b", "a"]
    assert store.item(item_id)["mentions"][0]["tone"] == -0.5
    assert store.item(item_id)["mentions"][0]["field"] == "title"
    store.set_analyst_label(item_id, "topic", ["c", "d"])
    assert {e["value"] for e in store.effective_labels(item_id)["topic"]} == {"c", "d"}
    assert store.items_to_analyse() == []


def test_labels_need_an_existing_item_and_go_with_it(store):
    with pytest.raises(ValueError, match="not in the database"):
        store.set_analyst_label(999, "tone", "negative")
    [(item_id, _)] = store.add_items([make_item(1)])
    store.set_analyst_label(item_id, "tone", "negative")
    store.db.execute("DELETE FROM items WHERE id = ?", [item_id])
    assert store.db.execute("SELECT count(*) FROM labels").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM items_fts").fetchone()[0] == 0


def test_a_failed_write_rolls_back_the_whole_batch(store, monkeypatch):
    calls = {"n": 0}
    real = Store._index_fields

    def failing(item):
        calls["n"] += 1
        return ("x", "x") if calls["n"] < 2 else (None, object())  # not bindable → error

    monkeypatch.setattr(Store, "_index_fields", staticmethod(failing))
    with pytest.raises(sqlite3.Error):
        store.add_items([make_item(1), make_item(2)])
    monkeypatch.setattr(Store, "_index_fields", staticmethod(real))
    assert store.count_items() == 0
    assert len(store.add_items([make_item(1), make_item(2)])) == 2


def test_reindex_rebuilds_the_search_index(store):
    store.add_items([make_item(1, text="Қалада жаңа мектеп")])
    store.db.execute("DELETE FROM items_fts")
    store.db.execute("UPDATE meta SET value = 'old' WHERE key = 'normalizer_version'")
    assert store.fts_stale() and store.search("қала") == []
    assert store.reindex() == 1
    assert not store.fts_stale()
    assert [r["id"] for r in store.search("қала")] == [1]


def test_migrating_a_version_1_database_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    db = connect(path)
    assert migrate(db, target=1) == 1
    db.execute("INSERT INTO sources (id, name, url) VALUES ('kz', 'Old source', 'https://x.kz')")
    db.execute(
        "INSERT INTO items (id, source_id, url, canonical_url, title, text, fetched, "
        "content_hash) VALUES (7, 'kz', 'https://x.kz/1', 'https://x.kz/1', 'Ескі', "
        "'Қалада ескі жаңалық', '2023-01-01T00:00:00+00:00', 'h7')"
    )
    db.execute("INSERT INTO items_fts (rowid, title, body) VALUES (7, 'ескі', 'қала ескі жаңалық')")
    assert "labels" not in db.table_names()
    db.conn.close()

    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.item(7)["title"] == "Ескі"
        assert s.item(7)["analysed"] is None
        assert [r["id"] for r in s.search("қаланың")] == [7]
        assert s.sources()[0]["name"] == "Old source"
        s.set_analyst_label(7, "tone", "neutral")
        assert s.effective_labels(7)["tone"][0]["origin"] == "analyst"


def test_every_migration_step_keeps_labels_and_mentions(tmp_path):
    path = tmp_path / "v2.db"
    db = connect(path)
    migrate(db, target=2)
    db.execute("INSERT INTO items (id, source_id, url, canonical_url, fetched) "
               "VALUES (1, 'kz', 'u', 'u', '2023-01-01')")
    db.execute("INSERT INTO labels (item_id, kind, value, origin, created) "
               "VALUES (1, 'tone', 'negative', 'analyst', '2023-01-02')")
    db.execute('INSERT INTO mentions (item_id, kind, value, start, "end", text) '
               "VALUES (1, 'region', 'almaty', 0, 6, 'Алматы')")
    db.conn.close()
    with Store(path) as s:
        item = s.item(1)
        assert [(m["value"], m["field"]) for m in item["mentions"]] == [("almaty", "text")]
        assert s.effective_labels(1)["tone"][0]["value"] == "negative"


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer mediamon"):
        Store(path)


def test_a_file_that_is_not_a_database_is_a_readable_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite " * 100)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


WRITER = textwrap.dedent(
    """
    import sys
    from mediamon.models import Item, Source
    from mediamon.store import Store

    store = Store(sys.argv[1])
    store.upsert_sources([Source(id="kz", name="KZ", url="https://example.kz/rss")])
    batch = 0
    while True:
        items = [
            Item("kz", f"https://example.kz/{batch}/{n}", f"https://example.kz/{batch}/{n}",
                 f"Тақырып {batch} {n}", "Қалада жаңа мектеп ашылды. " * 40, None,
                 "2024-05-01T10:00:00+00:00", f"h-{batch}-{n}")
            for n in range(25)
        ]
        store.add_items(items)
        print(f"committed {batch}", flush=True)
        batch += 1
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_killing_a_writer_loses_nothing_committed(tmp_path):
    path = tmp_path / "crash.db"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )
    committed = -1
    try:
        for line in proc.stdout:
            committed = int(line.split()[1])
            if committed >= 5:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stderr = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert committed >= 5, stderr
    assert proc.returncode == -signal.SIGKILL

    with Store(path) as s:
        assert s.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        s.db.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
        urls = {f"https://example.kz/{b}/{n}" for b in range(committed + 1) for n in range(25)}
        assert s.known_canonical_urls(urls) == urls
        total = s.count_items()
        assert total % 25 == 0 and total >= 25 * (committed + 1)  # no half batch
        assert s.db.execute("SELECT count(*) FROM items_fts").fetchone()[0] == total
        assert len(s.search("қала", limit=1000)) == total
