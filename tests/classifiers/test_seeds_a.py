"""Validate the hand-written topic/tone seed examples in classifiers/data/seeds/topics_a.jsonl.

The file holds news-style examples (headline + news prose) for twelve programme topics in
Russian, Kazakh Cyrillic and Kazakh Latin. These tests check that every line is a well-formed
example the trainer can use, and that each topic is covered in every language and tone.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

SEEDS_FILE = (
    Path(__file__).resolve().parents[2] / "classifiers" / "data" / "seeds" / "topics_a.jsonl"
)

TAXONOMY_IDS = frozenset(
    {
        "public_administration", "openness", "e_government", "public_safety",
        "ict_infrastructure", "ict_industry", "education_science", "health", "e_commerce",
        "industry", "transport", "agriculture", "energy_housing", "ecology", "tourism", "sport",
        "culture", "mass_media", "domestic_content", "state_information", "labour_social",
        "civil_rights", "economy", "other",
    }
)
MY_TOPICS = (
    "public_administration", "openness", "e_government", "public_safety", "ict_infrastructure",
    "ict_industry", "education_science", "health", "e_commerce", "industry", "transport",
    "agriculture",
)
LANGS = ("ru", "kk", "kk-Latn")
TONES = ("positive", "neutral", "negative")
REQUIRED = {"title": str, "text": str, "lang": str, "topics": list, "tone": str}

CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
KAZAKH_CYRILLIC = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүІі]")
KAZAKH_LATIN = re.compile(r"[áǵńóúýıäğñöüūşçİ]", re.IGNORECASE)


def validate_line(line: str, lineno: int) -> tuple[dict | None, list[str]]:
    """Parse one JSONL line; return (record or None, list of readable problems)."""
    where = f"{SEEDS_FILE.name} line {lineno}"
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, [f"{where}: not valid JSON ({exc.msg}); fix the quoting"]
    if not isinstance(rec, dict):
        return None, [f"{where}: expected a JSON object"]
    problems = []
    for key, typ in REQUIRED.items():
        if not isinstance(rec.get(key), typ):
            problems.append(f"{where}: field '{key}' missing or not {typ.__name__}")
    if problems:
        return None, problems
    if rec["lang"] not in LANGS:
        problems.append(f"{where}: lang '{rec['lang']}' not one of {LANGS}")
    if rec["tone"] not in TONES:
        problems.append(f"{where}: tone '{rec['tone']}' not one of {TONES}")
    topics = rec["topics"]
    if not 1 <= len(topics) <= 3 or len(set(topics)) != len(topics):
        problems.append(f"{where}: topics must be 1-3 distinct ids, got {topics}")
    unknown = [t for t in topics if t not in TAXONOMY_IDS]
    if unknown:
        problems.append(f"{where}: unknown topic ids {unknown}")
    if not rec["title"].strip():
        problems.append(f"{where}: empty title")
    if not 250 <= len(rec["text"]) <= 800:
        problems.append(f"{where}: text is {len(rec['text'])} chars, expected 250-800")
    return rec, problems


@pytest.fixture(scope="module")
def records() -> list[dict]:
    if not SEEDS_FILE.is_file():
        pytest.fail(f"{SEEDS_FILE} is missing")
    lines = SEEDS_FILE.read_text(encoding="utf-8").splitlines()
    out, problems = [], []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            problems.append(f"{SEEDS_FILE.name} line {lineno}: blank line")
            continue
        rec, errs = validate_line(line, lineno)
        problems.extend(errs)
        if rec is not None:
            out.append(rec)
    assert not problems, "\n".join(problems[:20])
    return out


def test_every_line_is_a_valid_example(records: list[dict]) -> None:
    assert len(records) >= len(MY_TOPICS) * 15


def test_validator_rejects_bad_lines() -> None:
    good = {"title": "T", "text": "x" * 300, "lang": "ru", "topics": ["health"],
            "tone": "neutral"}
    assert validate_line(json.dumps(good), 1)[1] == []
    bad_cases = [
        "{not json",
        json.dumps({**good, "lang": "en"}),
        json.dumps({**good, "tone": "angry"}),
        json.dumps({**good, "topics": ["medicine"]}),
        json.dumps({**good, "topics": []}),
        json.dumps({**good, "text": "too short"}),
        json.dumps({k: v for k, v in good.items() if k != "title"}),
    ]
    for case in bad_cases:
        assert validate_line(case, 7)[1], case
        assert "line 7" in validate_line(case, 7)[1][0]


def test_each_topic_covered_in_each_language(records: list[dict]) -> None:
    counts = Counter((r["topics"][0], r["lang"]) for r in records)
    missing = [
        f"{topic}/{lang}: {counts[(topic, lang)]}"
        for topic in MY_TOPICS
        for lang in LANGS
        if counts[(topic, lang)] < 5
    ]
    assert not missing, "fewer than 5 examples: " + ", ".join(missing)


def test_each_topic_has_every_tone(records: list[dict]) -> None:
    counts = Counter((r["topics"][0], r["tone"]) for r in records)
    for topic in MY_TOPICS:
        per_tone = [counts[(topic, tone)] for tone in TONES]
        assert min(per_tone) >= 5, f"{topic}: tone counts {dict(zip(TONES, per_tone, strict=True))}"
        # no tone may dominate: none is more than half of the topic's examples
        total = sum(per_tone)
        assert max(per_tone) <= total / 2, f"{topic}: tone counts unbalanced {per_tone}"


def test_script_matches_language(records: list[dict]) -> None:
    wrong = []
    for r in records:
        body = r["title"] + " " + r["text"]
        if r["lang"] == "kk-Latn" and (CYRILLIC.search(body) or not KAZAKH_LATIN.search(body)):
            wrong.append(r["title"])
        elif r["lang"] == "kk" and not KAZAKH_CYRILLIC.search(body):
            wrong.append(r["title"])
        elif r["lang"] == "ru" and not CYRILLIC.search(body):
            wrong.append(r["title"])
    assert not wrong, f"script does not match lang: {wrong[:5]}"


def test_no_duplicate_examples(records: list[dict]) -> None:
    titles = Counter(r["title"] for r in records)
    texts = Counter(r["text"] for r in records)
    assert [t for t, n in titles.items() if n > 1] == []
    assert [t[:60] for t, n in texts.items() if n > 1] == []
