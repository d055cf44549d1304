"""The «Карта партнёрств» tab: filters, the map with its table and passages, CSV export.

``map_tab(m)`` adds the tab's widgets to the Blocks being built and wires them; the rows
come from ``qa.partners`` (what the index extracted), the drawing from ``map_svg``.
"""
from __future__ import annotations

import time
import uuid

import gradio as gr

from muniqa.index.partners_geo import resolve
from muniqa.index.partners_model import RELATION_LABELS, RELATIONS
from muniqa.qa.partners import PartnerFilter, partnerships, to_csv

from .handlers import exports_dir
from .map_svg import MAP_JS, map_html

ALL = ("все", "")


def city_points(cities: list[str]) -> dict[str, tuple[float, float] | None]:
    """Where each reporting city is (its first named place when it lists several)."""
    out: dict[str, tuple[float, float] | None] = {}
    for city in cities:
        place = None
        for name in city.split(","):
            place = resolve(name.strip())
            if place is not None and place.lat is not None:
                break
        out[city] = (place.lat, place.lon) if place is not None and place.lat is not None else None
    return out


class MapView:
    def __init__(self, m):
        self.m = m

    def choices(self) -> tuple[list, list, list]:
        rows = partnerships(self.m.data) if self.m.exists() else []
        countries = sorted({r.country for r in rows})
        years = sorted({r.year for r in rows if r.year})
        return ([ALL] + [(c, c) for c in countries],
                [ALL] + [(RELATION_LABELS[r], r) for r in RELATIONS if any(x.relation == r for x in rows)],
                [ALL] + [(str(y), str(y)) for y in years])

    def render(self, country: str, relation: str, year: str) -> tuple:
        """(map html, csv download) for the filters."""
        if not self.m.exists():
            return '<div class="mq-map-empty">Индекс ещё строится…</div>', gr.update(value=None, interactive=False)
        data = self.m.data
        rows = partnerships(data, PartnerFilter(country=country or None, relation=relation or None,
                                                year=int(year) if year else None))
        titles = {d.doc_id: d.meta.title or d.doc_id for d in data.documents.values()}
        page = map_html(rows, city_points(sorted({r.city for r in rows})), titles)
        if not rows:
            return page, gr.update(value=None, interactive=False)
        folder = exports_dir() / f"partners-{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"partnerships-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        path.write_text(to_csv(rows), encoding="utf-8-sig")
        return page, gr.update(value=str(path), interactive=True)

    def refresh(self, country: str, relation: str, year: str) -> tuple:
        countries, relations, years = self.choices()
        page, csv = self.render(country, relation, year)
        return (gr.update(choices=countries), gr.update(choices=relations), gr.update(choices=years), page, csv)


def map_tab(m) -> gr.Tab:
    """Build the tab inside the current ``gr.Tabs``; returns it."""
    view = MapView(m)
    with gr.Tab("Карта партнёрств", id="map") as tab:
        gr.Markdown("Зарубежные партнёры городов по отчётам: линии окрашены по типу связи. "
                    "Нажмите на партнёра на карте или в таблице — появятся цитаты из отчётов.")
        with gr.Row():
            country = gr.Dropdown(label="Страна", choices=[ALL], value="", elem_id="mq-map-country")
            relation = gr.Dropdown(label="Тип связи", choices=[ALL], value="", elem_id="mq-map-relation")
            year = gr.Dropdown(label="Год", choices=[ALL], value="", elem_id="mq-map-year")
            csv = gr.DownloadButton("Скачать CSV", size="sm", interactive=False, elem_id="mq-map-csv")
        page = gr.HTML("", js_on_load=MAP_JS, elem_id="mq-map", padding=False)
    inputs = [country, relation, year]
    tab.select(view.refresh, inputs, [country, relation, year, page, csv], concurrency_limit=None)
    for f in inputs:
        f.input(view.render, inputs, [page, csv], concurrency_limit=None)
    return tab
