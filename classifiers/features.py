"""The shared, fast text featuriser of the topic and tone models.

A text becomes a bag of word features:

* lower case, ``ё`` → ``е``; Kazakh Latin script → Cyrillic (``classifiers.normalize``), so the
  three scripts share one vocabulary;
* only the title (counted ``TITLE_WEIGHT`` times) and the first ``TEXT_CHARS`` characters of
  the body are read: the lead of a news item carries its topic and tone, and the cost stays
  flat for long items;
* each word is cut to a prefix of ``PREFIX`` characters — a cheap stemmer that removes most
  Kazakh suffixes and Russian endings (``мектептерде`` → ``мектеп``, ``образования`` → ``образо``);
* features are those prefixes (unigrams) and pairs of neighbouring prefixes (bigrams), with a
  small stop-word list removed;
* weights are sublinear TF × IDF, L2-normalised (like sklearn's TfidfVectorizer).
* tone-only features (first character ``TONE_MARK``) are added for the tone model: negation
  kept with its word, and a longer prefix of long words; the topic model never sees them.

The vocabulary is a plain dict (saved as JSON), so every feature is readable and an
explanation can name the words of the input that produced it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

PREFIX = 6
TITLE_WEIGHT = 2
TEXT_CHARS = 1500
SENTENCE_CHARS = 600
TONE_PREFIX = 9  # longer prefix of the tone-only features
TONE_MARK = "~"  # first character of every tone-only feature

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_KK_LATIN_MARKS = re.compile(r"[äğıñöūüşáǵńóúýÄĞİÑÖŪÜŞÁǴŃÓÚÝ]")
_LATIN = re.compile(r"[a-z]")
_CYRILLIC = re.compile(r"[а-яәғқңөұүһі]")

STOPWORDS = frozenset(
    """
    и в во на с со по к ко о об от до за из у же ли бы не ни но а да то что как так это этот
    эта эти тот та те его ее их он она оно они мы вы я ты при для про под над без или также
    который которая которые которых которым был была было были будет будут быть есть уже еще
    все всех всего только чем где когда если после более между через года году год г тыс млн
    млрд тенге его ее свой своей своих ряд этом этой этих том той тех нам вам им их
    және мен бен пен да де та те ма ме ба бе па пе бұл осы сол ол олар біз сіз мен ең үшін
    деп деді деген бойынша туралы арқылы кейін бірақ немесе не де жыл жылы жылдың мың млн
    млрд теңге оның олардың бар жоқ еді болды болып болады болған және де ал тағы қазір сондай
    бір екі үш жылда жылғы бүгін ретінде қатысты сияқты кезде барлық осындай ғана әрі тек
    сообщили сообщает отметил отметила сказал по словам также является этого года ходе
    """.split()
)
STOPWORDS = frozenset(w.translate(str.maketrans("ёәғқңөұүһі", "еагкноуухи")) for w in STOPWORDS)
NEG_BEFORE = frozenset(("не", "нет", "ни", "без"))  # Russian negation before the word
NEG_AFTER = frozenset(("емес", "жок"))  # Kazakh negation after the word (folded: жоқ → жок)

try:  # the shared normaliser (another module of this package)
    from classifiers.normalize import latin_to_cyrillic as _latin_to_cyrillic
except ImportError:  # pragma: no cover - only while that module does not exist yet
    _FALLBACK = {
        "a": "а", "ä": "ә", "b": "б", "c": "ц", "ç": "ч", "d": "д", "e": "е", "f": "ф",
        "g": "г", "ğ": "ғ", "h": "х", "ı": "ы", "i": "і", "j": "ж", "k": "к", "l": "л",
        "m": "м", "n": "н", "ñ": "ң", "o": "о", "ö": "ө", "p": "п", "q": "қ", "r": "р",
        "s": "с", "ş": "ш", "t": "т", "u": "у", "ū": "ұ", "ü": "ү", "v": "в", "y": "ы",
        "z": "з", "w": "у", "x": "кс",
    }

    def _latin_to_cyrillic(text: str) -> str:
        text = text.lower().replace("sh", "ш").replace("ch", "ч").replace("ia", "я")
        return "".join(_FALLBACK.get(ch, ch) for ch in text)


def is_kazakh_latin(text: str, language: str | None = None) -> bool:
    """True when the text should be read as Kazakh in the Latin script."""
    if language is not None:
        return language == "kk-Latn"
    sample = text[:600].lower()
    latin = len(_LATIN.findall(sample))
    return latin > 2 * len(_CYRILLIC.findall(sample)) and bool(_KK_LATIN_MARKS.search(sample))


# Kazakh-specific letters folded onto their nearest Russian ones: informal Kazakh (and most
# Latin-script Kazakh) writes them so, and the bag of words must not split on it.
_FOLD = str.maketrans("ёәғқңөұүһі", "еагкноуухи")


def _convert(text: str, language: str | None) -> str:
    return _latin_to_cyrillic(text) if is_kazakh_latin(text, language) else text


def normalise(text: str, language: str | None = None) -> str:
    """Lower case, ё→е, Kazakh Latin → Cyrillic, Kazakh letters folded (қ→к, і→и, …)."""
    return _convert(text, language).lower().translate(_FOLD)


def _tokens(text: str, language: str | None = None) -> list[tuple[str, str]]:
    """(normalised word, surface form as written) for every word of ``text``."""
    converted = _convert(text, language)
    norm = converted.lower().translate(_FOLD)
    matches = list(_WORD.finditer(norm))
    surfaces: list[str]
    if converted is text and len(norm) == len(text):
        surfaces = [text[m.start() : m.end()] for m in matches]
    else:
        original = _WORD.findall(text)
        if len(original) == len(matches):
            surfaces = original
        else:
            surfaces = [converted[m.start() : m.end()] if len(norm) == len(converted)
                        else m.group() for m in matches]
    return [(m.group(), surface) for m, surface in zip(matches, surfaces, strict=True)]


def _content(w: str) -> bool:
    return len(w) >= 2 and w not in STOPWORDS


def words(text: str, language: str | None = None) -> list[tuple[str, str]]:
    """(prefix, surface form as written) for every word of ``text`` that is not a stop word."""
    return [(w[:PREFIX], surface) for w, surface in _tokens(text, language) if _content(w)]


def _tone_extras(tokens: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Tone-only features (``TONE_MARK`` first) with the surface form that produced each.

    * negation, which the stop-word list drops: ``не``/``нет``/``ни``/``без`` + the next word
      (``~не_выполн``), Kazakh ``емес``/``жоқ`` after the word (``~орында_емес``);
    * a longer prefix (``TONE_PREFIX``) of long words, which keeps what the 6-letter prefix
      cuts off: Kazakh verb negation and tense (``орындалмады`` → ``~орындалма``), Russian
      participles (``пострадавших`` → ``~пострадав``).
    """
    out: list[tuple[str, str]] = []
    n = len(tokens)
    for i, (w, surface) in enumerate(tokens):
        if w in NEG_BEFORE:
            if i + 1 < n and _content(tokens[i + 1][0]):
                nxt, nsurf = tokens[i + 1]
                out.append((f"{TONE_MARK}не_{nxt[:PREFIX]}", f"{surface} {nsurf}"))
        elif w in NEG_AFTER:
            if i > 0 and _content(tokens[i - 1][0]):
                prv, psurf = tokens[i - 1]
                out.append((f"{TONE_MARK}{prv[:PREFIX]}_емес", f"{psurf} {surface}"))
        elif len(w) > PREFIX and w not in STOPWORDS:
            out.append((TONE_MARK + w[:TONE_PREFIX], surface))
    return out


def doc_features(
    title: str, text: str, language: str | None = None, forms: dict[str, str] | None = None,
    tone: bool = True,
) -> Counter[str]:
    """Counts of unigram and bigram features of one item (title weighted, body capped).

    With ``tone`` (the default) the tone-only features of :func:`_tone_extras` are added; they
    start with ``TONE_MARK``, are absent from the topic model's vocabulary (its training drops
    them, see :func:`topic_view`), so one featurisation serves both models.
    When ``forms`` is given, it is filled with feature → a surface form seen in the input.
    """
    counts: Counter[str] = Counter()
    parts = [(title or "", TITLE_WEIGHT), ((text or "")[:TEXT_CHARS], 1)]
    for part, weight in parts:
        if not part:
            continue
        tokens = _tokens(part, language)
        ws = [(w[:PREFIX], surface) for w, surface in tokens if _content(w)]
        feats = [p for p, _ in ws]
        feats += [f"{a}_{b}" for (a, _), (b, _) in zip(ws, ws[1:], strict=False)]
        extras = _tone_extras(tokens) if tone else []
        feats += [f for f, _ in extras]
        for _ in range(weight):
            counts.update(feats)
        if forms is not None:
            for p, w in ws:
                forms.setdefault(p, w)
            for (a, wa), (b, wb) in zip(ws, ws[1:], strict=False):
                forms.setdefault(f"{a}_{b}", f"{wa} {wb}")
            for f, w in extras:
                forms.setdefault(f, w)
    return counts


def topic_view(counts: Counter[str]) -> Counter[str]:
    """The features of :func:`doc_features` without the tone-only ones (what topics see)."""
    return Counter({f: c for f, c in counts.items() if not f.startswith(TONE_MARK)})


class SparseRow:
    """A single feature row: ``indices`` and ``data`` (the CSR row interface we use)."""

    __slots__ = ("indices", "data")

    def __init__(self, indices: np.ndarray, data: np.ndarray) -> None:
        self.indices = indices
        self.data = data

    @property
    def nnz(self) -> int:
        return int(self.indices.size)


class Featurizer:
    """Sublinear TF-IDF over a fixed vocabulary of prefix unigrams and bigrams."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = np.asarray(idf, dtype=np.float32)
        self.feature_names = [""] * len(vocabulary)
        for f, j in vocabulary.items():
            self.feature_names[j] = f

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    @classmethod
    def fit(
        cls,
        docs: Sequence[Counter[str]],
        min_df: int = 2,
        max_features: int = 60000,
        keep: Iterable[str] = (),
    ) -> Featurizer:
        """Vocabulary of features seen in at least ``min_df`` documents (plus ``keep``)."""
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        keep_set = set(keep)
        feats = [f for f, c in df.items() if c >= min_df or (f in keep_set and c > 0)]
        feats.sort(key=lambda f: (-df[f], f))
        feats = sorted(feats[:max_features])
        vocabulary = {f: i for i, f in enumerate(feats)}
        n = len(docs)
        idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in feats], dtype=np.float32)
        return cls(vocabulary, idf)

    def vectorize(self, doc: Counter[str]) -> SparseRow:
        """One TF-IDF row without scipy (fast for single short texts)."""
        vocab = self.vocabulary
        idx: list[int] = []
        tf: list[float] = []
        for f, c in doc.items():
            j = vocab.get(f)
            if j is not None:
                idx.append(j)
                tf.append(1.0 + math.log(c))
        indices = np.asarray(idx, dtype=np.int32)
        data = np.asarray(tf, dtype=np.float32) * self.idf[indices]
        norm = float(np.sqrt(np.dot(data, data)))
        if norm > 0:
            data /= norm
        return SparseRow(indices, data)

    def transform(self, docs: Sequence[Counter[str]]) -> sp.csr_matrix:
        """TF-IDF rows (L2-normalised) for feature counts."""
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        vocab = self.vocabulary
        for d in docs:
            for f, c in d.items():
                j = vocab.get(f)
                if j is not None:
                    indices.append(j)
                    data.append(1.0 + math.log(c))
            indptr.append(len(indices))
        x = sp.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(docs), self.size),
            dtype=np.float32,
        )
        x.data *= self.idf[x.indices]
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        x = sp.diags((1.0 / norms).astype(np.float32)) @ x
        return sp.csr_matrix(x, dtype=np.float32)


def top_contributions(
    row: sp.csr_matrix,
    weights: np.ndarray,
    names: Sequence[str],
    forms: dict[str, str],
    k: int = 6,
    positive: bool = True,
) -> list[str]:
    """The ``k`` input words/bigrams with the largest contribution ``x_j * w_j`` (readable)."""
    if row.nnz == 0:
        return []
    idx = row.indices
    contrib = row.data * weights[idx]
    order = np.argsort(-contrib if positive else contrib)
    out: list[str] = []
    seen: set[str] = set()
    for o in order:
        c = contrib[o]
        if (positive and c <= 0) or (not positive and c >= 0):
            break
        name = names[idx[o]]
        label = forms.get(name, name.replace("_", " "))
        if label not in seen:
            seen.add(label)
            out.append(label)
        if len(out) >= k:
            break
    return out
