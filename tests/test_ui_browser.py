"""The app end to end in a real headless browser: Debian's chromium driven by Playwright,
against ``muniqa serve`` started here on a copy of the bundled index. Each step saves a
screenshot to test-artifacts/ui/. The tests run in file order and share one page."""
from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from .served_app import ARTIFACTS, CHROMIUM, browser_page, served_app

BELARUS = "Какие города сотрудничают с белорусскими партнерами?"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

# A report as an HTML extraction can leave it: entities that clean to real markup.
HOSTILE = """НОВОСИБИРСК

Отчет о велосипедной инфраструктуре &lt;script&gt;window.mqPwned=1&lt;/script&gt; за 2023 год

В 2023 году администрация города Новосибирска построила велодорожки вдоль набережной Оби.
&lt;script&gt;window.mqPwned=1;alert("xss")&lt;/script&gt; Протяжённость велодорожек составила 12 км.
&lt;img src=x onerror="window.mqPwned2=1"&gt; Велопарковки установлены у станций метро.
"""


@pytest.fixture(scope="module")
def served(bundled, tmp_path_factory):
    """``muniqa serve`` on its own data dir with a copy of the bundled index."""
    home = tmp_path_factory.mktemp("ui-home")
    with served_app(bundled.index_dir, home) as url:
        yield url, home


@pytest.fixture(scope="module")
def page(served):
    with browser_page() as pg:
        pg.dialogs = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        yield pg


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def ask(page, question: str) -> float:
    """Type a question, press Enter, wait for its results; returns the seconds it took."""
    box = page.locator("#mq-question textarea")
    box.fill(question)
    page.evaluate("document.querySelector('.mq-summary')?.removeAttribute('data-question')")
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function("(q) => document.querySelector('.mq-summary')?.dataset.question === q", arg=question)
    return time.perf_counter() - started


def card_cities(page) -> list[str]:
    return page.eval_on_selector_all(".mq-card:not(.mq-sub) .mq-where b", "els => els.map(e => e.innerText)")


def test_belarus_question_shows_tomsk_and_khabarovsk_with_citations(page, served):
    url, _ = served
    page.goto(url)
    page.click(f".mq-chip-btn:has-text('{BELARUS}')")           # an example question
    page.wait_for_selector(".mq-answer")
    assert page.input_value("#mq-question textarea") == BELARUS
    answer = page.inner_text(".mq-answer")
    assert "Томск" in answer and "Хабаровск" in answer
    assert "Минск" in answer and "Гомель" in answer and "Могилев" in answer
    cities = card_cities(page)
    assert "Томск" in cities and "Хабаровск" in cities
    cite = page.inner_text(".mq-card >> nth=0")
    assert "строки" in cite and ".txt" in cite and "раздел" in cite
    assert page.locator(".mq-card mark.best").count() >= 3
    assert page.locator(".mq-card b.term").count() >= 3
    assert "q=" in page.url                                      # the state is in the URL
    shot(page, "01-belarus-answer")
    last = page.locator(".mq-answer a.mq-ref").last             # [n] leads to its card, far down
    n = int(last.inner_text().strip("[]"))
    assert n >= 4
    last.click()
    page.wait_for_function("(n) => { const r = document.querySelector('#card-' + n).getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight; }", arg=n)


def test_a_second_search_replaces_the_first(page):
    ask(page, "Как развивается въездной туризм?")
    took = ask(page, BELARUS)
    print(f"warm search in the browser: {took:.2f} s")            # a figure, not a pass/fail bound
    assert "Хабаровск" in card_cities(page)


def test_filter_to_one_city(page):
    page.click("#mq-cities input")
    page.keyboard.type("Хабар")
    page.click("[role=option]:has-text('Хабаровск')")
    page.wait_for_function("() => document.querySelector('.mq-summary')?.innerText.includes('Хабаровск')")
    assert set(card_cities(page)) == {"Хабаровск"}
    assert "city=" in page.url
    shot(page, "02-filter-khabarovsk")


def test_url_opens_the_same_search(page, served):
    url, _ = served
    page.goto(f"{url}?q={quote(BELARUS)}&city={quote('Томск')}&k=5")
    page.wait_for_selector(".mq-card")
    assert page.input_value("#mq-question textarea") == BELARUS
    assert set(card_cities(page)) == {"Томск"} and len(card_cities(page)) == 5


def test_overlapping_passages_show_as_one_card_without_repeated_sentences(page, served, bundled):
    url, _ = served
    question = "Сотрудничает ли Томск с Монголией?"
    merged = next(p for p in bundled.ask(question).passages if len(p.chunks) > 1)
    page.goto(f"{url}?q={quote(question)}")
    page.wait_for_selector(".mq-card")
    texts = page.eval_on_selector_all(    # each card's whole text (the last .mq-text: snippet, then all)
        ".mq-card:not(.mq-sub)", "cs => cs.map(c => [...c.querySelectorAll('.mq-text')].pop().textContent)")
    sentences = [" ".join(s.split()) for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s) > 40]
    assert len(sentences) == len(set(sentences)), "a sentence shows twice"
    card = page.inner_text(f"#card-{merged.rank}")
    assert f"строки {merged.line_start}–{merged.line_end}" in card


def test_card_opens_in_its_document_scrolled_to_the_passage(page):
    page.goto(page.url.split("?")[0] + f"?q={quote(BELARUS)}")
    page.wait_for_selector("#card-1")
    first = page.inner_text("#card-1 .mq-title")
    page.click("#card-1 [data-action=open]")
    page.wait_for_selector("#mq-target")
    page.wait_for_function("() => { const t = document.querySelector('#mq-target').getBoundingClientRect();"
                           " return t.height > 0 && t.top >= 0 && t.top < window.innerHeight; }")
    assert page.inner_text(".mq-reader .mq-title") == first
    doc = page.inner_text(".mq-doc")
    assert len(doc) > len(page.inner_text("#mq-target"))        # the text around it is there
    assert page.locator("#mq-target mark.best").count() == 1
    shot(page, "03-reader")
    page.click("button:has-text('← К результатам')")
    page.wait_for_selector("#card-1", state="visible")


def test_precedents_come_from_other_cities(page):
    khab = page.locator(".mq-card:not(.mq-sub)", has=page.locator(".mq-where b", has_text="Хабаровск")).first
    khab.locator("[data-action=similar]").click()
    page.wait_for_selector(".mq-similar")
    found = page.eval_on_selector_all(".mq-similar .mq-where b", "els => els.map(e => e.innerText)")
    assert found and "Хабаровск" not in found
    page.locator(".mq-similar").first.scroll_into_view_if_needed()
    shot(page, "04-precedents")
    title = page.inner_text(".mq-similar .mq-card .mq-title >> nth=0")
    page.click(".mq-similar [data-action=open] >> nth=0")                  # a precedent opens too
    page.wait_for_function("(t) => document.querySelector('.mq-reader .mq-title')?.innerText === t", arg=title)
    page.click("button:has-text('← К результатам')")
    page.wait_for_selector(".mq-similar", state="visible")


def test_export_csv_and_markdown_with_citations(page, tmp_path):
    with page.expect_download() as dl:
        page.click("#mq-csv")
    csv_text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.startswith("rank;score;city") and "Томск" in csv_text and "строки" in csv_text
    with page.expect_download() as dl:
        page.click("#mq-md")
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert md.startswith("# Какие города") and "*Источник:*" in md and "похожая практика" in md


def test_upload_is_searchable_and_markup_in_it_stays_text(page, served, tmp_path):
    _, home = served
    report = tmp_path / "novosibirsk велодорожки 2023.txt"
    report.write_text(HOSTILE, encoding="utf-8")
    empty = tmp_path / "blank.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    page.click("button[role=tab]:has-text('Документы')")
    page.set_input_files("#mq-upload input[type=file]", [str(report), str(empty)])
    page.wait_for_function("() => document.querySelector('#mq-upload').innerText.includes('blank')")
    page.click("#mq-upload-btn")
    page.wait_for_selector("#mq-upload-status :text('Готово')", timeout=90_000)
    status = page.inner_text("#mq-upload-status")
    assert "blank.txt: файл пустой" in status
    shot(page, "05-upload")
    stored = list((home / "uploads").iterdir())
    assert [p.name for p in stored] == ["novosibirsk_велодорожки_2023.txt"]
    page.click("button[role=tab]:has-text('Поиск')")
    ask(page, "велодорожки вдоль набережной")
    card = page.inner_text("#card-1")
    assert "Новосибирск" in card and "<script>window.mqPwned=1" in card
    assert page.evaluate("document.querySelectorAll('#mq-results script, #mq-results img').length") == 0
    assert page.evaluate("[window.mqPwned, window.mqPwned2]") == [None, None] and page.dialogs == []
    shot(page, "06-markup-as-text")


def test_metadata_correction_reindexes_and_persists(page, served):
    _, home = served
    page.click("button[role=tab]:has-text('Документы')")
    row = page.locator(".mq-docs tr", has_text="uploads/novosibirsk")
    row.locator("[data-action=edit]").click()
    page.wait_for_function("() => document.querySelector('#mq-edit-doc input')?.value.includes('novosibirsk')")
    city = page.get_by_label("Город (несколько — через точку с запятой)")
    city.fill("Бердск")
    page.click("button:has-text('Сохранить исправление')")
    page.wait_for_selector("#mq-edit-status :text('Готово')", timeout=90_000)
    assert "Бердск" in page.inner_text(".mq-docs tr:has-text('uploads/novosibirsk')")
    assert "Бердск" in (home / "metadata-overrides.json").read_text(encoding="utf-8")
    shot(page, "07-correction")
    page.click("button[role=tab]:has-text('Поиск')")
    ask(page, "велодорожки вдоль набережной")
    assert card_cities(page)[0] == "Бердск"


def test_page_speaks_russian_to_an_english_browser_and_refuses_big_files_in_russian(page, served, tmp_path):
    """Gradio's own words (drop zone, API link, file sizes, the size-limit pop-up) stay out of
    a Russian page even when the browser is English."""
    url, _ = served
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(51 * 2**20)                           # over the 50 MB upload limit
    context = page.context.browser.new_context(viewport={"width": 1320, "height": 1000}, locale="en-US")
    try:
        pg = context.new_page()
        dialogs = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.goto(url)
        pg.click("button[role=tab]:has-text('Документы')")
        pg.wait_for_selector("#mq-upload")
        body = pg.inner_text("body")
        assert "Use via API" not in body and "Built with" not in body
        drop = pg.evaluate("getComputedStyle(document.querySelector('#mq-upload button .wrap'), '::after').content")
        assert "Перетащите файлы сюда" in drop
        assert pg.evaluate("parseFloat(getComputedStyle(document.querySelector('#mq-upload button .wrap')).fontSize)") == 0
        pg.set_input_files("#mq-upload input[type=file]", [str(big)])
        pg.wait_for_selector("#mq-upload-status :text('больше 50 МБ')")
        assert "big.txt" in pg.inner_text("#mq-upload-status")
        assert dialogs == [] and "exceed" not in pg.inner_text("body")
        shot(pg, "08-upload-limit-ru")
    finally:
        context.close()


def test_on_a_phone_the_results_come_before_the_filters(page, served):
    url, _ = served
    context = page.context.browser.new_context(viewport={"width": 400, "height": 800}, locale="ru-RU")
    try:
        pg = context.new_page()
        pg.goto(f"{url}?q={quote(BELARUS)}")
        pg.wait_for_selector(".mq-card")
        results_top = pg.evaluate("document.querySelector('#mq-results').getBoundingClientRect().top")
        filters_top = pg.evaluate("document.querySelector('#mq-cities').getBoundingClientRect().top")
        assert results_top < filters_top
        shot(pg, "09-phone")
    finally:
        context.close()
