"""Read a file of any supported kind into lines with page numbers.

One reader per format; each returns the file's lines (and pages, where the format has
them). Cleaning and metadata are not their business.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..document import RawDocument, SourceLine
from ..errors import CorpusError
from .text import read_text_lines

MAX_FILE_MB = 50
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def read_file(path: str | Path, max_mb: float = MAX_FILE_MB) -> RawDocument:
    """Read ``path``; raises ``CorpusError`` with a one-line reason on any bad input."""
    p = Path(path)
    if not p.exists():
        raise CorpusError(p, "no such file")
    if not p.is_file():
        raise CorpusError(p, "not a regular file")
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusError(p, f"unsupported file type {suffix or '(no extension)'}: "
                             f"use {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    try:
        size = p.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise CorpusError(p, f"the file is {size / 2**20:.1f} MB, over the {max_mb:g} MB limit")
        data = p.read_bytes()
    except PermissionError:
        raise CorpusError(p, "permission denied") from None
    except OSError as exc:
        raise CorpusError(p, f"cannot read: {exc.strerror or exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    lines = read_text_lines(str(p), data)
    return RawDocument(str(p), [SourceLine(i + 1, t) for i, t in enumerate(lines)], digest)
