"""The `mediamon` command end to end against the local fixture site (no internet).

crawl → search → db stats → sources list/check → correct → reanalyze, with a dead source and
a malformed sources.toml, as an analyst or a cron job would use it.
"""

from __future__ import annotations

import json

import pytest

from mediamon import cli

SOURCES = """\
# test sources for the fixture site
[crawler]
per_host_delay = 0.0
connect_timeout = 2.0
read_timeout = 1.0
concurrency = 8
per_host = 4

[[source]]
id = "dala-ru"
name = "Дала"
url = "{base}/feeds/ru-rss.xml"
kind = "feed"
languages = ["ru"]
origin = "domestic"
owner = "private"
interval = 30

[[source]]
id = "dala-kk"
name = "Дала (қаз)"
url = "{base}/feeds/kk-atom.xml"
kind = "feed"
languages = ["kk"]
origin = "domestic"
owner = "private"
interval = 30

[[source]]
id = "edu-gov"
name = "Минпросвещения"
url = "{base}/listing/news.html"
kind = "listing"
languages = ["ru", "kk"]
origin = "domestic"
owner = "state"
agency = "minpros"
max_pages = 3
[source.selectors]
item = ".news-item"
link = "a.news-title"
date = ".news-date"
next = "a.next"

[[source]]
id = "gone"
name = "Закрытый сайт"
url = "{base}/fault/404"
kind = "feed"
languages = ["ru"]
origin = "domestic"
owner = "private"
"""


@pytest.fixture
def home(tmp_path, site):
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES.replace("{base}", site.base), encoding="utf-8")
    return tmp_path, sources


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_crawl_search_stats_and_dead_source(home, capsys, site):
    root, sources = home
    base = ["--home", str(root), "--sources", str(sources)]

    code, out, _ = run(capsys, *base, "crawl", "--once", "--json-progress")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert events[0]["event"] == "crawl_started" and events[-1]["event"] == "crawl_finished"
    finished = {e["source"]: e for e in events if e["event"] == "source_finished"}
    assert finished["dala-ru"]["items_new"] >= 2 and finished["dala-ru"]["error"] is None
    assert finished["edu-gov"]["items_new"] >= 3
    assert "404" in finished["gone"]["error"] and "gone" in finished["gone"]["error"]
    first_total = events[-1]["items_new"]

    # every stored item is analysed on ingest, with explanations
    from mediamon.store import Store

    with Store(root / "mediamon.db") as store:
        items = store.items(limit=100)
        assert len(items) == first_total
        for it in items:
            labels = store.effective_labels(it["id"])
            assert {"language", "primary_topic", "tone"} <= set(labels)

    # a forced second crawl stores nothing new and is answered with 304s
    site.clear()
    code, out, _ = run(capsys, *base, "crawl", "--force", "--json-progress")
    events = [json.loads(line) for line in out.splitlines()]
    assert events[-1]["items_new"] == 0
    assert any(h.status == 304 for h in site.hits)

    code, out, _ = run(capsys, *base, "search", "поликлиника", "--json")
    assert code == 0
    code, out, _ = run(capsys, *base, "db", "stats", "--json")
    stats = json.loads(out)
    assert code == 0 and json.dumps(stats, ensure_ascii=False).count("gone") >= 1

    # after three failed polls the dead source is obvious in `sources list`
    for _ in range(2):
        run(capsys, *base, "crawl", "--force", "--source", "gone")
    code, out, _ = run(capsys, *base, "sources", "list")
    line = next(row for row in out.splitlines() if " gone " in row)
    assert "DEAD" in line
    assert "1 dead: gone" in out

    # the fetch log shows each poll: 304s for unchanged feeds, the 404 with its error
    code, out, _ = run(capsys, *base, "sources", "log", "--limit", "100")
    assert code == 0
    assert any(" dala-ru " in row and " 304 " in row for row in out.splitlines())
    gone_rows = [row for row in out.splitlines() if " gone " in row]
    assert len(gone_rows) == 4 and all("404" in row for row in gone_rows)
    code, out, _ = run(capsys, *base, "sources", "log", "gone", "--json")
    logs = json.loads(out)
    assert code == 0 and {entry["source_id"] for entry in logs} == {"gone"}
    assert all(entry["error"] for entry in logs)


def test_search_finds_word_forms(home, capsys):
    root, sources = home
    base = ["--home", str(root), "--sources", str(sources)]
    assert run(capsys, *base, "crawl", "--once", "--no-analyze")[0] == 0
    from mediamon.store import Store

    with Store(root / "mediamon.db") as store:
        item = store.items(limit=1)[0]
    word = max(item["title"].split(), key=len).strip("«»,.:!?")
    code, out, _ = run(capsys, *base, "search", word, "--json")
    hits = json.loads(out)
    assert code == 0 and item["id"] in [h["id"] for h in hits]


def test_analyst_correction_survives_reanalyze(home, capsys):
    root, sources = home
    base = ["--home", str(root), "--sources", str(sources)]
    assert run(capsys, *base, "crawl", "--once")[0] == 0
    from mediamon.store import Store

    with Store(root / "mediamon.db") as store:
        item_id = store.items(limit=1)[0]["id"]
    code, out, _ = run(capsys, *base, "correct", str(item_id), "primary_topic", "culture")
    assert code == 0 and "culture" in out
    assert run(capsys, *base, "reanalyze")[0] == 0
    with Store(root / "mediamon.db") as store:
        labels = store.effective_labels(item_id)
        primary = labels["primary_topic"]
        primary = primary[0] if isinstance(primary, list) else primary
        assert primary["value"] == "culture" and primary["origin"] == "analyst"
        assert [r["item_id"] for r in store.analyst_labels("primary_topic")] == [item_id]

    code, out, _ = run(capsys, *base, "show", str(item_id))
    assert code == 0
    assert any(line.split()[:2] == ["primary_topic", "culture"] and "[analyst]" in line
               for line in out.splitlines())
    assert "because:" in out and "tone" in out
    code, _, err = run(capsys, *base, "show", "999999")
    assert code == 2 and "999999" in err


def test_malformed_sources_file_is_one_line_with_the_line_number(tmp_path, capsys):
    bad = tmp_path / "sources.toml"
    bad.write_text('[[source]]\nid = "x"\nname = "X"\nurl = "ftp://example.kz/feed"\nkind = "rss"\n',
                   encoding="utf-8")
    code, out, err = run(capsys, "--home", str(tmp_path), "--sources", str(bad), "crawl", "--once")
    assert code == 2
    assert err.startswith("mediamon: error:") and "line" in err and "kind" in err
    assert "Traceback" not in err


def test_unknown_source_id_and_missing_sources_file(home, tmp_path, capsys):
    root, sources = home
    code, _, err = run(capsys, "--home", str(root), "--sources", str(sources), "crawl", "--source", "nope")
    assert code == 2 and "nope" in err and "sources list" in err
    code, _, err = run(capsys, "--home", str(root), "--sources", str(tmp_path / "missing.toml"), "sources", "list")
    assert code == 2 and "missing.toml" in err


def test_extract_batch_contract(capsys, monkeypatch, make_article_page):
    import io

    page = make_article_page("ru-1")
    lines = json.dumps({"id": "a", "url": "http://x.kz/a", "html": page}, ensure_ascii=False) + "\n"
    lines += "not json\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    code = cli.main(["extract", "--batch"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert out[0]["id"] == "a" and {"title", "text", "published"} <= set(out[0])
    assert "рассчитанный на восемьсот посетителей" in out[0]["text"]
    assert "error" in out[1]


def test_analyst_corrections_become_training_examples(tmp_path):
    from mediamon.models import Item, Source
    from mediamon.store import Store

    with Store(tmp_path / "m.db") as store:
        store.upsert_sources([Source("s", "S", "http://127.0.0.1/feed")])
        item = Item(source_id="s", url="http://127.0.0.1/a", canonical_url="http://127.0.0.1/a",
                    title="Театр гастрольдері", text="Абай атындағы театр Семейде гастрольде.",
                    published=None, fetched="2026-11-20T10:00:00+00:00", content_hash="h1")
        [(item_id, _)] = store.add_items([item])
        store.set_analyst_label(item_id, "primary_topic", "culture")
        store.set_analyst_label(item_id, "tone", "positive")
        examples = cli._corrections_as_examples(store)
    assert examples == [{"title": "Театр гастрольдері", "text": "Абай атындағы театр Семейде гастрольде.",
                         "primary_topic": "culture", "topics": ["culture"], "tone": "positive"}]
