"""OPML import (feeds become sources, duplicates skipped, bad XML named by line) and export."""

from __future__ import annotations

import pytest

from mediamon.config import ConfigError, load_sources
from mediamon.models import ApiMapping, Selectors, Source
from mediamon.opml import OpmlError, export_opml, import_opml, slugify

READER_OPML = """\
<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>my feeds</title></head>
  <body>
    <outline text="Казахстан">
      <outline type="rss" text="Tengrinews" xmlUrl="https://tengrinews.kz/news.rss"/>
      <outline type="rss" text="Егемен Қазақстан" xmlUrl="https://egemen.kz/rss"/>
      <outline type="rss" title="Eurasianet" text="x" xmlUrl="https://eurasianet.org/rss.xml"/>
      <outline type="rss" text="Tengrinews again" xmlUrl="https://www.tengrinews.kz/news.rss/"/>
      <outline text="Just a site" htmlUrl="https://example.kz/"/>
      <outline type="rss" text="Broken" xmlUrl="feed://nowhere"/>
    </outline>
  </body>
</opml>
"""

EXISTING = """\
# keep me
[[source]]
id = "eurasianet"
name = "Eurasianet"
url = "https://eurasianet.org/rss.xml"
origin = "foreign"
owner = "foreign"
"""


def test_import_adds_feeds_with_slug_ids_and_skips_duplicates(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text(READER_OPML, encoding="utf-8")
    sources = tmp_path / "sources.toml"
    sources.write_text(EXISTING, encoding="utf-8")
    report = import_opml(opml, sources)
    assert report.added == ["tengrinews", "egemen-qazaqstan"]
    reasons = dict(report.skipped)
    assert 'already configured as "eurasianet"' in reasons["https://eurasianet.org/rss.xml"]
    assert 'already configured as "tengrinews"' in reasons["https://www.tengrinews.kz/news.rss/"]
    assert "no xmlUrl" in reasons["https://example.kz/"]
    assert "line 11" in reasons["feed://nowhere"]
    config = load_sources(sources)
    assert [s.id for s in config.sources] == ["eurasianet", "tengrinews", "egemen-qazaqstan"]
    egemen = config.by_id("egemen-qazaqstan")
    assert egemen.kind == "feed" and egemen.languages == ("kk",)
    assert egemen.origin == "domestic" and egemen.confidence == "unverified"
    assert sources.read_text(encoding="utf-8").startswith("# keep me")


def test_import_into_missing_file_creates_it(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text(READER_OPML, encoding="utf-8")
    report = import_opml(opml, tmp_path / "new" / "sources.toml")
    assert len(report.added) == 3
    foreign = load_sources(tmp_path / "new" / "sources.toml").by_id("eurasianet")
    assert (foreign.origin, foreign.owner) == ("foreign", "foreign")


def test_malformed_opml_names_file_and_line(tmp_path):
    opml = tmp_path / "bad.opml"
    opml.write_text('<opml version="2.0">\n<body>\n<outline text="a" xmlUrl="https://a.kz/rss">\n'
                    "</body>\n</opml>\n", encoding="utf-8")
    sources = tmp_path / "sources.toml"
    with pytest.raises(OpmlError) as info:
        import_opml(opml, sources)
    msg = str(info.value)
    assert msg.startswith(f"{opml}, line 4") and "not well-formed" in msg
    assert isinstance(info.value, ConfigError) and not sources.exists()


def test_not_opml_is_refused(tmp_path):
    path = tmp_path / "rss.xml"
    path.write_text("<rss><channel/></rss>", encoding="utf-8")
    with pytest.raises(OpmlError, match="not OPML"):
        import_opml(path, tmp_path / "sources.toml")


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    opml = tmp_path / "xxe.opml"
    opml.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<opml version="2.0"><body>'
        '<outline type="rss" text="a&x;" xmlUrl="https://a.kz/rss"/></body></opml>\n',
        encoding="utf-8")
    sources = tmp_path / "sources.toml"
    with pytest.raises(OpmlError) as info:
        import_opml(opml, sources)
    assert "TOPSECRET" not in str(info.value) and "line 3" in str(info.value)
    assert not sources.exists()


def test_export_then_import_loses_nothing(tmp_path):
    originals = [
        Source(id="tengrinews-ru", name="Tengrinews", url="https://tengrinews.kz/news.rss",
               interval=15, reach=1.0, confidence="likely", note="grade B"),
        Source(id="akorda-kk", name="Ақорда", url="https://akorda.kz/kz/events", kind="listing",
               languages=("kk",), owner="state", agency="president_administration",
               region="astana", max_pages=3, enabled=False,
               selectors=Selectors(item="div.item", link="h3 a", date="h5", next="a.next")),
        Source(id="govkz-mfa", name="MFA", kind="api", owner="state", agency="mfa",
               url="https://www.gov.kz/api/v1/public/content-manager/news?projects=eq:mfa",
               api=ApiMapping(items="content", link="https://www.gov.kz/d/{id}", title="name",
                              date="createdDate"), confidence="doubtful"),
        Source(id="sitemap-kk", name="Sitemap", url="https://пример.қаз/sitemap.xml",
               kind="sitemap", languages=("kk", "kk-Latn")),
    ]
    out = export_opml(originals, tmp_path / "out.opml")
    text = out.read_text(encoding="utf-8")
    assert 'type="rss" xmlUrl="https://tengrinews.kz/news.rss"' in text
    assert 'htmlUrl="https://akorda.kz/kz/events"' in text
    assert "/mediamon/kind/listing" in text and "/mediamon/kind/api" in text
    report = import_opml(out, tmp_path / "sources.toml")
    assert report.added == [s.id for s in originals] and report.skipped == []
    assert load_sources(tmp_path / "sources.toml").sources == originals


def test_slugify_transliterates_kazakh_and_russian():
    assert slugify("Қазақстан жаңалықтары") == "qazaqstan-zhanalyqtary"
    assert slugify("Новости Казахстана") == "novosti-kazakhstana"
    assert slugify("!!!") == "source"
