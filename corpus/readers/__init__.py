"""Read a file of any supported kind into lines with page numbers.

One reader per format; each takes the file's bytes and returns its lines (and pages, where the
format has them). Cleaning and metadata are not their business. Format readers are imported
only when a file of their kind turns up, so `muniqa ask` does not pay for PDF or DOCX support.
"""
from __future__ import annotations

import hashlib
import os
import re
from importlib import import_module
from pathlib import Path

from ..document import RawDocument, SourceLine
from ..errors import CorpusError
from .text import read_text_lines

MAX_FILE_MB = 50.0
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
# suffix -> (module, the package a user must install for it)
_READERS = {".pdf": ("pdf", "pypdfium2"), ".docx": ("docx", "python-docx"),
            ".html": ("html", "beautifulsoup4"), ".htm": ("html", "beautifulsoup4"),
            ".xhtml": ("html", "beautifulsoup4")}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | set(_READERS)
_HINTS = {".doc": "save it as DOCX or HTML", ".rtf": "save it as DOCX",
          ".odt": "save it as DOCX", ".xls": "save it as HTML", ".xlsx": "save it as HTML"}


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def unsupported_message(path: Path) -> str:
    suffix = path.suffix.lower()
    hint = _HINTS.get(suffix, "use " + ", ".join(sorted(SUPPORTED_SUFFIXES)))
    return f"unsupported file type {suffix or '(no extension)'}: {hint}"


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def markdown_heading(line: str) -> str:
    """"# Title" -> "**Title**": clean.py makes both a section, but strips only the asterisks."""
    match = _MD_HEADING.match(line)
    return f"**{match.group(1)}**" if match else line


def default_max_mb() -> float:
    """The size limit: ``MUNIQA_MAX_MB`` if set, else 50 MB."""
    raw = os.environ.get("MUNIQA_MAX_MB", "").strip()
    if not raw:
        return MAX_FILE_MB
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"MUNIQA_MAX_MB must be a number of megabytes, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"MUNIQA_MAX_MB must be positive, got {raw!r}")
    return value


def _read_lines(p: Path, suffix: str, data: bytes) -> tuple[list[SourceLine], str]:
    """The file's lines and what their numbers count: "line", or "paragraph" for formats whose
    lines mean nothing to a reader (a DOCX, an HTML page that may be one long line)."""
    if suffix in TEXT_SUFFIXES:
        lines = read_text_lines(str(p), data)
        if suffix in MARKDOWN_SUFFIXES:
            lines = [markdown_heading(t) for t in lines]
        return [SourceLine(i + 1, t) for i, t in enumerate(lines)], "line"
    module_name, package = _READERS[suffix]
    try:
        module = import_module(f".{module_name}", __name__)
    except ImportError as exc:
        raise CorpusError(p, f"reading {suffix} files needs {package}: pip install {package} "
                             f"({exc})") from None
    result = module.read(str(p), data)
    return result if isinstance(result, tuple) else (result, getattr(module, "UNIT", "line"))


def read_file(path: str | Path, max_mb: float | None = None) -> RawDocument:
    """Read ``path``; raises ``CorpusError`` with a one-line reason on any bad input."""
    p = Path(path)
    max_mb = default_max_mb() if max_mb is None else max_mb
    try:
        if not p.exists():
            raise CorpusError(p, "no such file")
        if not p.is_file():
            raise CorpusError(p, "not a regular file")
        suffix = p.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise CorpusError(p, unsupported_message(p))
        size = p.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise CorpusError(p, f"the file is {size / 2**20:.1f} MB, over the {max_mb:g} MB limit "
                                 f"(raise it with --max-mb or MUNIQA_MAX_MB)")
        if size == 0:
            raise CorpusError(p, "the file is empty")
        data = p.read_bytes()
    except PermissionError:
        raise CorpusError(p, "permission denied") from None
    except OSError as exc:
        raise CorpusError(p, f"cannot read: {exc.strerror or exc}") from None
    lines, unit = _read_lines(p, suffix, data)
    return RawDocument(str(p), lines, hashlib.sha256(data).hexdigest(), unit)
