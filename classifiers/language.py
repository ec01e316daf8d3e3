"""Language of a news item: Russian, Kazakh (Cyrillic), Kazakh (Latin) or English.

No off-the-shelf detector reads Kazakh in Latin script, and short Kazakh titles often lack the
letters that tell Kazakh from Russian, so the decision is made from cues a reader would use:

* Cyrillic text: words with the Kazakh letters ә ғ қ ң ө ұ ү һ і; Kazakh function words and
  suffixes that need none of them (мен, деп, бойынша, туралы, жылы, болды, еді; -ында, -ынан,
  -лары, -дағы …) against Russian function words (и, в, на, что, по, для, не, это …), letters
  Kazakh hardly uses (ё ъ щ э) and Russian endings (-ого, -ться, -ение, -ский …);
* Latin text: the Kazakh Latin letters (2018 acute variant á ǵ ı ń ó ú ý; 2021 variant ä ğ ñ ö
  ş ü ū), ``q`` not followed by ``u`` (Qazaqstan, qala), Kazakh function words (jáne, men,
  boıynsha, úshin, jyly, týraly …) against English ones (the, of, and, to …).

The script with more letters picks the pair (ru/kk or en/kk-Latn); the scores pick the
language. ``mixed`` is set when at least a fifth of the text (by letters, counting sentences
of three or more words) is in a different language than the whole: code-switched items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["LanguageResult", "detect_language", "LANGUAGES"]

LANGUAGES = ("kk", "kk-Latn", "ru", "en")


@dataclass(frozen=True)
class LanguageResult:
    """The language of a text and why."""

    code: str  # "kk" | "kk-Latn" | "ru" | "en"
    mixed: bool = False
    scores: dict[str, float] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)


_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE = re.compile(r"[^.!?…\n]+")
_KK_LETTERS = frozenset("әғқңөұүһі")
_KK_LATIN_LETTERS = frozenset("áǵıńóúýäğñöşüūŋ")
_RU_LETTERS = frozenset("ёъщэ")

_KK_FUNC = frozenset(
    """мен бен пен деп деді деген еді болды болып болады бола бар жылы жылдан бойынша туралы
    керек емес олар ол осы бұл және үшін ал біз сол арқылы ретінде кейін дейін сияқты бірге
    тиіс жатыр тұр соң бастап кезде кезінде қазір биыл жыл облысы ауданы қаласы министрі
    айтты берді алды келді етті етеді деп сондай мұнда онда барлық жалпы""".split()
)
_KK_SUFFIX = (
    "ында", "інде", "ынан", "інен", "ымен", "імен", "лары", "лері", "дары", "тары", "дағы",
    "тағы", "ылды", "ылады", "ынды", "атын", "етін", "ейді", "айды", "ыпты",
)
_RU_FUNC = frozenset(
    """и в на что по для не это из к о от за как а также который которые которая которого
    при с у до после был была были было будет его ее её их он она они мы все уже или так же
    только более около года году лет то но бы ли этом этого этой со во об при под над между
    теперь сейчас сообщили сообщает однако ранее без почти через всех всё свой своей будут
    есть нет можно нужно ещё еще если чтобы когда где там тут этот эта эти того тем том
    которых которым всего ни именно очень много несколько один одна два три что-то""".split()
)
_RU_SUFFIX = (
    "ого", "его", "ому", "ыми", "ими", "ться", "тся", "ение", "ения", "ании", "ания", "ости",
    "ской", "ский", "ская", "ские", "ских", "ных", "ный", "ная", "ное", "ные", "ует", "ают",
    "ются", "ила", "или", "ами", "ями", "ией", "ись", "ось", "ался", "ются", "ого", "ыми",
)
_KKL_FUNC = frozenset(
    """jáne jane jäne men ben pen dep dedi edi boldy bolyp bolady bar jyly jyly boıynsha
    boiynsha boyinsha boiynşa boıynşa úshin ushin üşin týraly turaly osy bul búl bıyl biyl
    kerek emes olar ol arqyly retinde keıin keiin deıin deiin sııaqty siyaqty qazir jyl etti
    aldy berdi oblysy aýdany audany qalasy habarlaıdy habarlaidy habarlady málimetinshe
    mälimetinşe memlekettik ortalyǵy""".split()
)
_KKL_SUFFIX = (
    "nyń", "niń", "dyń", "diń", "tyń", "tiń", "nıñ", "nyñ", "dyñ", "daǵy", "degi", "dağy",
    "dagy", "ynda", "ında", "inde", "ynan", "ylady", "yldy", "lary", "leri", "dary", "tary",
    "ǵan", "ğan", "ady", "edi", "ýy", "ıdy",
)
_EN_FUNC = frozenset(
    """the of and to in is for on that with by was are from at as has have said will be it
    this an a which were its not but after new more than been also their who would""".split()
)
_EN_SUFFIX = ("tion", "ing", "ed", "ment", "ness", "ity", "ous", "ive", "ers")


# what each kind of cue is, for the evidence an analyst reads
_CUE_NAMES = {
    "kk letters": "words with Kazakh letters",
    "kk words": "Kazakh function words",
    "ru words": "Russian function words",
    "ru letters": "words with ё ъ щ э (rare in Kazakh)",
    "ru endings": "Russian endings",
    "kk endings": "Kazakh suffixes",
    "kk Latin letters": "words with Kazakh Latin letters",
    "kk q": "Latin words with q (not qu)",
    "kk Latin words": "Kazakh Latin function words",
    "en words": "English function words",
    "kk Latin endings": "Kazakh Latin suffixes",
    "en endings": "English endings",
}
_NAMES = {"kk": "Kazakh", "kk-Latn": "Kazakh in Latin script", "ru": "Russian", "en": "English"}
_SAMPLES = 4


def _word_scores(words: list[str], acc: dict[str, float], hits: dict[str, int],
                 samples: dict[str, list[str]] | None = None) -> None:
    """Add each word's cue to ``acc`` (score per language) and ``hits`` (count per cue);
    ``samples`` gets the first few words of each cue."""
    for w in words:
        cue: tuple[str, str, float] | None = None  # (language, cue, weight)
        if "\u0400" <= w[0] <= "\u04ff":
            if not _KK_LETTERS.isdisjoint(w):
                cue = ("kk", "kk letters", 2.0)
            elif w in _KK_FUNC:
                cue = ("kk", "kk words", 1.5)
            elif w in _RU_FUNC:
                cue = ("ru", "ru words", 1.5)
            elif not _RU_LETTERS.isdisjoint(w):
                cue = ("ru", "ru letters", 1.0)
            elif len(w) > 4 and w.endswith(_RU_SUFFIX):
                cue = ("ru", "ru endings", 0.7)
            elif len(w) > 4 and w.endswith(_KK_SUFFIX):
                cue = ("kk", "kk endings", 0.7)
        elif w[0] <= "\u024f":
            if not _KK_LATIN_LETTERS.isdisjoint(w):
                cue = ("kk-Latn", "kk Latin letters", 2.0)
            elif "q" in w and "qu" not in w:
                cue = ("kk-Latn", "kk q", 2.0)
            elif w in _KKL_FUNC:
                cue = ("kk-Latn", "kk Latin words", 1.5)
            elif w in _EN_FUNC:
                cue = ("en", "en words", 1.5)
            elif len(w) > 4 and w.endswith(_KKL_SUFFIX):
                cue = ("kk-Latn", "kk Latin endings", 0.7)
            elif len(w) > 4 and w.endswith(_EN_SUFFIX):
                cue = ("en", "en endings", 0.7)
        if cue is None:
            continue
        lang, key, weight = cue
        acc[lang] += weight
        hits[key] += 1
        if samples is not None:
            seen = samples.setdefault(key, [])
            if len(seen) < _SAMPLES and w not in seen:
                seen.append(w)


def _decide(acc: dict[str, float], cyr: bool) -> str:
    if cyr:
        return "kk" if acc["kk"] > acc["ru"] else "ru"
    return "kk-Latn" if acc["kk-Latn"] > acc["en"] else "en"


_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LAT_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _is_cyrillic_majority(text: str) -> tuple[bool, int, int]:
    n_cyr = len(_CYR_RE.findall(text))
    n_lat = len(_LAT_RE.findall(text))
    return n_cyr >= n_lat, n_cyr, n_lat


_KK_CHAR_RE = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_KKL_CHAR_RE = re.compile(r"[áǵıńóúýäğñöşüūŋÁǴŃÓÚÝÄĞÑÖŞÜŪ]|[qQ](?![uU])")
_EN_FUNC_RE = re.compile(r"(?=[tTaoiOIfwbAhs])\b(?:the|of|and|to|in|is|for|with|was|are|has|said)\b",
                         re.IGNORECASE)
_SCORED_CHARS = 1500


def _sentence_code(sentence: str, words: list[str]) -> str | None:
    """A cheap per-sentence label for code-switching; None when unclear."""
    n = sum(len(w) for w in words)
    n_cyr = sum(len(w) for w in words if "\u0400" <= w[0] <= "\u04ff")
    if n_cyr * 2 >= n:
        ratio = len(_KK_CHAR_RE.findall(sentence)) / n
        return "kk" if ratio >= 0.04 else "ru" if ratio <= 0.012 else None
    ratio = len(_KKL_CHAR_RE.findall(sentence)) / n
    if ratio >= 0.03:
        return "kk-Latn"
    if ratio <= 0.006 and _EN_FUNC_RE.search(sentence):
        return "en"
    return None


def detect_language(text: str) -> LanguageResult:
    """The language of ``text`` (see the module docstring for the rule)."""
    text = (text or "").strip()
    if not text:
        return LanguageResult("ru", False, {}, ["empty text: defaulting to ru"])
    low = text.lower()
    head = low[:_SCORED_CHARS]
    cyr, n_cyr, n_lat = _is_cyrillic_majority(head)
    total = {"kk": 0.0, "ru": 0.0, "kk-Latn": 0.0, "en": 0.0}
    hits: dict[str, int] = {
        k: 0 for k in ("kk letters", "kk words", "ru words", "ru letters", "ru endings",
                       "kk endings", "kk Latin letters", "kk q", "kk Latin words", "en words",
                       "kk Latin endings", "en endings")
    }
    samples: dict[str, list[str]] = {}
    _word_scores(_WORD.findall(head), total, hits, samples)
    code = _decide(total, cyr)
    rival = ("ru" if code == "kk" else "kk") if cyr else ("en" if code == "kk-Latn" else "kk-Latn")
    if total[code] == 0.0:
        evidence = [f"no language cues; {'Cyrillic' if cyr else 'Latin'} script"]
        code = "ru" if cyr else "en"
    else:
        evidence = [f"{_CUE_NAMES[k]} ×{v}: {', '.join(samples.get(k, []))}"
                    for k, v in hits.items() if v]
        evidence.append(f"→ {_NAMES[code]}: cue score {total[code]:.1f} against "
                        f"{total[rival]:.1f} for {_NAMES[rival]}")
    # code-switching: share of letters in sentences whose own language differs
    letters = other = 0
    for m in _SENTENCE.finditer(text):
        sentence = m.group()
        words = _WORD.findall(sentence)
        if len(words) < 3:
            continue
        size = sum(len(w) for w in words)
        letters += size
        s_code = _sentence_code(sentence, words)
        if s_code is not None and s_code != code:
            other += size
    mixed = bool(letters) and other >= 0.2 * letters and other >= 40
    if mixed:
        evidence.append(f"code-switched: {other}/{letters} letters in another language")
    scores = {k: round(v, 2) for k, v in total.items() if v}
    evidence.insert(0, f"script: {n_cyr} Cyrillic and {n_lat} Latin letters in the first "
                       f"{len(head)} characters")
    return LanguageResult(code, mixed, scores, evidence)
