"""The partnership map as one piece of HTML: an SVG world map, a table, and the cited passages.

Drawn on the server from shipped country outlines (``world_110m.json``, Natural Earth
1:110m, public domain) in an equirectangular projection, so the page needs no tile
server, CDN or map library: it renders offline and in tests with the network blocked.
The view is cropped to the places shown. Clicking a partner (dot, label or table row)
shows its cited passages; that is plain JavaScript over elements already in the page.
"""
from __future__ import annotations

import html
import json
import math
from functools import lru_cache
from pathlib import Path

from muniqa.index.partners_model import RELATION_LABELS, RELATIONS, Partnership
from muniqa.qa.citations import where_label

from .render import plural

COLORS = {"sister_city": "#c0392b", "agreement": "#1f6fb2", "draft_agreement": "#7fb3e0", "event": "#e67e22",
          "delegation": "#8e44ad", "exchange": "#16a085", "business": "#7f6a00", "other": "#7f8c8d"}
SCALE = 2.0
esc = html.escape


@lru_cache(maxsize=1)
def outlines() -> dict:
    return json.loads((Path(__file__).with_name("world_110m.json")).read_text(encoding="utf-8"))


def project(lat: float, lon: float) -> tuple[float, float]:
    return (lon + 180) * SCALE, (90 - lat) * SCALE


def near_lon(lon: float, home: float) -> float:
    """``lon`` moved by a whole turn to lie within 180° of ``home``: Хабаровск–Портленд
    crosses the Pacific, not Eurasia (the map draws the world three times side by side)."""
    while lon - home > 180:
        lon -= 360
    while lon - home < -180:
        lon += 360
    return lon


def _view(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """A 2.4:1 box around ``points`` with a margin (the whole world if there are none)."""
    if not points:
        return 0, 10, 720, 300
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs) - 30, max(xs) + 60, min(ys) - 20, max(ys) + 20
    w, h = max(x1 - x0, 120.0), max(y1 - y0, 60.0)
    w, h = max(w, 2.4 * h), max(h, w / 2.4)
    cx, cy = (x0 + x1) / 2, (min(ys) + max(ys)) / 2
    y0 = min(max(cy - h / 2, 0.0), 360 - min(h, 360))
    return round(cx - w / 2, 1), round(y0, 1), round(w, 1), round(min(h, 360), 1)


class _Labels:
    """Greedy placement: a label that would cover one already placed is left out (the dot
    keeps its tooltip, the table lists every partner)."""

    def __init__(self):
        self.boxes: list[tuple[float, float, float, float]] = []

    def fits(self, x: float, y: float, text: str, size: float) -> bool:
        box = (x, y - size, x + 0.58 * size * len(text), y + 0.2 * size)
        if any(not (box[2] < b[0] or b[2] < box[0] or box[3] < b[1] or b[3] < box[1]) for b in self.boxes):
            return False
        self.boxes.append(box)
        return True


def _curve(a: tuple[float, float], b: tuple[float, float], bend: float) -> str:
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    cx, cy = mx - dy / length * length * bend, my + dx / length * length * bend
    return f"M{a[0]:.1f},{a[1]:.1f} Q{cx:.1f},{cy:.1f} {b[0]:.1f},{b[1]:.1f}"


def _legend(used: list[str]) -> str:
    items = "".join(f'<span class="mq-leg"><i style="background:{COLORS[r]}"></i>{esc(RELATION_LABELS[r])}</span>'
                    for r in RELATIONS if r in used)
    return f'<div class="mq-legend">{items}</div>'


def _passages(key: int, partner: str, rows: list[Partnership], titles: dict[str, str]) -> str:
    cards = []
    seen = set()
    for r in rows:
        for c in r.citations:
            if (c.doc_id, c.start) in seen:
                continue
            seen.add((c.doc_id, c.start))
            where = where_label(min(c.pages or [], default=None), max(c.pages or [], default=None),
                                *(c.lines or (0, 0)))
            cards.append(f'<div class="mq-pcard"><div class="mq-pwhere"><b>{esc(r.city)}</b> · '
                         f'{esc(RELATION_LABELS[r.relation])} · {esc(str(r.year or "год не указан"))} · '
                         f'{esc(titles.get(c.doc_id, c.doc_id))}, {esc(where)}</div>'
                         f'<blockquote>{esc(" ".join(c.quote.split()))}</blockquote></div>')
    return (f'<div class="mq-ppanel" data-partner="{key}" hidden><h4>{esc(partner)}: '
            f'{plural(len(cards), "цитата", "цитаты", "цитат")}</h4>{"".join(cards)}</div>')


def map_html(rows: list[Partnership], city_points: dict[str, tuple[float, float] | None],
             titles: dict[str, str]) -> str:
    """Map, legend, table and hidden passage panels for ``rows`` (already filtered)."""
    if not rows:
        return ('<div class="mq-map-empty">Партнёрств не найдено: измените фильтры или добавьте отчёты '
                'о международной деятельности.</div>')
    partners: dict[tuple[str, str], list[Partnership]] = {}
    for r in rows:
        partners.setdefault((r.partner, r.country), []).append(r)
    keys = {p: i for i, p in enumerate(partners)}
    homes = [xy[1] for xy in city_points.values() if xy]
    home = sum(homes) / len(homes) if homes else 0.0
    where = {}                                     # partner -> (lat, lon nearest its first city)
    for r in rows:
        if r.lat is not None and (r.partner, r.country) not in where:
            base = (city_points.get(r.city) or (0.0, home))[1]
            where[(r.partner, r.country)] = (r.lat, near_lon(r.lon, base))
    points = [project(*xy) for xy in city_points.values() if xy]
    points += [project(*xy) for xy in where.values()]
    x0, y0, w, h = _view(points)
    unit = w / 720                       # keep dots and text the same size at any zoom
    world = "".join(f'<path d="{c["d"]}"><title>{esc(c["name"])}</title></path>' for c in outlines()["countries"])
    world = (f'<g id="mq-world">{world}</g><use href="#mq-world" x="-720"/><use href="#mq-world" x="720"/>')
    lines, dots, labels = [], [], []
    drawn: dict[tuple[str, str], int] = {}
    for r in rows:
        a = city_points.get(r.city)
        if not a or r.lat is None:
            continue
        n = drawn[(r.city, r.partner)] = drawn.get((r.city, r.partner), -1) + 1
        path = _curve(project(*a), project(*where[(r.partner, r.country)]), 0.12 + 0.07 * n)
        lines.append(f'<path class="mq-link" d="{path}" stroke="{COLORS[r.relation]}" '
                     f'data-relation="{r.relation}" stroke-width="{1.6 * unit:.2f}"><title>{esc(r.city)} — '
                     f'{esc(r.partner)}: {esc(RELATION_LABELS[r.relation])}</title></path>')
    placed = _Labels()
    for city, xy in city_points.items():
        if xy:
            x, y = project(*xy)
            placed.fits(x + 6 * unit, y - 5 * unit, city, 11 * unit)
    for (partner, country), group in partners.items():
        if (partner, country) not in where:
            continue
        x, y = project(*where[(partner, country)])
        k = keys[(partner, country)]
        dots.append(f'<circle class="mq-partner" cx="{x:.1f}" cy="{y:.1f}" r="{3.2 * unit:.2f}" '
                    f'fill="{COLORS[group[0].relation]}" data-action="partner" data-key="{k}">'
                    f'<title>{esc(partner)} ({esc(country)})</title></circle>')
        if placed.fits(x + 4.5 * unit, y + 3 * unit, partner, 9 * unit):
            labels.append(f'<text x="{x + 4.5 * unit:.1f}" y="{y + 3 * unit:.1f}" font-size="{9 * unit:.2f}" '
                          f'data-action="partner" data-key="{k}">{esc(partner)}</text>')
    for city, xy in city_points.items():
        if not xy:
            continue
        x, y = project(*xy)
        dots.append(f'<rect class="mq-home" x="{x - 4 * unit:.1f}" y="{y - 4 * unit:.1f}" width="{8 * unit:.2f}" '
                    f'height="{8 * unit:.2f}"><title>{esc(city)}</title></rect>')
        labels.append(f'<text class="mq-home-label" x="{x + 6 * unit:.1f}" y="{y - 5 * unit:.1f}" '
                      f'font-size="{11 * unit:.2f}">{esc(city)}</text>')
    svg = (f'<svg class="mq-map" viewBox="{x0} {y0} {w} {h}" preserveAspectRatio="xMidYMid meet" '
           f'role="img" aria-label="Карта партнёрств"><g class="mq-world" stroke-width="{0.5 * unit:.2f}">{world}</g>'
           f'<g class="mq-links">{"".join(lines)}</g><g>{"".join(dots)}</g>'
           f'<g class="mq-labels">{"".join(labels)}</g></svg>')
    table_rows = []
    for (partner, country), group in partners.items():
        k = keys[(partner, country)]
        rels = ", ".join(dict.fromkeys(RELATION_LABELS[r.relation] for r in group))
        years = ", ".join(str(y) for y in sorted({r.year for r in group if r.year}))
        cities = ", ".join(dict.fromkeys(r.city for r in group))
        n = len({(c.doc_id, c.start) for r in group for c in r.citations})
        table_rows.append(f'<tr data-action="partner" data-key="{k}"><td>{esc(cities)}</td><td><b>{esc(partner)}</b></td>'
                          f'<td>{esc(country)}</td><td>{esc(rels)}</td><td>{esc(years)}</td>'
                          f'<td><a href="#" data-action="partner" data-key="{k}">{n}</a></td></tr>')
    table = ('<table class="mq-ptable"><thead><tr><th>Город</th><th>Партнёр</th><th>Страна</th><th>Связь</th>'
             f'<th>Годы</th><th>Цитаты</th></tr></thead><tbody>{"".join(table_rows)}</tbody></table>')
    panels = "".join(_passages(keys[p], p[0], g, titles) for p, g in partners.items())
    summary = (f'<div class="mq-map-summary">{len(partners)} партнёров · '
               f'{len({r.city for r in rows})} {"город" if len({r.city for r in rows}) == 1 else "города"} · '
               'нажмите на партнёра, чтобы увидеть цитаты</div>')
    return (f'<div class="mq-mapbox">{summary}{svg}{_legend([r.relation for r in rows])}'
            f'<div class="mq-passages">{panels}</div>{table}</div>')


MAP_CSS = """
.mq-map { width: 100%; height: auto; max-height: 620px; background: #f4f8fb; border: 1px solid #d0d7de; border-radius: 6px; }
.mq-world { fill: #e3e8ec; stroke: #aab4bd; }
.mq-link { fill: none; opacity: .85; }
.mq-partner { stroke: #fff; stroke-width: .4; cursor: pointer; }
.mq-partner.sel { stroke: #000; stroke-width: 1; }
.mq-home { fill: #111; }
.mq-labels text { fill: #222; cursor: pointer; paint-order: stroke; stroke: #f4f8fb; stroke-width: .8px; }
.mq-home-label { font-weight: 700; }
.mq-legend { display: flex; flex-wrap: wrap; gap: 12px; margin: 6px 0; font-size: 13px; }
.mq-leg i { display: inline-block; width: 18px; height: 4px; margin-right: 5px; vertical-align: middle; }
.mq-ptable { width: 100%; border-collapse: collapse; font-size: 14px; margin-top: 8px; }
.mq-ptable th, .mq-ptable td { border-bottom: 1px solid #e1e4e8; padding: 4px 8px; text-align: left; }
.mq-ptable tr[data-action] { cursor: pointer; }
.mq-ptable tr.sel { background: #fff6d5; }
.mq-ppanel { border-left: 4px solid #1f6fb2; padding: 4px 12px; margin: 8px 0; background: #fafbfc; }
.mq-ppanel blockquote { margin: 2px 0 0 0; }
.mq-pcard { margin: 10px 0 12px 0; }
.mq-pwhere { font-size: 13px; color: #555; }
.mq-map-summary { font-size: 14px; color: #444; margin-bottom: 4px; }
"""

MAP_JS = """
element.addEventListener('click', (ev) => {
  const a = ev.target.closest('[data-action=partner]');
  if (!a || !element.contains(a)) return;
  ev.preventDefault();
  const key = a.dataset.key;
  element.querySelectorAll('.mq-ppanel').forEach(p => { p.hidden = p.dataset.partner !== key; });
  element.querySelectorAll('.sel').forEach(e => e.classList.remove('sel'));
  element.querySelectorAll(`[data-key="${key}"]`).forEach(e => e.classList.add('sel'));
  const panel = element.querySelector(`.mq-ppanel[data-partner="${key}"]`);
  if (panel) panel.scrollIntoView({block: 'nearest'});
});
"""
