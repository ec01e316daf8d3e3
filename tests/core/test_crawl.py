"""End-to-end crawls of the local fixture site into a real SQLite store."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from mediamon.crawl import backoff_minutes, crawl, run_crawl
from mediamon.models import ApiMapping, Selectors, Source
from mediamon.urls import canonical_url

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
LISTING = Selectors(item=".news-item", link="a.news-title", date=".news-date", next="a.next")
API = ApiMapping(items="data.items", link="/articles/{slug}.html", date="created_date",
                 text="body")
BOILERPLATE = ("Мы используем файлы cookie", "Читайте также", "Все права защищены",
               "Курс тенге укрепился", "Поделиться", "Контакты редакции")


def good_sources(base: str) -> list[Source]:
    return [
        Source("dala-ru", "Дала (рус)", base + "/feeds/ru-rss.xml"),
        Source("dala-kk", "Дала (қаз)", base + "/feeds/kk-atom.xml", languages=("kk",)),
        Source("regions-rdf", "Регионы", base + "/feeds/rdf.xml"),
        Source("latn", "Latyn", base + "/feeds/kk-latn.xml", languages=("kk",)),
        Source("sko-1251", "Приишимье", base + "/feeds/cp1251.xml"),
        Source("kzo-1048", "Өңір", base + "/feeds/kz1048.xml", languages=("kk",)),
        Source("wrong-cs", "Жетысу", base + "/fault/wrong-charset.xml"),
        Source("no-cs", "Семей", base + "/fault/no-charset.xml"),
        Source("edu-gov", "Минпросвещения", base + "/listing/news.html", kind="listing",
               owner="state", max_pages=3, selectors=LISTING),
        Source("gov-sitemap", "Правительство", base + "/sitemap-index.xml", kind="sitemap",
               owner="state"),
        Source("gov-api", "gov.kz", base + "/api/news.json", kind="api", owner="state", api=API),
    ]


EXPECTED_PATHS = {
    "/articles/ru-1.html", "/articles/ru-2.html", "/articles/ru-3.html", "/articles/kk-1.html",
    "/articles/kk-2.html", "/articles/rdf-1.html", "/articles/rdf-2.html",
    "/articles/latn-1.html", "/articles/latn-2.html", "/cp/1.html", "/cp/2.html", "/kz/1.html",
    "/wrong/1.html", "/nocs/1.html", "/articles/gov-1.html", "/articles/gov-2.html",
    "/articles/gov-3.html", "/articles/gov-4.html", "/articles/sm-1.html",
    "/articles/sm-2.html", "/articles/api-1.html", "/articles/api-2.html",
}


def finished(events: list[dict]) -> dict[str, dict]:
    return {e["source"]: e for e in events if e["event"] == "source_finished"}


def test_full_crawl_stores_each_item_once_with_clean_text(site, store, settings) -> None:
    events: list[dict] = []
    inserted: list = []
    summary = run_crawl(good_sources(site.base), store, settings, on_event=events.append,
                        on_new_items=inserted.extend)
    done = finished(events)
    assert {k: v["error"] for k, v in done.items() if v["error"]} == {}
    assert summary.failed == 0 and summary.sources == 11

    items = store.items(limit=1000)
    canon = [it["canonical_url"] for it in items]
    assert len(canon) == len(set(canon))
    assert {c.removeprefix(site.base) for c in canon} == EXPECTED_PATHS
    assert len(inserted) == len(items) == summary.items_new == len(EXPECTED_PATHS)
    assert all(isinstance(i, int) for i, _ in inserted)

    by_path = {it["canonical_url"].removeprefix(site.base): it for it in items}
    # article pages fetched and extracted: body sentences in, boilerplate out
    for path, sentence in [
        ("/articles/ru-1.html", "рассчитанный на восемьсот посетителей в день"),
        ("/articles/kk-1.html", "үш жүз орындық жаңа балабақша"),
        ("/articles/latn-1.html", "Esil aýdanynda bir myń eki júz oqýshyǵa"),
        ("/articles/gov-3.html", "қашықтан оқу курстарынан тегін өте алады"),
        ("/articles/sm-1.html", "модернизации теплосетей"),
        ("/articles/api-1.html", "видеозаписью"),
    ]:
        text = by_path[path]["text"]
        assert sentence in text, path
        for phrase in BOILERPLATE:
            assert phrase not in text, (path, phrase)
    # full text from the feed itself, decoded from legacy charsets
    assert "Сазды өзенінің бойындағы" in by_path["/articles/kk-2.html"]["text"]
    assert "Ükimet otyrysynda" in by_path["/articles/latn-2.html"]["text"]
    assert "многоэтажных жилых домов" in by_path["/cp/1.html"]["text"]
    assert "Һәм жергілікті кәсіпкерлер" in by_path["/kz/1.html"]["text"]
    assert "электробусов казахстанской сборки" in by_path["/wrong/1.html"]["text"]
    assert "дома-музея Абая" in by_path["/nocs/1.html"]["text"]
    # dates: from the feed, the listing, the API
    assert by_path["/articles/ru-2.html"]["published"] == "2026-11-21T06:00:00+00:00"
    assert by_path["/articles/gov-4.html"]["published"] == "2026-11-11T10:10:00+00:00"
    assert by_path["/articles/api-2.html"]["published"] == "2026-11-09T04:00:00+00:00"
    # the RDF reprint of ru-1 (?from=rdf) was known: counted as seen, its page not fetched twice
    assert done["regions-rdf"]["items_found"] == 3
    assert done["regions-rdf"]["items_new"] + done["regions-rdf"]["items_seen"] == 3
    ru1 = [h for h in site.hits if h.path.startswith("/articles/ru-1.html")]
    assert len(ru1) == 1
    # events in order, with the documented shape
    assert events[0] == {"event": "crawl_started", "sources": 11}
    assert events[-1]["event"] == "crawl_finished"
    assert events[-1]["items_new"] == len(EXPECTED_PATHS) and events[-1]["failed"] == 0
    assert set(done["dala-ru"]) == {"event", "source", "status", "items_found", "items_new",
                                    "items_seen", "not_modified", "error", "failed",
                                    "duration_ms"}
    health = store.health("dala-ru")
    assert health.etag and health.consecutive_failures == 0 and health.last_success


def test_second_crawl_is_conditional_and_stores_nothing(site, store, settings) -> None:
    sources = good_sources(site.base)
    first = run_crawl(sources, store, settings)
    assert first.items_new == len(EXPECTED_PATHS)
    site.clear()
    events: list[dict] = []
    second = run_crawl(sources, store, settings, force=True, on_event=events.append)
    assert second.items_new == 0 and second.failed == 0
    assert second.not_modified == len(sources)
    source_paths = {s.url.removeprefix(site.base) for s in sources}
    hits = [h for h in site.hits if h.path in source_paths]
    assert {h.path for h in hits} == source_paths, site.hits
    assert all(h.conditional and h.status == 304 for h in hits)
    assert not any(h.path.startswith("/articles/") for h in site.hits)
    assert all(e["not_modified"] for e in finished(events).values())
    assert len(store.items(limit=1000)) == len(EXPECTED_PATHS)


def test_not_due_sources_are_skipped_until_forced(site, store, settings) -> None:
    sources = good_sources(site.base)[:2]
    run_crawl(sources, store, settings)
    site.clear()
    again = run_crawl(sources, store, settings)
    assert again.sources == 0 and site.hits == []
    nxt = datetime.fromisoformat(store.health("dala-ru").next_poll)
    assert nxt > datetime.now(UTC)


def test_changed_feed_brings_only_the_new_item(site, store, settings) -> None:
    source = good_sources(site.base)[:1]
    run_crawl(source, store, settings)
    raw = (SITE / "feeds" / "ru-rss.xml").read_bytes()
    added = raw.replace(b"<item>", b"""<item>
    <title>Ministry of health opened a new clinic</title>
    <link>{base}/articles/ru-new.html</link>
    <description>New clinic opened in Turkistan with a maternity ward and a laboratory that serves the whole district. The building has four floors, a pharmacy and a children's department; doctors will also visit remote villages twice a month. The akimat says waiting times for specialists should fall by half. Registration works through the eGov portal and by phone, and the clinic is open on Saturdays from nine to two. Construction took eighteen months and was paid for from the regional budget.</description>
  </item>
  <item>""", 1)
    site.override("ru-rss.xml", added)
    inserted: list = []
    summary = run_crawl(source, store, settings, force=True, on_new_items=inserted.extend)
    assert summary.items_new == 1
    assert [it.canonical_url for _, it in inserted] == [canonical_url(site.url("/articles/ru-new.html"))]
    assert inserted[0][1].text.startswith("New clinic opened in Turkistan")


FAULTS = {
    "f-404": ("/fault/404", "HTTP 404"),
    "f-500": ("/fault/500", "server error"),
    "f-503": ("/fault/503", "retry after 3600 s"),
    "f-timeout": ("/fault/timeout", "read timeout"),
    "f-drip": ("/fault/drip", "sent the response too slowly"),
    "f-loop": ("/fault/loop", "redirect loop"),
    "f-big": ("/fault/big", "response larger than 0.1 MB"),
    "f-xml": ("/feeds/malformed.xml", "feed is not valid XML"),
    "f-robots": ("/private/feed.xml", "robots.txt"),
}


def test_every_fault_is_a_clear_per_source_error(site, store, settings) -> None:
    settings = replace(settings, max_bytes=100_000, read_timeout=0.5)
    faults = [Source(sid, sid, site.url(path)) for sid, (path, _) in FAULTS.items()]
    faults.append(Source("f-selector", "bad selector", site.url("/listing/news.html"),
                         kind="listing", selectors=Selectors(item=".does-not-exist")))
    faults.append(Source("f-refused", "refused", "http://127.0.0.1:9/rss.xml"))
    good = good_sources(site.base)[:3]
    events: list[dict] = []
    summary = run_crawl([*faults, *good], store, settings, on_event=events.append)
    done = finished(events)
    assert summary.failed == len(faults)
    for s in good:
        assert done[s.id]["error"] is None and done[s.id]["items_new"] > 0
        assert done[s.id]["failed"] is False
    expected = {**{k: v[1] for k, v in FAULTS.items()}, "f-selector": "matches nothing",
                "f-refused": "127.0.0.1:9"}
    for s in faults:
        err = done[s.id]["error"]
        assert err is not None, s.id
        assert err.startswith(f"{s.id} ({s.url}): "), err
        assert done[s.id]["failed"] is True
        assert expected[s.id] in err, err
        assert "\n" not in err and "Traceback" not in err
        health = store.health(s.id)
        assert health.consecutive_failures == 1 and health.last_error == err
    # back-off: next poll after twice the interval; Retry-After pushes it further
    now = datetime.now(UTC)
    wait_404 = datetime.fromisoformat(store.health("f-404").next_poll) - now
    wait_503 = datetime.fromisoformat(store.health("f-503").next_poll) - now
    assert 110 * 60 < wait_404.total_seconds() <= 120 * 60
    assert wait_503.total_seconds() > 3500
    assert backoff_minutes(10, 3, settings) == 80
    assert backoff_minutes(60, 10, settings) == settings.max_backoff_minutes


def test_failed_article_page_does_not_drop_the_others(site, store, settings) -> None:
    source = Source("partial", "partial", site.url("/feeds/partial.xml"))
    events: list[dict] = []
    run_crawl([source], store, settings, on_event=events.append)
    done = finished(events)["partial"]
    assert done["items_new"] == 2
    assert "removed-page.html" in done["error"] and "HTTP 404" in done["error"]
    texts = {it["title"]: it["text"] for it in store.items(limit=10)}
    assert "шестьдесят вопросов учителей" in texts[
        "Министр образования провёл отчётную встречу с населением"]
    assert texts["Страница этой новости удалена с сайта"] == "Короткий анонс удалённой новости."
    assert store.health("partial").consecutive_failures == 0


def test_listing_stops_at_max_pages(site, store, settings) -> None:
    source = Source("edu", "edu", site.url("/listing/news.html"), kind="listing",
                    selectors=LISTING, max_pages=1)
    summary = run_crawl([source], store, settings)
    assert summary.items_new == 2
    assert not any(h.path == "/listing/news-2.html" for h in site.hits)


def test_cancel_stops_new_sources_and_keeps_finished_ones(site, store, settings) -> None:
    sources = good_sources(site.base)
    settings = replace(settings, concurrency=1)

    async def go():
        cancel = asyncio.Event()

        def on_event(event: dict) -> None:
            if event["event"] == "source_finished":
                cancel.set()

        return await crawl(sources, store, settings, on_event=on_event, cancel=cancel)

    summary = asyncio.run(go())
    assert summary.sources == 1 and summary.cancelled
    assert len(store.items(limit=100)) == summary.items_new == 3  # dala-ru's items are kept
    assert store.health("dala-kk").last_success is None  # never started


def test_check_sources_probes_without_storing(site, settings) -> None:
    from mediamon.crawl import check_sources

    rows = check_sources([Source("dala-ru", "d", site.url("/feeds/ru-rss.xml")),
                          Source("gone", "g", site.url("/fault/404")),
                          Source("sm", "s", site.url("/sitemap-index.xml"), kind="sitemap"),
                          Source("list", "l", site.url("/listing/news.html"), kind="listing",
                                 selectors=LISTING)], settings)
    assert rows[0]["error"] is None and rows[0]["items_found"] == 3 and rows[0]["status"] == 200
    assert rows[0]["first_title"] == "В Караганде открыли новый центр обслуживания населения"
    assert rows[0]["notes"] == []
    assert rows[1]["status"] == 404 and rows[1]["error"].startswith("gone (")
    assert rows[2]["error"] is None and rows[2]["items_found"] == 2  # from the newest child
    assert rows[3]["error"] is None and rows[3]["items_found"] == 2
    assert rows[3]["first_title"] == "Министр образования провёл отчётную встречу с населением"
    assert no_article_fetched(site)


def no_article_fetched(site) -> bool:
    """check_sources fetched pages only, never an article."""
    return not any(h.path.startswith("/articles/") for h in site.hits)


def test_cancel_abandons_in_flight_source_cleanly(site, store, settings) -> None:
    hanging = Source("hangs", "hangs", site.url("/fault/timeout"))
    quick = good_sources(site.base)[0]
    settings = replace(settings, concurrency=2, read_timeout=30.0)
    events: list[dict] = []

    async def go():
        cancel = asyncio.Event()

        def on_event(event: dict) -> None:
            events.append(event)
            if event["event"] == "source_finished" and event["source"] == quick.id:
                cancel.set()

        return await crawl([hanging, quick], store, settings, on_event=on_event, cancel=cancel)

    summary = asyncio.run(go())
    done = finished(events)
    assert summary.cancelled and summary.failed == 0
    assert "cancelled before it finished" in done["hangs"]["error"]
    assert events[-1]["event"] == "crawl_finished"
    assert len(store.items(limit=100)) == 3
    assert store.health("hangs").consecutive_failures == 0


def test_entry_without_link_is_reported_and_the_source_stays_healthy(site, store,
                                                                      settings) -> None:
    source = Source("nolink", "nolink", site.url("/feeds/no-link.xml"))
    events: list[dict] = []
    summary = run_crawl([source], store, settings, on_event=events.append)
    done = finished(events)["nolink"]
    assert summary.failed == 0 and done["items_new"] == 1 and done["items_found"] == 1
    assert done["failed"] is False
    assert done["error"].startswith("nolink (")
    assert "feed entries without a link: 1 skipped" in done["error"]
    assert "Запись без ссылки на статью" in done["error"] and "\n" not in done["error"]
    log = store.recent_fetches("nolink")[0]
    assert log.error == done["error"] and log.items_new == 1
    health = store.health("nolink")
    assert health.consecutive_failures == 0 and health.last_success and not health.dead
    assert [it["canonical_url"] for it in store.items()] == [
        canonical_url(site.url("/articles/ru-2.html"))]


def test_source_without_its_table_names_the_toml_table_and_fetches_nothing(site, store,
                                                                          settings) -> None:
    from mediamon.crawl import check_sources

    broken = [Source("no-sel", "n", site.url("/listing/news.html"), kind="listing"),
              Source("no-api", "a", site.url("/api/news.json"), kind="api")]
    events: list[dict] = []
    summary = run_crawl(broken, store, settings, on_event=events.append)
    done = finished(events)
    assert summary.failed == 2
    assert "[source.selectors]" in done["no-sel"]["error"]
    assert "[source.api]" in done["no-api"]["error"]
    rows = {r["source"]: r for r in check_sources(broken, settings)}
    assert "[source.selectors]" in rows["no-sel"]["error"]
    assert "[source.api]" in rows["no-api"]["error"]
    assert not any(h.path in ("/listing/news.html", "/api/news.json") for h in site.hits)


def test_cancelling_the_crawl_task_stops_its_workers(site, store, settings) -> None:
    hanging = Source("hangs", "hangs", site.url("/fault/timeout"))
    quick = good_sources(site.base)[0]
    settings = replace(settings, concurrency=2, read_timeout=30.0)

    async def go() -> list[asyncio.Task]:
        task: asyncio.Task | None = None

        def on_event(event: dict) -> None:
            if event["event"] == "source_finished" and event["source"] == quick.id:
                assert task is not None
                task.cancel()  # e.g. the app closing: the task is cancelled, no event is set

        task = asyncio.ensure_future(crawl([hanging, quick], store, settings,
                                           on_event=on_event))
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()
                and not t.done()]

    assert asyncio.run(go()) == []  # nothing left polling in the background
    assert len(store.items(limit=100)) == 3


def test_new_items_are_processed_off_the_event_loop_in_order(site, store, settings) -> None:
    import threading

    threads: list[str] = []
    batches: list[list[int]] = []

    def on_new_items(inserted) -> None:
        threads.append(threading.current_thread().name)
        batches.append([item_id for item_id, _ in inserted])

    summary = run_crawl(good_sources(site.base)[:3], store, settings, on_new_items=on_new_items)
    assert summary.items_new == sum(len(b) for b in batches) > 0
    assert threads and all(name.startswith("mediamon-new-items") for name in threads)
    assert threading.main_thread().name not in threads
