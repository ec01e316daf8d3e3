"""Find the Kazakh state bodies (agencies) and regions that a news text names.

The gazetteer lives in ``classifiers/data/gazetteer/gazetteer.toml``: for every agency of the
programme's agency list and every region of its region list, phrases grouped by *how* they name
it (``name``, ``short form``, ``head by title``, ``former name``, ``city``, ``district`` …).
That group becomes :attr:`Mention.via`, so every label is explainable.

Matching works on words, not on raw characters. Each word of the text is folded to a *skeleton*
that Russian, Kazakh Cyrillic and both Kazakh Latin alphabets (2018 acute and 2021) share:
lower case; ә→а, ғ→г, қ→к, ң→н, ө→о, ұ/ү→у, һ→х, і/ы/й→и; Latin letters to their Cyrillic
counterparts (q→к, j→ж, ı/i/y→и, ý/ú/ü/ū→у, sh→ш, ch→ч …); ц→с and ııa→ия as in the 2018
Latin alphabet (Sıfrlyq = Цифрлық, ıntegrasııa = интеграция). «Денсаулық сақтау министрлігі» and
«Densaýlyq saqtaý mınıstrligi» then have the same skeleton, and one phrase serves both scripts.
Because whole words are compared, offsets in the original text are exact.

Phrase syntax (one phrase is a sequence of words separated by spaces):

* ``word``      the skeleton must equal ``word``;
* ``stem*``     the skeleton starts with ``stem`` (any ending of up to 12 letters);
* ``stem~``     ``stem`` plus a Russian or Kazakh case ending (Павлодар~: Павлодаре, Павлодарда,
  Павлодардағы, Павлодарлықтар …; a final vowel may drop: Астана~ also gives Астане, Астаной);
* ``stem~a``    as ``~`` plus Russian adjective and inhabitant endings (-ский, -ская, -цы …);
* ``_``         any one word (Қазақстанның _ елшілігі);
* ``(word)``    an optional word; ``a|b`` alternatives inside one word;
* a word written with a capital first letter requires a capital in the text (proper names:
  «Орал» the city, never «оралды» "returned"); a word written in capitals only (``МВД``,
  ``ІІМ``) must occur exactly so, in the original text.

Precision guards: mentions qualified by a foreign country (МИД России, Минздрав РФ, Ресей СІМ,
российское Минобороны) are dropped; a text with foreign places or leaders and no Kazakh anchor at
all keeps no agency (Russian news about «МЧС», «Минздрав»); *context* phrases (полиция, прокуратура, Правительство,
Президент …) count only when the text also shows a Kazakh anchor (a region, a strong agency
name, Казахстан/ҚР/РК, тенге …); ``block`` phrases (Абай Құнанбайұлы, Петропавловск-Камчатский,
озеро Балхаш …) hide their words from every other phrase. Overlapping candidates of one kind are
resolved longest first. An ``аким``/``әкім`` word next to a region's name yields that region's
akimat (via ``akim``); «глава региона»/«өңір басшысы» yields the nearest region's akimat.
A place name that only names a street or an organisation (Алматинская улица, ФК «Астана»,
«Астана» клубы, Astana Hub) is no region mention, and «Читайте также:» link lines are ignored.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path

__all__ = [
    "Mention",
    "find_agencies",
    "find_regions",
    "find_mentions",
    "skeleton",
    "agency_names",
    "region_names",
    "has_kazakh_anchor",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "gazetteer" / "gazetteer.toml"


@dataclass(frozen=True)
class Mention:
    """One place in a text that names an agency or a region."""

    kind: str  # "agency" | "region"
    id: str
    start: int  # offsets in the original text
    end: int
    text: str  # text[start:end]
    via: str  # what matched: "name", "short form", "head by title", "city", "akim", …


# ---------------------------------------------------------------------------------------------
# Skeletons

_FOLD = {
    # Kazakh Cyrillic letters folded onto Russian ones
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
    "і": "и", "ы": "и", "й": "и", "ё": "е", "э": "е", "я": "иа", "ю": "иу", "щ": "ш",
    "ь": "", "ъ": "", "\u0307": "",
    # Latin (both Kazakh alphabets, plus English spelling of names)
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
    "i": "и", "ı": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о",
    "p": "п", "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "у",
    "x": "кс", "y": "и", "z": "з",
    "á": "а", "ä": "а", "ǵ": "г", "ğ": "г", "ń": "н", "ñ": "н", "ŋ": "н", "ó": "о",
    "ö": "о", "ú": "у", "ü": "у", "ū": "у", "ý": "у", "ş": "ш", "ç": "ч", "é": "е",
}
_FOLD_TABLE = str.maketrans(_FOLD)
_DIGRAPHS = (("сх", "ш"), ("цх", "ч"), ("зх", "ж"), ("кх", "х"), ("тс", "ц"))


def skeleton(word: str) -> str:
    """The script-independent matching key of one word (see the module docstring)."""
    s = word.lower().translate(_FOLD_TABLE)
    if "х" in s or "тс" in s:
        for a, b in _DIGRAPHS:
            if a in s:
                s = s.replace(a, b)
    if "ц" in s:  # the 2018 Latin alphabet writes ц as s: Sıfrlyq, ıntegrasııa, polısııa
        s = s.replace("ц", "с")
    if "ии" in s:  # я, ю after a consonant are ıa, ıý there: ıntegrasııa = интеграция
        s = s.replace("ииа", "иа").replace("ииу", "иу")
    return s


_SKEL_CACHE: dict[str, str] = {}


def _skel_cached(word: str) -> str:
    s = _SKEL_CACHE.get(word)
    if s is None:
        if len(_SKEL_CACHE) > 200_000:
            _SKEL_CACHE.clear()
        s = _SKEL_CACHE[word] = skeleton(word)
    return s


# Endings, written as skeletons (ы/і/й → и, я → иа).
_KK_CHAIN = (
    r"(?:лик|дик|тик)?(?:лар|лер|дар|дер|тар|тер)?(?:ин|син|и|си)?"
    r"(?:да|де|та|те|нда|нде|даги|деги|таги|теги|ндаги|ндеги|га|ге|ка|ке|на|не|а|е"
    r"|нин|дин|тин|ни|ди|ти|нан|нен|дан|ден|тан|тен|мен|бен|пен|дики|тики|ники)?"
)
_RU_NOUN = r"(?:а|у|е|ом|ем|и|ах|ам|ами|ов)"  # masculine names: Павлодар-е, Уральск-ом
_FEM_END = re.compile(r"(?:а|и|е|у|ои|еи|ою)")  # names in -а: Астан-ы, Астан-е, Астан-ой
# names in a vowel + -й lose it before Russian -е/-ем: Костана-е, Семе-е, Бурабa-ем
_JOT_END = re.compile(r"(?:е|ем)")
_RU_ADJ = (
    r"(?:ск(?:ии|ого|ому|им|ом|аиа|ои|уиу|ое|ие|их|ими)"
    r"|с(?:и|ев|ам|ами|ах|а|у|ем)?|чан(?:е|ам|ами|ах|ин|ка|ки)?)"
)
# adjective endings after a stem that already ends in -ск (карагандинск~a: -ая, -ой, -ого …)
_RU_ADJ_BARE = r"(?:ии|ого|ому|им|ом|аиа|ои|уиу|ое|ие|их|ими|ему|ем)"
_NOUN_END = re.compile(rf"(?:{_RU_NOUN}|{_KK_CHAIN})")
_ADJ_END = re.compile(rf"(?:{_RU_NOUN}|{_RU_ADJ}|{_RU_ADJ_BARE}|{_KK_CHAIN})")
_ANY_MAX = 12

# ---------------------------------------------------------------------------------------------
# Phrases


@dataclass(frozen=True)
class _Tok:
    stems: tuple[str, ...]  # skeleton stems (or exact original strings when exact=True)
    mode: str  # "eq" | "any" | "noun" | "adj" | "exact" | "wild"
    cap: bool
    fem: tuple[str, ...] = ()  # stems of names in -а without it, for Russian endings (Астан-е)
    jot: tuple[str, ...] = ()  # stems of names in vowel + -й without it (Костана-е, Семе-ем)

    def match(self, orig: str, skel: str) -> bool:
        if self.mode == "wild":
            return True
        if self.mode == "exact":
            return orig in self.stems
        if self.cap and not orig[:1].isupper():
            return False
        if self.mode == "eq":
            return skel in self.stems
        for stem in self.stems:
            if skel.startswith(stem):
                rest = skel[len(stem):]
                if self.mode == "any":
                    if len(rest) <= _ANY_MAX:
                        return True
                elif (_ADJ_END if self.mode == "adj" else _NOUN_END).fullmatch(rest):
                    return True
        for stem in self.fem:
            if skel.startswith(stem) and _FEM_END.fullmatch(skel[len(stem):]):
                return True
        for stem in self.jot:
            if skel.startswith(stem) and _JOT_END.fullmatch(skel[len(stem):]):
                return True
        return False


@dataclass(frozen=True)
class _Phrase:
    kind: str  # "agency" | "region" | "block"
    id: str
    via: str
    tokens: tuple[_Tok, ...]
    context: bool  # needs a Kazakh anchor elsewhere in the text
    foreign_check: bool


# vias that name a body only generically; dropped when the text has no Kazakh anchor at all
_GENERIC_VIAS = frozenset(
    {"committee", "department", "subordinate", "court", "short form (with Kazakh context)"}
)
_WORD_RE = re.compile(r"[^\W_]+")
_VOWELS = frozenset("аеиоу")
_HARD_GAP = re.compile(r"[\n!?;]")


def _parse_word(word: str) -> list[_Tok]:
    """Expand one spec word (may hold a|b alternatives) into token matchers."""
    if word == "_":
        return [_Tok(("",), "wild", False)]
    toks: list[_Tok] = []
    for alt in word.split("|"):
        mode = "eq"
        if alt.endswith("~a"):
            mode, alt = "adj", alt[:-2]
        elif alt.endswith("~"):
            mode, alt = "noun", alt[:-1]
        elif alt.endswith("*"):
            mode, alt = "any", alt[:-1]
        letters = [c for c in alt if c.isalpha()]
        if mode == "eq" and len(letters) >= 2 and all(c.isupper() for c in letters):
            toks.append(_Tok((alt,), "exact", False))
            continue
        cap = alt[:1].isupper()
        stem = skeleton(alt)
        inflected = mode in ("noun", "adj")
        fem = (stem[:-1],) if inflected and stem[-1:] == "а" and len(stem) >= 5 else ()
        jot = (
            (stem[:-1],)
            if inflected and alt[-1:].lower() in ("й", "ı") and stem[-2:-1] in _VOWELS
            and len(stem) >= 5 else ()
        )
        toks.append(_Tok((stem,), mode, cap, fem, jot))
    # merge alternatives of the same mode and capitalisation
    merged: dict[tuple[str, bool], tuple[list[str], list[str], list[str]]] = {}
    for t in toks:
        stems, fems, jots = merged.setdefault((t.mode, t.cap), ([], [], []))
        stems.extend(t.stems)
        fems.extend(t.fem)
        jots.extend(t.jot)
    return [
        _Tok(tuple(dict.fromkeys(v)), m, c, tuple(dict.fromkeys(f)), tuple(dict.fromkeys(j)))
        for (m, c), (v, f, j) in merged.items()
    ]


def _expand(spec: str) -> list[tuple[_Tok, ...]]:
    """All token sequences of one phrase spec (optional words give two sequences each)."""
    options: list[list[list[_Tok]]] = []
    for word in spec.split():
        optional = word.startswith("(") and word.endswith(")")
        if optional:
            word = word[1:-1]
        alts = [[t] for t in _parse_word(word)]
        if optional:
            alts.append([])
        options.append(alts)
    out = []
    for combo in product(*options):
        seq = tuple(t for part in combo for t in part)
        if seq:
            out.append(seq)
    return out


class _Matcher:
    """Phrases grouped by their first word, indexed by that word's first three letters."""

    def __init__(self, phrases: Iterable[_Phrase]) -> None:
        groups: dict[_Tok, list[_Phrase]] = {}
        for ph in phrases:
            groups.setdefault(ph.tokens[0], []).append(ph)
        self.by_prefix: dict[str, list[tuple[_Tok, list[_Phrase]]]] = {}
        self.by_exact: dict[str, list[tuple[_Tok, list[_Phrase]]]] = {}
        self.by_word: dict[str, list[tuple[_Tok, list[_Phrase]]]] = {}
        self.short: list[tuple[_Tok, list[_Phrase]]] = []
        for first, members in groups.items():
            entry = (first, members)
            if first.mode == "eq":
                for s in first.stems:
                    self.by_word.setdefault(s, []).append(entry)
                continue
            if first.mode == "exact":
                for s in first.stems:
                    self.by_exact.setdefault(s, []).append(entry)
                continue
            if first.mode == "wild":
                raise ValueError("a phrase cannot start with the wildcard _")
            keys = {s[:3] for s in first.stems}
            if any(len(s) < 3 for s in first.stems):
                self.short.append(entry)
                keys = {k for k in keys if len(k) == 3}
            for k in keys:
                self.by_prefix.setdefault(k, []).append(entry)
        # word → the phrases whose first token it matches (a word's skeleton is fixed)
        self._starting: dict[str, tuple[_Phrase, ...]] = {}

    def starting(self, orig: str, skel: str) -> tuple[_Phrase, ...]:
        """Phrases whose first token matches this word (memoised per word)."""
        got = self._starting.get(orig)
        if got is None:
            if len(self._starting) > 200_000:
                self._starting.clear()
            got = self._starting[orig] = tuple(
                ph for first, members in self.candidates(orig, skel)
                if first.match(orig, skel) for ph in members)
        return got

    def candidates(self, orig: str, skel: str) -> list[tuple[_Tok, list[_Phrase]]]:
        out = self.by_prefix.get(skel[:3], [])
        word = self.by_word.get(skel)
        if word:
            out = out + word
        ex = self.by_exact.get(orig)
        if ex:
            out = out + ex
        if self.short:
            out = out + self.short
        return out


@dataclass(frozen=True)
class _Gazetteer:
    matcher: _Matcher
    agency_names: dict[str, dict[str, str]]
    region_names: dict[str, dict[str, str]]
    akimat_of_region: dict[str, str]
    foreign: tuple[str, ...]
    foreign_exact: frozenset[str]
    domestic: tuple[str, ...]
    domestic_exact: frozenset[str]
    anchors: tuple[str, ...]
    anchors_exact: frozenset[str]
    akim_stems: tuple[str, ...]
    not_akim: tuple[str, ...]
    akimat_units: tuple[str, ...]
    not_akimat_unit: tuple[str, ...]
    not_akimat_unit_exact: frozenset[str]
    org: tuple[str, ...]


def _load(path: Path = DATA_FILE) -> _Gazetteer:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    phrases: list[_Phrase] = []
    meta_keys = {"name_en", "name_ru", "name_kk", "centre_ru", "centre_kk", "centre_en", "kind"}

    def add(kind: str, ident: str, groups: dict, foreign_check: bool) -> None:
        for key, value in groups.items():
            if key in meta_keys or not isinstance(value, list):
                continue
            context = key == "context"
            via = "short form (with Kazakh context)" if context else key
            for spec in value:
                for seq in _expand(spec):
                    phrases.append(_Phrase(kind, ident, via, seq, context, foreign_check))

    agency_names: dict[str, dict[str, str]] = {}
    akimat_of_region: dict[str, str] = {}
    for ident, groups in data["agency"].items():
        agency_names[ident] = {k: groups[k] for k in ("name_en", "name_ru", "name_kk")}
        is_akimat = ident.startswith("akimat_")
        if is_akimat:
            akimat_of_region[ident.removeprefix("akimat_")] = ident
        add("agency", ident, groups, foreign_check=not is_akimat)
    region_names: dict[str, dict[str, str]] = {}
    for ident, groups in data["region"].items():
        region_names[ident] = {k: groups[k] for k in ("name_en", "name_ru", "name_kk")}
        add("region", ident, groups, foreign_check=True)
    for spec in data["block"]["phrases"]:
        for seq in _expand(spec):
            phrases.append(_Phrase("block", "", "block", seq, False, False))

    def split(words: list[str]) -> tuple[tuple[str, ...], frozenset[str]]:
        exact = {w for w in words if w.isupper() and len(w) >= 2}
        # "=Кореи": the whole word (as a skeleton), so that Kazakh көрейін does not match
        exact |= {"=" + skeleton(w[1:]) for w in words if w.startswith("=")}
        stems = tuple(skeleton(w) for w in words if w not in exact and not w.startswith("="))
        return stems, frozenset(exact)

    q = data["qualifiers"]
    foreign, foreign_exact = split(q["foreign"])
    domestic, domestic_exact = split(q["domestic"])
    anchors, anchors_exact = split(q["anchors"])
    return _Gazetteer(
        matcher=_Matcher(phrases),
        agency_names=agency_names,
        region_names=region_names,
        akimat_of_region=akimat_of_region,
        foreign=foreign,
        foreign_exact=foreign_exact,
        domestic=domestic,
        domestic_exact=domestic_exact,
        anchors=anchors,
        anchors_exact=anchors_exact,
        akim_stems=tuple(skeleton(w) for w in q["akim"]),
        not_akim=tuple(skeleton(w) for w in q["not_akim"]),
        akimat_units=tuple(skeleton(w) for w in q["akimat_units"]),
        not_akimat_unit=split(q["not_akimat_unit"])[0],
        not_akimat_unit_exact=split(q["not_akimat_unit"])[1],
        org=tuple(skeleton(w) for w in q["org"]),
    )


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _load()


def agency_names() -> dict[str, dict[str, str]]:
    """Official names (name_en, name_ru, name_kk) of every agency id."""
    return dict(_gazetteer().agency_names)


def region_names() -> dict[str, dict[str, str]]:
    """Official names (name_en, name_ru, name_kk) of every region id."""
    return dict(_gazetteer().region_names)


# ---------------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class _Words:
    starts: list[int]
    ends: list[int]
    origs: list[str]
    skels: list[str]
    soft: list[bool]  # soft[i]: the gap before word i may sit inside a phrase


def _words(text: str) -> _Words:
    starts, ends, origs, skels, soft = [], [], [], [], []
    prev_end = 0
    prev_len = 0
    for m in _WORD_RE.finditer(text):
        s, e = m.span()
        w = m.group()
        gap = text[prev_end:s]
        hard = gap != " " and (
            bool(_HARD_GAP.search(gap)) or ("." in gap and prev_len > 4) or len(gap) > 6)
        starts.append(s)
        ends.append(e)
        origs.append(w)
        sk = _SKEL_CACHE.get(w)
        skels.append(sk if sk is not None else _skel_cached(w))
        soft.append(not hard)
        prev_end, prev_len = e, len(w)
    return _Words(starts, ends, origs, skels, soft)


def _starts_any(skel: str, stems: tuple[str, ...]) -> bool:
    return skel.startswith(stems) if stems else False


def _is_foreign_word(g: _Gazetteer, w: _Words, i: int) -> bool:
    return (w.origs[i] in g.foreign_exact or "=" + w.skels[i] in g.foreign_exact
            or _starts_any(w.skels[i], g.foreign))


def _is_domestic_word(g: _Gazetteer, w: _Words, i: int) -> bool:
    return w.origs[i] in g.domestic_exact or _starts_any(w.skels[i], g.domestic)


def _foreign_qualified(g: _Gazetteer, w: _Words, i: int, j: int, org: tuple[str, ...]) -> bool:
    """Whether words i..j-1 are qualified by a foreign country next to them.

    ``org`` stems (компания, федерация, клуб …) disqualify only the word right next to the
    match: «президент федерации бокса», «компанияның президенті».
    """
    n = len(w.skels)
    if org and ((j < n and w.soft[j] and _starts_any(w.skels[j], org))
                or (i > 0 and w.soft[i] and _starts_any(w.skels[i - 1], org))):
        return True
    k = j
    while k < min(n, j + 3) and w.soft[k] and w.skels[k] not in _CONJUNCTIONS:
        if _is_domestic_word(g, w, k):
            return False
        if _is_foreign_word(g, w, k):
            return True
        k += 1
    k = i - 1
    while k >= max(0, i - 2) and w.soft[k + 1] and w.skels[k] not in _CONJUNCTIONS:
        if _is_domestic_word(g, w, k):
            return False
        if _is_foreign_word(g, w, k):
            return True
        k -= 1
    return False


_VILLAGE = tuple(skeleton(x) for x in ("ауыл", "село", "сельск", "aýyl"))
_CONJUNCTIONS = frozenset(
    skeleton(x) for x in ("и", "а", "или", "также", "мен", "бен", "пен", "және", "немесе", "and")
)


# a place name that is only part of a street's or an organisation's name is no region mention:
# «Алматинская улица», «ул. Карагандинская», «Қарағанды көшесі», ФК «Астана», «Астана» клубы,
# велокоманда Astana. Plural street words are left alone («на улицах Астаны» is the city).
_STREET_AFTER = tuple(skeleton(x) for x in (
    "улица", "улице", "улицу", "улицы", "улицеи", "проспект", "переул", "бульвар", "көше",
    "көшесі", "даңғыл", "kóshesi", "dańǵyly"))
_STREET_BEFORE = frozenset(skeleton(x) for x in (
    "улица", "улице", "улицу", "улицы", "улицей", "ул", "проспект", "проспекте", "проспекта",
    "проспекту", "пр", "переулок", "переулке", "бульвар", "бульваре"))
_ORG_NOUNS = tuple(skeleton(x) for x in (
    "клуб", "команд", "велокоманд", "ресторан", "мейрамхан", "кафе", "отел", "гостиниц",
    "қонақүй", "телеканал", "телеарна", "газет", "журнал", "компани", "театр", "кинотеатр",
    "team", "club"))
_ORG_EXACT = frozenset({"ФК", "ХК", "АО", "ТОО", "ТРЦ", "ТЦ", "FC", "HC"})
_OPEN_QUOTES = "«\"„“'"
_CLOSE_QUOTES = "»\"“”'"


# the rest of a line that starts with one of these is a link to another story, not this one
_SEE_ALSO = re.compile(
    r"(?im)^[ \t]*(?:читайте\s+также|читать\s+также|смотрите\s+также|см\.\s+также"
    r"|сондай[- ]ақ\s+оқыңыз|тағы\s+оқыңыз|оқи\s+отырыңыз|ұқсас\s+жаңалықтар"
    r"|похожие\s+новости|read\s+also|see\s+also|qosymsha\s+oqyńyz)\b"
    r"[ \t]*:?[ \t]*(?:\n[ \t]*)?[^\n]*"
)
# Latin words after a Latin place name that still belong to the place (Almaty oblysy, Astana qalasy)
_LATIN_GEO = tuple(skeleton(x) for x in (
    "obl", "qala", "aýdan", "audan", "óńir", "region", "city", "oblast", "kalas"))


def _boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of «Читайте также: …» lines."""
    return [m.span() for m in _SEE_ALSO.finditer(text)]


def _latin_org_name(text: str, w: _Words, i: int, j: int) -> bool:
    """«Astana Hub», «Almaty Marathon»: a Latin place name followed by a capitalised Latin word."""
    if (j != i + 1 or j >= len(w.skels) or not w.origs[i][:1].isascii()
            or text[w.ends[i]:w.starts[j]] != " "):
        return False
    nxt = w.origs[j]
    return (nxt[:1].isupper() and nxt[:1].isascii() and nxt.isalpha()
            and not w.skels[j].startswith(_LATIN_GEO))


def _is_org_word(w: _Words, k: int) -> bool:
    return w.origs[k] in _ORG_EXACT or w.skels[k].startswith(_ORG_NOUNS)


def _name_part(text: str, w: _Words, i: int, j: int) -> bool:
    """Whether the place name at words i..j-1 only names a street or an organisation."""
    n = len(w.skels)
    gap_before = text[w.ends[i - 1]:w.starts[i]] if i > 0 else ""
    gap_after = text[w.ends[j - 1]:w.starts[j]] if j < n else ""
    if j < n and gap_after == " " and w.skels[j].startswith(_STREET_AFTER) and not (
            w.skels[j].startswith("кошел")):
        return True
    if i > 0 and gap_before in (" ", ". ") and w.skels[i - 1] in _STREET_BEFORE and (
            "ск" in w.skels[j - 1]):
        return True
    if i > 0 and len(gap_before) <= 3 and _is_org_word(w, i - 1) and (
            any(q in gap_before for q in _OPEN_QUOTES) or w.origs[i][:1].isascii()):
        return True
    return (j < n and len(gap_after) <= 3 and any(q in gap_after for q in _CLOSE_QUOTES)
            and _is_org_word(w, j))


# «глава региона», «өңір басшысы», «облыс басшысы»: the akim of the region, by title
_HEAD_RU = (skeleton("глав"),)
_REGION_RU = frozenset(skeleton(x) for x in ("региона", "области"))  # not главы регионов
_REGION_KK = tuple(skeleton(x) for x in ("өңір", "облыс", "óńir", "oblys"))
_HEAD_KK = (skeleton("басшы"), skeleton("basshy"))


def _is_region_head(w: _Words, k: int) -> bool:
    if k + 1 >= len(w.skels) or not w.soft[k + 1]:
        return False
    a, b = w.skels[k], w.skels[k + 1]
    return ((a.startswith(_HEAD_RU) and b in _REGION_RU and len(a) <= 6)
            or (a.startswith(_REGION_KK) and b.startswith(_HEAD_KK) and len(a) <= 6))


def _is_akim(g: _Gazetteer, skel: str) -> bool:
    return skel.startswith(g.akim_stems) and not skel.startswith(g.not_akim)


def _is_unit(g: _Gazetteer, skel: str) -> bool:
    return skel.startswith(g.akimat_units)


def _unit_blocked(g: _Gazetteer, w: _Words, i: int, j: int) -> bool:
    """Whether words i..j-1, or the word after an управление, name a non-akimat service."""
    idx = list(range(i, j))
    if j < len(w.skels):
        idx.append(j)
    return any(w.origs[k] in g.not_akimat_unit_exact or _starts_any(w.skels[k], g.not_akimat_unit)
               for k in idx)


def _raw_matches(w: _Words, matcher: _Matcher) -> list[tuple[int, int, _Phrase]]:
    out = []
    n = len(w.skels)
    origs, skels, soft = w.origs, w.skels, w.soft
    for i in range(n):
        for ph in matcher.starting(origs[i], skels[i]):
            toks = ph.tokens
            m = len(toks)
            if i + m > n:
                continue
            ok = True
            for k in range(1, m):
                if not soft[i + k] or not toks[k].match(origs[i + k], skels[i + k]):
                    ok = False
                    break
            if ok:
                out.append((i, i + m, ph))
    return out


def _resolve(cands: list[tuple[int, int, _Phrase]]) -> list[tuple[int, int, _Phrase]]:
    """Longest first, then leftmost; non-overlapping."""
    cands = sorted(cands, key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: set[int] = set()  # word positions already covered (linear in long texts)
    out = []
    for c in cands:
        span = range(c[0], c[1])
        if any(k in taken for k in span):
            continue
        taken.update(span)
        out.append(c)
    return sorted(out, key=lambda c: c[0])


def has_kazakh_anchor(text: str) -> bool:
    """Whether the text names Kazakhstan itself (Казахстан, ҚР, РК, тенге, Тоқаев …)."""
    return _analyse(text)[2]


@lru_cache(maxsize=8)
def _analyse(text: str) -> tuple[tuple[Mention, ...], tuple[Mention, ...], bool]:
    g = _gazetteer()
    w = _words(text)
    raw = _raw_matches(w, g.matcher)
    blocks = [c for c in raw if c[2].kind == "block"]
    per_kind: dict[str, list[tuple[int, int, _Phrase]]] = {"agency": [], "region": []}
    for c in raw:
        if c[2].kind != "block":
            per_kind[c[2].kind].append(c)
    resolved: dict[str, list[tuple[int, int, _Phrase]]] = {}
    for kind, cands in per_kind.items():
        resolved[kind] = [c for c in _resolve(cands + blocks) if c[2].kind != "block"]

    anchor = any(
        o in g.anchors_exact or _starts_any(s, g.anchors) for o, s in zip(w.origs, w.skels, strict=True)
    )
    strong_regions = [c for c in resolved["region"] if not c[2].context]
    kz_anchor = anchor or bool(strong_regions)
    agencies = [
        c for c in resolved["agency"]
        if not (c[2].foreign_check and _foreign_qualified(g, w, c[0], c[1], g.org))
    ]
    if agencies and not kz_anchor and any(
            _is_foreign_word(g, w, k) for k in range(len(w.skels))):
        agencies = []  # a foreign story with no Kazakh anchor: «МЧС сообщило о пожаре в Подмосковье»
    # a specific Kazakh body named outright also anchors the text (Минэкономики, ҚР ДСМ …)
    kz_context = kz_anchor or any(c[2].via not in _GENERIC_VIAS for c in agencies)
    if not kz_context:
        # «управление по ЧС», «полиция», «Правительство» in a story with no Kazakh anchor
        agencies = [c for c in agencies if c[2].via not in _GENERIC_VIAS]
    regions = [
        c for c in resolved["region"]
        if not c[2].context or (
            kz_context and not _foreign_qualified(g, w, c[0], c[1], ())
            and not (c[1] < len(w.skels) and w.soft[c[1]] and w.origs[c[1]][:1].isupper()))
    ]
    regions = [c for c in regions
               if not _name_part(text, w, c[0], c[1]) and not _latin_org_name(text, w, c[0], c[1])]
    see_also = _boilerplate_spans(text)
    if see_also:
        def inside(c: tuple[int, int, _Phrase]) -> bool:
            return any(a <= w.starts[c[0]] < b for a, b in see_also)
        regions = [c for c in regions if not inside(c)]
        agencies = [c for c in agencies if not inside(c)]

    # аким/әкім (or a regional управление/басқарма) next to a region's own name → its akimat
    akim_hits: list[tuple[int, int, str, str]] = []  # (i, j, akimat id, via)
    n = len(w.skels)
    for i0, j0, ph in regions:
        if ph.id not in g.akimat_of_region:
            continue
        found = None
        k = i0 - 1
        while k >= max(0, i0 - 4) and w.soft[k + 1] and not w.skels[k].startswith(_VILLAGE):
            if _is_akim(g, w.skels[k]) or (
                    _is_unit(g, w.skels[k]) and not _unit_blocked(g, w, k + 1, i0)):
                found = (k, j0, k)
                break
            k -= 1
        if found is None:
            k = j0
            while k < min(n, j0 + 3) and w.soft[k] and not w.skels[k].startswith(_VILLAGE):
                if _is_akim(g, w.skels[k]) or (
                        _is_unit(g, w.skels[k]) and not _unit_blocked(g, w, j0, k)):
                    found = (i0, k + 1, k)
                    break
                k += 1
        if found is not None:
            via = "akim" if _is_akim(g, w.skels[found[2]]) else "regional department"
            akim_hits.append((found[0], found[1], g.akimat_of_region[ph.id], via))

    # any other аким/акимат/әкімдік word → the akimat of the nearest region mention (local
    # akimats of towns and districts belong to their region's akimat for the analysts)
    used = {k for i, j, _, _ in akim_hits for k in range(i, j)}
    region_starts = [(i0, ph.id) for i0, _, ph in regions if ph.id in g.akimat_of_region]
    if region_starts:
        start_words = [r[0] for r in region_starts]  # ascending: regions are in text order
        for k in range(n):
            if k in used:
                continue
            if _is_akim(g, w.skels[k]):
                end, via = k + 1, "akim (nearest region)"
            elif _is_region_head(w, k):
                end, via = k + 2, "head of region (nearest region)"
            else:
                continue
            if k > 0 and w.skels[k - 1].startswith(_VILLAGE):
                continue  # ауыл әкімі, сельский аким: a village, not the region
            before = bisect_left(start_words, k)  # how many region mentions start before k
            target = region_starts[before - 1][1] if before else region_starts[0][1]
            akim_hits.append((k, end, g.akimat_of_region[target], via))

    def mention(kind: str, i: int, j: int, ident: str, via: str) -> Mention:
        s, e = w.starts[i], w.ends[j - 1]
        return Mention(kind, ident, s, e, text[s:e], via)

    agency_mentions = [mention("agency", i, j, ph.id, ph.via) for i, j, ph in agencies]
    covered = {(m.id, m.start) for m in agency_mentions}
    # word positions each agency id already covers: an akim hit overlapping one is a repeat
    words_of: dict[str, set[int]] = {}
    for i, j, ph in agencies:
        words_of.setdefault(ph.id, set()).update(range(i, j))
    for i, j, ident, via in akim_hits:
        m = mention("agency", i, j, ident, via)
        own = words_of.setdefault(ident, set())
        if not any(k in own for k in range(i, j)) and (ident, m.start) not in covered:
            agency_mentions.append(m)
            own.update(range(i, j))
    agency_mentions.sort(key=lambda m: (m.start, m.end))
    region_mentions = [mention("region", i, j, ph.id, ph.via) for i, j, ph in regions]
    return tuple(agency_mentions), tuple(region_mentions), anchor


def find_agencies(text: str) -> list[Mention]:
    """Every mention of a Kazakh state body in ``text``, in text order."""
    if not text:
        return []
    return list(_analyse(text)[0])


def find_regions(text: str) -> list[Mention]:
    """Every mention of a Kazakh region or city of republican significance, in text order."""
    if not text:
        return []
    return list(_analyse(text)[1])


def find_mentions(text: str) -> list[Mention]:
    """Agencies and regions together, in text order."""
    return sorted(find_agencies(text) + find_regions(text), key=lambda m: (m.start, m.kind))
