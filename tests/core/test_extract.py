"""Article extraction from pages with boilerplate, and the `extract --batch` contract."""

from __future__ import annotations

import io
import json

import pytest

from mediamon.extract import extract_article, extract_batch

BOILERPLATE = [
    "Мы используем файлы cookie",
    "Читайте также",
    "Все права защищены",
    "Курс тенге укрепился",
    "Поделиться",
    "Контакты редакции",
    "Поиск по сайту",
]


@pytest.mark.parametrize(
    ("name", "title", "first", "last"),
    [
        ("ru-3", "Аким Павлодарской области ответил на критику жителей о состоянии дорог",
         "Аким Павлодарской области провёл встречу с жителями Экибастуза",
         "где зимой часто случаются аварии."),
        ("kk-1", "Шымкентте жаңа балабақша ашылды",
         "Шымкент қаласының Қаратау ауданында үш жүз орындық",
         "аудан тұрғындары мен ардагерлер қатысты."),
        ("latn-1", "Astanada jańa mektep ashyldy",
         "Astana qalasynyń Esil aýdanynda bir myń eki júz oqýshyǵa",
         "Ashylý saltanatyna aýdan turǵyndary men ustazdar qatysty."),
    ],
)
def test_extract_article_without_boilerplate(make_article_page, name, title, first, last) -> None:
    ex = extract_article(make_article_page(name), f"https://dala.example/articles/{name}.html")
    assert ex.title == title
    assert ex.text.startswith(first)
    assert ex.text.endswith(last)
    assert len(ex.text.splitlines()) == 3
    for phrase in BOILERPLATE:
        assert phrase not in ex.text
    assert ex.published is not None and ex.published.startswith("2026-11-")


def test_fallback_when_trafilatura_finds_nothing() -> None:
    html = ("<html><head><meta property='og:title' content='Қысқа хабар'></head><body>"
            "<nav>Басты бет</nav><article><p>Әкімдік жаңа аялдама салды, ол қыста жылы болады "
            "деп хабарлады.</p></article></body></html>")
    ex = extract_article(html, None)
    assert ex.title == "Қысқа хабар"
    assert "Әкімдік жаңа аялдама салды" in ex.text
    assert "Басты бет" not in ex.text


def test_published_from_meta_tag() -> None:
    html = ("<html><head><meta property='article:published_time' "
            "content='2026-10-01T12:00:00+05:00'></head><body><p>Мәтін.</p></body></html>")
    assert extract_article(html).published == "2026-10-01T07:00:00+00:00"


def test_empty_page() -> None:
    ex = extract_article("   ", "https://x.kz/")
    assert (ex.title, ex.text, ex.published) == ("", "", None)


def test_extract_batch_contract(make_article_page) -> None:
    lines = [
        json.dumps({"id": "a1", "url": "https://dala.example/a", "html": make_article_page("ru-1")},
                   ensure_ascii=False),
        "{this is not json",
        json.dumps({"id": 7, "url": "https://dala.example/b"}),
        "",
        json.dumps({"id": "k", "url": None, "html": make_article_page("kk-1")}, ensure_ascii=False),
    ]
    out = io.StringIO()
    n = extract_batch(io.StringIO("\n".join(lines) + "\n"), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert n == len(results) == 5
    assert results[0]["id"] == "a1"
    assert set(results[0]) == {"id", "title", "text", "published"}
    assert results[0]["title"] == "В Караганде открыли новый центр обслуживания населения"
    assert "восемьсот посетителей" in results[0]["text"]
    assert results[1]["id"] is None and "line 2" in results[1]["error"]
    assert results[2] == {"id": 7, "error": "line 3: field 'html' is missing or not a string"}
    assert "error" in results[3]
    assert results[4]["id"] == "k" and "балабақша" in results[4]["text"]
    assert "Қаратау" in out.getvalue()  # UTF-8 text, not \\u escapes
