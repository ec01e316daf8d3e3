"""The shipped sources.toml loads cleanly and covers domestic media, state bodies and foreign outlets."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mediamon.config import known_ids, load_sources
from mediamon.paths import default_sources_file

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("MEDIAMON_SHARED", ROOT.parent / "shared"))
STATE_BODY_HOSTS = ("akorda.kz", "primeminister.kz", "gov.kz", "nationalbank.kz")


@pytest.fixture(scope="module")
def config():
    return load_sources(default_sources_file())


def test_loads_without_errors_or_warnings(config):
    assert config.warnings == []
    assert len({s.id for s in config.sources}) == len(config.sources)


def test_counts(config):
    media = [s for s in config.sources if s.agency is None]
    domestic_media = [s for s in media if s.origin == "domestic"]
    state_bodies = [s for s in config.sources if s.agency is not None]
    foreign = [s for s in config.sources if s.origin == "foreign"]
    assert len(domestic_media) >= 25
    assert {"ru", "kk"} <= {lang for s in domestic_media for lang in s.languages}
    assert len(state_bodies) >= 10
    assert len(foreign) >= 5 and all(s.owner == "foreign" for s in foreign)


def test_every_state_body_has_a_known_agency(config):
    agencies, _ = known_ids()
    for s in config.sources:
        host = urlsplit(s.url).hostname or ""
        if host.endswith(STATE_BODY_HOSTS):
            assert s.agency in agencies, s.id
            assert s.owner == "state", s.id


def test_nothing_claims_to_be_verified_and_every_entry_has_evidence(config):
    for s in config.sources:
        assert s.confidence != "verified", s.id
        assert s.note and len(s.note) > 20, s.id


def test_listings_and_apis_are_complete(config):
    kinds = {s.kind for s in config.sources}
    assert {"feed", "listing", "sitemap", "api"} <= kinds
    for s in config.sources:
        if s.kind == "listing":
            assert s.selectors is not None and s.selectors.item
        if s.kind == "api":
            assert s.api is not None and "{id}" in s.api.link


def test_ids_file_matches_programme_ids():
    agencies_csv = SHARED / "programme" / "agencies.csv"
    regions_csv = SHARED / "programme" / "regions.csv"
    if not agencies_csv.exists():
        pytest.skip(f"{agencies_csv} is absent (../shared not available)")
    agencies, regions = known_ids()
    with agencies_csv.open(encoding="utf-8") as fh:
        assert set(agencies) == {row["id"] for row in csv.DictReader(fh)}
    with regions_csv.open(encoding="utf-8") as fh:
        assert set(regions) == {row["id"] for row in csv.DictReader(fh)}


def test_grade_a_urls_are_marked_likely(config):
    survey = SHARED / "data" / "kz_feed_sources" / "kz_feed_sources.csv"
    if not survey.exists():
        pytest.skip(f"{survey} is absent (../shared not available)")
    with survey.open(encoding="utf-8") as fh:
        grades = {row["url"].rstrip("?=page").rstrip("/"): row["evidence_grade"]
                  for row in csv.DictReader(fh)}
    for s in config.sources:
        grade = grades.get(s.url.rstrip("/"))
        if grade == "D":
            assert s.confidence == "doubtful" and not s.enabled, s.id
        if grade in ("A", "B") and s.kind != "listing":
            assert s.confidence == "likely", s.id
