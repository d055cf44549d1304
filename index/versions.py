"""The index directory's bookkeeping: which version is live, which may go, what the manifest
must hold, and which files the index was built from (for a repair).

Every check here raises one Russian line that names the file and the repair, because a
damaged ``CURRENT`` or ``manifest.json`` is exactly when a traceback helps nobody.
Deletions happen only under the writer lock (``lock.writer_lock``): then no other writer
can be half-way through a ``.tmp-*`` folder, so every leftover is from a killed run.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .errors import IndexOpenError, repair_hint

VERSION_PREFIX = "v-"


def read_current(index_dir: Path) -> Path | None:
    """The live version folder named by ``CURRENT`` (None when there is no index yet)."""
    current = index_dir / "CURRENT"
    try:
        raw = current.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise IndexOpenError(f"{current}: это папка, а не файл; {repair_hint(index_dir)}") from None
    except OSError as exc:
        raise IndexOpenError(f"{current}: не читается ({exc.strerror or exc})") from None
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise IndexOpenError(f"{current} повреждён (не текст); {repair_hint(index_dir)}") from None
    if not name.startswith(VERSION_PREFIX) or "/" in name or not (index_dir / name).is_dir():
        shown = name[:60] or "пусто"
        raise IndexOpenError(f"{current} указывает на несуществующую версию ({shown}); "
                             f"{repair_hint(index_dir)}")
    return index_dir / name


def parse_manifest(path: Path, index_dir: Path) -> dict:
    """``manifest.json`` as a dict with the fields a reader needs, or a one-line error."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexOpenError(f"{path}: файла нет, индекс повреждён; {repair_hint(index_dir)}") from None
    except (OSError, ValueError) as exc:
        why = "обрезан или испорчен" if isinstance(exc, ValueError) else (exc.strerror or str(exc))
        raise IndexOpenError(f"{path}: {why}, индекс повреждён; {repair_hint(index_dir)}") from None
    if not isinstance(manifest, dict):
        raise IndexOpenError(f"{path}: ожидается объект JSON, а не {type(manifest).__name__}; "
                             f"{repair_hint(index_dir)}")
    embedder = manifest.get("embedder")
    if not isinstance(embedder, dict) or not {"model_id", "dim"} <= set(embedder):
        raise IndexOpenError(f"{path}: нет поля embedder (model_id, dim); {repair_hint(index_dir)}")
    if not isinstance(manifest.get("documents", []), list):
        raise IndexOpenError(f"{path}: поле documents должно быть списком; {repair_hint(index_dir)}")
    return manifest


def versions(index_dir: Path) -> list[Path]:
    """Complete version folders, newest first."""
    found = [p for p in index_dir.glob(VERSION_PREFIX + "*") if p.is_dir()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def remove_old_versions(index_dir: Path, keep: set[str]) -> None:
    """Drop every version but ``keep`` (the new one and the one it replaced, which a reader
    may still be loading). A folder from a failed swap is never live, so it goes too."""
    for old in versions(index_dir):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def clean_leftovers(index_dir: Path) -> list[str]:
    """Remove ``.tmp-*`` versions and ``.CURRENT.*`` pointers of killed writers. Call it only
    while holding the writer lock: then none of them belongs to a running writer."""
    removed = []
    for leftover in list(index_dir.glob(".tmp-*")) + list(index_dir.glob(".CURRENT.*")):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover.name)
    return removed


def recorded_sources(index_dir: Path) -> list[str]:
    """The files an index was built from, read from whatever survived: the manifests first
    (live version, then older ones), else the sources in ``documents.jsonl``. Lets
    ``muniqa index --rebuild`` without paths rebuild the user's documents, not others."""
    try:
        live = read_current(index_dir)
    except IndexOpenError:
        live = None
    folders = ([live] if live else []) + [v for v in versions(index_dir) if v != live]
    for folder in folders:
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            sources = [d["source"] for d in manifest["documents"]]
            if sources:
                return sources
        except (OSError, ValueError, TypeError, KeyError):
            pass
    for folder in folders:
        sources = []
        try:
            with open(folder / "documents.jsonl", encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    try:
                        sources.append(json.loads(line)["source"])
                    except (ValueError, KeyError, TypeError):
                        continue
        except OSError:
            continue
        if sources:
            return sources
    return []


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
