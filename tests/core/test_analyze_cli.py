"""`mediamon analyze`: the JSON-lines contract, order, bad lines, and labels on stored items."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest

from mediamon import cli

CONTRACT_KEYS = {
    "id", "language", "primary_topic", "topics", "topic_scores", "tone", "tone_score",
    "agencies", "agency_mentions", "regions", "about_kazakhstan", "foreign_wire", "explanation",
}

ITEMS = [
    {"id": "ru-1", "title": "В Павлодаре открыли новую поликлинику",
     "text": "Министр здравоохранения принял участие в открытии поликлиники в Павлодаре. "
             "Новое медицинское учреждение рассчитано на 500 посещений в смену."},
    {"id": "kk-1", "title": "Шымкентте жол апаты болды",
     "text": "Шымкент қаласында екі көлік соқтығысып, үш адам ауруханаға жеткізілді. "
             "Полиция департаменті оқиғаның мән-жайын анықтап жатыр."},
    {"id": "lat-1", "title": "Astanada jańa mektep ashyldy",
     "text": "Astana qalasynyń ákimi jańa mekteptiń ashylý saltanatyna qatysty. "
             "Mektep 1200 oqýshyǵa arnalǵan."},
    {"id": 42, "text": "Reuters сообщает, что цены на нефть выросли на 3 процента."},
]


def run_analyze(monkeypatch, capsys, lines: list[str]) -> tuple[int, list[dict], str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(lines)))
    code = cli.main(["analyze", "--workers", "1"])
    captured = capsys.readouterr()
    out = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    return code, out, captured.err


def test_analyze_follows_the_contract(monkeypatch, capsys):
    code, out, _ = run_analyze(monkeypatch, capsys, [json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS])
    assert code == 0
    assert [o["id"] for o in out] == ["ru-1", "kk-1", "lat-1", 42]
    for o in out:
        assert CONTRACT_KEYS <= set(o)
        assert o["primary_topic"] == o["topics"][0]
        assert o["tone"] in {"positive", "neutral", "negative"}
        assert -1.0 <= o["tone_score"] <= 1.0
        assert set(o["topics"]) <= set(o["topic_scores"])
        for m in o["agency_mentions"]:
            assert {"agency", "start", "end", "text", "tone"} <= set(m)
    ru, kk, lat, wire = out
    assert ru["language"] == "ru" and kk["language"] == "kk" and lat["language"] == "kk-Latn"
    assert "minzdrav" in ru["agencies"] and "pavlodar" in ru["regions"]
    assert ru["primary_topic"] == "health"
    assert "shymkent" in kk["regions"] and kk["tone"] == "negative"
    assert "astana" in lat["regions"] and "akimat_astana" in lat["agencies"]
    assert wire["foreign_wire"] == "Reuters"
    # spans point at the words they name
    item = ITEMS[0]
    for m in ru["agency_mentions"]:
        source = item["title"] if m["field"] == "title" else item["text"]
        assert source[m["start"]:m["end"]] == m["text"]


def test_bad_lines_are_reported_in_place(monkeypatch, capsys):
    lines = ["{not json\n", json.dumps({"id": 1, "text": "Акимат Алматы провёл брифинг."}) + "\n",
             json.dumps({"text": "без id"}) + "\n"]
    code, out, err = run_analyze(monkeypatch, capsys, lines)
    assert code == 2  # something to fix in the input; the good lines are still analysed
    assert len(out) == 3
    assert "error" in out[0] and "line 1" in out[0]["error"] and out[0]["id"] is None
    assert out[1]["id"] == 1 and "almaty" in out[1]["regions"]
    assert "id" in out[2]["error"]
    assert "line 1" in err and "line 3" in err
    assert "Traceback" not in err


def test_a_bad_line_keeps_its_id_when_it_can_be_read(monkeypatch, capsys):
    lines = [json.dumps(x, ensure_ascii=False) + "\n" for x in (
        {"id": "no-text", "title": "Заголовок"},
        {"id": "blank", "title": " ", "text": "  "},
        {"id": "bad-title", "title": ["x"], "text": "Текст"},
        {"id": {"nested": 1}, "text": "Текст"},
        {"id": "ok", "text": "Аким Алматы провёл брифинг."},
    )]
    code, out, err = run_analyze(monkeypatch, capsys, lines)
    assert code == 2
    assert [o["id"] for o in out] == ["no-text", "blank", "bad-title", None, "ok"]
    assert "line 1 (id 'no-text')" in out[0]["error"] and '"text"' in out[0]["error"]
    assert "both empty" in out[1]["error"]
    assert '"title"' in out[2]["error"]
    assert '"id"' in out[3]["error"] and "line 4" in out[3]["error"]
    assert "error" not in out[4]
    assert len(err.strip().splitlines()) == 4


def test_a_line_that_is_not_utf8_is_reported_in_place(monkeypatch, capsys):
    good = json.dumps({"id": "a", "text": "Шымкентте жаңа мектеп ашылды."}, ensure_ascii=False)
    bad = b'{"id": "cp1251", "text": "' + "Павлодар".encode("cp1251") + b'"}'
    bom = "\ufeff" + json.dumps({"id": "b", "text": "Астанада жиын өтті."}, ensure_ascii=False)
    payload = b"\n".join([good.encode(), bad, bom.encode()]) + b"\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(payload), encoding="utf-8"))
    code = cli.main(["analyze", "--workers", "1"])
    captured = capsys.readouterr()
    out = [json.loads(line) for line in captured.out.splitlines()]
    assert code == 2
    assert [o["id"] for o in out] == ["a", "cp1251", "b"]
    assert "UTF-8" in out[1]["error"] and "line 2" in out[1]["error"]
    assert "shymkent" in out[0]["regions"] and "astana" in out[2]["regions"]
    assert "Traceback" not in captured.err and "line 2" in captured.err


def test_offsets_index_the_named_field_whatever_the_padding(monkeypatch, capsys):
    items = [
        {"id": "padded", "title": "  В Павлодаре открыли поликлинику ",
         "text": "\n  Министр здравоохранения посетил Павлодар."},
        {"id": "no-title", "title": "", "text": "\n\n Аким Павлодарской области встретил министра."},
        {"id": "null-title", "title": None, "text": " Министр здравоохранения прибыл в Экибастуз."},
    ]
    code, out, _ = run_analyze(monkeypatch, capsys,
                               [json.dumps(i, ensure_ascii=False) + "\n" for i in items])
    assert code == 0
    for item, o in zip(items, out, strict=True):
        mentions = o["agency_mentions"] + o["region_mentions"]
        assert mentions, o["id"]
        for m in mentions:
            source = item["title"] if m["field"] == "title" else item["text"]
            assert source[m["start"]:m["end"]] == m["text"], (o["id"], m)
    assert {m["field"] for m in out[0]["region_mentions"]} == {"title", "text"}
    assert "akimat_pavlodar" in out[1]["agencies"] and "minzdrav" in out[2]["agencies"]


def test_every_topic_is_scored_and_explanations_read_as_text(monkeypatch, capsys):
    from classifiers.taxonomy import load_taxonomy

    item = {"id": "w", "title": "Цены на нефть выросли",
            "text": "Министр энергетики заявил, что цены на нефть выросли, сообщает Reuters. "
                    "Аким Павлодарской области провёл совещание."}
    code, out, _ = run_analyze(monkeypatch, capsys, [json.dumps(item, ensure_ascii=False) + "\n"])
    [o] = out
    assert code == 0
    assert set(o["topic_scores"]) == set(load_taxonomy().ids)
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in o["topic_scores"].values())
    assert isinstance(o["about_kazakhstan"], bool) and isinstance(o["tone_score"], float)
    expl = o["explanation"]
    assert expl["language"][-1].startswith("→ Russian")
    assert any("Russian function words" in e for e in expl["language"])
    assert expl["foreign_wire"] == "«сообщает Reuters» → Reuters (attributed)"
    assert any(e.startswith("«Аким Павлодарской области» → akimat_pavlodar (matched as akim")
               for e in expl["agencies"])
    assert all(isinstance(t, str) and t for t in expl["tone"])
    assert set(expl["topics"]) == set(o["topics"])


def test_a_long_text_with_many_mentions(monkeypatch, capsys):
    sentence = "Аким Павлодарской области и министр здравоохранения открыли больницу в Экибастузе. "
    item = {"id": "long", "title": "", "text": sentence * 1500}  # 127,000 characters
    code, out, _ = run_analyze(monkeypatch, capsys, [json.dumps(item, ensure_ascii=False) + "\n"])
    [o] = out
    assert code == 0 and len(o["agency_mentions"]) == 3000
    assert {m["agency"] for m in o["agency_mentions"]} == {"akimat_pavlodar", "minzdrav"}
    last = o["agency_mentions"][-1]
    assert item["text"][last["start"]:last["end"]] == last["text"]


def test_workers_must_be_positive(monkeypatch, capsys):
    code, out, err = run_analyze(monkeypatch, capsys, ['{"id": 1, "text": "x"}\n'])
    assert code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "x"}\n'))
    assert cli.main(["analyze", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_two_workers_give_the_same_result_as_one(monkeypatch, capsys):
    lines = [json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS] * 40
    lines[100:100] = ['{"id": "broken", "text": 5}\n', "not json\n"]  # mid-stream, mid-batch
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(lines)))
    assert cli.main(["analyze", "--workers", "1"]) == 2
    single = capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(lines)))
    assert cli.main(["analyze", "--workers", "2"]) == 2
    double = capsys.readouterr().out
    assert single == double
    out = [json.loads(line) for line in double.splitlines()]
    assert len(out) == len(lines) and out[100]["id"] == "broken" and "error" in out[101]


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIAMON_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture()
def stored(home, tmp_path):
    """A database with two items; returns (db path, [item ids])."""
    from mediamon.models import Item, Source
    from mediamon.store import Store

    db = tmp_path / "m.db"
    items = [
        Item(source_id="s", url=f"http://127.0.0.1/{i}", canonical_url=f"http://127.0.0.1/{i}",
             title=x["title"], text=x["text"], published=None,
             fetched="2026-11-20T10:00:00+00:00", content_hash=f"h{i}")
        for i, x in enumerate(ITEMS[:2])
    ]
    with Store(db) as store:
        store.upsert_sources([Source("s", "S", "http://127.0.0.1/feed")])
        ids = [item_id for item_id, _ in store.add_items(items)]
    return db, ids


def test_ingest_stores_every_label_and_mention_with_its_explanation(stored):
    from classifiers.pipeline import Analyzer
    from mediamon.analysis import analyze_inserted
    from mediamon.store import Store

    db, ids = stored
    with Store(db) as store:
        rows = store.items(limit=10)  # what the crawler's hook gets: (id, Item) pairs
        inserted = [(r["id"], SimpleNamespace(**r)) for r in rows]
        assert analyze_inserted(store, Analyzer.load(), inserted) == 2
        row = store.item(ids[0])
    kinds = {lab["kind"] for lab in row["labels"]}
    assert {"language", "primary_topic", "topic", "tone", "about_kazakhstan", "agency",
            "region"} <= kinds
    for lab in row["labels"]:
        assert lab["origin"] == "model" and lab["explanation"], lab
    agency = next(lab for lab in row["labels"] if lab["kind"] == "agency")
    assert agency["value"] == "minzdrav"
    assert "«Министр здравоохранения» (matched as" in agency["explanation"][0]
    assert row["mentions"]
    for m in row["mentions"]:
        source = row["title"] if m["field"] == "title" else row["text"]
        assert source[m["start"]:m["end"]] == m["text"]
    assert any(m["kind"] == "agency" and m["tone"] for m in row["mentions"])


def test_correct_accepts_known_values_only(stored, capsys):
    from mediamon.store import Store

    db, [item_id, _] = stored
    base = ["--db", str(db), "correct", str(item_id)]

    def run(*argv):
        code = cli.main([*base, *argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, _, err = run("primary_topic", "helth")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "'helth' is not a known primary_topic value" in err and "did you mean 'health'" in err
    assert "public_administration" in err and "other" in err and "Traceback" not in err
    code, _, err = run("tone", "good")
    assert code == 2 and "positive, neutral, negative" in err
    code, _, err = run("agency", "minzdrav,ministry_of_magic")
    assert code == 2 and "'ministry_of_magic'" in err and "minzdrav" in err
    code, _, err = run("region", "Pavlodar region")
    assert code == 2 and "north_kz" in err
    code, _, err = run("language", "kz")
    assert code == 2 and "kk-Latn" in err
    with Store(db) as store:
        assert store.analyst_labels() == []  # nothing stored by a refused correction

    assert run("primary_topic", "Health")[0] == 0
    assert run("agency", "minzdrav, akimat_pavlodar")[0] == 0
    assert run("about_kazakhstan", "yes")[0] == 0
    assert run("language", "KK-LATN")[0] == 0
    code, out, _ = run("foreign_wire", "reuters")
    assert code == 0 and "Reuters" in out
    with Store(db) as store:
        got = {(r["kind"], r["value"]) for r in store.analyst_labels()}
    assert got == {("primary_topic", "health"), ("agency", "minzdrav"),
                   ("agency", "akimat_pavlodar"), ("about_kazakhstan", "true"),
                   ("language", "kk-Latn"), ("foreign_wire", "Reuters")}


def test_corrections_feed_train(stored, capsys, monkeypatch):
    from mediamon.store import Store

    db, [first, second] = stored
    with Store(db) as store:
        store.set_analyst_label(first, "primary_topic", "culture")
        store.set_analyst_label(first, "topic", ["tourism", "culture"])
        store.set_analyst_label(second, "tone", "positive")
        store.set_analyst_label(second, "region", "shymkent")  # not training data
    seen = {}

    def fake_train_all(out_dir=None, extra_examples=()):
        seen["extra"] = list(extra_examples)
        return {"trained_at": "-", "seed": 0, "shared_data": "-", "seed_files": [],
                "seeds_sha256": "-", "extra_examples": len(extra_examples),
                "topics": {"examples": {}, "artifact": "-"},
                "tone": {"examples": {}, "artifact": "-"}, "warnings": []}

    monkeypatch.setattr("classifiers.train.train_all", fake_train_all)
    assert cli.main(["--db", str(db), "train", "--out", str(db.parent / "models")]) == 0
    assert "analyst corrections used: 2" in capsys.readouterr().out
    first_ex, second_ex = seen["extra"]
    assert first_ex["primary_topic"] == "culture" and first_ex["topics"] == ["culture", "tourism"]
    assert first_ex["title"] == ITEMS[0]["title"]
    assert second_ex == {"title": ITEMS[1]["title"], "text": ITEMS[1]["text"], "tone": "positive"}
    assert cli.main(["--db", str(db), "train", "--no-corrections", "--out", str(db.parent)]) == 0
    assert seen["extra"] == []


def test_reanalyze_of_one_source_reports_progress_against_that_source(tmp_path):
    from classifiers.pipeline import Analyzer
    from mediamon.analysis import reanalyze
    from mediamon.models import Item, Source
    from mediamon.store import Store

    with Store(tmp_path / "m.db") as store:
        store.upsert_sources([Source("a", "A", "http://127.0.0.1/a"),
                              Source("b", "B", "http://127.0.0.1/b")])
        store.add_items([
            Item(source_id=sid, url=f"http://127.0.0.1/{sid}{i}",
                 canonical_url=f"http://127.0.0.1/{sid}{i}", title=x["title"], text=x["text"],
                 published=None, fetched="2026-11-20T10:00:00+00:00", content_hash=f"{sid}{i}")
            for sid, i, x in [("a", 0, ITEMS[0]), ("b", 1, ITEMS[1]), ("b", 2, ITEMS[0])]
        ])
        progress: list[tuple[int, int]] = []
        done = reanalyze(store, Analyzer.load(), source_id="a",
                         on_progress=lambda d, t: progress.append((d, t)))
        assert done == 1
        assert progress[-1] == (1, 1)
        assert store.count_items() == 3 and store.count_items(source_id="b") == 2
