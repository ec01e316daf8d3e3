"""Feeds, listing pages, sitemaps and JSON APIs turned into entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediamon.models import ApiMapping, Selectors
from mediamon.parse import (
    ParseError,
    parse_api,
    parse_feed,
    parse_listing,
    parse_sitemap,
    to_iso_utc,
)

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
BASE = "https://dala.example"


def read(rel: str) -> bytes:
    return SITE.joinpath(rel).read_bytes().replace(b"{base}", BASE.encode())


def test_rss2_russian() -> None:
    entries = parse_feed(read("feeds/ru-rss.xml"), BASE + "/feeds/ru-rss.xml")
    assert [e.url for e in entries] == [
        BASE + "/articles/ru-1.html?utm_source=rss&utm_medium=feed",
        BASE + "/articles/ru-2.html",
        BASE + "/articles/ru-3.html#comments",
    ]
    first = entries[0]
    assert first.title == "В Караганде открыли новый центр обслуживания населения"
    assert first.summary == "Новый ЦОН рассчитан на восемьсот посетителей в день."
    assert first.published == "2026-11-20T04:30:00+00:00"
    assert first.author == "Айгуль Сейткали"
    assert first.text == ""


def test_atom_kazakh_with_full_content() -> None:
    entries = parse_feed(read("feeds/kk-atom.xml"), BASE + "/feeds/kk-atom.xml")
    assert len(entries) == 2
    assert entries[0].title == "Шымкентте жаңа балабақша ашылды"
    assert entries[0].published == "2026-11-19T05:15:00+00:00"
    assert entries[1].text.startswith("Ақтөбе қаласында отыз шақырымнан")
    assert len(entries[1].text.splitlines()) == 3  # paragraphs kept as lines


def test_rdf_feed() -> None:
    entries = parse_feed(read("feeds/rdf.xml"), BASE + "/feeds/rdf.xml")
    assert [e.title for e in entries][:2] == [
        "Фермеры Костанайской области завершили уборку зерновых",
        "В Атырау построят станцию опреснения морской воды",
    ]
    assert entries[0].published == "2026-11-10T03:00:00+00:00"


def test_kazakh_latin_feed() -> None:
    entries = parse_feed(read("feeds/kk-latn.xml"), BASE + "/feeds/kk-latn.xml")
    assert entries[0].title == "Astanada jańa mektep ashyldy"
    assert entries[1].title.startswith("Ükimet şaruaşylyq")
    assert "Qazaqstan Respýblıkasy Úkimeti" in entries[1].text


@pytest.mark.parametrize(
    ("rel", "title"),
    [
        ("feeds/cp1251.xml", "Школьники Северо-Казахстанской области победили на олимпиаде «Ёлка знаний»"),
        ("feeds/kz1048.xml", "Қызылорда облысында күріш өнімі мол болды"),
        ("feeds/wrong-charset.xml", "В Талдыкоргане запустили новые электробусы"),
        ("feeds/nocharset.xml", "В Семее отреставрируют дом-музей Абая"),
    ],
)
def test_feed_charsets(rel: str, title: str) -> None:
    titles = [e.title for e in parse_feed(read(rel), BASE + "/" + rel)]
    assert title in titles


def test_malformed_feed_is_a_clear_error() -> None:
    with pytest.raises(ParseError, match=r"^feed is not valid XML: .+; check the URL in "
                                         r"sources.toml or switch kind to listing$"):
        parse_feed(read("feeds/malformed.xml"), BASE + "/feeds/malformed.xml")


def test_bozo_feed_with_entries_is_used() -> None:
    broken = read("feeds/ru-rss.xml").replace(b"</channel>", b"<unclosed></channel>")
    assert len(parse_feed(broken, BASE)) == 3


def test_listing_with_pagination() -> None:
    sel = Selectors(item=".news-item", link="a.news-title", date=".news-date", next="a.next")
    entries, next_url = parse_listing(read("listing/news.html"), BASE + "/listing/news.html", sel)
    assert [e.url for e in entries] == [BASE + "/articles/gov-1.html",
                                        BASE + "/articles/gov-2.html?utm_campaign=list"]
    assert entries[0].title == "Министр образования провёл отчётную встречу с населением"
    assert entries[0].published == "2026-11-15T05:00:00+00:00"
    assert entries[1].published == "2026-11-16T07:30:00+00:00"
    assert next_url == BASE + "/listing/news-2.html"
    more, last = parse_listing(read("listing/news-2.html"), next_url, sel)
    assert len(more) == 2 and last is None
    assert more[0].published == "2026-11-12T04:45:00+00:00"  # "12 қараша 2026, 09:45"


def test_listing_selector_matching_nothing() -> None:
    with pytest.raises(ParseError, match="matches nothing.*fix selectors.item"):
        parse_listing(read("listing/news.html"), BASE, Selectors(item=".no-such-class"))
    with pytest.raises(ParseError, match="not valid CSS"):
        parse_listing(read("listing/news.html"), BASE, Selectors(item="div[["))


def test_sitemap_and_index() -> None:
    entries, children = parse_sitemap(read("sitemap.xml"), BASE + "/sitemap.xml")
    assert children == []
    assert [e.url for e in entries] == [BASE + "/articles/sm-2.html",
                                        BASE + "/articles/sm-1.html"]  # newest first
    assert len(parse_sitemap(read("sitemap.xml"), BASE, limit=1)[0]) == 1
    entries, children = parse_sitemap(read("sitemap-index.xml"), BASE + "/sitemap-index.xml")
    assert entries == []
    assert children == [BASE + "/sitemap.xml", BASE + "/sitemap-old.xml"]
    with pytest.raises(ParseError, match="sitemap is not valid XML"):
        parse_sitemap(b"<urlset><url>", BASE)


def test_api_mapping() -> None:
    mapping = ApiMapping(items="data.items", link="/articles/{slug}.html", date="created_date",
                         text="body")
    entries = parse_api(read("api/news.json"), BASE + "/api/news.json", mapping)
    assert [e.url for e in entries] == [BASE + "/articles/api-1.html", BASE + "/articles/api-2.html"]
    assert entries[1].title == "Қаржы министрлігі бюджет жобасын жариялады"
    assert entries[1].published == "2026-11-09T04:00:00+00:00"
    assert entries[1].text.startswith("Қаржы министрлігі келесі үш жылға")
    with pytest.raises(ParseError, match="api.items = 'data.news'"):
        parse_api(read("api/news.json"), BASE, ApiMapping(items="data.news", link="url"))
    with pytest.raises(ParseError, match="not valid JSON"):
        parse_api(b"{oops", BASE, mapping)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2026-11-27T10:00:00Z", "2026-11-27T10:00:00+00:00"),
        ("27.11.2026 14:30", "2026-11-27T09:30:00+00:00"),
        ("27 ноября 2026", "2026-11-26T19:00:00+00:00"),
        ("3 қаңтар 2026 10:00", "2026-01-03T05:00:00+00:00"),
        (1795773600, "2026-11-27T10:00:00+00:00"),
        ("not a date", None),
    ],
)
def test_dates(raw, iso) -> None:
    assert to_iso_utc(raw) == iso


def test_skipped_entries_are_reported_not_dropped_silently() -> None:
    problems: list[str] = []
    entries = parse_feed(read("feeds/no-link.xml"), BASE + "/feeds/no-link.xml",
                         problems=problems)
    assert [e.url for e in entries] == [BASE + "/articles/ru-2.html"]
    assert problems == ["feed entries without a link: 1 skipped (first: 'Запись без ссылки на "
                        "статью'); they cannot be stored; ask the site to fix its feed or use "
                        "kind = listing"]
    # a clean feed adds nothing
    parse_feed(read("feeds/ru-rss.xml"), BASE, problems=problems)
    assert len(problems) == 1

    problems.clear()
    page = (b"<ul><li class='n'><a href='/a/1.html'>One</a></li>"
            b"<li class='n'><a href='javascript:void(0)'>Advert</a></li>"
            b"<li class='n'><span>No link here</span></li></ul>")
    entries, _ = parse_listing(page, BASE, Selectors(item="li.n"), problems=problems)
    assert [e.url for e in entries] == [BASE + "/a/1.html"]
    assert len(problems) == 1
    assert problems[0].startswith("listing items matched by 'li.n' without a link: 2 skipped "
                                  "(first: 'Advert')")

    problems.clear()
    doc = (b'{"items": [{"url": "/a/1"}, {"title": "no url"}, "junk", {"url": ""}]}')
    entries = parse_api(doc, BASE, ApiMapping(items="items", link="url"), problems=problems)
    assert [e.url for e in entries] == [BASE + "/a/1"]
    assert problems == [
        "API items without a link from api.link = 'url': 2 skipped; check api.link in "
        "sources.toml",
        "entries of api.items = 'items' that are not JSON objects: 1 skipped; check api.items "
        "in sources.toml"]

    problems.clear()
    sitemap = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><!-- c -->'
               b"<url><loc>https://x.kz/1</loc></url><url><lastmod>2026-11-01</lastmod></url>"
               b"</urlset>")
    entries, _ = parse_sitemap(sitemap, BASE, problems=problems)
    assert [e.url for e in entries] == ["https://x.kz/1"]
    assert len(problems) == 1 and problems[0].startswith("sitemap entries without <loc>: 1 ")
