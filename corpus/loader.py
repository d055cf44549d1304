"""From paths to cleaned ``Document``s: files, folders, the bundled reports.

A folder is what users bring, so one bad file must never stop the rest: every problem
becomes a ``CorpusError`` yielded in place of its document, and the caller decides.
"""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from tqdm import tqdm

from .clean import clean_lines
from .document import Document
from .errors import CorpusError
from .limits import check_text_file, check_text_size
from .metadata import SIDECAR_NAMES, apply_overrides, detect_metadata, read_sidecar
from .readers import TEXT_SUFFIXES, default_max_mb, is_supported, read_file, unsupported_message

OVERRIDE_FIELDS = ("title", "city", "year", "year_end", "topic")


def bundled_reports_dir() -> Path:
    """The five reports that ship with muniqa (package data of ``corpus``)."""
    return Path(str(files("muniqa.corpus") / "reports"))


def doc_id_for(path: Path, root: Path | None) -> str:
    """A stable, readable id: the path below the indexed folder, without its extension."""
    rel = path.relative_to(root) if root and path.is_relative_to(root) else Path(path.name)
    stem = rel.with_suffix("").as_posix()
    return re.sub(r"[^\w./-]+", "_", stem).strip("_") or "document"


def load_document(path: Path, root: Path | None = None,
                  overrides: dict[str, str] | None = None, max_mb: float | None = None,
                  sources: dict[str, str] | None = None) -> Document:
    if path.suffix.lower() in TEXT_SUFFIXES and path.is_file():
        check_text_file(path, path.stat().st_size)       # before reading 200 MB of it
    raw = read_file(path, max_mb)
    check_text_size(path, sum(len(line.text) for line in raw.lines))
    cleaned = clean_lines(raw.lines)
    if not re.search(r"\w", cleaned.text):
        raise CorpusError(path, "no text left after cleaning (scanned PDF without a text layer?)")
    meta = detect_metadata(cleaned.text, fallback_title=path.stem)
    if overrides:
        meta = apply_overrides(meta, overrides, str(path), sources)
        if "year" in overrides and "year_end" not in overrides:
            meta.year_end = None          # a given single year replaces a detected span
    pages = {line.number: line.page for line in raw.lines if line.page is not None}
    ocr_pages = sorted({line.page for line in raw.lines if line.ocr and line.page is not None})
    return Document(doc_id=doc_id_for(path, root), source=str(path), sha256=raw.sha256,
                    text=cleaned.text, meta=meta, line_map=cleaned.line_map,
                    headings=cleaned.headings, pages=pages, unit=raw.unit, ocr_pages=ocr_pages)


_SYSTEM_FILES = {"readme.md", "thumbs.db", "desktop.ini"}


def _skipped_name(name: str) -> bool:
    """Sidecars, hidden files, Office lock files (~$report.docx) and OS clutter."""
    return (name in SIDECAR_NAMES or name.startswith((".", "~$"))
            or name.lower() in _SYSTEM_FILES)


def _walk_folder(folder: Path) -> Iterator[tuple[Path, Path | None] | CorpusError]:
    """Files under ``folder`` in a stable order; unreadable subfolders are reported, not skipped
    silently (``Path.rglob`` would hide them)."""
    problems: list[OSError] = []
    for here, dirs, names in os.walk(folder, onerror=problems.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        while problems:
            yield _os_error(problems.pop(0))
        for name in sorted(names):
            p = Path(here) / name
            if _skipped_name(name):
                continue
            yield (p, folder) if is_supported(p) else CorpusError(p, unsupported_message(p))
    for exc in problems:
        yield _os_error(exc)


def _os_error(exc: OSError) -> CorpusError:
    where = exc.filename or "?"
    if isinstance(exc, PermissionError):
        return CorpusError(where, "permission denied: cannot list the folder")
    return CorpusError(where, f"cannot list the folder: {exc.strerror or exc}")


def expand_paths(paths: list[Path]) -> Iterator[tuple[Path, Path | None] | CorpusError]:
    """Every supported file under ``paths`` with the folder it was found in, or an error."""
    for given in paths:
        given = Path(given)
        try:
            exists, is_dir = given.exists(), given.is_dir()
        except OSError as exc:
            yield _os_error(exc)
            continue
        if not exists:
            yield CorpusError(given, "no such file or folder")
        elif is_dir:
            yield from _walk_folder(given)
        else:
            yield given, given.parent


def _check_overrides(overrides: dict[str, str] | None) -> dict[str, str]:
    fields = {k: str(v) for k, v in (overrides or {}).items() if v not in (None, "")}
    unknown = sorted(set(fields) - set(OVERRIDE_FIELDS))
    if unknown:
        raise ValueError(f"unknown metadata field {unknown[0]!r}: use {', '.join(OVERRIDE_FIELDS)}")
    return fields


def iter_documents(paths: list[Path], overrides: dict[str, str] | None = None,
                   max_mb: float | None = None, progress: bool = False,
                   corrections: dict[str, dict[str, str]] | None = None) -> Iterator[Document | CorpusError]:
    """Load each file; a bad one yields its ``CorpusError`` and the rest go on.

    ``overrides`` (city, year, topic, ...) apply to every file and win over sidecar files;
    ``corrections`` (by source path) win over sidecars but not over ``overrides``;
    ``progress`` shows a bar with an ETA on stderr while files are read.
    """
    jobs = list(plan_loads(paths, overrides, max_mb, corrections))
    seen: set[str] = set()
    with tqdm(total=len(jobs), desc="чтение файлов", unit="файл", file=sys.stderr,
              disable=not progress, leave=False) as bar:
        for job in jobs:
            bar.update(1)
            item = job if isinstance(job, CorpusError) else run_load(job)
            yield item if isinstance(item, CorpusError) else unique_id(item, seen)


@dataclass(frozen=True)
class LoadJob:
    """One file to load with the metadata fields that win over detection (and their sources):
    what ``run_load`` needs, so the loading can run elsewhere (a Ray worker, see
    ``index/distributed.py``)."""
    path: Path
    root: Path | None
    fields: dict[str, str]
    sources: dict[str, str]
    max_mb: float


def plan_loads(paths: list[Path], overrides: dict[str, str] | None = None, max_mb: float | None = None,
               corrections: dict[str, dict[str, str]] | None = None) -> Iterator[LoadJob | CorpusError]:
    """The files under ``paths`` in a stable order, each with its sidecar, correction and
    flag fields; a folder's bad sidecar is said once, before its files."""
    forced = _check_overrides(overrides)
    max_mb = default_max_mb() if max_mb is None else max_mb
    if max_mb <= 0:
        raise ValueError(f"the size limit must be positive, got {max_mb:g} MB")
    sidecars: dict[Path, dict[str, dict[str, str]]] = {}
    for item in list(expand_paths(paths)):
        if isinstance(item, CorpusError):
            yield item
            continue
        path, root = item
        folder = path.parent
        if folder not in sidecars:
            try:
                sidecars[folder] = read_sidecar(folder)
            except CorpusError as err:       # said once; the folder's files still load
                sidecars[folder] = {}
                yield err
        side, corrected = sidecars[folder].get(path.name, {}), (corrections or {}).get(str(path), {})
        fields = {**side, **corrected, **forced}
        sources = {**dict.fromkeys(side, "sidecar"), **dict.fromkeys(corrected, "corrected"),
                   **dict.fromkeys(forced, "flag")}
        yield LoadJob(path, root, fields, sources, max_mb)


def run_load(job: LoadJob) -> Document | CorpusError:
    """Read, clean and describe one file; any problem becomes its ``CorpusError``."""
    try:
        return load_document(job.path, job.root, job.fields or None, job.max_mb, job.sources)
    except CorpusError as err:
        return err
    except Exception as exc:  # noqa: BLE001 - a reader's surprise must not stop the folder
        return CorpusError(job.path, f"cannot read: {type(exc).__name__}: {exc}".splitlines()[0])


def unique_id(doc: Document, seen: set[str]) -> Document:
    """report.pdf beside report.docx: keep both, apart (ids are given in load order)."""
    if doc.doc_id in seen:
        doc.doc_id = f"{doc.doc_id}{Path(doc.source).suffix.lower()}"
    seen.add(doc.doc_id)
    return doc
