"""Validity checks for the labelled development set classifiers/data/dev/devset.jsonl.

The dev set is the yardstick the classifiers are measured on, so a malformed line or an
unknown label id must fail loudly here rather than skew the evaluation silently.
"""

from __future__ import annotations

import csv
import json
import os
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "classifiers" / "data" / "dev" / "devset.jsonl"
TAXONOMY = ROOT / "classifiers" / "data" / "taxonomy.toml"

FALLBACK_TOPICS = frozenset({
    "public_administration", "openness", "e_government", "public_safety",
    "ict_infrastructure", "ict_industry", "education_science", "health", "e_commerce",
    "industry", "transport", "agriculture", "energy_housing", "ecology", "tourism", "sport",
    "culture", "mass_media", "domestic_content", "state_information", "labour_social",
    "civil_rights", "economy", "other",
})
LANGUAGES = frozenset({"ru", "kk", "kk-Latn"})
TONES = frozenset({"positive", "neutral", "negative"})
FIELDS = {
    "id": str, "title": str, "text": str, "language": str, "primary_topic": str,
    "topics": list, "tone": str, "agencies": list, "regions": list,
    "about_kazakhstan": bool, "foreign_wire": (str, type(None)),
}
# Domestic outlets are attribution, never a foreign wire.
DOMESTIC_OUTLETS = ("kazinform", "казинформ", "қазақпарат", "tengrinews", "казтаг", "хабар")


def _shared_programme() -> Path:
    base = os.environ.get("MEDIAMON_SHARED")
    shared = Path(base) if base else ROOT.parent / "shared"
    return shared / "programme"


def _topic_ids() -> set[str]:
    """Topic ids from taxonomy.toml when another stage has written it, else the fallback."""
    if not TAXONOMY.exists():
        return set(FALLBACK_TOPICS)
    data = tomllib.loads(TAXONOMY.read_text(encoding="utf-8"))
    ids: set[str] = set()
    topics = data.get("topics", data.get("topic", []))
    if isinstance(topics, dict):
        ids.update(topics)
    else:
        ids.update(t["id"] for t in topics if isinstance(t, dict) and "id" in t)
    return ids or set(FALLBACK_TOPICS)


def _csv_ids(name: str) -> set[str]:
    path = _shared_programme() / name
    if not path.exists():
        pytest.skip(f"{path} is absent; set MEDIAMON_SHARED to the shared folder to check ids")
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["id"] for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    assert DEVSET.exists(), f"{DEVSET} is missing"
    out = []
    for n, line in enumerate(DEVSET.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"devset.jsonl line {n}: empty line"
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - failure path
            pytest.fail(f"devset.jsonl line {n}: invalid JSON ({exc})")
    return out


def test_devset_is_large_enough(records):
    assert len(records) >= 180


def test_fields_and_types(records):
    for rec in records:
        assert set(rec) == set(FIELDS), f"{rec.get('id')}: fields {sorted(rec)}"
        for field, typ in FIELDS.items():
            assert isinstance(rec[field], typ), f"{rec['id']}: {field} has wrong type"


def test_ids_unique_and_well_formed(records):
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("dev-") and i[4:].isdigit() for i in ids)


def test_labels_in_vocabulary(records):
    topics = _topic_ids()
    for rec in records:
        assert rec["language"] in LANGUAGES, rec["id"]
        assert rec["tone"] in TONES, rec["id"]
        assert 1 <= len(rec["topics"]) <= 3, rec["id"]
        assert rec["topics"][0] == rec["primary_topic"], rec["id"]
        assert len(set(rec["topics"])) == len(rec["topics"]), rec["id"]
        unknown = set(rec["topics"]) - topics
        assert not unknown, f"{rec['id']}: unknown topics {unknown}"


def test_texts_are_real_news_sized(records):
    for rec in records:
        assert rec["title"].strip(), rec["id"]
        assert 120 <= len(rec["text"]) <= 2000, f"{rec['id']}: text length {len(rec['text'])}"


def test_agency_ids_known(records):
    known = _csv_ids("agencies.csv")
    for rec in records:
        unknown = set(rec["agencies"]) - known
        assert not unknown, f"{rec['id']}: unknown agencies {unknown}"
        assert len(set(rec["agencies"])) == len(rec["agencies"]), rec["id"]


def test_region_ids_known(records):
    known = _csv_ids("regions.csv")
    for rec in records:
        unknown = set(rec["regions"]) - known
        assert not unknown, f"{rec['id']}: unknown regions {unknown}"
        assert len(set(rec["regions"])) == len(rec["regions"]), rec["id"]


def test_foreign_wire_is_never_a_domestic_outlet(records):
    for rec in records:
        wire = rec["foreign_wire"]
        if wire is not None:
            assert wire.strip(), rec["id"]
            assert not wire.lower().startswith(DOMESTIC_OUTLETS), f"{rec['id']}: {wire}"


def test_composition_covers_every_label(records):
    langs = Counter(r["language"] for r in records)
    tones = Counter(r["tone"] for r in records)
    assert set(langs) == LANGUAGES
    assert set(tones) == TONES
    primaries = Counter(r["primary_topic"] for r in records)
    thin = {t: primaries[t] for t in _topic_ids() if primaries[t] < 6}
    assert not thin, f"topics with fewer than 6 primary items: {thin}"
    assert any(not r["about_kazakhstan"] for r in records)
