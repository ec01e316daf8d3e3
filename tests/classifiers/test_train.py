"""Training: deterministic, pickle-free artifacts; analysts' corrections change predictions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from classifiers.tone import ToneModel
from classifiers.topics import TopicModel
from classifiers.train import Example, TrainingDataError, read_jsonl, train_all

SEEDS = [
    Example("Футболисты сборной выиграли матч", "Команда забила два гола в финале турнира.",
            "ru", 1.0, "seed", ["sport"], "positive"),
    Example("Боксер завоевал золотую медаль", "Спортсмен победил на чемпионате мира.",
            "ru", 1.0, "seed", ["sport"], "positive"),
    Example("В больнице не хватает врачей", "Пациенты жалуются на очереди в поликлинике.",
            "ru", 1.0, "seed", ["health"], "negative"),
    Example("Ауруханада жаңа бөлім ашылды", "Дәрігерлер науқастарды қабылдай бастады.",
            "kk", 1.0, "seed", ["health"], "positive"),
    Example("Полиция задержала грабителей", "Возбуждено уголовное дело о краже.",
            "ru", 1.0, "seed", ["public_safety"], "negative"),
    Example("Заседание акимата пройдет в среду", "На заседании рассмотрят план работы.",
            "ru", 1.0, "seed", ["public_administration"], "neutral"),
]


@pytest.fixture
def no_shared(tmp_path, monkeypatch):
    empty = tmp_path / "no-shared"
    empty.mkdir()
    monkeypatch.setenv("MEDIAMON_SHARED", str(empty))
    return empty


def test_training_is_deterministic_and_pickle_free(tmp_path, no_shared):
    a, b = tmp_path / "a", tmp_path / "b"
    rep_a = train_all(out_dir=a, shared_dir=no_shared, seeds=SEEDS, seed=0)
    train_all(out_dir=b, shared_dir=no_shared, seeds=SEEDS, seed=0)
    for name in ("topics.npz", "topics.vocab.json", "tone.npz", "tone.vocab.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert not list(a.glob("*.pkl")) and not list(a.glob("*.pickle"))
    with np.load(a / "topics.npz", allow_pickle=False) as z:
        assert z["coef_data"].dtype != object
    manifest = json.loads((a / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["topics"]["examples"]["seed"] == len(SEEDS)
    assert rep_a["tone"]["label_counts"]["negative"] >= 2
    topics = TopicModel.load(a)
    assert topics.predict("Сборная выиграла матч", "Футболисты забили гол.", "ru").primary == "sport"
    assert ToneModel.load(a).predict("Полиция задержала грабителей, кража").label == "negative"


def test_analyst_corrections_change_a_prediction(tmp_path, no_shared):
    title, text = "Аким открыл новый стадион", "Аким города открыл стадион для жителей."
    train_all(tmp_path / "x", no_shared, seeds=SEEDS)
    first = TopicModel.load(tmp_path / "x").predict(title, text, "ru").primary
    target = "culture" if first != "culture" else "transport"
    extra = [{"title": "Аким открыл новый стадион", "text": "Аким города открыл стадион.",
              "primary_topic": target, "tone": "positive"},
             {"title": "Открыт стадион", "text": "Жители пришли на открытие стадиона.",
              "topics": [target], "tone": "positive"}] * 3
    train_all(tmp_path / "y", no_shared, extra_examples=extra, seeds=SEEDS)
    after = TopicModel.load(tmp_path / "y").predict(title, text, "ru")
    assert first != target
    assert after.primary == target


def test_unknown_topic_in_extra_examples_is_a_readable_error(tmp_path, no_shared):
    with pytest.raises(TrainingDataError, match="extra example #1.*unknown topic id 'sports'"):
        train_all(tmp_path / "z", no_shared, extra_examples=[
            {"title": "x", "text": "y", "topics": ["sports"]}], seeds=SEEDS)


def test_bad_jsonl_line_names_file_and_line(tmp_path):
    path = tmp_path / "seeds.jsonl"
    path.write_text('{"title": "a", "text": "b"}\n{broken\n', encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"seeds\.jsonl:2: invalid JSON"):
        read_jsonl(path)


def test_missing_artifacts_raise_a_readable_error(tmp_path):
    from classifiers.model_io import ModelFileError

    with pytest.raises(ModelFileError, match="run `mediamon train`"):
        TopicModel.load(tmp_path)


def test_training_without_shared_data_says_what_it_left_out(tmp_path, no_shared):
    from classifiers.train import format_report

    report = train_all(out_dir=tmp_path / "m", shared_dir=no_shared, seeds=SEEDS)
    assert report["shared_data"] == "absent"
    notes = " ".join(report["left_out"])
    assert str(no_shared) in notes and "MEDIAMON_SHARED" in notes
    for source in ("OpenSentimentCorpus", "KazSAnDRA", "SIB-200", "programme text"):
        assert source in notes
    assert set(report["topics"]["examples"]) == {"seed", "terms"}  # nothing from ../shared
    assert "osc" not in report["tone"]["examples"]
    assert "note: no shared data in" in format_report(report)
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["left_out"] == report["left_out"]
    assert TopicModel.load(tmp_path / "m").predict("Матч", "Сборная выиграла матч.", "ru").primary
