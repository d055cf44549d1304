"""Bordered tables in scanned PDFs come out as tables (rows of cells, header kept with them).

One scan with a table and one without are indexed once per session; the OCR cache lives in
the session's data dir, so test_realdocs.py reading the same scans costs nothing more.
"""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from muniqa.corpus.readers import ocr, pdf
from muniqa.eval.shared_data import shared_path
from muniqa.qa import Muniqa

REAL = shared_path("realdocs-dev")
TABLE_SCAN = "scan_tz_innovation_fund_table.pdf"
PLAIN_SCAN = "scan_tz_deicing_fluids_1page.pdf"

pytestmark = [
    pytest.mark.skipif(REAL is None or not REAL.is_dir(), reason="shared/realdocs-dev not found"),
    pytest.mark.skipif(bool(ocr.unavailable_reason()), reason="Tesseract with Russian is not installed"),
]
pytest.importorskip("img2table")


@pytest.fixture(scope="session")
def scan_index(muniqa_home, tmp_path_factory) -> Muniqa:
    m = Muniqa(tmp_path_factory.mktemp("scan-index") / "index", progress=False)
    m.index([REAL / TABLE_SCAN, REAL / PLAIN_SCAN])
    return m


def test_a_scanned_table_cell_is_found_in_its_row_with_the_header(scan_index):
    answer = scan_index.ask("телефон Руслана Беляева из ООО ИТС-Сибирь", k=5)
    rows = [p for p in answer.passages if p.source.endswith(TABLE_SCAN) and "89048906357" in p.text]
    assert rows, [p.text for p in answer.passages]
    passage = rows[0]
    assert "2 | ООО \"ИТС-Сибирь\" | Северное шоссе, 16а | Руслан Беляев 89048906357" in passage.text
    assert "Компания | Адрес | Контакты" in passage.text + " " + passage.table_header
    assert passage.ocr and "с. 1" in passage.citation


def test_the_scanned_table_keeps_every_row_and_the_prose_around_it(scan_index):
    chunks = [c for c in scan_index.data.chunks if c.doc_id == "scan_tz_innovation_fund_table"]
    joined = "\n".join(c.text for c in chunks)
    for row in ("Айтехникс", "ИТС-Сибирь", "Про-ток", "МСУ", "Дисконтный клуб", "Скай-технолоджи"):
        assert sum(row in line and line.count(" | ") == 3 for line in joined.split("\n")) >= 1, row
    assert "Срок проведения мероприятия" in joined           # prose above the table is still read
    assert joined.index("Срок проведения мероприятия") < joined.index("Айтехникс")


def test_a_scan_without_a_table_is_read_as_one_page_of_ocr_as_before(muniqa_home):
    path = REAL / PLAIN_SCAN
    lines = pdf.read(str(path), path.read_bytes())
    document = pdfium.PdfDocument(str(path))
    try:
        image = document[0].render(scale=ocr.DPI / 72, grayscale=True).to_pil()
    finally:
        document.close()
    whole_page = [t for t in ocr.ocr_image(image) if t.strip()]
    assert [line.text for line in lines] == whole_page
    assert not any("\t" in line.text for line in lines)
