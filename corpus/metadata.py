"""City, year, topic and title: detected where the text shows them, else left empty; overridden
by a sidecar, a user's correction or a command-line flag.

Detection lives in ``detect_place`` (a city only if the gazetteer knows it as a Russian
settlement or region), ``detect_date`` (the document's own date, not a cited law's) and
``detect_title`` (never a stamp line; a topic only on evidence). ``Metadata.provenance``
records where each value came from, so ``muniqa docs`` can show it. A sidecar file
(``metadata.csv`` or ``metadata.yaml`` beside the documents) wins over detection.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from .detect_date import detect_years
from .detect_place import detect_city
from .detect_title import detect_title, detect_topic
from .document import Metadata
from .errors import CorpusError

SIDECAR_NAMES = ("metadata.csv", "metadata.yaml", "metadata.yml")
SOURCES = ("detected", "sidecar", "corrected", "flag", "filename")
_FIELD_OF = {"year_end": "year"}        # a span's end is reported with its start

__all__ = ["SIDECAR_NAMES", "apply_overrides", "detect_city", "detect_metadata", "detect_title",
           "detect_topic", "detect_years", "read_sidecar", "record_source"]


def detect_metadata(text: str, fallback_title: str) -> Metadata:
    year, year_end = detect_years(text)
    title = detect_title(text, fallback_title)
    meta = Metadata(title=title, cities=detect_city(text), year=year, year_end=year_end,
                    topic=detect_topic(text, title))
    meta.provenance = {"title": "detected" if title != fallback_title else "filename"}
    meta.provenance.update({f: "detected" for f, v in (("city", meta.cities), ("year", year),
                                                       ("topic", meta.topic)) if v})
    return meta


def record_source(meta: Metadata, fields: dict[str, str], source: str) -> None:
    """Note that ``fields`` of ``meta`` now come from ``source`` (a fresh dict: copies of a
    Metadata made with ``dataclasses.replace`` must not share it)."""
    prov = dict(meta.provenance)
    for key in fields:
        prov[_FIELD_OF.get(key, key)] = source
    meta.provenance = prov


def read_sidecar(folder: Path) -> dict[str, dict[str, str]]:
    """Overrides per file name from ``metadata.csv`` / ``metadata.yaml`` in ``folder``."""
    for name in SIDECAR_NAMES:
        path = folder / name
        if path.is_file():
            try:
                if path.suffix == ".csv":
                    with path.open(encoding="utf-8-sig", newline="") as fh:
                        rows = list(csv.DictReader(fh))
                else:
                    import yaml
                    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                    rows = [dict(v, file=k) for k, v in data.items()] if isinstance(data, dict) else data
            except Exception as exc:  # noqa: BLE001 - any parse failure is the user's file
                raise CorpusError(path, f"cannot read the metadata file: {exc}") from None
            if not all(isinstance(r, dict) and r.get("file") for r in rows):
                raise CorpusError(path, "every entry needs a 'file' field naming a document")
            return {str(r["file"]): {k: str(v) for k, v in r.items() if v not in (None, "")} for r in rows}
    return {}


def apply_overrides(meta: Metadata, fields: dict[str, str], where: str,
                    sources: dict[str, str] | None = None) -> Metadata:
    """Sidecar or user corrections win; bad values name the field. ``sources`` says, per
    field, where its value came from ("sidecar" when not given)."""
    if "title" in fields:
        meta.title = fields["title"]
    if "city" in fields:
        meta.cities = [c.strip() for c in re.split(r"[;,]", fields["city"]) if c.strip()]
    if "topic" in fields:
        meta.topic = fields["topic"]
    for key in ("year", "year_end"):
        if key in fields:
            try:
                setattr(meta, key, int(fields[key]))
            except ValueError:
                raise CorpusError(where, f"field '{key}' must be a year, got {fields[key]!r}") from None
    for key in fields.keys() & {"title", "city", "topic", "year", "year_end"}:
        record_source(meta, {key: ""}, (sources or {}).get(key, "sidecar"))
    return meta
