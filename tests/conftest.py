"""Shared fixtures: a deterministic fake embedder for fast tests, and the real model for end-to-end ones."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

for _name, _value in (("GRADIO_ANALYTICS_ENABLED", "False"), ("HF_HUB_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1"), ("TRANSFORMERS_OFFLINE", "1")):
    os.environ.setdefault(_name, _value)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MINI_CORPUS = DATA / "mini-corpus"
SEED = ROOT.parent / "shared" / "seed" / "ai-ml-career-guide-2026.txt"


class FakeEmbedder:
    """Bag of hashed words, unit length: same text, same vector; shared words, similar vectors."""

    name = "fake-hash-64"
    dimension = 64

    def __init__(self) -> None:
        self.calls: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        from assistant.text import content_terms

        self.calls.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for term in content_terms(text) or ["<empty>"]:
                out[i, int(hashlib.md5(term.encode()).hexdigest(), 16) % self.dimension] += 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def mini_corpus(tmp_path: Path) -> Path:
    """A writable copy of the three-file mini corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(MINI_CORPUS, target)
    return target


@pytest.fixture(scope="session")
def real_embedder():
    from assistant.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def guide_index(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """The real guide indexed with the real bundled model, once per test session."""
    from assistant.build import build_index

    index_dir = tmp_path_factory.mktemp("guide-index")
    build_index(ROOT / "corpus", index_dir, real_embedder, project_root=ROOT)
    return index_dir


@pytest.fixture(scope="session")
def guide_assistant(guide_index: Path, real_embedder):
    from assistant import Assistant

    return Assistant.load(guide_index, embedder=real_embedder)
