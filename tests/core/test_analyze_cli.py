"""`mediamon analyze`: the JSON-lines contract, order, bad lines, and labels on stored items."""

from __future__ import annotations

import io
import json

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
    assert code == 1
    assert len(out) == 3
    assert "error" in out[0] and "line 1" in out[0]["error"]
    assert out[1]["id"] == 1 and "almaty" in out[1]["regions"]
    assert "id" in out[2]["error"]
    assert "line 1" in err and "line 3" in err


def test_two_workers_give_the_same_result_as_one(monkeypatch, capsys):
    lines = [json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS] * 40
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(lines)))
    assert cli.main(["analyze", "--workers", "1"]) == 0
    single = capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(lines)))
    assert cli.main(["analyze", "--workers", "2"]) == 0
    double = capsys.readouterr().out
    assert single == double


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIAMON_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
