"""Normalisation for search: Kazakh Latin → Cyrillic, Russian and Kazakh stems, FTS queries."""

import sqlite3

import pytest

from classifiers.normalize import (
    detect_latin_variant,
    kazakh_stem,
    latin_to_cyrillic,
    normalize_query,
    normalize_spans,
    normalize_text,
    query_terms,
    stem_token,
    tokenize,
)


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        # 2021 alphabet: ı = і, y = ы, i = и/й, u = у, ū = ұ
        ("Bağdat şaharynyñ bır ülken qazysy", "Бағдат шахарының бір үлкен қазысы"),
        ("Būl mağan kelgen bala", "Бұл маған келген бала"),
        ("söilesıp, qalaiyn", "сөйлесіп, қалайын"),
        ("Äkım Öskemen", "Әкім Өскемен"),
        # 2018 acute variant: i = і, ı = и/й, y = ы, ý = у, u = ұ, sh/ch digraphs
        ("Qazaqstan Respýblıkasy", "Қазақстан Республикасы"),
        ("Elbasy jańa jyldy qarsy aldy", "Елбасы жаңа жылды қарсы алды"),
        ("Shymkent, Úkimet, Ǵylym, aı", "Шымкент, Үкімет, Ғылым, ай"),
        # plain ASCII: read like the acute variant
        ("qala bilim Abai ulttyq", "қала білім Абай ұлттық"),
    ],
)
def test_latin_to_cyrillic_reads_both_official_variants(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


def test_latin_to_cyrillic_keeps_cyrillic_digits_and_punctuation():
    text = "Алматы — 2024 ж.: qala!"
    assert latin_to_cyrillic(text) == "Алматы — 2024 ж.: қала!"
    assert latin_to_cyrillic("") == ""


def test_latin_variant_detection():
    assert detect_latin_variant("Ükımet şeşımı") == "2021"
    assert detect_latin_variant("Úkimet sheshimi") == "2018"
    assert detect_latin_variant("qala") is None
    # an explicit variant overrides detection
    assert latin_to_cyrillic("bilim", variant="2021") == "билим"


def test_tokenize_keeps_digits_and_hyphenated_words():
    assert tokenize("Нұр-Сұлтан: 2024 жылы, COVID-19 және т.б.") == [
        "Нұр-Сұлтан", "2024", "жылы", "COVID-19", "және", "т", "б",
    ]


def test_russian_forms_share_a_stem():
    forms = {stem_token(w) for w in ("город", "города", "городе", "городом", "Городу")}
    assert len(forms) == 1
    assert stem_token("ёлка") == stem_token("елка")


@pytest.mark.parametrize(
    "forms",
    ["аким акима акимом", "Астана Астане Астаны Астаной", "Казахстан Казахстана Казахстане",
     "Узбекистан Узбекистаном"],
)
def test_russian_forms_of_kazakh_names_share_a_stem(forms):
    assert len({stem_token(w, "ru") for w in forms.split()}) == 1


@pytest.mark.parametrize(
    "forms",
    ["Қазақстан Қазақстанда Қазақстанның", "Алматы Алматыда Алматының", "Өскемен Өскеменде",
     "Павлодар Павлодардың", "Астана Астанадағы Астанаға"],
)
def test_kazakh_place_names_are_not_cut_into_other_words(forms):
    stems = {stem_token(w, "kk") for w in forms.split()}
    assert stems == {forms.split()[0].lower()}


@pytest.mark.parametrize(
    "word",
    ["қала", "қаланың", "қалада", "қалалардың", "қаласы", "қалаға", "қаладағы", "қалалар",
     "қаламен", "қаладан"],
)
def test_kazakh_forms_share_a_stem(word):
    assert stem_token(word) == stem_token("қала") == "қала"


def test_kazakh_stemmer_is_conservative():
    assert kazakh_stem("үй") == "үй"  # short words survive
    assert kazakh_stem("ата") == "ата"
    assert kazakh_stem("кітабы") == kazakh_stem("кітап") == "кітап"  # б/п alternation
    assert kazakh_stem("мектептерде") == "мектеп"
    assert kazakh_stem("білімі") == kazakh_stem("білім")
    # bare -а is not stripped from a root (қала is not қал)
    assert kazakh_stem("бала") == "бала"


def test_kazakh_latin_and_cyrillic_normalise_alike():
    assert normalize_text("Qalada jańa mektep") == normalize_text("Қалада жаңа мектеп")
    assert normalize_text("Qalalardyñ äkımı") == normalize_text("Қалалардың әкімі")


def test_language_hint_and_text_language():
    # Without Kazakh letters a lone word is taken as Russian …
    assert normalize_text("бала") == "бал"
    # … in a Kazakh text, or with a hint, it is Kazakh.
    assert normalize_text("бала", lang="kk") == "бала"
    assert normalize_text("Бала мектепке барды, әкесі қуанды").split()[0] == "бала"


def test_normalize_text_folds_case_yo_and_h():
    assert normalize_text("ЁЛКА") == normalize_text("елка")
    assert normalize_text("жиһаз", lang="kk") == normalize_text("жихаз", lang="kk")
    assert normalize_text("") == ""
    assert normalize_text("... !!! ---") == ""


def test_soft_hyphen_does_not_split_words_and_offsets_stay_true():
    text = "Ал\u00adматы қала\u00adсында"
    spans = list(normalize_spans(text))
    assert [stem for _, _, stem in spans] == [stem_token("алматы", "kk"), "қала"]
    assert text[spans[1][0]:spans[1][1]] == "қала\u00adсында"


def _fts(rows: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
    conn.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)",
                     [(i, normalize_text(r)) for i, r in enumerate(rows, 1)])
    return conn


def _hits(conn: sqlite3.Connection, q: str) -> set[int]:
    return {r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", [normalize_query(q)])}


def test_queries_find_word_forms_in_both_languages():
    conn = _fts([
        "Қалада жаңа мектеп ашылды",           # 1
        "Астана қаласының әкімі",               # 2
        "В городе открыли школу",              # 3
        "Жители города довольны",              # 4
        "Qalalardyñ turğyndary",               # 5 (2021 Latin)
        "Бала бақшасы",                        # 6
    ])
    assert _hits(conn, "қала") == {1, 2, 5}
    assert _hits(conn, "qala") == {1, 2, 5}
    assert _hits(conn, "городе") == {3, 4}
    assert _hits(conn, "город OR мектеп") == {1, 3, 4}
    assert _hits(conn, '"жаңа мектеп"') == {1}
    assert _hits(conn, '"мектеп жаңа"') == set()
    assert _hits(conn, "қала әкімі") == {2}
    assert _hits(conn, "шко*") == {3}
    # a word without Kazakh letters matches its Kazakh stem too (бала in a Kazakh text)
    assert _hits(conn, "бала") == {6}


@pytest.mark.parametrize(
    "query",
    ['"', "AND", "NOT x", "a OR", "OR OR b", "(x", "x)", "NEAR(a b)", "col:word", "*", "^a",
     "'", 'a"b', "a -b", "+", "x*y", '"unfinished phrase'],
)
def test_any_query_with_words_is_valid_fts5(query):
    conn = _fts(["a b x y word"])
    try:
        expr = normalize_query(query)
    except ValueError:
        return
    conn.execute("SELECT rowid FROM t WHERE t MATCH ?", [expr]).fetchall()


@pytest.mark.parametrize("query", ["", "   ", "!!!", '""', "OR", "* * *", "—"])
def test_empty_queries_raise_readable_errors(query):
    with pytest.raises(ValueError) as info:
        normalize_query(query)
    message = str(info.value)
    assert "\n" not in message and ("empty" in message or "no words" in message)


def test_query_terms_give_forms_and_prefix_flags():
    terms = query_terms("городе шко*")
    assert terms[0] == (frozenset({"город", "горо"}), False)
    assert terms[1][1] is True
