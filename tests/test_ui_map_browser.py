"""The «Карта партнёрств» and «Сравнение» tabs in real headless Chromium with every request
that does not go to the app's own server aborted: the map must draw from shipped data.
Screenshots go to test-artifacts/ui/ (two of them are committed under docs/)."""
from __future__ import annotations

from pathlib import Path

import pytest

from .served_app import ARTIFACTS, CHROMIUM, browser_page, served_app

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")


@pytest.fixture(scope="module")
def app_url(bundled, tmp_path_factory):
    with served_app(bundled.index_dir, tmp_path_factory.mktemp("map-home")) as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url):
    with browser_page(timeout_ms=60_000) as pg:
        pg.outside = []

        def only_local(route):
            url = route.request.url
            if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
                route.continue_()
            else:
                pg.outside.append(url)
                route.abort()
        pg.route("**/*", only_local)
        pg.goto(app_url)
        yield pg


def test_map_draws_offline_with_lines_by_relation(page):
    page.click("button[role=tab]:has-text('Карта партнёрств')")
    page.wait_for_selector("svg.mq-map .mq-partner")
    assert page.locator("svg.mq-map .mq-world path").count() > 150            # country outlines
    assert page.locator("svg.mq-map .mq-partner").count() >= 35
    relations = set(page.eval_on_selector_all(".mq-link", "els => els.map(e => e.dataset.relation)"))
    assert {"agreement", "sister_city", "event", "delegation"} <= relations
    assert len(set(page.eval_on_selector_all(".mq-link", "els => els.map(e => e.getAttribute('stroke'))"))) >= 5
    labels = " ".join(page.eval_on_selector_all("svg.mq-map .mq-labels text", "els => els.map(e => e.textContent)"))
    assert "Томск" in labels and "Хабаровск" in labels
    assert page.locator("svg.mq-map").bounding_box()["height"] > 300
    page.screenshot(path=str(ARTIFACTS / "map-01-all.png"))


def test_clicking_a_partner_shows_its_cited_passages(page):
    assert page.locator(".mq-ppanel:visible").count() == 0
    page.click(".mq-ptable tr:has(td b:text-is('Харбин'))")
    panel = page.locator(".mq-ppanel:visible")
    assert panel.count() == 1
    text = panel.inner_text()
    assert text.startswith("Харбин") and "Хабаровск" in text and "строки" in text
    assert "Харбином (КНР)" in text                     # the report's own words, quoted
    page.click("svg.mq-map circle.mq-partner[data-key] >> nth=0")   # a dot works too
    assert page.locator(".mq-ppanel:visible").count() == 1
    page.click(".mq-ptable tr:has(td b:text-is('Гомель'))")
    page.locator(".mq-ppanel:visible").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "map-02-passages.png"), full_page=True)


def test_filters_and_csv_export(page):
    all_rows = page.locator(".mq-ptable tbody tr").count()
    page.click("#mq-map-country input")
    page.click("[role=option]:has-text('Беларусь')")
    page.wait_for_function("(n) => document.querySelectorAll('.mq-ptable tbody tr').length < n", arg=all_rows)
    countries = page.eval_on_selector_all(".mq-ptable tbody tr td:nth-child(3)", "els => els.map(e => e.innerText)")
    assert set(countries) == {"Беларусь"}
    with page.expect_download() as dl:
        page.click("#mq-map-csv")
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("city;partner;country") and "Гомель" in text and "Харбин" not in text


def test_compare_table_with_no_data_cells_and_exports(page):
    page.click("button[role=tab]:has-text('Сравнение')")
    page.fill("#mq-cmp-question textarea", "Как города продвигают въездной туризм?")
    page.click("#mq-cmp-go")
    page.wait_for_selector(".mq-cmp")
    heads = page.eval_on_selector_all(".mq-cmp thead th", "els => els.map(e => e.innerText)")
    assert heads[0] == "Город" and "2021" in heads and "2024" in heads
    rows = page.eval_on_selector_all(".mq-cmp tbody tr > th", "els => els.map(e => e.innerText)")
    assert "Томск" in rows and "Хабаровск" in rows
    assert page.locator(".mq-cmp td.none").count() >= 1
    assert "строки" in page.inner_text(".mq-cmp .mq-cite >> nth=0")
    page.screenshot(path=str(ARTIFACTS / "compare-01.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("#mq-cmp-md")
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert md.startswith("# Как города") and "| Хабаровск |" in md and "нет данных" in md


def test_no_request_left_the_machine(page):
    assert page.outside == []
