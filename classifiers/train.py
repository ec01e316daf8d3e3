"""Reproducible training of the topic and tone models.

``train_all()`` gathers every training source, weights it, fits the models and writes the
artifacts (JSON + ``.npz``, no pickle) with a manifest into ``classifiers/models/``.

Topic sources: seed examples (``classifiers/data/seeds/*.jsonl``), the taxonomy's key terms
and descriptions, the programme text (section paragraphs → topics, Kazakh, down-weighted),
SIB-200 sentences where a category maps onto a topic (down-weighted), analysts' corrections.
Tone sources: OpenSentimentCorpus (Russian news sentences; a deterministic 20 % is held out
for evaluation; the expert-validated file plus the further majority-vote sentences, 'mixed'
left out), RuSentNE-2023 (sentence label from its entities' labels, a weak signal), a capped,
down-weighted sample of KazSAnDRA reviews, the QazNLTK Kazakh polarity lexicon, the seeds,
corrections. The tone weights, C and the neutral offset were chosen by validation on a
hash-split 20 % of the OSC/RuSentNE training parts, KazSAnDRA valid and the dev set.

Deterministic: sorted inputs, hash-based splits and samples, fixed solver seeds.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from classifiers.features import Featurizer, doc_features
from classifiers.model_io import MODELS_DIR, LinearModel, save_linear, write_manifest
from classifiers.taxonomy import load_taxonomy

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
SEEDS_DIR = PACKAGE_DIR / "data" / "seeds"
DEV_PATH = PACKAGE_DIR / "data" / "dev" / "devset.jsonl"
PROGRAMME_NAME = "akparatty-kazakhstan-2020.kk.txt"
TONES = ("negative", "neutral", "positive")

# sample weights per source (seeds = 1)
W_SEED = 1.0
W_EXTRA = 4.0
W_TERM = 0.25
W_TERM_BAG = 0.6
W_PROGRAMME = 0.15
W_SIB = 0.1
W_OSC = 1.0
W_RUSENTNE = 0.3
W_KAZSANDRA = 0.15
W_LEXICON = 0.4
W_TONE_SEED = 3.0
W_TONE_TERM = 1.0
KAZSANDRA_CAP = 5000  # per polarity

SIB_MAP = {"sports": "sport", "health": "health", "travel": "tourism"}
# programme paragraphs (1-based line numbers of the Kazakh text) → topic
PROGRAMME_LINES = {
    50: "public_administration", 54: "openness", 58: "e_government",
    62: "public_administration", 66: "public_safety", 70: "ict_infrastructure",
    74: "ict_industry", 82: "education_science", 86: "health", 90: "e_commerce",
    94: "industry", 98: "transport", 102: "agriculture", 106: "energy_housing",
    110: "ecology", 114: "tourism", 118: "sport", 122: "culture", 126: "mass_media",
    130: "domestic_content", 134: "state_information",
}

TOPIC_C = 8.0
TONE_C = 3.0
# added to the neutral score after fitting: real news is mostly neutral, and the class-balanced
# fit under-predicts it (validated on held-in splits of the corpora and the dev set)
TONE_NEUTRAL_BIAS = 0.2


class TrainingDataError(ValueError):
    """A training file has a line that cannot be used (message names file, line and field)."""


@dataclass
class Example:
    """One training document."""

    title: str
    text: str
    language: str | None
    weight: float
    source: str
    topics: list[str] = field(default_factory=list)  # primary first
    tone: str | None = None

    def features(self, tone: bool = True) -> Counter[str]:
        """Feature counts; ``tone=False`` leaves out the tone-only features (topics)."""
        return doc_features(self.title, self.text, self.language, tone=tone)


# --------------------------------------------------------------------------- locations


def shared_data_dir(shared_dir: str | Path | None = None) -> Path | None:
    """``<repo>/../shared/data`` or ``$MEDIAMON_SHARED`` (the shared dir or its data dir)."""
    base = _shared_base(shared_dir)
    for cand in (base / "data", base):
        if (cand / "opensentimentcorpus_ru").is_dir() or (cand / "README.md").is_file() and (
            cand.name == "data"
        ):
            return cand
    return None


def _shared_base(shared_dir: str | Path | None = None) -> Path:
    """The shared folder to look in: the argument, else $MEDIAMON_SHARED, else ../shared."""
    if shared_dir:
        return Path(shared_dir)
    if os.environ.get("MEDIAMON_SHARED"):
        return Path(os.environ["MEDIAMON_SHARED"])
    return REPO_DIR.parent / "shared"


def shared_hint(shared_dir: str | Path | None = None) -> str:
    """Where the shared data was looked for, and how to point at it: for messages."""
    return (f"no shared data in {_shared_base(shared_dir)}; set MEDIAMON_SHARED to the shared "
            "folder")


def left_out(shared_dir: str | Path | None = None) -> list[str]:
    """Notes naming the training sources that are absent (empty when all are present)."""
    notes = []
    if shared_data_dir(shared_dir) is None:
        notes.append(f"{shared_hint(shared_dir)}: trained without OpenSentimentCorpus and "
                     "RuSentNE-2023 (Russian news tone), KazSAnDRA and the QazNLTK lexicon "
                     "(Kazakh tone) and SIB-200 (topics)")
    if programme_path(shared_dir) is None:
        notes.append(f"programme text {PROGRAMME_NAME} not found under "
                     f"{_shared_base(shared_dir)}: trained without its section paragraphs")
    return notes


def programme_path(shared_dir: str | Path | None = None) -> Path | None:
    """The programme text beside the shared data (``<shared>/programme/``), or None."""
    base = _shared_base(shared_dir)
    data = shared_data_dir(shared_dir)
    cands = [base / "programme" / PROGRAMME_NAME, base.parent / "programme" / PROGRAMME_NAME]
    if data is not None:
        cands.insert(0, data.parent / "programme" / PROGRAMME_NAME)
    for cand in cands:
        if cand.is_file():
            return cand
    return None


def _stable_hash(text: str) -> int:
    return int(hashlib.md5(text.encode("utf-8")).hexdigest()[:8], 16)


def is_held_out(text: str, percent: int = 20) -> bool:
    """Deterministic hold-out: the same sentence is always in the same split."""
    return _stable_hash(text) % 100 < percent


def _file_digest(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- readers


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file; a bad line raises TrainingDataError naming it."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TrainingDataError(f"{path}:{n}: invalid JSON ({exc.msg}); fix the line") from None
        if not isinstance(obj, dict):
            raise TrainingDataError(f"{path}:{n}: expected a JSON object")
        obj["_where"] = f"{path.name}:{n}"
        rows.append(obj)
    return rows


def _language(row: dict) -> str | None:
    lang = row.get("lang") or row.get("language")
    return lang if lang in ("ru", "kk", "kk-Latn") else None


def example_from_row(row: dict, weight: float, source: str, topic_ids: set[str]) -> Example:
    """A seed/extra/dev row as an Example; raises TrainingDataError on an unknown label."""
    where = row.get("_where", source)
    topics = list(row.get("topics") or [])
    primary = row.get("primary_topic")
    if primary:
        topics = [primary] + [t for t in topics if t != primary]
    for t in topics:
        if t not in topic_ids:
            raise TrainingDataError(f"{where}: field 'topics' has unknown topic id '{t}'")
    tone = row.get("tone")
    if tone is not None and tone not in TONES:
        raise TrainingDataError(f"{where}: field 'tone' is '{tone}'; use one of {TONES}")
    title, text = str(row.get("title") or ""), str(row.get("text") or "")
    if not (title or text):
        raise TrainingDataError(f"{where}: both 'title' and 'text' are empty")
    return Example(title, text, _language(row), weight, source, topics, tone)


def load_seeds(seeds_dir: Path = SEEDS_DIR, warnings: list[str] | None = None) -> list[Example]:
    """Every ``*.jsonl`` under the seeds directory (sorted); bad rows are reported."""
    ids = set(load_taxonomy().ids)
    out: list[Example] = []
    for path in sorted(seeds_dir.glob("*.jsonl")) if seeds_dir.is_dir() else []:
        try:
            rows = read_jsonl(path)
        except TrainingDataError as exc:
            if warnings is None:
                raise
            warnings.append(f"skipped file: {exc}")
            continue
        for row in rows:
            try:
                out.append(example_from_row(row, W_SEED, f"seed:{path.name}", ids))
            except TrainingDataError as exc:
                if warnings is None:
                    raise
                warnings.append(f"skipped row: {exc}")
    return out


def taxonomy_examples() -> list[Example]:
    """Key terms (each alone, and the bag per language) and names/descriptions."""
    out: list[Example] = []
    for topic in load_taxonomy().topics:
        for lang, terms in topic.terms.items():
            for term in terms:
                out.append(Example("", term, lang, W_TERM, "terms", [topic.id]))
            if terms:
                out.append(Example("", " ".join(terms), lang, W_TERM_BAG, "terms", [topic.id]))
        for lang in ("ru", "kk"):
            text = f"{topic.names.get(lang, '')}. {topic.descriptions.get(lang, '')}"
            out.append(Example("", text, lang, W_TERM_BAG, "terms", [topic.id]))
    return out


_SENT = re.compile(r"(?<=[.;!?])\s+")


def programme_examples(shared_dir: str | Path | None = None) -> list[Example]:
    """Paragraphs of the programme, in chunks of ~4 sentences, labelled by their section."""
    path = programme_path(shared_dir)
    if path is None:
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for lineno, topic in sorted(PROGRAMME_LINES.items()):
        if lineno > len(lines):
            continue
        sents = [s for s in _SENT.split(lines[lineno - 1]) if len(s) > 20]
        for i in range(0, len(sents), 4):
            out.append(Example("", " ".join(sents[i : i + 4]), "kk", W_PROGRAMME, "programme",
                               [topic]))
    return out


def _read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def sib_examples(data: Path | None, split: str = "train") -> list[Example]:
    if data is None:
        return []
    out = []
    for code, lang in (("kaz_Cyrl", "kk"), ("rus_Cyrl", "ru")):
        path = data / "sib200_kk_ru_topics" / code / f"{split}.tsv"
        if not path.is_file():
            continue
        for row in _read_tsv(path):
            topic = SIB_MAP.get(row.get("category", ""))
            if topic:
                out.append(Example("", row["text"], lang, W_SIB, "sib200", [topic]))
    return out


def osc_rows(data: Path | None) -> list[tuple[str, str]]:
    """(sentence, label) of OpenSentimentCorpus, expert-validated file (no 'mixed')."""
    if data is None:
        return []
    path = (data / "opensentimentcorpus_ru" /
            "opensentimentcorpus-final-by-total-agreement-with-expert-validation.csv")
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["Sentence"], r["Sentiment"]) for r in csv.DictReader(fh)]
    return sorted((s, lab) for s, lab in rows if lab in TONES)


_OSC_DIR = "opensentimentcorpus_ru"
_OSC_EXPERT = "opensentimentcorpus-final-by-total-agreement-with-expert-validation.csv"
_OSC_MAJORITY = "opensentimentcorpus-final-by-majority.csv"


def _sentence_key(text: str) -> str:
    """Letters and digits only, lower case: the same sentence punctuated differently."""
    return re.sub(r"\W+", "", text.lower())


def osc_extra_rows(data: Path | None) -> list[tuple[str, str]]:
    """(sentence, label) of the OSC majority-vote file that the expert file lacks.

    A sentence already in the expert file under any punctuation or case is left out (so no
    copy of a held-out sentence gets in), as are 'mixed' rows and the held-out hash share.
    """
    if data is None:
        return []
    expert_path = data / _OSC_DIR / _OSC_EXPERT
    path = data / _OSC_DIR / _OSC_MAJORITY
    if not path.is_file() or not expert_path.is_file():
        return []
    with expert_path.open(encoding="utf-8", newline="") as fh:
        known = {_sentence_key(r["Sentence"]) for r in csv.DictReader(fh)}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["Sentence"], r["Sentiment"]) for r in csv.DictReader(fh)]
    out: dict[str, tuple[str, str]] = {}
    for s, lab in sorted(rows):
        key = _sentence_key(s)
        if lab in TONES and key not in known and not is_held_out(s):
            out.setdefault(key, (s, lab))
    return sorted(out.values())


def _sentence_tone(labels: Sequence[str], mode: str) -> str:
    if mode == "first":
        return labels[0]
    polar = {lab for lab in labels if lab != "neutral"}
    if not polar:
        return "neutral"
    return polar.pop() if len(polar) == 1 else labels[0]


def rusentne_rows(data: Path | None, split: str = "train", mode: str = "first"
                  ) -> list[tuple[str, str]]:
    """(sentence, tone) of RuSentNE-2023. ``mode='first'``: the first entity's label (how
    the validation figure is measured); ``'polar'``: the polarity its entities agree on
    (neutral when all are neutral, the first entity's label when they disagree)."""
    if data is None:
        return []
    name = "train_data.csv" if split == "train" else "validation_data_labeled.csv"
    path = data / "rusentne2023_ru_news_entity_sentiment" / name
    if not path.is_file():
        return []
    labels = {"-1": "negative", "0": "neutral", "1": "positive"}
    by_sentence: dict[str, list[str]] = {}
    for r in _read_tsv(path):
        lab = labels.get(str(r.get("label", "")).strip())
        if lab:
            by_sentence.setdefault(r["sentence"], []).append(lab)
    return sorted((s, _sentence_tone(labs, mode)) for s, labs in by_sentence.items())


def kazsandra_rows(data: Path | None, split: str = "train", cap: int | None = None
                   ) -> list[tuple[str, str]]:
    """(text, 'positive'|'negative'); train = a hash-ordered sample of ``cap`` per polarity."""
    if data is None:
        return []
    name = {"train": "03_pc_train_rus.csv", "valid": "04_pc_valid.csv",
            "test": "05_pc_test.csv"}[split]
    path = data / "kazsandra_kk_sentiment" / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["text"], "positive" if r["label"] == "1" else "negative")
                for r in csv.DictReader(fh) if r.get("text")]
    if cap is None:
        return rows
    out = []
    for lab in ("negative", "positive"):
        chosen = sorted((r for r in rows if r[1] == lab and len(r[0]) >= 25),
                        key=lambda r: _stable_hash(r[0]))
        out.extend(chosen[:cap])
    return sorted(out)


def lexicon_rows(data: Path | None) -> list[tuple[str, str]]:
    if data is None:
        return []
    out = []
    for fname, lab in (("positive_words.txt", "positive"), ("negative_words.txt", "negative")):
        path = data / "qaznltk_kk_sentiment_lexicon" / fname
        if path.is_file():
            out += [(w.strip(), lab) for w in path.read_text(encoding="utf-8").splitlines()
                    if w.strip()]
    return sorted(out)


# --------------------------------------------------------------------------- fitting


def _fit_featurizer(feats: Sequence[Counter[str]], keep_from: Sequence[Counter[str]],
                    max_features: int) -> Featurizer:
    keep = {f for d in keep_from for f in d if "_" not in f}
    return Featurizer.fit(feats, min_df=2, max_features=max_features, keep=keep)


def _balanced(labels: Sequence[str], weights: np.ndarray) -> np.ndarray:
    """Sample weights rescaled so every class has the same total weight."""
    labels_arr = np.asarray(labels)
    out = weights.astype(np.float64).copy()
    classes = sorted(set(labels))
    target = out.sum() / len(classes)
    for c in classes:
        m = labels_arr == c
        out[m] *= target / out[m].sum()
    return out * (len(out) / out.sum())


def fit_topic_model(examples: Sequence[Example], topic_ids: Sequence[str], seed: int = 0,
                    c: float = TOPIC_C, max_features: int = 60000) -> LinearModel:
    """Multinomial LR on primary topics (softmax → primary and scores) + one-vs-rest LR
    (sigmoid → multi-label), stacked into one linear model with 2×K rows."""
    examples = [e for e in examples if e.topics]
    feats = [e.features(tone=False) for e in examples]
    keep_from = [f for f, e in zip(feats, examples, strict=True) if e.source != "programme"]
    fz = _fit_featurizer(feats, keep_from, max_features)
    x = fz.transform(feats)
    w = np.asarray([e.weight for e in examples], dtype=np.float64)
    primary = [e.topics[0] for e in examples]
    classes = list(topic_ids)
    present = sorted(set(primary), key=classes.index)
    k, nf = len(classes), fz.size
    coef = np.zeros((2 * k, nf), dtype=np.float32)
    intercept = np.full(2 * k, -20.0, dtype=np.float32)
    mlr = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    mlr.fit(x, primary, sample_weight=_balanced(primary, w))
    for i, cls in enumerate(mlr.classes_):
        row = i if len(mlr.classes_) > 2 else None
        j = classes.index(cls)
        if row is None:  # binary case: sklearn keeps one row
            sign = 1.0 if i == 1 else -1.0
            coef[j] = sign * mlr.coef_[0] / 2
            intercept[j] = sign * mlr.intercept_[0] / 2
        else:
            coef[j] = mlr.coef_[row]
            intercept[j] = mlr.intercept_[row]
    for cls in present:
        j = classes.index(cls)
        y = np.asarray([cls in e.topics for e in examples])
        sw = w.copy()
        pos = y.sum()
        if pos == 0 or pos == len(y):
            continue
        sw[y] *= min(8.0, (sw[~y].sum() / sw[y].sum()) ** 0.5)
        blr = LogisticRegression(C=c, max_iter=2000, random_state=seed, solver="liblinear")
        blr.fit(x, y, sample_weight=sw)
        coef[k + j] = blr.coef_[0]
        intercept[k + j] = blr.intercept_[0]
    return LinearModel(fz, coef, intercept, classes + [f"ovr:{c_}" for c_ in classes])


def fit_tone_model(examples: Sequence[Example], seed: int = 0, c: float = TONE_C,
                   max_features: int = 80000, neutral_bias: float = TONE_NEUTRAL_BIAS
                   ) -> LinearModel:
    examples = [e for e in examples if e.tone]
    feats = [e.features() for e in examples]
    keep_from = [f for f, e in zip(feats, examples, strict=True)
                 if e.source in ("seed", "extra", "lexicon") or e.source.startswith("seed")]
    fz = _fit_featurizer(feats, keep_from, max_features)
    x = fz.transform(feats)
    w = np.asarray([e.weight for e in examples], dtype=np.float64)
    y = [e.tone for e in examples]
    lr = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    lr.fit(x, y, sample_weight=_balanced(y, w))
    order = [list(lr.classes_).index(t) for t in TONES]
    intercept = lr.intercept_[order].astype(np.float32)
    intercept[TONES.index("neutral")] += neutral_bias
    return LinearModel(fz, lr.coef_[order].astype(np.float32), intercept, list(TONES))


# --------------------------------------------------------------------------- data assembly


def topic_training_set(shared_dir: str | Path | None = None, extra: Sequence[dict] = (),
                       seeds: Sequence[Example] | None = None,
                       warnings: list[str] | None = None) -> list[Example]:
    data = shared_data_dir(shared_dir)
    ids = set(load_taxonomy().ids)
    seeds = list(seeds) if seeds is not None else load_seeds(warnings=warnings)
    out = [e for e in seeds if e.topics]
    out += taxonomy_examples()
    out += programme_examples(shared_dir)
    out += sib_examples(data, "train")
    for i, row in enumerate(extra):
        row = {"_where": f"extra example #{i + 1}", **row}
        ex = example_from_row(row, W_EXTRA, "extra", ids)
        if ex.topics:
            out.append(ex)
    return out


def tone_training_set(shared_dir: str | Path | None = None, extra: Sequence[dict] = (),
                      seeds: Sequence[Example] | None = None,
                      warnings: list[str] | None = None) -> list[Example]:
    data = shared_data_dir(shared_dir)
    ids = set(load_taxonomy().ids)
    seeds = list(seeds) if seeds is not None else load_seeds(warnings=warnings)
    out = []
    for e in seeds:
        if e.tone:
            out.append(Example(e.title, e.text, e.language, W_TONE_SEED, e.source, [], e.tone))
    out += [Example("", s, "ru", W_OSC, "osc", [], lab) for s, lab in osc_rows(data)
            if not is_held_out(s)]
    out += [Example("", s, "ru", W_OSC, "osc", [], lab) for s, lab in osc_extra_rows(data)]
    out += [Example("", s, "ru", W_RUSENTNE, "rusentne", [], lab)
            for s, lab in rusentne_rows(data, "train", mode="polar")]
    out += [Example("", s, None, W_KAZSANDRA, "kazsandra", [], lab)
            for s, lab in kazsandra_rows(data, "train", KAZSANDRA_CAP)]
    out += [Example("", s, "kk", W_LEXICON, "lexicon", [], lab) for s, lab in lexicon_rows(data)]
    for label, by_lang in sorted(load_taxonomy().tone_terms.items()):
        for lang, terms in sorted(by_lang.items()):
            out += [Example("", t, lang, W_TONE_TERM, "tone_terms", [], label) for t in terms]
    for i, row in enumerate(extra):
        if row.get("tone"):
            row = {"_where": f"extra example #{i + 1}", **row}
            ex = example_from_row(row, W_EXTRA * W_TONE_SEED, "extra", ids)
            out.append(ex)
    return out


def _counts(examples: Sequence[Example]) -> dict[str, int]:
    return dict(sorted(Counter(e.source.split(":")[0] for e in examples).items()))


def train_all(out_dir: str | Path | None = None, shared_dir: str | Path | None = None,
              extra_examples: Sequence[dict] = (), seed: int = 0,
              seeds: Sequence[Example] | None = None, verbose: bool = False) -> dict:
    """Train both models, write artifacts + manifest to ``out_dir``; return the report.

    ``seeds`` replaces the seed files (tests use a tiny in-memory set); ``extra_examples``
    are analysts' corrections ({"title","text","topics"|"primary_topic","tone"}), weighted up.
    """
    out = Path(out_dir) if out_dir else MODELS_DIR
    warnings: list[str] = []
    taxonomy = load_taxonomy()
    seed_examples = list(seeds) if seeds is not None else load_seeds(warnings=warnings)
    topic_set = topic_training_set(shared_dir, extra_examples, seed_examples, warnings)
    tone_set = tone_training_set(shared_dir, extra_examples, seed_examples, warnings)
    topic_model = fit_topic_model(topic_set, taxonomy.ids, seed=seed)
    tone_model = fit_tone_model(tone_set, seed=seed)
    seed_files = sorted(SEEDS_DIR.glob("*.jsonl")) if seeds is None and SEEDS_DIR.is_dir() else []
    report = {
        "version": 1,
        "trained_at": _dt.date.today().isoformat(),
        "seed": seed,
        "shared_data": str(shared_data_dir(shared_dir) or "absent"),
        "seeds_sha256": _file_digest(seed_files) if seed_files else "in-memory",
        "seed_files": [p.name for p in seed_files],
        "extra_examples": len(extra_examples),
        "topics": {"examples": _counts(topic_set),
                   "primary_counts": dict(sorted(Counter(e.topics[0] for e in topic_set
                                                        if e.source.startswith(("seed", "extra")))
                                                 .items()))},
        "tone": {"examples": _counts(tone_set),
                 "label_counts": dict(sorted(Counter(e.tone for e in tone_set).items()))},
        "left_out": left_out(shared_dir),
        "warnings": warnings,
    }
    report["topics"]["artifact"] = save_linear(topic_model, out, "topics", prune=0.02)
    report["tone"]["artifact"] = save_linear(tone_model, out, "tone", prune=0.005)
    write_manifest(out, report)
    if verbose:
        print(format_report(report), file=sys.stdout)
    return report


def format_report(report: dict) -> str:
    lines = [f"mediamon training report ({report['trained_at']}, seed {report['seed']})",
             f"  shared data: {report['shared_data']}",
             f"  seed files: {', '.join(report['seed_files']) or '-'} ({report['seeds_sha256']})",
             f"  analyst examples: {report['extra_examples']}"]
    for name in ("topics", "tone"):
        part = report[name]
        src = ", ".join(f"{k}={v}" for k, v in part["examples"].items())
        lines.append(f"  {name}: {src}; artifact {part['artifact']}")
    for note in report.get("left_out", []):
        lines.append(f"  note: {note}")
    for w in report["warnings"]:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    train_all(verbose=True)
