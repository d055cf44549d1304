"""OCR of page images with Tesseract's Russian model (through pytesseract), cached on disk.

Municipal reports are often scans, or PDFs whose text layer is garbage (a broken font map
turns «Федеральный закон» into ``N_^_jZevguc aZdhg``). Tesseract (Apache 2.0, Debian's
``tesseract-ocr`` + ``tesseract-ocr-rus``) reads such pages; a page takes seconds, so results
are cached by the hash of the rendered image in ``<data dir>/ocr-cache``: re-indexing a folder
or a test run does not OCR the same page twice.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from functools import lru_cache
from pathlib import Path

from muniqa.corpus.atomic import write_text_atomically

DPI = 300                         # Tesseract's recommended resolution; 200 dpi lost small print
LANGS = "rus"                     # rus+eng read Latin names no better here and took 30% longer
INSTALL_HINT = ("install Tesseract with its Russian model: apt-get install tesseract-ocr "
                "tesseract-ocr-rus (and pip install pytesseract)")
CACHE_VERSION = "1"


class OcrUnavailable(Exception):
    """Tesseract, its Russian model or pytesseract is missing; ``str()`` says what to install."""


@lru_cache(maxsize=1)
def _check() -> str:
    """'' when OCR works here, else the reason it does not."""
    try:
        import pytesseract
    except ImportError:
        return "pytesseract is not installed"
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return "Tesseract is not installed"
    try:
        langs = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # noqa: BLE001 - a broken install shows in many ways
        return f"Tesseract does not run ({type(exc).__name__})"
    if "rus" not in langs:
        return "Tesseract has no Russian model"
    return ""


def unavailable_reason() -> str:
    """'' when OCR can run; else one line: what is missing and what to install."""
    problem = "OCR is switched off (MUNIQA_NO_OCR)" if os.environ.get("MUNIQA_NO_OCR") else _check()
    return f"{problem}: {INSTALL_HINT}" if problem else ""


def _cache_dir() -> Path:
    """``$MUNIQA_HOME/ocr-cache`` or the per-user data directory's (the same rule as index/datadir:
    corpus/ must not depend on index/)."""
    from platformdirs import user_data_dir
    root = os.environ.get("MUNIQA_HOME") or user_data_dir("muniqa", appauthor=False)
    return Path(root) / "ocr-cache"


def _langs(available: set[str]) -> str:
    return "+".join(lang for lang in LANGS.split("+") if lang in available)


def ocr_image(image) -> list[str]:
    """The text lines Tesseract reads on a PIL image (cached by the image's bytes)."""
    return cached(image, "", lambda pt, langs: pt.image_to_string(
        image, lang=langs, config="--psm 3")).split("\n")


def ocr_words(image) -> list[tuple[int, int, int, int, str, str]]:
    """Every word Tesseract reads on a PIL image: (left, top, right, bottom, line key, text),
    in Tesseract's reading order (cached like ``ocr_image``). A table's words are placed in
    its cells by their boxes, so one OCR of the table serves all its cells."""
    tsv = cached(image, "words|", lambda pt, langs: pt.image_to_data(
        image, lang=langs, config="--psm 3"))
    out = []
    for row in tsv.split("\n")[1:]:
        f = row.split("\t")
        if len(f) == 12 and f[11].strip() and f[0] == "5":
            x, y, w, h = (int(v) for v in f[6:10])
            out.append((x, y, x + w, y + h, f"{f[2]}.{f[3]}.{f[4]}", f[11].strip()))
    return out


def ocr_block(image) -> list[str]:
    """The text lines of an image read as one block (Tesseract's psm 6): a table's cell whose
    lone number or sign page segmentation passes over (cached like ``ocr_image``)."""
    return cached(image, "psm6|", lambda pt, langs: pt.image_to_string(
        image, lang=langs, config="--psm 6")).split("\n")


def cached(image, kind: str, run) -> str:
    """``run(pytesseract, langs)``'s text for the image, from ``<data dir>/ocr-cache`` when it
    was computed before (``kind`` tells apart what is cached: OCR text, words, table grids)."""
    reason = unavailable_reason()
    if reason:
        raise OcrUnavailable(reason)
    import pytesseract
    langs = _langs(set(pytesseract.get_languages(config="")))
    key = hashlib.sha256(f"{CACHE_VERSION}|{langs}|{kind}{image.size}|{image.mode}|".encode()
                         + image.tobytes()).hexdigest()
    stored = _cache_dir() / key[:2] / f"{key}.txt"
    if stored.is_file():
        return stored.read_text(encoding="utf-8")
    text = run(pytesseract, langs)
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(stored, text)
    except OSError:
        pass                       # a read-only data dir only costs the time of OCR next time
    return text
