"""Questions in, cited passages out: hybrid retrieval over a muniqa index.

The names below load on first use, so that a process needing one small module of qa/ (a
shard worker, ``qa.shard_worker``) does not import the whole API with its lemmatizer."""
from __future__ import annotations

__all__ = ["Muniqa", "Answer", "Filters", "Passage"]
_HOMES = {"Muniqa": "api", "Answer": "api", "Filters": "filters", "Passage": "passages"}


def __getattr__(name: str):
    if name in _HOMES:
        from importlib import import_module
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
