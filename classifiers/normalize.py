"""Text normalisation for full-text search and matching of Kazakh and Russian news.

One function, :func:`normalize_text`, turns a text into space-separated normalised tokens; the
store indexes that string with SQLite FTS5 and :func:`normalize_query` turns a user's query into
an FTS5 MATCH expression built from the very same tokens, so that word forms meet:

* Unicode NFC, lower case, ``ё`` → ``е``, ``һ`` → ``х`` (Kazakh writes both for the same sound
  in loan words; the Latin alphabets have one letter ``h`` for them);
* Kazakh in Latin script is transliterated to Kazakh Cyrillic (:func:`latin_to_cyrillic`);
* Russian words are stemmed with the Snowball Russian stemmer (город, города, городе → город);
* Kazakh words go through a small conservative suffix stripper (plural, possessive and case
  endings, stacked; stems keep at least three letters), so қала, қаланың, қалада and
  қалалардың all become қала.

A token is Kazakh when it has a letter of the Kazakh Cyrillic alphabet that Russian lacks
(ә ғ қ ң ө ұ ү һ і), when it was written in Kazakh Latin, or when the text as a whole is Kazakh
(a ``lang`` hint, or enough Kazakh-specific words in it). Other Cyrillic tokens are Russian.

Latin alphabets (both official variants are read; the variant is detected per text):

===========  ==========================  =======================================
Cyrillic     2021 alphabet               2018 acute variant (ar.egemen.kz)
===========  ==========================  =======================================
ә ғ ң        ä ğ ñ (also ŋ)              á ǵ ń
ө ү ш ч      ö ü ş ç                     ó ú sh ch
ұ            ū                           u
у            u                           ý
ы            y                           y
і            ı (capital I)               i
и            i (capital İ)               ı
й            i after a vowel (ai → ай)   ı after a vowel (aı → ай)
қ ж х/һ      q j h                       q j h
===========  ==========================  =======================================

The 2021 column follows the alphabet as published in January 2021 (Būryñğy ötken zamanda,
bır danyşpan kısı …: ı is і, i is и/й, u is у, ū is ұ). A text with any acute letter
(á ǵ ń ó ú ý) is read as the 2018 variant; a text with any of ä ğ ñ ŋ ö ş ū ü ç ı İ as 2021;
plain ASCII text (``qala``, ``bilim``, ``Abai``) as the 2018 variant, which is how people
type Kazakh without special letters: i is і, u is ұ, and i or y after a vowel is й.
The digraphs ``sh`` and ``ch`` always become ш and ч, ``h`` becomes х (һ is folded to х
anyway), ``c`` ц, ``w`` у, ``x`` кс. The 2017 apostrophe variant (a', s') is not read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer

__all__ = [
    "NORMALIZER_VERSION",
    "KAZAKH_LETTERS",
    "latin_to_cyrillic",
    "detect_latin_variant",
    "tokenize",
    "stem_token",
    "kazakh_stem",
    "russian_stem",
    "text_language",
    "normalize_text",
    "normalize_spans",
    "normalize_query",
    "query_terms",
]

#: Bump when the output of normalize_text changes: a store holding an index built by another
#: version must rebuild it (``Store.reindex``).
NORMALIZER_VERSION = "3"

#: Letters of Kazakh Cyrillic that Russian lacks.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

# ---------------------------------------------------------------------------------------------
# Kazakh Latin → Cyrillic

_COMMON = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
    "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ",
    "r": "р", "s": "с", "t": "т", "v": "в", "w": "у", "x": "кс", "z": "з", "y": "ы",
    "ä": "ә", "ğ": "ғ", "ñ": "ң", "ŋ": "ң", "ö": "ө", "ş": "ш", "ū": "ұ", "ü": "ү",
    "ç": "ч", "á": "ә", "ǵ": "ғ", "ń": "ң", "ó": "ө", "ú": "ү", "ý": "у",
}
_MARKS_2021 = frozenset("äğñŋöşūüçÄĞÑŊÖŞŪÜÇİı")
_MARKS_ACUTE = frozenset("áǵńóúýÁǴŃÓÚÝ")
_LATIN_VOWELS = frozenset("aeiıouyäöüūáóúýAEIİIOUYÄÖÜŪÁÓÚÝ")
_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+")

VARIANT_2021 = "2021"
VARIANT_ACUTE = "2018"


def detect_latin_variant(text: str) -> str | None:
    """``"2021"`` or ``"2018"`` (the acute variant) when the text shows letters of one, else None.

    None (plain ASCII) is read like the 2018 variant.
    """
    chars = set(text)
    if chars & _MARKS_ACUTE:
        return VARIANT_ACUTE
    if chars & _MARKS_2021:
        return VARIANT_2021
    return None


def _translit_word(word: str, variant: str | None) -> str:
    out: list[str] = []
    n = len(word)
    i = 0
    v2021 = variant == VARIANT_2021
    while i < n:
        ch = word[i]
        if ch == "İ":
            low, upper = "i", True
        elif ch == "I":
            low, upper = ("ı" if v2021 else "i"), True
        else:
            low = ch.lower()
            upper = ch != low
        nxt = word[i + 1].lower() if i + 1 < n else ""
        after_vowel = i > 0 and word[i - 1] in _LATIN_VOWELS
        if low in ("s", "c") and nxt == "h":
            cyr = "ш" if low == "s" else "ч"
            i += 1
        elif low == "u":
            cyr = "у" if v2021 else "ұ"
        elif low == "i":  # 2021: и/й; 2018 and plain: і (й after a vowel in plain text)
            if v2021 or variant is None:
                cyr = "й" if after_vowel else ("и" if v2021 else "і")
            else:
                cyr = "і"
        elif low == "ı":  # 2021: і; 2018: и/й
            if v2021:
                cyr = "і"
            else:
                cyr = "й" if after_vowel else "и"
        elif low == "y" and variant is None and after_vowel:
            cyr = "й"
        else:
            cyr = _COMMON.get(low)
            if cyr is None:
                # A Latin letter outside both alphabets (é, ł, ß …): drop its diacritics.
                base = unicodedata.normalize("NFD", ch)[0].lower()
                cyr = _COMMON.get(base, ch)
        out.append(cyr.upper() if upper else cyr)
        i += 1
    return "".join(out)


def latin_to_cyrillic(text: str, variant: str | None = None) -> str:
    """Transliterate Kazakh Latin (2021 alphabet or 2018 acute variant) to Kazakh Cyrillic.

    Only Latin letters change; Cyrillic, digits, punctuation and spacing are kept, and so is
    letter case. ``variant`` (``"2021"`` or ``"2018"``) overrides the detection from the text.
    """
    if not text:
        return text
    text = unicodedata.normalize("NFC", text).replace("i\u0307", "i")
    if variant is None:
        variant = detect_latin_variant(text)
    return _LATIN_WORD.sub(lambda m: _translit_word(m.group(0), variant), text)


# ---------------------------------------------------------------------------------------------
# Tokens and stems

_TOKEN = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_WORD_PART = re.compile(r"[^\W_]+(?:[\u00ad\u0300-\u036f]+[^\W_]*)*")
_MARKS = re.compile(r"[\u00ad\u0300-\u036f]")


def _clean_word(word: str) -> str:
    """Drop soft hyphens and stray combining marks (the dot of a lower-cased İ) from a word."""
    if _MARKS.search(word):
        word = _MARKS.sub("", unicodedata.normalize("NFC", word.replace("i\u0307", "i")))
    return word
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")


def tokenize(text: str) -> list[str]:
    """Words of a text in order: letters and digits, hyphenated words kept whole (Нұр-Сұлтан)."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


_RU_STEMMER = snowballstemmer.stemmer("russian")

_KK_PLURAL = ("лар", "лер", "дар", "дер", "тар", "тер")
_KK_POSSESSIVE = ("ым", "ім", "ың", "ің", "сы", "сі")
_KK_CASE = (
    "ның", "нің", "дың", "дің", "тың", "тің",
    "ға", "ге", "қа", "ке", "на", "не",
    "нда", "нде", "да", "де", "та", "те",
    "ндағы", "ндегі", "дағы", "дегі", "тағы", "тегі",
    "дан", "ден", "тан", "тен", "нан", "нен",
    "ды", "ді", "ты", "ті", "ны", "ні",
    "мен", "бен", "пен",
)
# Longest first, so that -ндағы wins over -ағы and -дың over -ың.
_KK_SUFFIXES = tuple(sorted(set(_KK_PLURAL + _KK_POSSESSIVE + _KK_CASE), key=len, reverse=True))
_KK_VOWELS = frozenset("аәеиоөұүыіуэюя")
_KK_DEVOICE = {"б": "п", "г": "к", "ғ": "қ"}
_MIN_STEM = 3
# Names and words whose endings look like suffixes (Алматы: -ты, Өскемен: -мен, Павлодар:
# -дар); stripping stops when it reaches one of them. Country names in -стан are kept too.
_KK_PROTECTED = frozenset(
    """алматы астана қарағанды павлодар өскемен қызылорда сұлтан ақтөбе орда тараз
    жамбыл шу талдықорған семей атырау ақтау жезқазған арқалық кентау жаңаөзен бейнеу
    құлсары қонаев ақсу ақтоғай ертіс есіл тобыл сырдария әмудария алакөл зайсан
    ұлытау жетісу маңғыстау баян сайрам арыс ордабасы сарыағаш мақтаарал
    министр министрлік әкім әкімдік мәжіліс сенат парламент үкімет президент
    мемлекет қоғам ақпарат жаңа""".split()
)


def _kk_protected(word: str) -> bool:
    return word in _KK_PROTECTED or word.endswith("стан")


@lru_cache(maxsize=200_000)
def kazakh_stem(word: str) -> str:
    """Strip Kazakh plural, possessive and case endings (stacked), keeping ≥ 3 letters.

    Conservative on purpose: a bare vowel ending (-ы/-і, possessive or accusative) is removed
    only after a consonant, a bare -а/-е (dative) only after a possessive -ым/-ім/-ың/-ің; a
    final voiced б/г/ғ of the stem becomes п/к/қ (кітабы → кітап). Words of one to three
    letters are returned unchanged.
    """
    w = word
    changed = True
    while changed and len(w) > _MIN_STEM:
        changed = False
        if _kk_protected(w):
            break
        protected = next(
            (w[: -len(suf)] for suf in _KK_SUFFIXES
             if w.endswith(suf) and _kk_protected(w[: -len(suf)])),
            None,
        )
        if protected:
            w = protected
            break
        for suf in _KK_SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= _MIN_STEM:
                w = w[: -len(suf)]
                changed = True
                break
        if changed or len(w) <= _MIN_STEM:
            continue
        last, rest = w[-1], w[:-1]
        if last in "ыі" and rest[-1] not in _KK_VOWELS:
            w = rest
            changed = True
        elif last in "ае" and rest.endswith(("ым", "ім", "ың", "ің")):
            w = rest
            changed = True
    if len(w) > _MIN_STEM and w[-1] in _KK_DEVOICE:
        w = w[:-1] + _KK_DEVOICE[w[-1]]
    return w


# Base forms the Snowball stemmer cuts differently from their inflections (аким → ак, but
# акима → аким; Астана → аста, but Астане → астан).
_RU_OVERRIDES = {"аким": "аким", "акимы": "аким", "астана": "астан", "астаны": "астан"}
_RU_STAN = re.compile(r"^(.{2,}стан)(?:а|у|е|ом|ы|ов|ам|ах|ами)?$")


@lru_cache(maxsize=200_000)
def russian_stem(word: str) -> str:
    """Snowball Russian stem of a lower-case word (with a few fixes for Kazakh names)."""
    fixed = _RU_OVERRIDES.get(word)
    if fixed:
        return fixed
    m = _RU_STAN.match(word)
    if m:  # Казахстан, Казахстана, Казахстане → казахстан
        return m.group(1)
    return _RU_STEMMER.stemWord(word)


def _fold(token: str) -> str:
    return token.lower().replace("ё", "е").replace("һ", "х")


def _is_kazakh_token(token: str) -> bool:
    return any(c in KAZAKH_LETTERS for c in token)


@lru_cache(maxsize=200_000)
def stem_token(token: str, lang: str | None = None) -> str:
    """Normalised stem of one word (``lang``: ``"kk"``, ``"ru"`` or None to decide by letters).

    Latin letters are read as Kazakh Latin. Digits pass through; a word with digits is not
    stemmed. Results are cached: news repeats its words, so most calls are a dictionary hit.
    """
    if "-" in token:
        return "-".join(stem_token(part, lang) for part in token.split("-") if part)
    if _LATIN.search(token):
        token = latin_to_cyrillic(token)
        lang = "kk"
    kazakh = _is_kazakh_token(token)
    token = _fold(token)
    if any(c.isdigit() for c in token):
        return token
    if kazakh or lang == "kk":
        return kazakh_stem(token)
    if _CYRILLIC.search(token):
        return russian_stem(token)
    return token


def text_language(tokens: list[str]) -> str:
    """``"kk"`` when at least one in ten Cyrillic words has a Kazakh-specific letter, else ``"ru"``."""
    cyrillic = kazakh = 0
    for t in tokens:
        if _CYRILLIC.search(t):
            cyrillic += 1
            if _is_kazakh_token(t):
                kazakh += 1
    if kazakh and kazakh * 10 >= cyrillic:
        return "kk"
    return "ru"


def _prepare(text: str) -> tuple[str, str | None]:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, detect_latin_variant(text)


@lru_cache(maxsize=200_000)
def _word_form(raw: str, variant: str | None) -> tuple[str, bool, int]:
    """A raw word part as stemming sees it: (word, written in Latin, language vote).

    The word is cleaned and, when Latin, transliterated with the text's ``variant``. The vote
    is what :func:`text_language` counts: 0 not Cyrillic, 1 Cyrillic, 2 Cyrillic with a
    Kazakh-specific letter.
    """
    w = _clean_word(raw)
    latin = _LATIN.search(w) is not None
    if latin:
        w = _translit_word(w, variant)
    vote = 0
    if _CYRILLIC.search(w):
        vote = 2 if _is_kazakh_token(w) else 1
    return w, latin, vote


def _stems(raw_words: list[str], variant: str | None, lang: str | None) -> list[str]:
    """Normalised stems of a text's word parts (see :func:`normalize_spans`)."""
    forms = [_word_form(w, variant) for w in raw_words]
    text_lang = lang.lower()[:2] if lang else None
    if text_lang not in ("kk", "ru"):
        # The same rule as text_language(), over the cached votes.
        cyrillic = kazakh = 0
        for _, _, vote in forms:
            if vote:
                cyrillic += 1
                kazakh += vote == 2
        text_lang = "kk" if kazakh and kazakh * 10 >= cyrillic else "ru"
    return [stem_token(w, "kk" if latin else text_lang) for w, latin, _ in forms]


def normalize_spans(text: str, lang: str | None = None) -> Iterator[tuple[int, int, str]]:
    """Each word part of ``text`` as (start, end, normalised stem), offsets into the NFC text.

    Hyphenated words yield one entry per part. Used for snippets and gazetteer matching.
    """
    text, variant = _prepare(text)
    matches = list(_WORD_PART.finditer(text))
    stems = _stems([m.group(0) for m in matches], variant, lang)
    for m, stem in zip(matches, stems, strict=True):
        yield m.start(), m.end(), stem


def normalize_text(text: str, lang: str | None = None) -> str:
    """Space-separated normalised tokens of a text, for the full-text index.

    ``lang`` (``"kk"`` or ``"ru"``) says what the text is; without it the text's language is
    guessed from its letters. Tokens with Kazakh letters are always treated as Kazakh.
    """
    if not text:
        return ""
    text, variant = _prepare(text)
    return " ".join(_stems(_WORD_PART.findall(text), variant, lang))


# ---------------------------------------------------------------------------------------------
# Queries

_QUERY_PART = re.compile(r'"([^"]*)"?|(\S+)')


class _Term:
    __slots__ = ("variants", "prefix")

    def __init__(self, variants: list[tuple[str, ...]], prefix: bool) -> None:
        self.variants = variants  # each variant: a sequence of stems (a phrase)
        self.prefix = prefix

    def render(self) -> str:
        rendered = []
        for v in self.variants:
            s = '"' + " ".join(v) + '"'
            if self.prefix:
                s += " *"
            rendered.append(s)
        if len(rendered) == 1:
            return rendered[0]
        return "(" + " OR ".join(rendered) + ")"


def _term_for(words: list[str], variant: str | None, lang: str | None, prefix: bool) -> _Term:
    """A term for one query word or quoted phrase; ambiguous Cyrillic gets both stems."""
    kk: list[str] = []
    ru: list[str] = []
    if lang is None and len(words) > 1 and any(
        _LATIN.search(w) or _is_kazakh_token(w) for w in words
    ):
        lang = "kk"  # a phrase with a Kazakh word is Kazakh
    for w in words:
        if _LATIN.search(w):
            s = stem_token(_translit_word(w, variant), "kk")
            kk.append(s)
            ru.append(s)
        elif lang in ("kk", "ru") or _is_kazakh_token(w) or not _CYRILLIC.search(w):
            s = stem_token(w, lang)
            kk.append(s)
            ru.append(s)
        else:
            kk.append(stem_token(w, "kk"))
            ru.append(stem_token(w, "ru"))
    variants = [tuple(kk)]
    if ru != kk:
        variants.append(tuple(ru))
    return _Term(variants, prefix)


def _parse_query(q: str, lang: str | None) -> list[list[_Term]]:
    """Groups of terms: terms within a group are alternatives (OR), groups are all required."""
    if q is None or not q.strip():
        raise ValueError("The search query is empty: type a word or a \"phrase in quotes\".")
    text, variant = _prepare(q)
    if lang:
        lang = lang.lower()[:2]
        if lang not in ("kk", "ru"):
            lang = None
    groups: list[list[_Term]] = []
    pending_or = False
    for m in _QUERY_PART.finditer(text):
        phrase, word = m.group(1), m.group(2)
        if word == "OR":
            pending_or = bool(groups)
            continue
        prefix = False
        if phrase is not None:
            raw = phrase.strip()
            if raw.endswith("*"):
                prefix = True
        else:
            raw = word
            if raw.rstrip('"').endswith("*"):
                prefix = True
        parts = [_clean_word(p) for p in _WORD_PART.findall(raw)]
        if not parts:
            continue
        term = _term_for(parts, variant, lang, prefix)
        if pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    if not groups:
        raise ValueError(
            f"The search query {q.strip()!r} has no words in it: type letters or digits."
        )
    return groups


def normalize_query(q: str, lang: str | None = None) -> str:
    """Turn a user's query into an FTS5 MATCH expression over :func:`normalize_text` tokens.

    Words are all required; ``a OR b`` makes alternatives; ``"words in quotes"`` is a phrase;
    a trailing ``*`` asks for a prefix (``город*``). Every token is quoted, so no input can
    raise an FTS5 syntax error. A Cyrillic word without Kazakh letters and without a ``lang``
    hint matches both its Kazakh and its Russian stem. Raises ValueError with a readable
    message when the query has no words.
    """
    groups = _parse_query(q, lang)
    out = []
    for group in groups:
        if len(group) == 1:
            out.append(group[0].render())
        else:
            out.append("(" + " OR ".join(t.render() for t in group) + ")")
    return " AND ".join(out)


def query_terms(q: str, lang: str | None = None) -> list[tuple[frozenset[str], bool]]:
    """The stems a query looks for, each as (forms, is_prefix); used to place snippets."""
    result: list[tuple[frozenset[str], bool]] = []
    for group in _parse_query(q, lang):
        for term in group:
            forms = frozenset(s for v in term.variants for s in v)
            result.append((forms, term.prefix))
    return result
