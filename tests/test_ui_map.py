"""The map's HTML without a browser: offline outlines, the Pacific crossed the short way,
hostile names escaped, every partner in the table with its passages."""
from __future__ import annotations

import re

from muniqa.index.partners_model import Citation, Partnership
from muniqa.ui.map_svg import map_html, near_lon, outlines, project

EVIL = '<script>alert(1)</script>'


def row(partner: str, lat: float, lon: float, relation: str = "agreement", city: str = "Хабаровск") -> Partnership:
    return Partnership(city, partner, "США", relation, 2021, lat, lon,
                       citations=[Citation("doc", 3, f"Цитата о {partner}.", (5, 7), None, 10, 30)])


def test_outlines_ship_with_the_package_and_need_no_network():
    data = outlines()
    assert len(data["countries"]) > 150 and "Natural Earth" in data["source"]
    assert all(re.fullmatch(r"[MLZ0-9.,-]+", c["d"]) for c in data["countries"])


def test_partner_across_the_pacific_is_drawn_east_of_its_city():
    assert near_lon(-122.7, 135.1) == -122.7 + 360            # Портленд from Хабаровск
    assert near_lon(27.6, 135.1) == 27.6                      # Минск stays west
    html = map_html([row("Портленд", 45.5, -122.7)], {"Хабаровск": (48.5, 135.1)}, {"doc": "Отчёт"})
    x_city = project(48.5, 135.1)[0]
    dot = re.search(r'<circle class="mq-partner" cx="([\d.]+)"', html)
    assert dot and float(dot.group(1)) > x_city                # east, over the Pacific


def test_names_and_quotes_are_escaped_and_every_partner_is_listed():
    rows = [row(EVIL, 40.0, -100.0), row("Портленд", 45.5, -122.7, "sister_city"), row("Без координат", None, None)]
    html = map_html(rows, {"Хабаровск": (48.5, 135.1)}, {"doc": EVIL})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count('<tr data-action="partner"') == 3          # the table lists all three
    assert html.count('class="mq-partner"') == 2                  # only two can be placed
    assert html.count('class="mq-ppanel"') == 3 and "строки 5–7" in html
    assert "город-побратим" in html and "соглашение" in html       # the legend names relations used


def test_no_rows_says_so_in_russian():
    assert "Партнёрств не найдено" in map_html([], {}, {})
