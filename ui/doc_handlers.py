"""The documents page's events: the list, metadata corrections, uploads (see ``handlers``)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import gradio as gr
import numpy as np

from muniqa.corpus.errors import CorpusError

from . import documents as docs
from .jobs import Job
from .render import docs_and_passages, esc, reader_html


def _error_item(err: CorpusError) -> str:
    return (f'<li class="bad" title="{esc(err.problem)}">{esc(Path(err.path).name)}: '
            f'{esc(docs.problem_ru(err.problem))}</li>')


class DocumentsMixin:
    """Methods of ``Handlers`` for the documents page; needs ``m``, ``writer``, ``ready()``,
    ``header()`` and ``filter_updates()``."""

    def documents_outputs(self) -> tuple:
        """Documents table, choices of the correction form's document."""
        if not self.ready():
            return '<div class="mq-empty">Индекс ещё строится.</div>', gr.update()
        data = self.m.data
        per_doc = np.bincount(np.asarray(data.chunk_doc), minlength=len(data.documents))
        counts = Counter(dict(zip(data.documents, per_doc.tolist())))
        choices = [(f"{d.meta.title[:70]} ({d.doc_id})", d.doc_id) for d in data.documents.values()]
        return docs.documents_table_html(data.documents, counts), gr.update(choices=choices)

    def edit_fields(self, doc_id: str | None) -> tuple:
        doc = self.m.data.documents.get(doc_id or "") if self.ready() else None
        if doc is None:
            return ("",) * 5
        m = doc.meta
        return m.title, m.city, str(m.year or ""), str(m.year_end or ""), m.topic

    def on_docs_click(self, evt: gr.EventData) -> tuple:
        """tabs, reader, edit doc, title, city, year, year_end, topic."""
        data = getattr(evt, "_data", None) or {}
        action, key = data.get("action"), str(data.get("key", ""))
        if action == "open-doc" and self.ready() and key in self.m.data.documents:
            return (gr.Tabs(selected="reader"), reader_html(self.m.data.documents[key], 0, 0),
                    *(gr.skip(),) * 6)
        if action == "edit":
            return (gr.skip(), gr.skip(), key, *self.edit_fields(key))
        return (gr.skip(),) * 8

    def _wait(self, job: Job, what: str):
        while not job.wait(0.4):
            yield self.progress_html(job, what)

    def progress_html(self, job: Job, what: str) -> str:
        pct = int(100 * job.fraction)
        return (f'<div class="mq-status">{esc(what)}: {esc(job.stage)}'
                f'{f" — {job.done} из {job.total}" if job.total else ""}'
                f'<div class="mq-bar"><span style="width:{pct}%"></span></div></div>')

    def cancel_upload(self, job_id) -> str:
        """«Отменить»: stop this page's running upload at its next batch (nothing is written)."""
        job = self.writer.find(job_id) if isinstance(job_id, int) else None
        if job is None or job.finished:
            return '<div class="mq-status">Сейчас нечего отменять.</div>'
        job.cancel()
        return '<div class="mq-status">Отменяю загрузку…</div>'

    def job_result(self, job: Job, errors: list[CorpusError] = ()) -> str:
        items = []
        if job.state == "failed":
            items.append(f'<li class="bad">Ошибка индексации: {esc(job.error)}</li>')
        if job.state == "cancelled":
            items.append('<li>Загрузка отменена; индекс не изменился, файлы удалены.</li>')
        rep = job.report
        if rep is not None:
            docs_by_id = self.m.data.documents if self.ready() else {}
            for verb, ids in (("Добавлен", rep.added), ("Обновлён", rep.updated)):
                for d in ids:
                    title = docs_by_id[d].meta.title if d in docs_by_id else d
                    items.append(f"<li>{verb}: {esc(title)} <span class='mq-file'>{esc(d)}</span></li>")
            for src, twin in rep.duplicates:
                items.append(f"<li>{esc(Path(src).name)}: такой файл уже в индексе ({esc(twin)})</li>")
            for d in rep.unchanged:
                items.append(f"<li>{esc(d)}: без изменений, уже в индексе</li>")
            errors = [*errors, *rep.failed]
        items += [_error_item(err) for err in errors]
        added = rep is not None and (rep.added or rep.updated)
        summary = "Готово." if job.state == "done" and added else \
            "Ничего не добавлено." if job.state == "done" else \
            "Отменено." if job.state == "cancelled" else "Не удалось."
        if rep is not None and rep.written:
            summary += (f" В индексе {docs_and_passages(rep.documents, rep.chunks)}; "
                        "поиск уже видит изменения.")
        return f'<div class="mq-status"><b>{esc(summary)}</b><ul>{"".join(items)}</ul></div>'

    def errors_html(self, errors: list[CorpusError]) -> str:
        items = "".join(_error_item(e) for e in errors)
        return f'<div class="mq-status"><b>Файлы не загружены.</b><ul>{items}</ul></div>'

    def upload(self, files, city, year, topic):
        """Generator: status, then status + refreshed documents and filters, and the job's
        id for «Отменить» (9 outputs). Files not indexed in the end (refused, failed,
        cancelled) are deleted from uploads/."""
        keep = (gr.skip(),) * 8
        if not files:
            yield ('<div class="mq-status bad">Выберите файлы для загрузки.</div>', *keep)
            return
        defaults = {"city": (city or "").strip(), "year": (year or "").strip(), "topic": (topic or "").strip()}
        try:
            docs.corrected(docs.Metadata(), {k: v for k, v in defaults.items() if v})
        except ValueError as exc:
            yield (f'<div class="mq-status bad">{esc(exc)}</div>', *keep)
            return
        saved, errors = [], []
        for f in files if isinstance(files, list) else [files]:
            path = getattr(f, "name", None) or str(f)
            try:
                saved.append(docs.store_upload(path, Path(path).name))
            except (CorpusError, OSError) as exc:
                errors.append(exc if isinstance(exc, CorpusError) else CorpusError(Path(path).name, str(exc)))
        if not saved:
            yield (self.errors_html(errors), *keep)
            return
        fields = {k: v for k, v in defaults.items() if v}
        for p in saved:
            if fields:
                docs.save_override(str(p), fields)
        job = self.writer.submit(f"Загрузка файлов: {len(saved)}",
                                 lambda: (docs.load_upload(p, defaults) for p in saved),
                                 readd=[str(p) for p in saved])
        for status in self._wait(job, "Индексация"):
            yield (status, *keep[:-1], job.id)
        indexed = {d.source for d in self.m.data.documents.values()} if self.ready() else set()
        docs.delete_uploads([str(p) for p in saved if str(p) not in indexed])
        yield (self.job_result(job, errors), *self.documents_outputs(), *self.filter_updates(),
               self.header(), None)

    def save_correction(self, doc_id, title, city, year, year_end, topic):
        """Generator: status, then status + refreshed documents and filters (8 outputs)."""
        keep = (gr.skip(),) * 7
        doc = self.m.data.documents.get(doc_id or "") if self.ready() else None
        if doc is None:
            yield ('<div class="mq-status bad">Выберите документ.</div>', *keep)
            return
        fields = {"title": title or "", "city": city or "", "year": year or "", "year_end": year_end or "",
                  "topic": topic or ""}
        try:
            fixed = docs.correct_document(doc, fields)
        except ValueError as exc:
            yield (f'<div class="mq-status bad">{esc(exc)}</div>', *keep)
            return
        if fixed.meta == doc.meta:
            yield ('<div class="mq-status">Метаданные не изменились.</div>', *keep)
            return
        docs.save_override(doc.source, {k: v.strip() for k, v in fields.items()})

        def latest():
            current = self.m.data.documents.get(doc.doc_id, doc)
            return [docs.correct_document(current, fields)]
        job = self.writer.submit(f"Исправление метаданных: {doc.doc_id}", latest)
        for status in self._wait(job, "Переиндексация"):
            yield (status, *keep)
        yield (self.job_result(job), *self.documents_outputs(), *self.filter_updates(), self.header())

