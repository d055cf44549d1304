"""Plain text and Markdown in any common encoding (UTF-8, UTF-8 with BOM, cp1251, KOI8-R, ...).

The encoding is detected from the bytes, never guessed from the name. Generic detectors
(charset-normalizer) often mistake a short Russian cp1251 or KOI8-R text for CJK or for the
other Cyrillic code page, so the Cyrillic code pages are scored first by how Russian the
decoded text looks (letter frequencies, common letter pairs, letter case); cp1252 is scored
as the Western alternative, and the generic detector is the fallback for everything else.
"""
from __future__ import annotations

import codecs
import math
import sys
import operator
import re
from collections import Counter

from charset_normalizer import from_bytes

from ..errors import CorpusError

# Code page -> a small prior: cp1251 is by far the most common, so it wins near-ties.
_CYRILLIC_CODEPAGES = {"cp1251": 0.3, "koi8_r": 0.15, "cp866": 0.0, "mac_cyrillic": 0.0}
# Share (%) of each letter in Russian text; the score of a decoding sums their logarithms.
_FREQ = dict(zip("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
                 (10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21,
                  2.98, 2.81, 2.62, 2.01, 1.90, 1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94,
                  0.73, 0.64, 0.48, 0.36, 0.32, 0.26, 0.04, 0.04)))
_LOG_FREQ = {ch: math.log(f) for ch, f in _FREQ.items()}
# The commonest Russian letter pairs: a wrong code page scrambles them.
_BIGRAMS = frozenset("ст но то на ен ов ни ра во ко ро ре пр ал по ли ка ан ет ос ел ер ор та ла "
                     "ва ол от те ат ин ле ит ло ди де ви ес он ом ть ск ми да ак ем ны ев ий ие ве "
                     "ль ма ог ей об ия ме им ое ду ую ых ой ая ые го ад ед".split())
_OK_SYMBOLS = set("«»—–№…“”„’‘•·°§\u00a0")
_MIXED_CASE = re.compile(r"[а-яё][А-ЯЁ]")
_MIXED_SCRIPT = re.compile(r"[a-zA-Z][а-яёА-ЯЁ]|[а-яёА-ЯЁ][a-zA-Z]")
_LATIN_WORD = re.compile(r"\w*[a-zA-Z]\w*")
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


def _russian_score(text: str) -> float:
    """Mean plausibility per non-ASCII character of ``text`` read as Russian (higher is better):
    letter frequencies, lowercase running text, common letter pairs, no case or script mixing
    inside words. Counted with Counter so a 16 KB sample takes milliseconds."""
    chars = Counter(text)
    high = sum(n for ch, n in chars.items() if ord(ch) > 127)
    if not high:
        return 0.0
    score = 0.0
    for ch, n in chars.items():
        if ord(ch) <= 127:
            continue
        low = ch.lower()
        if low in _LOG_FREQ:
            score += n * (_LOG_FREQ[low] + (0.5 if ch == low else 0.0))
        elif ch not in _OK_SYMBOLS:
            score -= 6.0 * n
    low_text = text.lower()
    pairs = Counter(map(operator.add, low_text, low_text[1:]))
    score += sum(pairs[b] for b in _BIGRAMS)
    score -= 6.0 * len(_MIXED_CASE.findall(text))
    score -= 6.0 * len(_MIXED_SCRIPT.findall(text))
    return score / high


def _western_score(text: str) -> float:
    """Plausibility of a cp1252 reading: accented letters sit inside words with ASCII letters."""
    high = sum(1 for ch in text if ord(ch) > 127)
    if not high:
        return 0.0
    inside = sum(1 for w in _LATIN_WORD.findall(text) for ch in w if ord(ch) > 127)
    return (inside - 6.0 * (high - inside)) / high


def _decode_single_byte(data: bytes) -> str | None:
    """The code page (Cyrillic first, then Western) whose reading is most plausible, else None.
    Scored on a sample: the first 16 KB tell as much as the whole file."""
    best, best_score = None, -1.0
    candidates = [(enc, prior, _russian_score) for enc, prior in _CYRILLIC_CODEPAGES.items()]
    for enc, prior, scorer in candidates + [("cp1252", 0.0, _western_score)]:
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = scorer(data[:16384].decode(enc)) + prior
        if score > best_score:
            best, best_score = enc, score
    return data.decode(best) if best else None


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters: not a text file, whatever its name says."""
    sample = data[:20000]
    if b"\x00" in sample:
        return True
    bad = sum(1 for b in sample if b < 32 and b not in b"\n\r\t\f")
    return bad / max(len(sample), 1) > 0.05


def _nearly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few bad bytes (a cut last character, a stray 0xFF) stays UTF-8: the bad
    bytes become U+FFFD and a one-line warning says so, instead of the whole report being
    rejected or read as a Cyrillic code page (which turns every letter into mojibake)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if bad and good >= 20 * bad:
        return text
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> str | None:
    """Text from bytes: BOM, UTF-8, a declared encoding (HTML meta), Cyrillic code pages,
    then generic detection. None when nothing fits."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    try:
        return data.decode("utf-8")   # valid UTF-8 is UTF-8, whatever a meta tag claims
    except UnicodeDecodeError:
        pass
    nearly = _nearly_utf8(data)
    if nearly is not None:
        return nearly
    if declared:
        try:
            return data.decode(codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            pass
    text = _decode_single_byte(data)
    if text is not None:
        return text
    best = from_bytes(data).best()
    return str(best) if best is not None else None


def decode_text(path: str, data: bytes) -> str:
    if not data.strip():
        raise CorpusError(path, "the file is empty")
    if looks_binary(data) and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CorpusError(path, "not text: the file holds binary data")
    text = decode_bytes(data)
    if text is None:
        raise CorpusError(path, "not text: no character encoding fits its bytes (binary file?)")
    bad = text.count("\ufffd")
    if bad and "\ufffd" not in data.decode("utf-8", errors="ignore"):
        print(f"предупреждение: {path}: {bad} испорченных байт заменены знаком «\ufffd», "
              f"остальной текст прочитан", file=sys.stderr)
    if not text.strip():
        raise CorpusError(path, "the file is empty")
    return text


def read_text_lines(path: str, data: bytes) -> list[str]:
    """Lines of the file; a form feed (PDF page break in text exports) stays in its line."""
    return decode_text(path, data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
