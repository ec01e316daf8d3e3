"""Validate the hand-written topic/tone seed examples in classifiers/data/seeds/topics_b.jsonl.

The file is training data for the topic and tone classifiers; a malformed line or a label
outside the taxonomy would silently poison training, so every line is checked here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "classifiers" / "data" / "seeds" / "topics_b.jsonl"

TAXONOMY = {
    "public_administration",
    "openness",
    "e_government",
    "public_safety",
    "ict_infrastructure",
    "ict_industry",
    "education_science",
    "health",
    "e_commerce",
    "industry",
    "transport",
    "agriculture",
    "energy_housing",
    "ecology",
    "tourism",
    "sport",
    "culture",
    "mass_media",
    "domestic_content",
    "state_information",
    "labour_social",
    "civil_rights",
    "economy",
    "other",
}
MY_TOPICS = (
    "energy_housing",
    "ecology",
    "tourism",
    "sport",
    "culture",
    "mass_media",
    "domestic_content",
    "state_information",
    "labour_social",
    "civil_rights",
    "economy",
    "other",
)
LANGS = ("ru", "kk", "kk-Latn")
TONES = {"positive", "neutral", "negative"}
REQUIRED = {"title": str, "text": str, "lang": str, "topics": list, "tone": str}
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
KAZAKH_ONLY = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһ]")


def _load() -> list[tuple[int, dict]]:
    """Parse every line of the seed file; fail with the line number on bad JSON."""
    rows: list[tuple[int, dict]] = []
    for number, line in enumerate(SEEDS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            pytest.fail(f"{SEEDS.name}:{number}: empty line")
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            pytest.fail(f"{SEEDS.name}:{number}: invalid JSON ({exc.msg})")
    return rows


@pytest.fixture(scope="module")
def rows() -> list[tuple[int, dict]]:
    assert SEEDS.is_file(), f"missing seed file {SEEDS}"
    return _load()


def test_required_fields_and_types(rows: list[tuple[int, dict]]) -> None:
    for number, row in rows:
        for field, kind in REQUIRED.items():
            assert isinstance(row.get(field), kind), (
                f"line {number}: field {field!r} missing or not {kind.__name__}"
            )
        assert row["title"].strip() and row["text"].strip(), f"line {number}: empty title or text"


def test_labels_are_valid(rows: list[tuple[int, dict]]) -> None:
    for number, row in rows:
        topics = row["topics"]
        assert 1 <= len(topics) <= 3, (
            f"line {number}: expected 1 primary + up to 2 secondary topics"
        )
        assert len(set(topics)) == len(topics), f"line {number}: duplicate topic ids {topics}"
        unknown = set(topics) - TAXONOMY
        assert not unknown, f"line {number}: topic ids not in taxonomy: {sorted(unknown)}"
        assert row["lang"] in LANGS, f"line {number}: lang {row['lang']!r}"
        assert row["tone"] in TONES, f"line {number}: tone {row['tone']!r}"


def test_texts_look_like_news_in_the_stated_script(rows: list[tuple[int, dict]]) -> None:
    for number, row in rows:
        text = row["text"]
        assert 250 <= len(text) <= 800, f"line {number}: text length {len(text)} outside 250-800"
        if row["lang"] == "kk-Latn":
            assert not CYRILLIC.search(row["title"] + text), f"line {number}: Cyrillic in kk-Latn"
        elif row["lang"] == "kk":
            assert KAZAKH_ONLY.search(text), f"line {number}: kk text without Kazakh letters"
        else:
            assert CYRILLIC.search(text), f"line {number}: ru text without Cyrillic"
            # Russian news quotes a few Kazakh names (.қаз, «Қазпошта»); more means a mislabel.
            kazakh_letters = len(KAZAKH_ONLY.findall(text))
            assert kazakh_letters <= len(text) // 100, f"line {number}: Kazakh text labelled ru"


def test_no_duplicate_titles_or_texts(rows: list[tuple[int, dict]]) -> None:
    titles = Counter(row["title"] for _, row in rows)
    texts = Counter(row["text"] for _, row in rows)
    assert not [t for t, n in titles.items() if n > 1], "duplicate titles"
    assert not [t for t, n in texts.items() if n > 1], "duplicate texts"


def test_every_topic_covered_in_every_language(rows: list[tuple[int, dict]]) -> None:
    counts = Counter((row["topics"][0], row["lang"]) for _, row in rows)
    missing = [
        f"{topic}/{lang}={counts[(topic, lang)]}"
        for topic in MY_TOPICS
        for lang in LANGS
        if counts[(topic, lang)] < 5
    ]
    assert not missing, f"fewer than 5 examples: {missing}"


def test_every_topic_has_all_three_tones(rows: list[tuple[int, dict]]) -> None:
    tones: dict[str, set[str]] = {topic: set() for topic in MY_TOPICS}
    for _, row in rows:
        if row["topics"][0] in tones:
            tones[row["topics"][0]].add(row["tone"])
    lacking = {topic: sorted(TONES - seen) for topic, seen in tones.items() if seen != TONES}
    assert not lacking, f"topics missing tones: {lacking}"
