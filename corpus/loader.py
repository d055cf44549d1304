"""From paths to cleaned ``Document``s: files, folders, the bundled reports."""
from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

from .clean import clean_lines
from .document import Document
from .errors import CorpusError
from .metadata import SIDECAR_NAMES, apply_overrides, detect_metadata, read_sidecar
from .readers import is_supported, read_file


def bundled_reports_dir() -> Path:
    """The five reports that ship with muniqa (package data of ``corpus``)."""
    return Path(str(files("corpus") / "reports"))


def doc_id_for(path: Path, root: Path | None) -> str:
    """A stable, readable id: the path below the indexed folder, without its extension."""
    rel = path.relative_to(root) if root and path.is_relative_to(root) else Path(path.name)
    stem = rel.with_suffix("").as_posix()
    return re.sub(r"[^\w./-]+", "_", stem).strip("_") or "document"


def load_document(path: Path, root: Path | None = None,
                  overrides: dict[str, str] | None = None) -> Document:
    raw = read_file(path)
    cleaned = clean_lines(raw.lines)
    if not re.search(r"\w", cleaned.text):
        raise CorpusError(path, "no text left after cleaning (scanned PDF without a text layer?)")
    meta = detect_metadata(cleaned.text, fallback_title=path.stem)
    if overrides:
        meta = apply_overrides(meta, overrides, str(path))
    pages = {line.number: line.page for line in raw.lines if line.page is not None}
    return Document(doc_id=doc_id_for(path, root), source=str(path), sha256=raw.sha256,
                    text=cleaned.text, meta=meta, line_map=cleaned.line_map,
                    headings=cleaned.headings, pages=pages)


def expand_paths(paths: list[Path]) -> Iterator[tuple[Path, Path | None] | CorpusError]:
    """Every supported file under ``paths`` with the folder it was found in, or an error."""
    for given in paths:
        if not given.exists():
            yield CorpusError(given, "no such file or folder")
        elif given.is_dir():
            try:
                found = sorted(p for p in given.rglob("*") if p.is_file())
            except PermissionError:
                yield CorpusError(given, "permission denied")
                continue
            for p in found:
                if p.name in SIDECAR_NAMES or p.name.startswith(".") or p.name.lower() == "readme.md":
                    continue
                if is_supported(p):
                    yield p, given
                else:
                    yield CorpusError(p, f"unsupported file type {p.suffix or '(no extension)'}")
        else:
            yield given, given.parent


def iter_documents(paths: list[Path]) -> Iterator[Document | CorpusError]:
    """Load each file; a bad one yields its ``CorpusError`` and the rest go on."""
    sidecars: dict[Path, dict[str, dict[str, str]]] = {}
    for item in expand_paths(paths):
        if isinstance(item, CorpusError):
            yield item
            continue
        path, root = item
        try:
            folder = path.parent
            if folder not in sidecars:
                sidecars[folder] = read_sidecar(folder)
            yield load_document(path, root, sidecars[folder].get(path.name))
        except CorpusError as err:
            yield err
