"""One shared pymorphy3 analyzer: loading its dictionaries costs ~0.2 s and 15 MB, once."""
from __future__ import annotations

from functools import lru_cache

import pymorphy3


@lru_cache(maxsize=1)
def analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


def is_known_word(word: str) -> bool:
    """True for dictionary words (used to tell a compound hyphen from a line-end break)."""
    return analyzer().word_is_known(word.lower())
