"""Evaluation of the classifiers, with a printable report.

``evaluate()`` measures the committed models on
(a) the development set ``classifiers/data/dev/devset.jsonl`` (never trained on): primary-topic
    accuracy, multi-label topic F1, tone macro-F1, per class and per language, plus the
    rule-based classifiers (language, agencies, regions, foreign wires, about-Kazakhstan)
    when their modules are present;
(b) held-out parts of ``../shared/data``: the deterministic 20 % of OpenSentimentCorpus that
    training skips, KazSAnDRA test (binary polarity: sign of the tone score), and SIB-200
    test sentences whose category maps onto a topic.
``cross_validate_seeds()`` gives k-fold figures on the seed examples.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from classifiers.tone import LABELS, ToneModel
from classifiers.topics import TopicModel
from classifiers.train import (
    DEV_PATH,
    SIB_MAP,
    fit_tone_model,
    fit_topic_model,
    is_held_out,
    kazsandra_rows,
    load_seeds,
    osc_rows,
    read_jsonl,
    rusentne_rows,
    shared_data_dir,
    shared_hint,
    sib_examples,
    tone_training_set,
    topic_training_set,
)

LANGS = ("ru", "kk", "kk-Latn")


def per_class(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None
              ) -> dict:
    """Accuracy, macro-F1 and per-class precision/recall/F1/support."""
    labels = list(labels) if labels else sorted(set(gold) | set(pred))
    out: dict = {"n": len(gold)}
    out["accuracy"] = round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4
                            ) if gold else 0.0
    classes = {}
    f1s = []
    for c in labels:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        support = tp + fn
        if support:
            f1s.append(f1)
        classes[c] = {"precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f1, 3),
                      "support": support}
    out["macro_f1"] = round(sum(f1s) / len(f1s), 4) if f1s else 0.0
    out["classes"] = classes
    return out


def by_language(langs: Sequence[str | None], gold_p, pred_p, gold_t, pred_t) -> dict:
    """Topic accuracy and tone macro-F1 for each language present."""
    out = {}
    for lang in LANGS:
        idx = [i for i, x in enumerate(langs) if x == lang]
        if idx:
            out[lang] = {
                "n": len(idx),
                "topic_accuracy": per_class([gold_p[i] for i in idx], [pred_p[i] for i in idx]
                                            )["accuracy"],
                "tone_macro_f1": per_class([gold_t[i] for i in idx], [pred_t[i] for i in idx],
                                           LABELS)["macro_f1"],
            }
    return out


def set_f1(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """Micro precision/recall/F1 over label sets."""
    tp = fp = fn = 0
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(g), set(p)
        tp += len(gs & ps)
        fp += len(ps - gs)
        fn += len(gs - ps)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}


def _dev_rows(dev_path: Path) -> list[dict]:
    return read_jsonl(dev_path) if dev_path.is_file() else []


def evaluate_dev(rows: Sequence[dict], topics: TopicModel, tone: ToneModel) -> dict:
    items = [(r.get("title", ""), r.get("text", ""), r.get("language")) for r in rows]
    t0 = time.perf_counter()
    tres = topics.predict_many(items)
    t1 = time.perf_counter()
    texts = [f"{r.get('title', '')}\n{r.get('text', '')}" for r in rows]
    ores = tone.predict_many(texts, [r.get("language") for r in rows])
    t2 = time.perf_counter()
    gold_p = [r["primary_topic"] for r in rows]
    pred_p = [t.primary for t in tres]
    gold_t = [r.get("tone", "neutral") for r in rows]
    pred_t = [o.label for o in ores]
    out: dict = {
        "n": len(rows),
        "topic_primary": per_class(gold_p, pred_p),
        "topic_multilabel": set_f1([r.get("topics") or [r["primary_topic"]] for r in rows],
                                   [t.topics for t in tres]),
        "tone": per_class(gold_t, pred_t, LABELS),
        "ms_per_item": {"topics": round(1000 * (t1 - t0) / max(1, len(rows)), 3),
                        "tone": round(1000 * (t2 - t1) / max(1, len(rows)), 3)},
        "by_language": {},
        "errors": [],
    }
    out["by_language"] = by_language([r.get("language") for r in rows], gold_p, pred_p, gold_t, pred_t)
    for i, r in enumerate(rows):
        if gold_p[i] != pred_p[i] or gold_t[i] != pred_t[i]:
            out["errors"].append(
                f"{r.get('id', i)} [{r.get('language')}] topic {gold_p[i]}→{pred_p[i]} "
                f"tone {gold_t[i]}→{pred_t[i]} {tres[i].explanation.get(pred_p[i], [])[:4]}")
    out["rules"] = evaluate_rules(rows)
    return out


def evaluate_rules(rows: Sequence[dict]) -> dict:
    """Hook for the rule-based classifiers: figures when their modules are importable."""
    out: dict = {}
    try:
        from classifiers.language import detect_language
    except ImportError as exc:
        out["language"] = f"not available ({exc})"
        detect_language = None
    texts = [f"{r.get('title', '')}\n{r.get('text', '')}" for r in rows]
    langs = []
    if detect_language is not None:
        langs = [detect_language(t).code for t in texts]
        out["language"] = {"accuracy": round(
            sum(a == r.get("language") for a, r in zip(langs, rows, strict=True)) / len(rows), 4)}
    try:
        from classifiers.gazetteer import find_agencies, find_regions
    except ImportError as exc:
        out["gazetteer"] = f"not available ({exc})"
        return out
    try:
        from classifiers.wires import about_kazakhstan, find_foreign_wire
    except ImportError as exc:
        out["wires"] = f"not available ({exc})"
        about_kazakhstan = find_foreign_wire = None
    ag_pred, rg_pred, about_ok, wire_pairs = [], [], 0, []
    for i, (r, t) in enumerate(zip(rows, texts, strict=True)):
        ag = find_agencies(t)
        rg = find_regions(t)
        ag_pred.append(sorted({m.id for m in ag}))
        rg_pred.append(sorted({m.id for m in rg}))
        if about_kazakhstan is not None and find_foreign_wire is not None:
            lang = langs[i] if langs else r.get("language")
            about, _ = about_kazakhstan(t, ag, rg, lang)
            about_ok += bool(about) == bool(r.get("about_kazakhstan"))
            wire = find_foreign_wire(t)
            wire_pairs.append((bool(r.get("foreign_wire")), wire is not None))
    out["agencies_micro"] = set_f1([r.get("agencies") or [] for r in rows], ag_pred)
    out["regions_micro"] = set_f1([r.get("regions") or [] for r in rows], rg_pred)
    if wire_pairs:
        tp = sum(g and p for g, p in wire_pairs)
        fp = sum(p and not g for g, p in wire_pairs)
        fn = sum(g and not p for g, p in wire_pairs)
        out["about_kazakhstan_accuracy"] = round(about_ok / len(rows), 4)
        out["foreign_wire"] = {"precision": round(tp / (tp + fp), 4) if tp + fp else None,
                               "recall": round(tp / (tp + fn), 4) if tp + fn else None}
    return out


def evaluate_shared(data: Path | None, topics: TopicModel, tone: ToneModel,
                    kazsandra_limit: int = 4000) -> dict:
    if data is None:
        return {"skipped": shared_hint()}
    out: dict = {}
    test = [(s, lab) for s, lab in osc_rows(data) if is_held_out(s)]
    if test:
        pred = [r.label for r in tone.predict_many([s for s, _ in test], ["ru"] * len(test))]
        out["osc_ru_heldout"] = per_class([lab for _, lab in test], pred, LABELS)
    rs = rusentne_rows(data, "validation")
    if rs:
        pred = [r.label for r in tone.predict_many([s for s, _ in rs], ["ru"] * len(rs))]
        out["rusentne_ru_validation_sentence"] = per_class([lab for _, lab in rs], pred, LABELS)
    ks = kazsandra_rows(data, "test")
    if ks:
        ks = sorted(ks, key=lambda r: hash_key(r[0]))[:kazsandra_limit]
        res = tone.predict_many([s for s, _ in ks])
        pred = ["positive" if r.score >= 0 else "negative" for r in res]
        out["kazsandra_test_binary"] = per_class([lab for _, lab in ks], pred,
                                                 ("negative", "positive"))
    sib = sib_examples(data, "test")
    if sib:  # world-news sentences: measure the statistical model without the foreign rule
        topics.foreign_rule = False
        try:
            res = topics.predict_many([("", e.text, e.language) for e in sib])
        finally:
            topics.foreign_rule = True
        out["sib200_test_mapped"] = per_class([e.topics[0] for e in sib], [r.primary for r in res],
                                              sorted(set(SIB_MAP.values())))
    return out


def hash_key(text: str) -> int:
    import hashlib

    return int(hashlib.md5(text.encode("utf-8")).hexdigest()[:8], 16)


def cross_validate_seeds(k: int = 5, shared_dir: str | Path | None = None, seed: int = 0) -> dict:
    """k-fold over the seed examples (the other sources always train); returns figures."""
    seeds = sorted(load_seeds(warnings=[]), key=lambda e: hash_key(e.title + e.text))
    if len(seeds) < k:
        return {"skipped": f"only {len(seeds)} seed examples"}
    fixed_topic = topic_training_set(shared_dir, seeds=[])
    fixed_tone = tone_training_set(shared_dir, seeds=[])
    from classifiers.taxonomy import load_taxonomy

    ids = load_taxonomy().ids
    gold_p, pred_p, gold_t, pred_t, langs = [], [], [], [], []
    for fold in range(k):
        test = [e for i, e in enumerate(seeds) if i % k == fold]
        train = [e for i, e in enumerate(seeds) if i % k != fold]
        tm = TopicModel(fit_topic_model(fixed_topic + train, ids, seed=seed))
        tone_train = [type(e)(e.title, e.text, e.language, 3.0, e.source, [], e.tone)
                      for e in train if e.tone]
        om = ToneModel(fit_tone_model(fixed_tone + tone_train, seed=seed))
        tr = tm.predict_many([(e.title, e.text, e.language) for e in test])
        orr = om.predict_many([f"{e.title}\n{e.text}" for e in test], [e.language for e in test])
        for e, a, b in zip(test, tr, orr, strict=True):
            gold_p.append(e.topics[0])
            pred_p.append(a.primary)
            gold_t.append(e.tone or "neutral")
            pred_t.append(b.label)
            langs.append(e.language)
    out = {"k": k, "n": len(seeds), "topic_primary": per_class(gold_p, pred_p),
           "tone": per_class(gold_t, pred_t, LABELS), "by_language": {}}
    out["by_language"] = by_language(langs, gold_p, pred_p, gold_t, pred_t)
    return out


TEST_PATH = DEV_PATH.parent.parent / "test" / "testset.jsonl"


def evaluate_pipeline(rows: Sequence[dict], models_dir: str | Path | None = None) -> dict:
    """The judged figures, computed from exactly what `mediamon analyze` outputs."""
    from classifiers.pipeline import Analyzer, Record

    analyzer = Analyzer.load(models_dir)
    records = [Record(id=r.get("id", i), title=r.get("title", ""), text=r.get("text", ""))
               for i, r in enumerate(rows)]
    t0 = time.perf_counter()
    out = analyzer.analyze_many(records)
    elapsed = time.perf_counter() - t0
    wires = [(bool(r.get("foreign_wire")), bool(o["foreign_wire"])) for r, o in zip(rows, out, strict=True)]
    tp = sum(g and p for g, p in wires)
    fp = sum(p and not g for g, p in wires)
    fn = sum(g and not p for g, p in wires)
    named = sum(bool(r.get("foreign_wire")) and _same_outlet(r["foreign_wire"], o["foreign_wire"])
                for r, o in zip(rows, out, strict=True))
    return {
        "n": len(rows),
        "language_accuracy": _share([r["language"] == o["language"] for r, o in zip(rows, out, strict=True)]),
        "primary_topic_accuracy": _share([r["primary_topic"] == o["primary_topic"]
                                          for r, o in zip(rows, out, strict=True)]),
        "tone_macro_f1": per_class([r["tone"] for r in rows], [o["tone"] for o in out], LABELS)["macro_f1"],
        "agencies": set_f1([r.get("agencies") or [] for r in rows], [o["agencies"] for o in out]),
        "regions": set_f1([r.get("regions") or [] for r in rows], [o["regions"] for o in out]),
        "about_kazakhstan_accuracy": _share([bool(r["about_kazakhstan"]) == o["about_kazakhstan"]
                                             for r, o in zip(rows, out, strict=True)]),
        "foreign_wire": {"precision": round(tp / (tp + fp), 4) if tp + fp else None,
                         "recall": round(tp / (tp + fn), 4) if tp + fn else None,
                         "name_matches": f"{named}/{tp + fn}"},
        "items_per_s_one_process": round(len(rows) / elapsed, 1) if elapsed else None,
    }


def _share(flags: Sequence[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def _same_outlet(gold: str, pred: str | None) -> bool:
    return bool(pred) and (gold.casefold() in pred.casefold() or pred.casefold() in gold.casefold())


def evaluate(dev_path: str | Path | None = None, shared_dir: str | Path | None = None,
             models_dir: str | Path | None = None, cross_validate: bool = False) -> dict:
    """Figures for the committed (or given) models; see the module docstring."""
    topics = TopicModel.load(models_dir)
    tone = ToneModel.load(models_dir)
    path = Path(dev_path) if dev_path else DEV_PATH
    rows = _dev_rows(path)
    report: dict = {"dev_path": str(path)}
    report["dev"] = evaluate_dev(rows, topics, tone) if rows else {"skipped": f"{path} absent"}
    report["pipeline"] = {}
    for name, p in (("dev", path), ("test", TEST_PATH)):
        prow = _dev_rows(p)
        if prow:
            report["pipeline"][name] = {"path": str(p), **evaluate_pipeline(prow, models_dir)}
    report["shared"] = evaluate_shared(shared_data_dir(shared_dir), topics, tone)
    if cross_validate:
        report["seeds_cv"] = cross_validate_seeds(shared_dir=shared_dir)
    return report


def _fmt_pc(name: str, m: dict, lines: list[str], classes: bool = True) -> None:
    lines.append(f"  {name}: n={m['n']} accuracy={m['accuracy']:.3f} macro-F1={m['macro_f1']:.3f}")
    if classes:
        for c, v in m["classes"].items():
            if v["support"] or v["precision"]:
                lines.append(f"      {c:<22} P={v['precision']:.2f} R={v['recall']:.2f} "
                             f"F1={v['f1']:.2f} n={v['support']}")


def format_report(report: dict, per_class_lines: bool = True) -> str:
    lines = ["mediamon classifier evaluation"]
    for name, m in report.get("pipeline", {}).items():
        ag, rg, fw = m["agencies"], m["regions"], m["foreign_wire"]
        lines += [
            f"{name} set, full `mediamon analyze` output ({m['path']}, n={m['n']}):",
            f"  language accuracy        {m['language_accuracy']:.3f}",
            f"  primary-topic accuracy   {m['primary_topic_accuracy']:.3f}",
            f"  tone macro-F1            {m['tone_macro_f1']:.3f}",
            f"  agencies P/R/F1          {ag['precision']:.3f} / {ag['recall']:.3f} / {ag['f1']:.3f}",
            f"  regions P/R/F1           {rg['precision']:.3f} / {rg['recall']:.3f} / {rg['f1']:.3f}",
            f"  about-Kazakhstan acc.    {m['about_kazakhstan_accuracy']:.3f}",
            f"  foreign wire P/R         {fw['precision']} / {fw['recall']} (outlet named right: {fw['name_matches']})",
        ]
    dev = report.get("dev", {})
    if "skipped" in dev:
        lines.append(f"dev set: skipped ({dev['skipped']})")
    elif dev:
        lines.append(f"dev set ({report['dev_path']}, n={dev['n']}):")
        _fmt_pc("topic primary", dev["topic_primary"], lines, per_class_lines)
        ml = dev["topic_multilabel"]
        lines.append(f"  topic multi-label micro P={ml['precision']:.3f} R={ml['recall']:.3f} "
                     f"F1={ml['f1']:.3f}")
        _fmt_pc("tone", dev["tone"], lines, per_class_lines)
        for lang, v in dev["by_language"].items():
            lines.append(f"  {lang:<8} n={v['n']:<4} topic acc={v['topic_accuracy']:.3f} "
                         f"tone macro-F1={v['tone_macro_f1']:.3f}")
        lines.append(f"  speed ms/item: {dev['ms_per_item']}")
        lines.append(f"  rule-based: {dev['rules']}")
        for e in dev["errors"]:
            lines.append(f"    error: {e}")
    for name, m in report.get("shared", {}).items():
        if isinstance(m, dict):
            _fmt_pc(f"shared {name}", m, lines, per_class_lines)
        else:
            lines.append(f"shared: {m}")
    cv = report.get("seeds_cv")
    if cv and "skipped" not in cv:
        lines.append(f"seeds {cv['k']}-fold CV (n={cv['n']}):")
        _fmt_pc("topic primary", cv["topic_primary"], lines, False)
        _fmt_pc("tone", cv["tone"], lines, False)
        for lang, v in cv["by_language"].items():
            lines.append(f"  {lang:<8} n={v['n']:<4} topic acc={v['topic_accuracy']:.3f} "
                         f"tone macro-F1={v['tone_macro_f1']:.3f}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(format_report(evaluate(cross_validate="--cv" in sys.argv),
                        per_class_lines="--brief" not in sys.argv))
