"""Any sentence-transformers model: a hub name (where there is internet) or a local folder.

An optional extra (``pip install 'muniqa[st]'``): torch is large, and the default embedder
does not need it. e5-family models get their "query: "/"passage: " prefixes.
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from .base import Embedder, EmbedderError


class SentenceTransformerEmbedder(Embedder):
    backend = "st"

    def __init__(self, model: str, batch_size: int = 32):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EmbedderError("эмбеддеру st нужен sentence-transformers: "
                                "pip install torch==2.13.0 'muniqa[st]'") from None
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # noqa: BLE001 - hub/offline/missing-folder errors vary
            raise EmbedderError(f"не загружается модель sentence-transformers {model!r}: "
                                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        self.backend = f"st:{model}"
        self.model_id = Path(model).name if Path(model).exists() else model
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        e5 = "e5" in self.model_id.lower()
        self._query_prefix, self._passage_prefix = ("query: ", "passage: ") if e5 else ("", "")
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vecs = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._passage_prefix + t for t in texts]).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._query_prefix + text])[0]

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer.tokenize(text))
