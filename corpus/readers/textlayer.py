"""Is a PDF page's text layer real text, or garbage from a broken font map?

A PDF can carry a text layer whose glyph-to-character map is wrong: «Федеральный закон»
extracts as ``N_^_jZevguc aZdhg``. Nothing fails; the index just fills with junk. The test
is the share of words that look like words: Russian ones pymorphy3 knows, Latin ones with a
vowel and no case or symbol jumble inside, numbers. Real Russian text scores above 0.7 (names
and abbreviations are the misses); broken maps score below 0.2.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..morph import is_known_word as _known

MIN_WORDS = 8          # fewer words cannot tell (a title page, a caption)
MIN_SHARE = 0.45
SAMPLE = 80            # words looked up per page, spread over it: enough to tell, and fast

_EDGE = "«»\"'()[].,;:!?…—–-•*№%/"
_CYRILLIC = re.compile(r"^[а-яёА-ЯЁ]+(?:-[а-яёА-ЯЁ]+)*$")
_LATIN = re.compile(r"^(?:[A-Z]?[a-z]+|[A-Z]+)(?:-[A-Za-z]+)*$")
_LATIN_VOWEL = re.compile(r"[aeiouyAEIOUY]")
_NUMBER = re.compile(r"^[\d.,:/-]+$")
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=50000)
def is_known_word(word: str) -> bool:
    return _known(word)


def _looks_like_word(token: str) -> bool:
    if _NUMBER.match(token):
        return True
    if _CYRILLIC.match(token):
        return len(token) <= 2 or token.isupper() or is_known_word(token)
    if _LATIN.match(token):
        return bool(_LATIN_VOWEL.search(token))
    return False


def word_share(text: str) -> tuple[int, float]:
    """(number of word-like tokens tested, share that look like real words)."""
    tokens = [t.strip(_EDGE) for t in text.split()]
    tokens = [t for t in tokens if _LETTER.search(t)]
    if not tokens:
        return 0, 1.0
    if len(tokens) > SAMPLE:
        step = len(tokens) / SAMPLE
        tokens = [tokens[int(i * step)] for i in range(SAMPLE)]
    good = sum(1 for t in tokens if _looks_like_word(t))
    return len(tokens), good / len(tokens)


def is_garbage(text: str) -> bool:
    """True when enough of the text is there to judge and too little of it is words."""
    n, share = word_share(text)
    return n >= MIN_WORDS and share < MIN_SHARE
