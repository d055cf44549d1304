"""Plain text and Markdown in any common encoding (UTF-8, UTF-8 with BOM, cp1251, KOI8-R, ...).

The encoding is detected from the bytes with charset-normalizer, never guessed from the name.
"""
from __future__ import annotations

from charset_normalizer import from_bytes

from ..errors import CorpusError

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def decode_text(path: str, data: bytes) -> str:
    if not data.strip():
        raise CorpusError(path, "the file is empty")
    if data.startswith(_BOMS[0]):
        return data[3:].decode("utf-8", errors="replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise CorpusError(path, "not text: no character encoding fits its bytes (binary file?)")
        text = str(best)
    if "\x00" in text or _control_share(text) > 0.05:
        raise CorpusError(path, "not text: the file holds binary data")
    return text


def _control_share(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / max(len(sample), 1)


def read_text_lines(path: str, data: bytes) -> list[str]:
    """Lines of the file; a form feed (PDF page break in text exports) stays in its line."""
    return decode_text(path, data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
