"""Validate the held-out test set classifiers/data/test/testset.jsonl.

The file is hand-written and labelled independently of the seeds and the dev set; these tests
check its shape and that every label is a known id, so a typo cannot silently skew evaluation.
"""

import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTSET = ROOT / "classifiers" / "data" / "test" / "testset.jsonl"
TAXONOMY = ROOT / "classifiers" / "data" / "taxonomy.toml"
IDS = ROOT / "mediamon" / "data" / "ids.toml"

FIELDS = {
    "id",
    "title",
    "text",
    "language",
    "primary_topic",
    "topics",
    "tone",
    "agencies",
    "regions",
    "about_kazakhstan",
    "foreign_wire",
}
LANGUAGES = {"ru", "kk", "kk-Latn"}
TONES = {"positive", "neutral", "negative"}


def load_items(path: Path) -> list[dict]:
    """Parse the JSONL file; a broken line fails with its line number."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{path.name} line {n}: not valid JSON ({exc.msg}); fix the line")
        assert isinstance(obj, dict), f"{path.name} line {n}: expected a JSON object"
        items.append(obj)
    return items


@pytest.fixture(scope="module")
def items() -> list[dict]:
    assert TESTSET.is_file(), f"missing {TESTSET}"
    return load_items(TESTSET)


@pytest.fixture(scope="module")
def topic_ids() -> set[str]:
    data = tomllib.loads(TAXONOMY.read_text(encoding="utf-8"))
    return {t["id"] for t in data["topics"]}


@pytest.fixture(scope="module")
def known_ids() -> tuple[set[str], set[str]]:
    data = tomllib.loads(IDS.read_text(encoding="utf-8"))
    return set(data["agencies"]), set(data["regions"])


def test_fields_and_types(items: list[dict]) -> None:
    assert len(items) >= 100
    for it in items:
        where = it.get("id", "?")
        assert set(it) == FIELDS, f"{where}: fields {sorted(set(it) ^ FIELDS)}"
        for key in ("id", "title", "text", "primary_topic"):
            assert isinstance(it[key], str) and it[key].strip(), f"{where}: empty {key}"
        for key in ("topics", "agencies", "regions"):
            assert isinstance(it[key], list), f"{where}: {key} is not a list"
            assert all(isinstance(x, str) for x in it[key]), f"{where}: {key} holds a non-string"
            assert len(set(it[key])) == len(it[key]), f"{where}: duplicate in {key}"
        assert isinstance(it["about_kazakhstan"], bool), f"{where}: about_kazakhstan not bool"
        wire = it["foreign_wire"]
        assert wire is None or (isinstance(wire, str) and wire.strip()), f"{where}: foreign_wire"


def test_ids_unique_and_well_formed(items: list[dict]) -> None:
    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("test-") and i[5:].isdigit() for i in ids)
    texts = [it["text"] for it in items]
    assert len(texts) == len(set(texts)), "duplicate text"


def test_labels_known(
    items: list[dict], topic_ids: set[str], known_ids: tuple[set[str], set[str]]
) -> None:
    agencies, regions = known_ids
    for it in items:
        where = it["id"]
        assert it["language"] in LANGUAGES, f"{where}: language {it['language']}"
        assert it["tone"] in TONES, f"{where}: tone {it['tone']}"
        assert 1 <= len(it["topics"]) <= 3, f"{where}: {len(it['topics'])} topics"
        assert it["topics"][0] == it["primary_topic"], f"{where}: primary is not topics[0]"
        assert set(it["topics"]) <= topic_ids, f"{where}: unknown topic"
        assert set(it["agencies"]) <= agencies, f"{where}: unknown agency"
        assert set(it["regions"]) <= regions, f"{where}: unknown region"


def test_text_lengths(items: list[dict]) -> None:
    lengths = [len(it["text"]) for it in items]
    full = [n for n in lengths if 1200 <= n <= 3000]
    assert max(lengths) <= 3000
    assert len(full) >= 0.9 * len(items), "most items must be full-length (1,200-3,000 chars)"


def test_consistency(items: list[dict]) -> None:
    for it in items:
        if not it["about_kazakhstan"]:
            # a Kazakh state body or region in the labels means the item concerns Kazakhstan
            assert not it["agencies"] and not it["regions"], it["id"]


def test_composition(items: list[dict], topic_ids: set[str]) -> None:
    n = len(items)
    primary = Counter(it["primary_topic"] for it in items)
    assert all(primary[t] >= 4 for t in topic_ids), sorted(primary.items(), key=lambda x: x[1])
    langs = Counter(it["language"] for it in items)
    assert all(langs[lang] >= 0.1 * n for lang in LANGUAGES), langs
    tones = Counter(it["tone"] for it in items)
    assert all(tones[t] >= 0.2 * n for t in TONES), tones
    assert sum(bool(it["foreign_wire"]) for it in items) >= 0.08 * n
    assert sum(not it["about_kazakhstan"] for it in items) >= 3


def _texts_under(folder: Path) -> set[str]:
    """First 200 characters of every `text` field in the JSONL files under folder."""
    found: set[str] = set()
    for path in sorted(folder.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict) and isinstance(obj.get("text"), str):
                found.add(" ".join(obj["text"].split())[:200])
    return found


def test_no_leak_into_training_or_dev(items: list[dict]) -> None:
    """The held-out items must not appear in the seeds or the dev set (nobody tunes on them)."""
    data = ROOT / "classifiers" / "data"
    others = _texts_under(data / "seeds") | _texts_under(data / "dev")
    if not others:
        pytest.skip("no seeds or dev JSONL files to compare against")
    leaked = [it["id"] for it in items if " ".join(it["text"].split())[:200] in others]
    assert not leaked, f"test items copied into seeds/dev: {leaked}"
