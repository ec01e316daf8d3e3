"""Safe storage of the linear models: JSON vocabulary and manifest, NumPy ``.npz`` weights.

No pickle anywhere: weights are read with ``numpy.load(allow_pickle=False)``. Near-zero
weights are pruned and features without any remaining weight are dropped from the
vocabulary, so the artifacts stay small and load fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from classifiers.features import Featurizer

MODELS_DIR = Path(__file__).resolve().parent / "models"
FORMAT_VERSION = 1


class ModelFileError(RuntimeError):
    """A model artifact is missing or unreadable."""


@dataclass
class LinearModel:
    """A featuriser plus a linear layer: scores = X · coefᵀ + intercept."""

    featurizer: Featurizer
    coef: np.ndarray  # (n_classes, n_features) float32
    intercept: np.ndarray  # (n_classes,) float32
    classes: list[str]
    meta: dict = field(default_factory=dict)

    def decision(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef.T) + self.intercept

    def decision_row(self, indices: np.ndarray, data: np.ndarray) -> np.ndarray:
        """Scores of one row given as indices/data (no scipy overhead)."""
        return self.coef[:, indices] @ data + self.intercept


def save_linear(model: LinearModel, directory: Path, name: str, prune: float = 1e-3) -> dict:
    """Write ``<name>.vocab.json`` and ``<name>.npz``; returns size figures."""
    directory.mkdir(parents=True, exist_ok=True)
    coef = np.asarray(model.coef, dtype=np.float32).copy()
    coef[np.abs(coef) < prune] = 0.0
    used = np.flatnonzero(np.any(coef != 0, axis=0))
    names = model.featurizer.feature_names
    vocab = {names[j]: i for i, j in enumerate(used)}
    coef = coef[:, used]
    idf = model.featurizer.idf[used]
    sparse = sp.csr_matrix(coef)
    vocab_path = directory / f"{name}.vocab.json"
    vocab_path.write_text(
        json.dumps(
            {"format": FORMAT_VERSION, "classes": model.classes, "meta": model.meta,
             "vocabulary": vocab},
            ensure_ascii=False, sort_keys=True,
        ),
        encoding="utf-8",
    )
    np.savez_compressed(
        directory / f"{name}.npz",
        idf=idf.astype(np.float32),
        coef_data=sparse.data.astype(np.float16),
        coef_indices=sparse.indices.astype(np.int32),
        coef_indptr=sparse.indptr.astype(np.int32),
        coef_shape=np.asarray(coef.shape, dtype=np.int64),
        intercept=np.asarray(model.intercept, dtype=np.float32),
    )
    return {"features": int(len(vocab)), "nonzero_weights": int(sparse.nnz)}


def load_linear(directory: Path, name: str) -> LinearModel:
    """Read a model written by :func:`save_linear` (no pickle)."""
    vocab_path = directory / f"{name}.vocab.json"
    npz_path = directory / f"{name}.npz"
    for p in (vocab_path, npz_path):
        if not p.is_file():
            raise ModelFileError(f"{p}: model file missing; run `mediamon train` to build it")
    try:
        head = json.loads(vocab_path.read_text(encoding="utf-8"))
        with np.load(npz_path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{directory}/{name}: unreadable model ({exc}); retrain it") from None
    if head.get("format") != FORMAT_VERSION:
        raise ModelFileError(f"{vocab_path}: format {head.get('format')} unsupported; retrain")
    shape = tuple(int(v) for v in arrays["coef_shape"])
    coef = sp.csr_matrix(
        (arrays["coef_data"].astype(np.float32), arrays["coef_indices"], arrays["coef_indptr"]),
        shape=shape,
    ).toarray()
    featurizer = Featurizer(head["vocabulary"], arrays["idf"])
    return LinearModel(featurizer, coef, arrays["intercept"], list(head["classes"]),
                       head.get("meta", {}))


def write_manifest(directory: Path, manifest: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def read_manifest(directory: Path) -> dict:
    p = directory / "manifest.json"
    if not p.is_file():
        return {}
    return json.loads(p.read_text(encoding="utf-8"))
