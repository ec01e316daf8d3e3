"""The `mediamon` command's source and database management against the local fixture site.

`sources check` verdicts, dead sources in `db stats`, OPML import/export, ``MEDIAMON_HOME``
and ``--db``, and two child-process runs of `mediamon crawl`: ``--every`` repeating until
SIGTERM, and a SIGKILL mid-crawl that must lose nothing already reported as finished.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mediamon import cli
from mediamon.store import Store

ROOT = Path(__file__).resolve().parents[2]

SOURCES = """\
[crawler]
per_host_delay = 0.0
connect_timeout = 2.0
read_timeout = {read_timeout}
concurrency = 8
per_host = 4

[[source]]
id = "dala-ru"
name = "Дала"
url = "{base}/feeds/ru-rss.xml"
kind = "feed"
languages = ["ru"]
interval = 30

[[source]]
id = "gone"
name = "Закрытый сайт"
url = "{base}/fault/404"
kind = "feed"
languages = ["ru"]
"""

NOLINK = """
[[source]]
id = "nolink"
name = "Лента с ошибкой"
url = "{base}/feeds/no-link.xml"
kind = "feed"
languages = ["ru"]
"""

HANGS = """
[[source]]
id = "hangs"
name = "Зависший сайт"
url = "{base}/fault/timeout"
kind = "feed"
languages = ["ru"]
"""


def write_sources(path: Path, base: str, *extra: str, read_timeout: float = 1.0) -> Path:
    text = SOURCES + "".join(extra)
    path.write_text(text.replace("{base}", base).replace("{read_timeout}", str(read_timeout)),
                    encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# -- sources check ----------------------------------------------------------------------------


def test_sources_check_gives_one_verdict_per_source(tmp_path, site, capsys) -> None:
    sources = write_sources(tmp_path / "sources.toml", site.base, NOLINK)
    base = ["--home", str(tmp_path), "--sources", str(sources)]

    code, out, err = run(capsys, *base, "sources", "check")
    assert code == cli.EXIT_SOME_FAILED and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{sources}: 3 sources, configuration valid"
    assert ("  OK   dala-ru: HTTP 200, 3 items; first: «В Караганде открыли новый центр "
            "обслуживания населения»") in lines
    dead = next(line for line in lines if " gone " in line)
    assert dead == (f"  DEAD gone ({site.base}/fault/404): HTTP 404 Not Found; the page is "
                    "gone, check the URL in sources.toml")
    warn = lines.index("  WARN nolink: HTTP 200, 1 items; first: «Министерство "
                       "здравоохранения обновило правила вакцинации детей»")
    assert lines[warn + 1].startswith("       note: feed entries without a link: 1 skipped")
    assert lines[-1] == ("3 checked: 1 ok, 1 with notes, 1 dead: gone — fix or disable them "
                         "(`mediamon sources disable ID`)")
    assert not (tmp_path / "mediamon.db").exists()  # probing stores nothing

    assert run(capsys, *base, "sources", "check", "dala-ru")[0] == 0
    code, out, _ = run(capsys, *base, "sources", "check", "gone", "--json")
    [row] = json.loads(out)
    assert code == cli.EXIT_ALL_FAILED
    assert row["verdict"] == "DEAD" and row["status"] == 404 and row["crawler"] == "never polled"
    code, _, err = run(capsys, *base, "sources", "check", "nope")
    assert code == cli.EXIT_USAGE and "nope" in err and "\n" not in err.strip()


def test_dead_source_is_obvious_in_check_and_db_stats(tmp_path, site, capsys) -> None:
    sources = write_sources(tmp_path / "sources.toml", site.base)
    base = ["--home", str(tmp_path), "--sources", str(sources)]
    for _ in range(3):
        run(capsys, *base, "crawl", "--force", "--no-analyze")
    code, out, _ = run(capsys, *base, "sources", "check", "gone")
    assert code == cli.EXIT_ALL_FAILED
    assert "[crawler: DEAD (3 failures)]" in out

    code, out, _ = run(capsys, *base, "db", "stats")
    assert code == 0
    gone = next(line for line in out.splitlines() if line.strip().startswith("gone:"))
    assert "0 items" in gone and "DEAD" in gone and "HTTP 404" in gone
    ok = next(line for line in out.splitlines() if line.strip().startswith("dala-ru:"))
    assert "3 items" in ok and "DEAD" not in ok
    code, out, _ = run(capsys, *base, "db", "stats", "--json")
    stats = json.loads(out)
    assert stats["sources"]["gone"]["dead"] is True
    assert stats["sources"]["dala-ru"]["dead"] is False and stats["items"] == 3


# -- OPML -------------------------------------------------------------------------------------


def test_opml_export_and_import_through_the_cli(tmp_path, site, capsys) -> None:
    sources = write_sources(tmp_path / "sources.toml", site.base)
    base = ["--home", str(tmp_path), "--sources", str(sources)]
    exported = tmp_path / "out.opml"
    code, out, _ = run(capsys, *base, "sources", "export-opml", str(exported))
    assert code == 0 and out.strip() == f"exported 2 sources to {exported}"
    assert site.base + "/feeds/ru-rss.xml" in exported.read_text("utf-8")

    # into an empty configuration: both come back with their ids
    fresh = tmp_path / "fresh.toml"
    fresh.write_text("# my sources\n", encoding="utf-8")
    code, out, _ = run(capsys, "--home", str(tmp_path), "--sources", str(fresh),
                       "sources", "import-opml", str(exported))
    assert code == 0 and out.strip() == "2 source(s) added, 0 skipped"
    assert fresh.read_text("utf-8").startswith("# my sources")
    code, out, _ = run(capsys, "--home", str(tmp_path), "--sources", str(fresh),
                       "sources", "list", "--json")
    assert {r["id"] for r in json.loads(out)} == {"dala-ru", "gone"}

    # a reader's OPML: the known feed is skipped, the new one added
    reader = tmp_path / "reader.opml"
    reader.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        f'<outline text="Дала" type="rss" xmlUrl="{site.base}/feeds/ru-rss.xml"/>'
        f'<outline text="Қазақ үні" type="rss" xmlUrl="{site.base}/feeds/kk-atom.xml"/>'
        "</body></opml>", encoding="utf-8")
    code, out, _ = run(capsys, *base, "sources", "import-opml", str(reader))
    assert code == 0 and out.strip() == "1 source(s) added, 1 skipped"
    assert 'url = "' + site.base + '/feeds/kk-atom.xml"' in sources.read_text("utf-8")

    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline></body>", encoding="utf-8")
    code, _, err = run(capsys, *base, "sources", "import-opml", str(broken))
    assert code == cli.EXIT_USAGE and "broken.opml" in err and "Traceback" not in err


# -- where files live -------------------------------------------------------------------------


def test_mediamon_home_env_and_db_option(tmp_path, site, capsys, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("MEDIAMON_HOME", str(home))
    code, out, _ = run(capsys, "sources", "list")
    assert code == 0
    assert (home / "sources.toml").is_file()  # the shipped list, copied on first use
    assert (home / "mediamon.db").is_file()
    assert "akorda" in out

    sources = write_sources(tmp_path / "sources.toml", site.base)
    db = tmp_path / "elsewhere" / "monitor.db"
    code, _, _ = run(capsys, "--db", str(db), "--sources", str(sources), "crawl", "--once",
                     "--no-analyze")
    assert code == 0
    with Store(db) as store:
        assert store.count_items() == 3
    query = "Караганде OR вакцинации OR дорог"
    code, out, _ = run(capsys, "--db", str(db), "search", query, "--json")
    assert code == 0 and len(json.loads(out)) == 3
    code, out, _ = run(capsys, "--db", str(db), "search", query, "--limit", "1", "--json")
    assert code == 0 and len(json.loads(out)) == 1
    with Store(home / "mediamon.db") as store:
        assert store.count_items() == 0
    # --home wins over the variable
    other = tmp_path / "other"
    assert run(capsys, "--home", str(other), "--sources", str(sources), "db", "stats")[0] == 0
    assert (other / "mediamon.db").is_file()


# -- `mediamon crawl` as a child process ------------------------------------------------------


class Child:
    """`python -m mediamon.cli …` with its JSON-lines stdout read by a thread."""

    def __init__(self, *argv: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen([sys.executable, "-m", "mediamon.cli", *argv],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=env, cwd=ROOT)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_event(self) -> dict:
        # The timeout only guards against a hung child; events normally arrive at once.
        line = self.lines.get(timeout=60)
        if line is None:
            raise AssertionError(f"mediamon exited early: {self.proc.wait()} "
                                 f"{self.proc.stderr.read()}")
        return json.loads(line)

    def wait_for(self, predicate) -> list[dict]:
        seen = []
        while True:
            event = self.next_event()
            seen.append(event)
            if predicate(event):
                return seen

    def finish(self) -> str:
        try:
            self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=10)
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return err


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_killed_crawl_keeps_every_source_reported_finished(tmp_path, site, capsys) -> None:
    # `hangs` never answers within the test, so the crawl is still running when it is killed.
    sources = write_sources(tmp_path / "sources.toml", site.base, HANGS, read_timeout=25.0)
    child = Child("--home", str(tmp_path), "--sources", str(sources), "crawl", "--once",
                  "--json-progress", "--no-analyze", "--source", "dala-ru", "--source", "hangs")
    try:
        events = child.wait_for(lambda e: e.get("event") == "source_finished")
        child.proc.send_signal(signal.SIGKILL)
    finally:
        child.finish()
    assert child.proc.returncode == -signal.SIGKILL
    done = events[-1]
    assert done["source"] == "dala-ru" and done["items_new"] == 3 and done["error"] is None
    assert not any(e.get("event") == "crawl_finished" for e in events)

    with Store(tmp_path / "mediamon.db") as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store.db.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
        items = store.items(source_id="dala-ru")
        assert len(items) == 3 and all(it["text"] for it in items)
        assert store.db.execute("SELECT count(*) FROM items_fts").fetchone()[0] == 3
        assert store.recent_fetches("dala-ru")[0].items_new == 3
        assert store.health("dala-ru").etag  # the next poll is conditional
        assert store.search("поликлиника") or store.search("вакцинации")
        assert store.recent_fetches("hangs") == []  # cut off: no half-written trace
    # the database carries on: the next crawl of the same feed stores nothing twice
    code, out, _ = run(capsys, "--home", str(tmp_path), "--sources", str(sources), "crawl",
                       "--source", "dala-ru", "--no-analyze", "--json-progress")
    assert code == 0
    assert json.loads(out.splitlines()[-1])["items_new"] == 0


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs POSIX signals")
def test_crawl_every_repeats_until_sigterm(tmp_path, site) -> None:
    sources = write_sources(tmp_path / "sources.toml", site.base)
    child = Child("--home", str(tmp_path), "--sources", str(sources), "crawl", "--every",
                  "0.001", "--json-progress", "--no-analyze", "--source", "dala-ru")
    try:
        cycles: list[dict] = []
        while len(cycles) < 2:
            events = child.wait_for(lambda e: e.get("event") == "crawl_finished")
            cycles.append(events[-1])
        child.proc.send_signal(signal.SIGTERM)
    finally:
        err = child.finish()
    assert child.proc.returncode == 0, err
    assert cycles[0]["sources"] == 1 and cycles[0]["items_new"] == 3
    # --source forces its sources each cycle: polled again, answered 304, nothing new
    assert cycles[1]["sources"] == 1 and cycles[1]["items_new"] == 0
    assert any(h.status == 304 and h.path == "/feeds/ru-rss.xml" for h in site.hits)


def test_crawl_output_tells_a_warning_from_a_failure(tmp_path, site, capsys) -> None:
    sources = write_sources(tmp_path / "sources.toml", site.base, NOLINK)
    code, out, _ = run(capsys, "--home", str(tmp_path), "--sources", str(sources), "crawl",
                       "--no-analyze", "--source", "nolink", "--source", "gone")
    assert code == 0
    lines = out.splitlines()
    warn = next(line for line in lines if "nolink" in line)
    assert warn.startswith(f"  WARN nolink: 1 new, 0 seen; nolink ({site.base}/feeds/no-link.xml)")
    assert "feed entries without a link: 1 skipped" in warn
    assert next(line for line in lines if " gone " in line).startswith("  FAIL gone (")
    assert lines[-1].startswith("crawl finished: 2 sources, 1 failed, 1 new items")


def test_disable_with_an_unknown_id_changes_nothing(tmp_path, site, capsys) -> None:
    sources = write_sources(tmp_path / "sources.toml", site.base, "")
    before = sources.read_text(encoding="utf-8")
    base = ["--home", str(tmp_path), "--sources", str(sources)]
    code, out, err = run(capsys, *base, "sources", "disable", "dala-ru", "dala-typo")
    assert code == cli.EXIT_USAGE and out == ""
    assert "dala-typo" in err and "mediamon sources list" in err
    assert sources.read_text(encoding="utf-8") == before  # dala-ru is not half-disabled
    assert run(capsys, *base, "sources", "disable", "dala-ru", "gone")[0] == 0
    assert "enabled = false" in sources.read_text(encoding="utf-8")


@pytest.mark.parametrize("every", ["0", "-5"])
def test_crawl_every_must_be_a_positive_interval(tmp_path, site, capsys, every) -> None:
    sources = write_sources(tmp_path / "sources.toml", site.base)
    code, out, err = run(capsys, "--home", str(tmp_path), "--sources", str(sources), "crawl",
                         "--every", every, "--no-analyze")
    assert code == cli.EXIT_USAGE and out == ""
    assert err.startswith("mediamon: error: --every") and "more than 0" in err
    assert site.hits == []  # nothing polled in a tight loop
