"""One shared pymorphy3 analyzer: loading its dictionaries costs ~0.2 s and 15 MB, once.

Made under a lock, so that a thread warming it up (the CLI's ``ask`` loads the dictionaries
while the main thread opens the index and the ONNX session) and the first real caller never
build two.
"""
from __future__ import annotations

import threading

import pymorphy3

_made: pymorphy3.MorphAnalyzer | None = None
_lock = threading.Lock()


def analyzer() -> pymorphy3.MorphAnalyzer:
    global _made
    if _made is None:
        with _lock:
            if _made is None:
                _made = pymorphy3.MorphAnalyzer(lang="ru")
    return _made


def is_known_word(word: str) -> bool:
    """True for dictionary words (used to tell a compound hyphen from a line-end break)."""
    return analyzer().word_is_known(word.lower())
