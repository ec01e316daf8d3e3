"""sources.toml loading, validation messages (file, line, field, what to do) and editing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mediamon.config import (
    ConfigError,
    add_source,
    ensure_user_sources,
    load_sources,
    remove_source,
    set_enabled,
    update_source,
)
from mediamon.models import ApiMapping, CrawlSettings, Selectors, Source
from mediamon.paths import Paths

GOOD = """\
# my sources — a comment that must survive edits
[crawler]
concurrency = 4
per_host_delay = 2

[[source]]
id = "tengrinews-ru"   # inline comment
name = "Tengrinews"
url = "https://tengrinews.kz/news.rss"
kind = "feed"
languages = ["ru"]
origin = "domestic"
owner = "private"
interval = 15

# the President
[[source]]
id = "akorda-ru"
name = "Akorda"
url = "https://akorda.kz/ru/events"
kind = "listing"
owner = "state"
agency = "president_administration"
region = "astana"

[source.selectors]
item = "div.item"
link = "h3 a"
"""


def write(tmp_path: Path, text: str, name: str = "sources.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    return info.value.messages


def test_good_file_loads_into_models(tmp_path):
    config = load_sources(write(tmp_path, GOOD))
    assert [s.id for s in config.sources] == ["tengrinews-ru", "akorda-ru"]
    feed, listing = config.sources
    assert feed.interval == 15 and feed.languages == ("ru",) and feed.kind == "feed"
    assert listing.selectors == Selectors(item="div.item", link="h3 a")
    assert listing.agency == "president_administration" and listing.region == "astana"
    assert config.crawler == CrawlSettings(concurrency=4, per_host_delay=2.0)
    assert config.warnings == []


def test_wrong_kind_names_file_line_source_field_and_fix(tmp_path):
    path = write(tmp_path, GOOD.replace('kind = "feed"', 'kind = "rss"'))
    (msg,) = errors_of(path)
    assert msg == (f'{path}, line 10, source "tengrinews-ru": kind "rss" is not one of feed, '
                   'listing, sitemap, api — use "feed" for RSS/Atom')


def test_all_errors_are_collected_not_just_the_first(tmp_path):
    text = GOOD.replace('interval = 15', 'interval = 0').replace(
        'agency = "president_administration"', 'agency = "ministry_of_magic"').replace(
        'url = "https://tengrinews.kz/news.rss"', 'url = "ftp://tengrinews.kz/news.rss"')
    msgs = errors_of(write(tmp_path, text))
    assert len(msgs) == 3
    assert any("line 14" in m and "interval" in m and "1 or more" in m for m in msgs)
    assert any("line 23" in m and 'agency "ministry_of_magic"' in m for m in msgs)
    assert any("line 9" in m and "http:// or https://" in m for m in msgs)


def test_toml_syntax_error_reports_line(tmp_path):
    path = write(tmp_path, GOOD.replace('name = "Akorda"', 'name = Akorda'))
    (msg,) = errors_of(path)
    assert msg.startswith(f"{path}, line 19") and "TOML syntax error" in msg
    assert "Traceback" not in msg


def test_missing_required_fields_and_types(tmp_path):
    text = """\
[[source]]
id = "x"
url = "https://x.kz/rss"
enabled = "yes"
languages = ["ru", "de"]
reach = "big"
"""
    msgs = errors_of(write(tmp_path, text))
    joined = "\n".join(msgs)
    assert "line 1" in joined and "name is missing" in joined
    assert "line 4" in joined and "enabled must be true or false" in joined
    assert "line 5" in joined and "'de'" in joined
    assert "line 6" in joined and "reach" in joined


def test_duplicate_ids_point_at_both_lines(tmp_path):
    text = GOOD.replace('id = "akorda-ru"', 'id = "tengrinews-ru"')
    (msg,) = errors_of(write(tmp_path, text))
    assert "line 18" in msg and "used twice" in msg and "first at line 7" in msg


def test_listing_needs_selectors_and_api_needs_items_and_link(tmp_path):
    text = """\
[[source]]
id = "l"
name = "L"
url = "https://l.kz/news"
kind = "listing"

[[source]]
id = "a"
name = "A"
url = "https://www.gov.kz/api/v1/public/content-manager/news"
kind = "api"

[source.api]
title = "name"
"""
    msgs = errors_of(write(tmp_path, text))
    assert any('source "l"' in m and "[source.selectors]" in m for m in msgs)
    assert any('source "a"' in m and "api.items is missing" in m for m in msgs)
    assert any('source "a"' in m and "api.link is missing" in m for m in msgs)


def test_invalid_css_selector_is_reported(tmp_path):
    text = GOOD.replace('item = "div.item"', 'item = "div[[item"')
    (msg,) = errors_of(write(tmp_path, text))
    assert "line 27" in msg and "selectors.item" in msg and "not a valid CSS selector" in msg


@pytest.mark.parametrize("url", ["https://пример.қаз/news", "https://xn--e1afmkfd.xn--80ao21a/",
                                 "http://127.0.0.1:8080/feed.xml"])
def test_accepted_urls_include_idn_hosts(tmp_path, url):
    config = load_sources(write(tmp_path, GOOD.replace("https://tengrinews.kz/news.rss", url)))
    assert config.sources[0].url == url


@pytest.mark.parametrize("url", ["tengrinews.kz/news.rss", "https://", "https://bad host.kz/",
                                 "javascript:alert(1)", "https://a..kz/"])
def test_rejected_urls(tmp_path, url):
    (msg,) = errors_of(write(tmp_path, GOOD.replace("https://tengrinews.kz/news.rss", url)))
    assert "line 9" in msg and "url" in msg


def test_unknown_keys_are_warnings_not_failures(tmp_path):
    text = GOOD.replace('interval = 15', 'interval = 15\ncolour = "red"').replace(
        "concurrency = 4", "concurrency = 4\nturbo = true")
    config = load_sources(write(tmp_path, text))
    assert len(config.sources) == 2
    assert any("line 4" in w and "turbo" in w for w in config.warnings)
    assert any("line 16" in w and "colour" in w for w in config.warnings)


def test_crawler_type_error(tmp_path):
    (msg,) = errors_of(write(tmp_path, GOOD.replace("concurrency = 4", 'concurrency = "many"')))
    assert "line 3" in msg and "[crawler] concurrency" in msg


def test_agency_requires_state_owner(tmp_path):
    text = GOOD.replace('owner = "state"', 'owner = "private"')
    (msg,) = errors_of(write(tmp_path, text))
    assert "agency" in msg and 'owner = "state"' in msg


def test_missing_file_and_bad_encoding(tmp_path):
    (msg,) = errors_of(tmp_path / "nope.toml")
    assert "not found" in msg
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('[[source]]\nname = "Қ"\n'.encode()[:-4] + b"\xff\"\n")
    (msg,) = errors_of(bad)
    assert "line 2" in msg and "UTF-8" in msg


# --------------------------------------------------------------------------- editing


NEW = Source(id="gov-mfa", name="MFA", url="https://www.gov.kz/api/v1/public/content-manager/news",
             kind="api", owner="state", agency="mfa", interval=120, enabled=False,
             api=ApiMapping(items="content", link="https://www.gov.kz/x/{id}", title="name"),
             confidence="doubtful", note="needs headers")


def test_add_source_keeps_comments_and_round_trips(tmp_path):
    path = write(tmp_path, GOOD)
    config = add_source(path, NEW)
    text = path.read_text(encoding="utf-8")
    assert "# my sources — a comment that must survive edits" in text
    assert "# inline comment" in text and "# the President" in text
    assert config.sources[-1] == NEW
    assert load_sources(path).sources[-1] == NEW


def test_add_duplicate_id_is_refused_and_file_unchanged(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(ConfigError, match="already exists"):
        add_source(path, Source(id="akorda-ru", name="x", url="https://x.kz/"))
    assert path.read_text(encoding="utf-8") == GOOD


def test_invalid_edit_is_not_written(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(ConfigError) as info:
        update_source(path, "tengrinews-ru", kind="rss")
    assert 'kind "rss"' in str(info.value)
    assert path.read_text(encoding="utf-8") == GOOD
    assert [p.name for p in tmp_path.iterdir()] == ["sources.toml"]  # no temp file left


def test_update_and_set_enabled_and_remove(tmp_path):
    path = write(tmp_path, GOOD)
    update_source(path, "tengrinews-ru", interval=30, languages=("ru", "kk"), reach=0.5)
    set_enabled(path, "akorda-ru", False)
    update_source(path, "akorda-ru", selectors=Selectors(item="li", link="a", date="time"))
    update_source(path, "akorda-ru", region=None)
    feed, listing = load_sources(path).sources
    assert (feed.interval, feed.languages, feed.reach) == (30, ("ru", "kk"), 0.5)
    assert listing.enabled is False and listing.region is None
    assert listing.selectors == Selectors(item="li", link="a", date="time")
    remove_source(path, "tengrinews-ru")
    text = path.read_text(encoding="utf-8")
    assert [s.id for s in load_sources(path).sources] == ["akorda-ru"]
    assert "# my sources" in text and "# the President" in text


def test_edit_unknown_id_names_it(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(ConfigError, match='no source with id "ghost"'):
        set_enabled(path, "ghost", True)
    with pytest.raises(ConfigError, match="unknown field"):
        update_source(path, "akorda-ru", colour="red")


def test_edit_keeps_file_mode(tmp_path):
    path = write(tmp_path, GOOD)
    os.chmod(path, 0o600)
    set_enabled(path, "akorda-ru", False)
    assert (path.stat().st_mode & 0o777) == 0o600


def test_ensure_user_sources_copies_once_and_never_overwrites(tmp_path):
    paths = Paths(config_dir=tmp_path / "cfg", data_dir=tmp_path / "data")
    target = ensure_user_sources(paths)
    assert target == paths.sources_file and target.exists()
    assert len(load_sources(target).sources) >= 40
    target.write_text("# mine\n", encoding="utf-8")
    assert ensure_user_sources(paths) == target
    assert target.read_text(encoding="utf-8") == "# mine\n"
