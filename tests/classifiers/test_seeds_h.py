"""Validate the long Kazakh-Cyrillic topic/tone seeds in classifiers/data/seeds/topics_h.jsonl.

The file holds 144 crawler-like Kazakh news items (800-2,500 characters, several paragraphs,
page boilerplate such as «Фото: ...», «Сондай-ақ оқыңыз:», Telegram calls): exactly 6 per
taxonomy topic, with a fixed per-topic tone plan that sums to the real-news mix of about
45 % neutral, 30 % negative and 25 % positive. These tests check that every line is usable by
the trainer and that the promised counts hold.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "classifiers" / "data" / "seeds"
SEEDS_FILE = SEEDS_DIR / "topics_h.jsonl"
TAXONOMY_FILE = ROOT / "classifiers" / "data" / "taxonomy.toml"

REQUIRED = {"title": str, "text": str, "lang": str, "topics": list, "tone": str}
LANGS = ("ru", "kk", "kk-Latn")
TONES = ("positive", "neutral", "negative")
MIN_CHARS, MAX_CHARS = 800, 2500
PER_TOPIC = 6
TOTAL = 144
TONE_TOTALS = {"neutral": 65, "negative": 43, "positive": 36}

# (neutral, negative, positive) promised for each primary topic.
_A, _B, _C = (3, 2, 1), (3, 1, 2), (2, 2, 2)
TONE_PLAN: dict[str, tuple[int, int, int]] = {
    "public_administration": _A, "openness": _A, "e_government": _B, "public_safety": _A,
    "ict_infrastructure": _C, "ict_industry": _B, "education_science": _C, "health": _A,
    "e_commerce": _C, "industry": _C, "transport": _A, "agriculture": _C,
    "energy_housing": _A, "ecology": _A, "tourism": _B, "sport": _C, "culture": _B,
    "mass_media": _A, "domestic_content": _B, "state_information": _A, "labour_social": _A,
    "civil_rights": _A, "economy": _A, "other": _C,
}

KAZAKH_LETTERS = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүІі]")
LATIN_KAZAKH = re.compile(r"[äğñöşüūıÄĞÑÖŞÜŪáǵńóúý]")
BOILERPLATE = re.compile(
    r"Фото:|Читайте также|Подписывайтесь|Сондай-ақ оқыңыз|Telegram|Тегтер:|сілтеме міндетті"
)


def taxonomy_ids() -> frozenset[str]:
    """Topic ids as declared in classifiers/data/taxonomy.toml."""
    data = tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return frozenset(topic["id"] for topic in data["topics"])


def validate_line(line: str, lineno: int, ids: frozenset[str]) -> tuple[dict | None, list[str]]:
    """Parse one JSONL line; return (record or None, readable problems naming the line)."""
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
    extra = set(rec) - set(REQUIRED)
    if extra:
        problems.append(f"{where}: unexpected fields {sorted(extra)}")
    if rec["lang"] not in LANGS:
        problems.append(f"{where}: lang '{rec['lang']}' not one of {LANGS}")
    if rec["tone"] not in TONES:
        problems.append(f"{where}: tone '{rec['tone']}' not one of {TONES}")
    topics = rec["topics"]
    if (
        not 1 <= len(topics) <= 3
        or not all(isinstance(t, str) for t in topics)
        or len(set(topics)) != len(topics)
    ):
        problems.append(f"{where}: topics must be 1-3 distinct id strings, got {topics}")
    else:
        unknown = [t for t in topics if t not in ids]
        if unknown:
            problems.append(f"{where}: unknown topic ids {unknown}")
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
    lines = SEEDS_FILE.read_text(encoding="utf-8").splitlines()
    recs, problems = [], []
    for lineno, line in enumerate(lines, 1):
        rec, line_problems = validate_line(line, lineno, ids)
        problems.extend(line_problems)
        if rec is not None:
            recs.append(rec)
    assert not problems, "\n".join(problems[:20])
    return recs


def test_taxonomy_has_24_topics_and_plan_covers_them(ids: frozenset[str]) -> None:
    assert len(ids) == 24
    assert set(TONE_PLAN) == ids
    assert all(sum(plan) == PER_TOPIC for plan in TONE_PLAN.values())


def test_validator_rejects_bad_lines(ids: frozenset[str]) -> None:
    good = {"title": "T", "text": "x" * 900, "lang": "kk", "topics": ["health"], "tone": "neutral"}
    assert validate_line(json.dumps(good), 1, ids)[1] == []
    assert validate_line("{not json", 1, ids)[1]
    assert validate_line("[1, 2]", 1, ids)[1]
    for key, bad in (
        ("lang", "en"), ("tone", "mixed"), ("topics", ["no_such_topic"]), ("topics", []),
        ("topics", ["health", "health"]), ("topics", "health"), ("text", "short"),
        ("text", "x" * 2600), ("title", "  "), ("title", 5),
    ):
        assert validate_line(json.dumps({**good, key: bad}), 1, ids)[1], (key, bad)
    assert validate_line(json.dumps({**good, "extra": 1}), 1, ids)[1]


def test_total_and_language(records: list[dict]) -> None:
    assert len(records) == TOTAL
    assert Counter(r["lang"] for r in records) == Counter({"kk": TOTAL})


def test_six_items_per_primary_topic(records: list[dict], ids: frozenset[str]) -> None:
    primary = Counter(r["topics"][0] for r in records)
    assert primary == Counter({topic: PER_TOPIC for topic in ids})


def test_tone_plan_per_topic(records: list[dict]) -> None:
    got: dict[str, Counter] = {}
    for r in records:
        got.setdefault(r["topics"][0], Counter())[r["tone"]] += 1
    wrong = {
        topic: (c["neutral"], c["negative"], c["positive"])
        for topic, c in got.items()
        if (c["neutral"], c["negative"], c["positive"]) != TONE_PLAN[topic]
    }
    assert not wrong, f"per-topic (neutral, negative, positive) differs from plan: {wrong}"


def test_tone_mix_is_close_to_real_news(records: list[dict]) -> None:
    tones = Counter(r["tone"] for r in records)
    assert dict(tones) == TONE_TOTALS
    share = {t: tones[t] / len(records) for t in TONES}
    assert 0.40 <= share["neutral"] <= 0.50, share
    assert 0.25 <= share["negative"] <= 0.35, share
    assert 0.20 <= share["positive"] <= 0.30, share


def test_secondary_topics_are_few(records: list[dict]) -> None:
    sizes = Counter(len(r["topics"]) for r in records)
    assert sizes[1] >= TOTAL // 2, sizes
    assert sum(sizes[n] for n in (2, 3)) >= 10, sizes


def test_titles_and_texts_are_unique(records: list[dict]) -> None:
    dup = [t for t, n in Counter(r["title"] for r in records).items() if n > 1]
    assert not dup, f"duplicate titles: {dup}"
    assert len({r["text"] for r in records}) == len(records)


def test_titles_do_not_repeat_other_seed_files(records: list[dict]) -> None:
    mine = {r["title"] for r in records}
    clashes = []
    for path in sorted(SEEDS_DIR.glob("topics_*.jsonl")):
        if path == SEEDS_FILE:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                title = json.loads(line).get("title")
            except (json.JSONDecodeError, AttributeError):
                continue
            if title in mine:
                clashes.append(f"{path.name}: {title}")
    assert not clashes, clashes


def test_texts_are_kazakh_cyrillic(records: list[dict]) -> None:
    for r in records:
        assert len(KAZAKH_LETTERS.findall(r["text"])) >= 20, r["title"]
        assert KAZAKH_LETTERS.search(r["title"]) or len(r["title"]) < 40, r["title"]
        assert not LATIN_KAZAKH.search(r["title"] + r["text"]), r["title"]


def test_items_look_like_crawled_pages(records: list[dict]) -> None:
    for r in records:
        assert r["text"].count("\n\n") >= 3, f"fewer than 4 paragraphs: {r['title']}"
        assert r["text"] == r["text"].strip(), r["title"]
        assert "\n\n\n" not in r["text"], r["title"]
    with_boilerplate = sum(bool(BOILERPLATE.search(r["text"])) for r in records)
    assert with_boilerplate >= 0.9 * len(records)
    with_numbers = sum(bool(re.search(r"\d", r["text"])) for r in records)
    assert with_numbers >= 0.9 * len(records)
    with_quote = sum("«" in r["text"] or "– " in r["text"] for r in records)
    assert with_quote >= 0.75 * len(records)
