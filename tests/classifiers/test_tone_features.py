"""Tone-only features (negation, long prefixes) and the tone training-data readers.

The topic model must never see the tone-only features; the readers must keep held-out OSC
sentences out (also when another file has them with other punctuation).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from classifiers.features import TONE_MARK, doc_features, topic_view
from classifiers.topics import TopicModel
from classifiers.train import (
    Example,
    fit_tone_model,
    is_held_out,
    osc_extra_rows,
    rusentne_rows,
)


def test_russian_negation_is_kept_with_its_word():
    forms: dict[str, str] = {}
    feats = doc_features("", "Работы по ремонту школы не выполнены в срок.", "ru", forms)
    assert "~не_выполн" in feats
    assert forms["~не_выполн"] == "не выполнены"
    assert "~не_выполн" not in doc_features("", "Работы по ремонту школы выполнены в срок.",
                                            "ru")


def test_kazakh_negation_after_the_word():
    feats = doc_features("", "Жоспар орындалған емес, тұрғындар наразы.", "kk")
    assert "~орында_емес" in feats


def test_long_prefix_separates_kazakh_negative_verb():
    neg = doc_features("", "Жоспар орындалмады.", "kk")
    pos = doc_features("", "Жоспар орындалды.", "kk")
    # the 6-letter prefix is the same for both verbs; the tone-only prefix is not
    assert "орында" in neg and "орында" in pos
    assert "~орындалма" in neg and "~орындалма" not in pos


def test_topic_view_is_the_featurisation_without_tone_features():
    title, text = "Аким открыл новую школу", "Школа не имеет спортзала, но ремонт завершили."
    full = doc_features(title, text, "ru")
    assert any(f.startswith(TONE_MARK) for f in full)
    view = topic_view(full)
    assert not any(f.startswith(TONE_MARK) for f in view)
    assert view == doc_features(title, text, "ru", tone=False)
    assert Example(title, text, "ru", 1.0, "t").features(tone=False) == view


def test_committed_topic_model_has_no_tone_features():
    names = TopicModel.load().model.featurizer.feature_names
    assert names and not any(n.startswith(TONE_MARK) for n in names)


def _write_osc(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Sentence", "Sentiment"])
        w.writerows(rows)


def test_osc_extra_rows_skip_expert_sentences_mixed_and_held_out(tmp_path):
    d = tmp_path / "opensentimentcorpus_ru"
    d.mkdir()
    expert = "Завод остановил работу из-за аварии."
    _write_osc(d / "opensentimentcorpus-final-by-total-agreement-with-expert-validation.csv",
               [(expert, "negative")])
    fresh = [f"Новость номер {i} о хорошем урожае." for i in range(40)]
    _write_osc(d / "opensentimentcorpus-final-by-majority.csv",
               [("завод остановил работу из-за аварии", "negative"),  # same, other punctuation
                ("Спор о бюджете продолжается.", "mixed")]
               + [(s, "positive") for s in fresh])
    rows = osc_extra_rows(tmp_path)
    got = {s for s, _ in rows}
    assert got == {s for s in fresh if not is_held_out(s)}
    assert 0 < len(got) < len(fresh)  # some of the 40 fall in the held-out share
    assert {lab for _, lab in rows} == {"positive"}


def test_rusentne_sentence_label_modes(tmp_path):
    d = tmp_path / "rusentne2023_ru_news_entity_sentiment"
    d.mkdir()
    lines = ["sentence\tentity\tentity_tag\tentity_pos_start_rel\tentity_pos_end_rel\tlabel",
             "A\tx\tPERSON\t0\t1\t0", "A\ty\tPERSON\t0\t1\t-1",
             "B\tx\tPERSON\t0\t1\t1", "B\ty\tPERSON\t0\t1\t-1",
             "C\tx\tPERSON\t0\t1\t0"]
    (d / "train_data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert dict(rusentne_rows(tmp_path, "train")) == {"A": "neutral", "B": "positive",
                                                      "C": "neutral"}
    assert dict(rusentne_rows(tmp_path, "train", mode="polar")) == {
        "A": "negative", "B": "positive", "C": "neutral"}


def test_neutral_bias_shifts_only_the_neutral_intercept():
    ex = [Example("", t, "ru", 1.0, "seed", [], lab) for t, lab in [
        ("авария пожар погибли", "negative"), ("пожар ущерб авария", "negative"),
        ("заседание состоится график", "neutral"), ("совещание график заседание", "neutral"),
        ("открылась школа победа", "positive"), ("победа рекорд открылась", "positive")]]
    a = fit_tone_model(ex, neutral_bias=0.0)
    b = fit_tone_model(ex, neutral_bias=0.5)
    assert np.allclose(b.intercept - a.intercept, [0.0, 0.5, 0.0], atol=1e-5)
    assert np.allclose(a.coef, b.coef)
