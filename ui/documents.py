"""The documents page: what is indexed, corrections to its metadata, and uploads.

Uploads are checked (type, size), copied into ``<data dir>/uploads`` under a sanitized
name and indexed by the background writer. Metadata corrections are kept in
``<data dir>/metadata-overrides.json`` (by source path) and applied by re-indexing the
document with the corrected metadata: the index builder sees the changed metadata and
re-chunks it. They are applied again to later uploads of the same file and, at start-up,
to an index rebuilt without them.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
from pathlib import Path

from muniqa.corpus import readers
from muniqa.corpus.document import Document, Metadata
from muniqa.corpus.errors import CorpusError
from muniqa.corpus.loader import load_document
from muniqa.index.datadir import data_dir
from muniqa.corpus.metadata import record_source
from muniqa.messages import problem_ru as _problem_ru
from muniqa.qa.corrections import FIELDS, load_overrides, save_override  # noqa: F401 - re-exported for ui

MAX_UPLOAD_MB = 50


def uploads_dir() -> Path:
    path = data_dir() / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def supported_suffixes() -> list[str]:
    """Read at call time: readers for more formats may be added while the app runs."""
    return sorted(readers.SUPPORTED_SUFFIXES)


def safe_name(name: str) -> str:
    """A file name that cannot leave the uploads folder: letters (any script), digits, . - _."""
    base = re.split(r"[\\/]", str(name))[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._-")[:80] or "document"
    suffix = re.sub(r"[^\w]+", "", suffix).lower()[:10]
    return f"{stem}.{suffix}" if suffix else stem


def store_upload(src: str | Path, original_name: str, max_mb: float = MAX_UPLOAD_MB) -> Path:
    """Copy an uploaded file into the uploads folder; raises ``CorpusError`` naming the problem."""
    name = safe_name(original_name)
    suffix = Path(name).suffix.lower()
    if suffix not in readers.SUPPORTED_SUFFIXES:
        raise CorpusError(original_name, f"тип файла {suffix or '(без расширения)'} не поддерживается; "
                                         f"можно: {', '.join(supported_suffixes())}")
    src = Path(src)
    size = src.stat().st_size
    if size > max_mb * 2**20:
        raise CorpusError(original_name, f"файл {size / 2**20:.1f} МБ, больше предела {max_mb:g} МБ")
    if size == 0:
        raise CorpusError(original_name, "файл пустой")
    folder = uploads_dir().resolve()
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    stem, n = Path(name).stem, 1
    while True:
        dest = (folder / name).resolve()
        if dest.parent != folder:
            raise CorpusError(original_name, "недопустимое имя файла")
        if not dest.exists():
            break
        if hashlib.sha256(dest.read_bytes()).hexdigest() == digest:
            return dest                          # the same file again
        n += 1
        name = f"{stem}-{n}{suffix}"
    tmp = dest.with_name(f".{dest.name}.part")
    shutil.copyfile(src, tmp)
    tmp.replace(dest)
    return dest


def delete_uploads(sources: list[str]) -> list[Path]:
    """Delete the files among ``sources`` that live in the uploads folder (a removed or
    refused upload must not stay on the server); returns the deleted paths."""
    folder = uploads_dir().resolve()
    deleted = []
    for source in sources:
        path = Path(source).resolve()
        if path.parent == folder and path.is_file():
            path.unlink(missing_ok=True)
            deleted.append(path)
    return deleted


# --- metadata corrections -------------------------------------------------------------

def _year(value: str, field_name: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"(19|20)\d\d", value):
        raise ValueError(f"{field_name}: ожидается год из четырёх цифр, получено «{value}»")
    return int(value)


def corrected(meta: Metadata, fields: dict[str, str]) -> Metadata:
    """``meta`` with the user's fields; an empty end year clears it. Raises ValueError."""
    new = dataclasses.replace(meta, cities=list(meta.cities))
    if fields.get("title", "").strip():
        new.title = fields["title"].strip()
    if "city" in fields:
        new.cities = [c.strip() for c in re.split(r"[;,]", fields["city"]) if c.strip()]
    if "topic" in fields:
        new.topic = fields["topic"].strip()
    if fields.get("year", "").strip():
        new.year = _year(fields["year"], "Год")
    if "year_end" in fields:
        new.year_end = _year(fields["year_end"], "Год окончания")
    if new.year and new.year_end and new.year_end < new.year:
        raise ValueError("Год окончания раньше года начала")
    if new.year_end == new.year:
        new.year_end = None
    record_source(new, {k: v for k, v in fields.items() if k in FIELDS and (v or "").strip()}, "corrected")
    return new


def correct_document(doc: Document, fields: dict[str, str]) -> Document:
    """The indexed document with corrected metadata (its text is not read again)."""
    plain = doc.loaded() if hasattr(doc, "loaded") else doc      # an index's lazily read document
    return dataclasses.replace(plain, meta=corrected(doc.meta, fields))


def load_upload(path: Path, defaults: dict[str, str]) -> Document | CorpusError:
    """An uploaded file as a Document, with the upload form's fields and saved corrections."""
    try:
        doc = load_document(path, root=data_dir())
    except CorpusError as err:
        return CorpusError(path.name, err.problem)
    except Exception as exc:  # noqa: BLE001 - a reader crashing on a bad file is that file's problem
        return CorpusError(path.name, f"не удалось прочитать файл ({type(exc).__name__}: {exc})")
    fields = {**{k: v for k, v in defaults.items() if v}, **load_overrides().get(str(path), {})}
    if fields:
        try:
            doc = correct_document(doc, fields)
        except ValueError as exc:
            return CorpusError(path.name, str(exc))
    return doc


def pending_corrections(documents: dict[str, Document]) -> list[Document]:
    """Indexed documents whose saved corrections are not in the index (rebuilt without them)."""
    saved = load_overrides()
    out = []
    for doc in documents.values():
        fields = saved.get(doc.source)
        if fields:
            try:
                fixed = correct_document(doc, fields)
            except ValueError:
                continue
            if fixed.meta != doc.meta:
                out.append(fixed)
    return out


def documents_table_html(documents: dict[str, Document], chunk_counts: dict[str, int]) -> str:
    """The indexed documents with their metadata; each row can be opened or corrected."""
    from .render import esc, public_source, years_label
    saved = load_overrides()
    rows = []
    for doc in sorted(documents.values(), key=lambda d: (d.meta.city, d.meta.year or 0, d.doc_id)):
        m = doc.meta
        fixed = ' <span class="mq-tag" title="метаданные исправлены вручную">исправлено</span>' \
            if doc.source in saved else ""
        rows.append(
            f'<tr><td><div class="mq-title">{esc(m.title)}</div>'
            f'<div class="mq-file" title="{esc(public_source(doc.source))}">{esc(doc.doc_id)}</div></td>'
            f'<td>{esc(m.city or "—")}</td><td>{esc(years_label(m.year, m.year_end))}</td>'
            f'<td>{esc(m.topic or "—")}</td><td class="num">{chunk_counts.get(doc.doc_id, 0)}</td>'
            f'<td class="mq-row-actions">{fixed}'
            f'<button class="mq-btn" data-action="open-doc" data-key="{esc(doc.doc_id)}">Открыть</button>'
            f'<button class="mq-btn" data-action="edit" data-key="{esc(doc.doc_id)}">Исправить</button></td></tr>')
    return (f'<table class="mq-docs"><thead><tr><th>Документ</th><th>Город</th><th>Годы</th><th>Тема</th>'
            f'<th class="num">Фрагменты</th><th></th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def problem_ru(problem: str) -> str:
    """The reader's one-line problem in Russian (see ``muniqa.messages``)."""
    return _problem_ru(problem)
