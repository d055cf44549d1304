"""City, year, topic and title: detected from the text where it says so, overridden by a sidecar.

Reports name their city in a capitalized first line ("ТОМСК") or in phrases like
"администрация города Хабаровска", and their year in "в 2024 году". A sidecar file
(``metadata.csv`` or ``metadata.yaml`` beside the documents) wins over detection.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from .document import Metadata
from .errors import CorpusError
from .morph import analyzer

SIDECAR_NAMES = ("metadata.csv", "metadata.yaml", "metadata.yml")
_CITY_PHRASE = re.compile(
    r"(?:\bг\.|\bгород[а-я]*|\bмэри[яи]|\bмэр[а-я]*|администраци[яи]\s+(?:города\s+)?)\s*"
    r"([А-ЯЁ][а-яё]+(?:-[А-ЯЁ]?[а-яё]+)*)")
_YEAR_PHRASE = re.compile(r"\bв\s+((?:19|20)\d\d)\s+год")
_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)\s*[–—-]\s*((?:19|20)\d\d)\s+год")
_ANY_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_TOPICS = {
    "международная деятельность": ("международн", "побратим", "зарубежн"),
    "туризм": ("туризм", "туристическ", "туристск"),
    "информационная политика": ("информационной политик", "сми", "пресс-релиз"),
    "внешнеэкономическая деятельность": ("внешнеэкономическ",),
    "межрегиональное сотрудничество": ("дорожная карта", "межрегиональн"),
}


def _city_name(word: str) -> str | None:
    """Nominative form of a word that pymorphy3 knows as a settlement name, else None."""
    for parse in analyzer().parse(word):
        if "Geox" in parse.tag:
            return parse.normal_form.replace("ё", "е").title()
    return None


def detect_city(text: str) -> list[str]:
    first = text.strip().split("\n", 1)[0].strip()
    if first.isupper() and 1 <= len(first.split()) <= 3 and len(first) < 40:
        return [first.title()]
    counts = Counter(c for c in (_city_name(m) for m in _CITY_PHRASE.findall(text[:20000])) if c)
    return [counts.most_common(1)[0][0]] if counts else []


def detect_years(text: str) -> tuple[int | None, int | None]:
    head = text[:3000]
    span = _YEAR_SPAN.search(head)
    if span:
        return int(span.group(1)), int(span.group(2))
    phrase = _YEAR_PHRASE.search(head)
    if phrase:
        return int(phrase.group(1)), None
    counts = Counter(int(y) for y in _ANY_YEAR.findall(text))
    return (counts.most_common(1)[0][0], None) if counts else (None, None)


def detect_topic(text: str) -> str:
    low = text.lower()
    scored = [(sum(low.count(k) for k in keys), name) for name, keys in _TOPICS.items()]
    found = [name for score, name in sorted(scored, reverse=True) if score >= 2]
    return "; ".join(found[:3])


def detect_title(text: str, fallback: str) -> str:
    for para in text.split("\n\n")[:6]:
        para = para.strip()
        if len(para.split()) >= 3 and not para.isupper():
            return para if len(para) <= 160 else para[:157].rsplit(" ", 1)[0] + "…"
    return fallback


def detect_metadata(text: str, fallback_title: str) -> Metadata:
    year, year_end = detect_years(text)
    return Metadata(title=detect_title(text, fallback_title), cities=detect_city(text),
                    year=year, year_end=year_end, topic=detect_topic(text))


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


def apply_overrides(meta: Metadata, fields: dict[str, str], where: str) -> Metadata:
    """Sidecar or user corrections win; bad values name the field."""
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
    return meta
