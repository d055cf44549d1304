"""Metadata corrections people make (in the app's documents page), kept across re-indexing.

Stored by source path in ``<data dir>/metadata-overrides.json`` and applied whenever that
file is indexed again, from the app or from ``muniqa index``: a correction is never lost
to a later re-index. Precedence: command-line flags > corrections > sidecar > detection.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

from muniqa.index.datadir import data_dir

OVERRIDES_FILE = "metadata-overrides.json"
FIELDS = ("title", "city", "year", "year_end", "topic")
_lock = threading.Lock()


def overrides_path() -> Path:
    return data_dir() / OVERRIDES_FILE


def load_overrides() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(overrides_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: {f: str(v) for f, v in d.items() if f in FIELDS} for k, d in data.items() if isinstance(d, dict)}


def save_override(source: str, fields: dict[str, str]) -> None:
    with _lock:
        data = load_overrides()
        data[source] = {**data.get(source, {}), **fields}
        tmp = overrides_path().with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(overrides_path())


# --- where each value came from (shown by `muniqa docs`) -----------------------------------
SHOWN_FIELDS = ("city", "year", "topic", "title")
_FIELD_RU = {"city": "город", "year": "год", "topic": "тема", "title": "название"}
_SOURCE_RU = {"detected": "найдено в тексте", "sidecar": "файл метаданных", "corrected": "исправлено",
              "flag": "параметр команды", "filename": "имя файла", "unknown": "неизвестно"}


def provenance_of(meta) -> dict[str, str]:
    """Field -> "detected" | "sidecar" | "corrected" | "flag" | "filename" for each value the
    document has; "unknown" for indexes built before provenance was recorded."""
    values = {"city": meta.city, "year": meta.year, "topic": meta.topic, "title": meta.title}
    return {f: meta.provenance.get(f, "unknown") for f in SHOWN_FIELDS if values[f]}


def provenance_text(prov: dict[str, str]) -> str:
    """"город: найдено в тексте; год: файл метаданных" (Russian, for the docs listing)."""
    return "; ".join(f"{_FIELD_RU[f]}: {_SOURCE_RU.get(s, s)}" for f, s in prov.items()) or "—"
