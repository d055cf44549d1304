"""What the page's events do, as plain methods over one ``Muniqa`` and its ``Writer``.

Gradio specifics stay thin here: each method takes widget values and returns values or
``gr.update``s for the outputs ``app.py`` wires it to.
"""
from __future__ import annotations

import dataclasses
import shutil
import time
import uuid
from pathlib import Path

import gradio as gr

from muniqa.index.datadir import data_dir
from muniqa.index.errors import os_reason
from muniqa.qa.retrieve import query_lemmas

from .doc_handlers import DocumentsMixin
from .export import write_exports
from .jobs import Writer
from .render import docs_and_passages, esc, reader_html, reader_placeholder, results_html
from .search import View, facets, lookup, precedents, run
from .state import SearchState, from_query, from_widgets, to_query

ANY = ("любой", "")


def exports_dir() -> Path:
    return data_dir() / "exports"


class Handlers(DocumentsMixin):
    def __init__(self, m, writer: Writer):
        self.m, self.writer = m, writer

    # --- state of the index -------------------------------------------------------------
    def ready(self) -> bool:
        return self.m.exists()

    def banner(self) -> str:
        job = self.writer.current()
        if job is not None:
            pct = int(100 * job.fraction)
            return (f'<div class="mq-banner"><b>{esc(job.label)}</b>: {esc(job.stage)}'
                    f'{f" — {job.done} из {job.total}" if job.total else ""}'
                    f'<div class="mq-bar"><span style="width:{pct}%"></span></div></div>')
        if not self.ready():
            return '<div class="mq-banner mq-error">Индекс не построен. Запустите: muniqa index</div>'
        return ""

    def header(self, with_counts: bool = True) -> str:
        """The title, the index's size (``with_counts``: loads the index) and a job's progress."""
        info = ""
        if with_counts and self.ready():
            data = self.m.data
            info = f" · в индексе {docs_and_passages(len(data.documents), len(data.chunks))}"
        return (f'<div id="mq-header"><h1>muniqa — поиск по муниципальным отчётам</h1>'
                f'<div class="mq-sub">Ответы — дословные фрагменты отчётов со ссылкой на документ, раздел '
                f'и строки{info}</div>{self.banner()}</div>')

    def filter_updates(self, counts: dict[str, int] | None = None) -> list:
        """Choices of the city, year and topic filters from what the index holds."""
        if not self.ready():
            return [gr.update()] * 4
        cities, years, topics = facets(self.m.data)
        counts = counts or {}
        city_choices = [(f"{c} · {counts[c]}" if c in counts else c, c) for c in cities]
        year_choices = [ANY] + [(str(y), str(y)) for y in years]
        return [gr.update(choices=city_choices), gr.update(choices=year_choices),
                gr.update(choices=year_choices), gr.update(choices=[("все темы", "")] + [(t, t) for t in topics])]

    # --- search -----------------------------------------------------------------------
    def _exports(self, view: View) -> tuple:
        """The export buttons: usable when there are results. Nothing is written here: a
        search must not fill the disk (nor fail on a full one); files are made on a click."""
        ready = bool(view.passages)
        return gr.update(interactive=ready), gr.update(interactive=ready)

    def export(self, view: View | None, fmt: str) -> str | None:
        """Write the results of ``view`` as CSV or Markdown, on request; returns the file.
        Old exports (over an hour) are deleted first; a full disk is a message, not a crash."""
        if view is None or not view.passages:
            gr.Warning("Сначала выполните поиск: экспортировать пока нечего.", title="Внимание")
            return None
        root = exports_dir()
        for old in root.glob("*") if root.exists() else []:
            if time.time() - old.stat().st_mtime > 3600:
                shutil.rmtree(old, ignore_errors=True)
        similar = {r: s for r, s in view.similar.items() if isinstance(s, list)}
        try:
            csv_path, md_path = write_exports(root / uuid.uuid4().hex, view.state.question, view.passages,
                                              view.state.describe(), similar, only=fmt)
        except OSError as exc:
            gr.Warning(f"Экспорт не записан: {os_reason(exc)}.", title="Внимание")
            return None
        return str(csv_path if fmt == "csv" else md_path)

    def render(self, view: View) -> str:
        st = view.state
        return results_html(st.question, view.passages, view.similar, view.counts, view.seconds, st.describe())

    def search_state(self, st: SearchState) -> tuple:
        """results, view, city choices, csv, md, url query."""
        if not st.question:
            view = View(state=st)
        elif not self.ready():
            msg = '<div class="mq-empty">Индекс ещё строится — поиск заработает через минуту.</div>'
            return msg, None, gr.update(), *[gr.update(value=None, interactive=False)] * 2, to_query(st)
        else:
            view = run(self.m, st)
        city_update = self.filter_updates(view.counts)[0]
        return (self.render(view), view, city_update, *self._exports(view), to_query(st))

    def search(self, question, cities, year_from, year_to, topic, k) -> tuple:
        return self.search_state(from_widgets(question, cities, year_from, year_to, topic, k))

    def example(self, question, cities, year_from, year_to, topic, k, evt: gr.EventData) -> tuple:
        """A click on an example question: put it in the box and search."""
        data = getattr(evt, "_data", None) or {}
        if data.get("action") != "example":
            return (gr.skip(),) * 7
        q = str(data.get("key", ""))
        return (q, *self.search(q, cities, year_from, year_to, topic, k))

    def on_load(self, request: gr.Request) -> tuple:
        """Restore the question and filters from the URL and show their results."""
        st = from_query(getattr(request, "query_params", None) if request else None)
        filt = self.filter_updates()
        out = self.search_state(st)
        city = out[2] if isinstance(out[2], dict) else filt[0]
        if isinstance(city, dict):
            city = {**city, "value": st.cities}
        return (st.question, city,
                {**filt[1], "value": str(st.year_from or "")}, {**filt[2], "value": str(st.year_to or "")},
                {**filt[3], "value": st.topic}, st.k, out[0], out[1], out[3], out[4],
                self.header(), gr.Timer(active=self.writer.busy), *self.documents_outputs())

    # --- card actions -----------------------------------------------------------------
    def open_passage(self, view: View | None, key: str) -> str:
        p = lookup(view, key)
        if p is None:
            return reader_placeholder()
        data = self.m.data
        doc = data.documents.get(p.doc)
        if doc is None:
            return '<div class="mq-empty">Этого документа больше нет в индексе.</div>'
        note = "" if doc.text[p.start:p.end] == p.text else \
            "Документ изменился после поиска: выделение может не совпадать с карточкой."
        ql = set(query_lemmas(view.state.question)) if view and view.state.question else set()
        return reader_html(doc, p.start, p.end, ql, p.highlight_span, note)

    def on_results_click(self, view: View | None, evt: gr.EventData) -> tuple:
        """results, view, reader, tabs, csv, md, cities, url query."""
        data = getattr(evt, "_data", None) or {}
        action, key = data.get("action"), str(data.get("key", ""))
        if action == "open":
            return gr.skip(), gr.skip(), self.open_passage(view, key), gr.Tabs(selected="reader"), \
                *(gr.skip(),) * 4
        if action == "city" and view is not None:          # a match-count chip: only that city
            st = dataclasses.replace(view.state, cities=[key])
            results, new, cities, csv, md, query = self.search_state(st)
            cities = {**cities, "value": [key]} if isinstance(cities, dict) else cities
            return results, new, gr.skip(), gr.skip(), csv, md, cities, query
        if action == "similar" and view is not None and key.isdigit():
            rank = int(key)
            if rank in view.similar:
                del view.similar[rank]             # a second click folds them away
            else:
                p = lookup(view, key)
                if p is not None:
                    view.similar[rank] = precedents(self.m, p)
            return (self.render(view), view, gr.skip(), gr.skip(), *self._exports(view), gr.skip(), gr.skip())
        return (gr.skip(),) * 8

    def tick(self, question, cities, year_from, year_to, topic, k) -> tuple:
        """While the first build runs: header with progress; when done, everything refreshed
        and the question asked meanwhile answered. 13 outputs (see app.py)."""
        if self.writer.busy:
            return (self.header(), *(gr.skip(),) * 12)
        filt = self.filter_updates()
        results, view, city, csv, md, query = self.search(question, cities, year_from, year_to, topic, k)
        return (self.header(), gr.Timer(active=False), *self.documents_outputs(), *filt[1:],
                results, view, city, csv, md, query)
