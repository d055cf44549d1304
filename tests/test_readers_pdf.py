"""PDF layout: headings by font size, footnotes apart from a sentence that crosses a page break,
page ranges, hyphen debris. The real files (tests/test_realdocs.py) have no text-layer footnote
or two-line heading, so these PDFs are generated with the sizes a report uses."""
from __future__ import annotations

import ctypes
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from muniqa.corpus.clean import clean_lines
from muniqa.corpus.document import SourceLine
from muniqa.corpus.loader import load_document
from muniqa.index.chunker import Chunker, ChunkerSettings

from .fixtures.makers import _load_font, cyrillic_font

pytestmark = pytest.mark.skipif(cyrillic_font() is None, reason="no Cyrillic TrueType font installed")


def _styled_pdf(path, pages: list[list[tuple[str, float, float]]]):
    """Each page: (text, font size, y from the bottom) per line."""
    pdf = pdfium.PdfDocument.new()
    font, keep = _load_font(pdf, cyrillic_font())
    for lines in pages:
        page = pdf.new_page(595, 842)
        for text, size, y in lines:
            obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf, font, size)
            units = (text + "\0").encode("utf-16-le")
            assert pdfium_c.FPDFText_SetText(obj, (ctypes.c_ushort * (len(units) // 2)).from_buffer_copy(units))
            pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 50, y)
            pdfium_c.FPDFPage_InsertObject(page, obj)
        assert pdfium_c.FPDFPage_GenerateContent(page)
    pdf.save(str(path))
    pdf.close()
    del keep
    return path


BODY = ["В 2023 году администрация города Томска подписала соглашение о сотрудничестве",
        "с городом Гомелем и провела три совместных фестиваля для жителей обоих",
        "городов; программа обменов школьников охватила двести детей из каждого",
        "города, а делегации предпринимателей посетили выставки в Гомеле и"]
NEXT = ["Томске и заключили шесть контрактов на поставку оборудования.",
        "Работа с побратимами продолжится в следующем году по новому плану."]


@pytest.fixture()
def report(tmp_path):
    page1 = [("Международное сотрудничество", 16, 780), ("города Томска с побратимами", 16, 760)]
    page1 += [(t, 11, 720 - 16 * i) for i, t in enumerate(BODY)]
    page1 += [("1 Соглашение от 12 мая 2023 г. № 45, опубликовано на сайте мэрии.", 8, 60)]
    page2 = [(t, 11, 780 - 16 * i) for i, t in enumerate(NEXT)]
    return load_document(_styled_pdf(tmp_path / "r.pdf", [page1, page2]))


def test_a_two_line_heading_in_a_larger_font_is_one_section(report):
    assert [h for _, h in report.headings][0] == "Международное сотрудничество города Томска с побратимами"


def test_a_footnote_does_not_cut_the_sentence_that_runs_on_to_the_next_page(report):
    assert "посетили выставки в Гомеле и Томске и заключили шесть контрактов" in report.text
    note = report.text.index("1 Соглашение от 12 мая 2023 г.")
    assert note > report.text.index("по новому плану.")           # after the running text
    assert report.page_at(note) == 1                                # and still cited on its page


def test_a_passage_over_a_page_break_cites_both_pages(report):
    chunks = Chunker(ChunkerSettings(chunk_size=200, chunk_overlap=0)).chunk(report)
    crossing = next(c for c in chunks if "выставки в Гомеле и Томске" in c.text)
    assert (crossing.page, crossing.page_end) == (1, 2)


@pytest.mark.parametrize("lines, expected", [
    (["город Санкт\ufffe", "Петербург"], "город Санкт-Петербург"),
    (["подраз\ufffe", "деления города"], "подразделения города"),
    (["социально-", "экономического развития"], "социально-экономического развития"),
    (["бюджет -", "это план"], "бюджет - это план"),
    (["дефицит составил \u00ad1 250,5 тыс. руб."], "дефицит составил -1 250,5 тыс. руб."),
    (["меро\u00ad", "приятия"], "мероприятия"),
    (["страница https://admin.tomsk.ru/inter-", "national"], "страница https://admin.tomsk.ru/inter-national"),
    (["программа информационно- телекоммуникационной сети"], "программа информационно-телекоммуникационной сети"),
    (["радио- и телевещание"], "радио- и телевещание"),
    (["расходы составили 10 820", "639,09 рублей"], "расходы составили 10 820 639,09 рублей"),
])
def test_hyphen_debris_is_resolved(lines, expected):
    from muniqa.corpus.clean import join_lines
    assert join_lines(lines) == expected            # the same inside a table cell
    text = clean_lines([SourceLine(i + 1, t) for i, t in enumerate(lines)]).text
    assert text == expected
    assert "\ufffe" not in text and "\u00ad" not in text and not re.search(r"\w- [А-Я]", text)
