"""Validate the long-form Russian seed examples in classifiers/data/seeds/topics_g.jsonl.

The file holds 144 crawler-like news items (800-2,500 characters, several paragraphs, page
boilerplate) in the voice of Kazakh business and regional press: six per topic for all 24
taxonomy ids. These tests check that every line is a well-formed example the trainer can use
and that the promised amounts and tone mix hold.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "classifiers" / "data"
SEEDS_FILE = DATA_DIR / "seeds" / "topics_g.jsonl"
TAXONOMY_FILE = DATA_DIR / "taxonomy.toml"

PER_TOPIC = 6
TONES = ("positive", "neutral", "negative")
LANGS = ("ru", "kk", "kk-Latn")
REQUIRED = {"title": str, "text": str, "lang": str, "topics": list, "tone": str}
MIN_CHARS, MAX_CHARS = 800, 2500
BOILERPLATE = ("Фото:", "Читайте также", "Подписывайтесь")


def taxonomy_ids() -> frozenset[str]:
    """The topic ids declared in classifiers/data/taxonomy.toml."""
    data = tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return frozenset(topic["id"] for topic in data["topics"])


def validate_line(line: str, lineno: int, ids: frozenset[str]) -> tuple[dict | None, list[str]]:
    """Parse one JSONL line; return (record or None, list of readable problems)."""
    where = f"{SEEDS_FILE.name} line {lineno}"
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, [f"{where}: not valid JSON ({exc.msg}); fix the quoting"]
    if not isinstance(rec, dict):
        return None, [f"{where}: expected a JSON object"]
    problems = [
        f"{where}: field '{key}' missing or not {typ.__name__}"
        for key, typ in REQUIRED.items()
        if not isinstance(rec.get(key), typ)
    ]
    if problems:
        return None, problems
    if rec["lang"] not in LANGS:
        problems.append(f"{where}: lang '{rec['lang']}' not one of {LANGS}")
    elif rec["lang"] != "ru":
        problems.append(f"{where}: this file is Russian only, got lang '{rec['lang']}'")
    if rec["tone"] not in TONES:
        problems.append(f"{where}: tone '{rec['tone']}' not one of {TONES}")
    topics = rec["topics"]
    if not 1 <= len(topics) <= 3 or len(set(topics)) != len(topics):
        problems.append(f"{where}: topics must be 1-3 distinct ids, got {topics}")
    unknown = [t for t in topics if t not in ids]
    if unknown:
        problems.append(f"{where}: unknown topic ids {unknown}; see taxonomy.toml")
    if not rec["title"].strip():
        problems.append(f"{where}: empty title")
    if not MIN_CHARS <= len(rec["text"]) <= MAX_CHARS:
        problems.append(
            f"{where}: text is {len(rec['text'])} chars, expected {MIN_CHARS}-{MAX_CHARS}"
        )
    return rec, problems


@pytest.fixture(scope="module")
def ids() -> frozenset[str]:
    return taxonomy_ids()


@pytest.fixture(scope="module")
def records(ids: frozenset[str]) -> list[dict]:
    if not SEEDS_FILE.is_file():
        pytest.fail(f"{SEEDS_FILE} is missing")
    out, problems = [], []
    for lineno, line in enumerate(SEEDS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            problems.append(f"{SEEDS_FILE.name} line {lineno}: blank line")
            continue
        rec, errs = validate_line(line, lineno, ids)
        problems.extend(errs)
        if rec is not None:
            out.append(rec)
    assert not problems, "\n".join(problems[:20])
    return out


def test_taxonomy_has_the_24_ids(ids: frozenset[str]) -> None:
    assert len(ids) == 24
    assert {"other", "state_information", "economy"} <= ids


def test_every_line_is_valid_and_count_is_144(records: list[dict], ids: frozenset[str]) -> None:
    assert len(records) == PER_TOPIC * len(ids)


def test_six_items_per_primary_topic(records: list[dict], ids: frozenset[str]) -> None:
    counts = Counter(r["topics"][0] for r in records)
    wrong = {t: counts[t] for t in ids if counts[t] != PER_TOPIC}
    assert not wrong, f"topics without exactly {PER_TOPIC} items: {wrong}"


def test_every_topic_has_all_three_tones(records: list[dict], ids: frozenset[str]) -> None:
    counts = Counter((r["topics"][0], r["tone"]) for r in records)
    missing = [f"{t}/{tone}" for t in sorted(ids) for tone in TONES if counts[(t, tone)] == 0]
    assert not missing, f"topic/tone pairs with no example: {missing}"


def test_overall_tone_mix_is_close_to_real_news(records: list[dict]) -> None:
    share = {tone: n / len(records) for tone, n in Counter(r["tone"] for r in records).items()}
    assert 0.40 <= share["neutral"] <= 0.50
    assert 0.25 <= share["negative"] <= 0.35
    assert 0.20 <= share["positive"] <= 0.30


def test_no_duplicate_titles_or_texts(records: list[dict]) -> None:
    dup_titles = [t for t, n in Counter(r["title"] for r in records).items() if n > 1]
    assert not dup_titles, f"duplicate titles: {dup_titles}"
    assert len({r["text"] for r in records}) == len(records)


def test_items_look_like_crawled_pages(records: list[dict]) -> None:
    no_paragraphs = [r["title"] for r in records if r["text"].count("\n\n") < 3]
    assert not no_paragraphs, f"items with fewer than 4 paragraphs: {no_paragraphs[:5]}"
    with_boilerplate = sum(any(b in r["text"] for b in BOILERPLATE) for r in records)
    assert with_boilerplate >= len(records) * 0.9


def test_validator_rejects_bad_lines(ids: frozenset[str]) -> None:
    good = {"title": "T", "text": "x" * 900, "lang": "ru", "topics": ["health"],
            "tone": "neutral"}
    assert validate_line(json.dumps(good), 1, ids)[1] == []
    bad_cases = [
        "{not json",
        "[1, 2]",
        json.dumps({**good, "lang": "en"}),
        json.dumps({**good, "lang": "kk"}),
        json.dumps({**good, "tone": "angry"}),
        json.dumps({**good, "topics": ["medicine"]}),
        json.dumps({**good, "topics": []}),
        json.dumps({**good, "topics": ["health", "health"]}),
        json.dumps({**good, "text": "too short"}),
        json.dumps({**good, "text": "x" * 2501}),
        json.dumps({**good, "title": "  "}),
        json.dumps({k: v for k, v in good.items() if k != "title"}),
    ]
    for case in bad_cases:
        problems = validate_line(case, 7, ids)[1]
        assert problems, case
        assert "line 7" in problems[0]
