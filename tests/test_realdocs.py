"""Reading the 30 real Russian documents of ../shared/realdocs-dev, one test per difficulty.

The folder is read once per session (its scans are OCR'd once; the OCR cache lives in the
session's data dir), and a small index of a few of its files is built once to check what a
user sees: citations by page range, paragraph, OCR flag.
"""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from muniqa.corpus.document import Document
from muniqa.corpus.errors import CorpusError
from muniqa.corpus.loader import iter_documents
from muniqa.corpus.readers import ocr
from muniqa.corpus.readers.textlayer import word_share
from muniqa.eval.shared_data import shared_path
from muniqa.index.chunker import Chunker
from muniqa.qa import Muniqa

REAL = shared_path("realdocs-dev")
pytestmark = pytest.mark.skipif(REAL is None, reason="../shared/realdocs-dev is not on this machine "
                                                     "(set MUNIQA_SHARED to the shared folder)")
needs_ocr = pytest.mark.skipif(bool(ocr.unavailable_reason()), reason=f"no OCR here: {ocr.unavailable_reason()}")
SCANS = ["scan_gost_tu_multipage_table_frame.pdf", "scan_price_analysis_forum_table.pdf",
         "scan_price_analysis_npp_table.pdf", "scan_tz_deicing_fluids_1page.pdf",
         "scan_tz_innovation_fund_table.pdf"]
GARBLED = "pdf_garbled_textlayer_water_pipe_tz.pdf"


@pytest.fixture(scope="session")
def real(muniqa_home) -> dict[str, Document | CorpusError]:
    out: dict[str, Document | CorpusError] = {}
    for item in iter_documents(_files()):
        out[Path(item.path if isinstance(item, CorpusError) else item.source).name] = item
    return out


@pytest.fixture(scope="session")
def chunks(real) -> dict[str, list]:
    chunker = Chunker()
    return {name: chunker.chunk(doc) for name, doc in real.items() if isinstance(doc, Document)}


@pytest.fixture(scope="session")
def small_index(muniqa_home, real, tmp_path_factory) -> Muniqa:
    names = ["scan_tz_deicing_fluids_1page.pdf", "docx_spec_infosec_attestation_footnote.docx",
             "html_presidential_decree_1991_land_reform.html", "pdf_multipage_guide_law_line_labeling.pdf",
             "pdf_tables_gdp_six_tables.pdf"]
    m = Muniqa(tmp_path_factory.mktemp("real-index") / "index", progress=False)
    m.index([REAL / n for n in names])
    return m


def _files() -> list[Path]:
    """The 30 documents (not the folder's README, licence and source list)."""
    return sorted(p for p in REAL.iterdir() if p.name.split("_")[0] in ("pdf", "scan", "docx", "html", "txt"))


def _page_count(path: Path) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


@needs_ocr
def test_every_real_file_is_read_with_its_pages(real):
    errors = [str(e) for e in real.values() if isinstance(e, CorpusError)]
    assert not errors
    files = _files()
    assert len(real) == len(files) == 30
    for path in files:
        if path.suffix == ".pdf":
            doc = real[path.name]
            pages = set(doc.pages.values())
            assert pages <= set(range(1, _page_count(path) + 1))
            blank = {"pdf_table_rotated_header_cells.pdf": {2}}.get(path.name, set())
            assert pages == set(range(1, _page_count(path) + 1)) - blank, path.name


@needs_ocr
@pytest.mark.parametrize("name", SCANS)
def test_scans_are_read_by_ocr_on_every_page_and_marked(real, chunks, name):
    doc = real[name]
    assert doc.ocr_pages == list(range(1, _page_count(REAL / name) + 1))
    n, share = word_share(doc.text)
    assert n > 50 and share > 0.6             # Russian words, not noise
    assert all(c.ocr for c in chunks[name])


@needs_ocr
def test_scan_text_is_the_document_text(real):
    text = real["scan_tz_deicing_fluids_1page.pdf"].text
    assert "противообледенительных жидкостей" in text and "Техническое задание" in text


@needs_ocr
def test_garbled_text_layer_is_detected_and_read_by_ocr(real):
    doc = real[GARBLED]
    assert doc.ocr_pages == [1, 2, 3]
    assert "aZdhg" not in doc.text and "ljm^Z" not in doc.text
    assert "Подрядчик" in doc.text and "Федеральный закон" in doc.text


def test_no_passage_keeps_hyphen_debris(chunks):
    split_word = re.compile(r"\b[А-ЯЁа-яё]{2,}- (?!(?:и|или|либо|а)\b)[а-яё]{3,}")
    for name, cs in chunks.items():
        for c in cs:
            assert "\ufffe" not in c.text and "\u00ad" not in c.text, name
            assert not split_word.search(c.text), (name, split_word.search(c.text).group(0))


def test_pdf_tables_are_rows_with_cells_and_never_lose_their_header(real, chunks):
    doc = real["pdf_tables_gdp_six_tables.pdf"]
    assert "Государство | Место | ВВП (по ППС) за 2018 г." in doc.text
    assert "\n\nКитай | 1 | 25362\n\n" in doc.text
    assert "Сальдо бюджета | -3,7 | -3,2 | -2,2 | -1,2" in doc.text      # a two-line cell, whole
    for c in chunks["pdf_tables_gdp_six_tables.pdf"]:
        if "США | 2 | 20494" in c.text:
            assert "Государство | Место" in c.text or c.table_header.startswith("Государство")
    # the single-table file: one table, its heading rows are not sections
    assert not real["pdf_table_gdp_single.pdf"].headings


def test_no_table_cell_becomes_a_section(real):
    for name, doc in real.items():
        for offset, heading in doc.headings:
            end = doc.text.find("\n\n", offset)
            assert " | " not in doc.text[offset:end if end >= 0 else None], (name, heading)


def test_docx_automatic_numbering_is_rendered(real):
    gis = real["docx_spec_gis_infra_autonumbering.docx"]
    headings = [h for _, h in gis.headings]
    assert "1.1. Полное наименование системы" in headings and "2. Назначение и цель создания системы" in headings
    infosec = real["docx_spec_infosec_attestation_footnote.docx"].text
    assert "2.1. Для выполнения услуг" in infosec and "3.3.1. Поставку технических средств" in infosec


def test_docx_footnotes_are_notes_apart_from_the_text(real):
    doc = real["docx_spec_infosec_attestation_footnote.docx"]
    note = "1 Передача технических средств Исполнителю"
    at = doc.text.index(note)
    assert doc.text[at - 2:at] == "\n\n"                     # its own paragraph
    assert at > len(doc.text) * 0.8                          # after the body, not inside it


def test_docx_footnote_marks_stay_where_word_shows_them(real):
    text = real["docx_spec_rosstat_attestation_merged_cells_footnote.docx"].text
    assert "требованиями Приказа ФСТЭК России №17¹;" in text          # the mark, not «№17;»
    assert "\n1 Точное наименование проекта документа" in text          # and its note


def test_html_superscript_numbers_stay_raised(real):
    """КАС РФ numbers inserted articles with a raised digit: «Статья 16¹» is not «Статья 161»."""
    text = real["html_code_admin_procedure_superscripts.html"].text
    assert "Статья 16¹. Переход к рассмотрению дела" in text and "Статья 161. Переход" not in text
    assert "1¹) об оспаривании актов" in text


def test_an_inserted_article_is_found_by_its_usual_spelling():
    from muniqa.index.lemmas import lemmas
    assert lemmas("Статья 16¹. Переход") == lemmas("статья 16.1 переход")
    assert lemmas("Статья 16¹") != lemmas("Статья 161")


def test_rotated_header_cells_read_line_by_line_each_in_its_column(real):
    header = real["pdf_table_rotated_header_cells.pdf"].text.split("\n")[0].split(" | ")
    assert "Установка и эксплуатация каждой сферы" in header         # not «эксплуатациякаждой»
    assert any(h.startswith("По разделам о применимости оборудования") and h.endswith("производительности труда")
               for h in header)                                       # its last line not lent to the neighbour


def test_docx_merged_cells_are_filled(real):
    text = real["docx_table_merged_cells_kpi_appendix.docx"].text
    assert "Грейды, категория | Доля КПЭ, %" in text
    assert "Грейды, категория | командные | индивидуальные" in text      # vMerge filled
    assert "5-17 | 10 | 90" in text


def test_html_rowspan_cells_are_filled(real):
    text = real["html_order_minobrnauki_fgos_tables.html"].text
    group = "Самоорганизация и саморазвитие (в том числе здоровьесбережение) | "
    assert group + "УК-6." in text and group + "УК-7." in text


def test_html_that_is_plain_text_is_read_by_lines(real):
    doc = real["html_ext_plaintext_pd_rules_bashkortostan.html"]
    assert doc.unit == "line" and len({n for _, n in doc.line_map}) > 100


def test_article_headings_are_sections_not_glued_to_their_body(real):
    law = real["pdf_draft_law_personal_data_1page.pdf"]
    assert "Статья 1. Сфера действия настоящего Федерального закона" in [h for _, h in law.headings]
    for name in ["txt_gov_decree_146_with_rules_appendix.txt", "txt_fstec_order_21_personal_data_measures.txt"]:
        doc = real[name]
        for offset, heading in doc.headings:
            if heading.startswith("Статья"):
                assert len(heading) < 200
        assert len(doc.headings) >= 5


def test_citations_name_pages_paragraphs_and_ocr(small_index):
    passages = small_index.ask("противообледенительные жидкости техническое задание", k=20).passages
    scan = [p for p in passages if p.source.endswith("scan_tz_deicing_fluids_1page.pdf")]
    if not ocr.unavailable_reason():
        assert scan and all(p.ocr and "распознано OCR" in p.citation and "с. 1" in p.citation for p in scan)
    data = small_index.data
    docx = [c for c in data.chunks if c.doc_id == "docx_spec_infosec_attestation_footnote"]
    assert docx and data.documents[docx[0].doc_id].unit == "paragraph"
    answer = small_index.ask("аттестационные испытания объекта информатизации", k=10)
    cited = [p for p in answer.passages if p.doc == "docx_spec_infosec_attestation_footnote"]
    assert cited and all(("абзац" in p.citation) and "строк" not in p.citation for p in cited)
    assert all(p.to_dict()["paragraph_start"] for p in cited)
    decree = small_index.ask("земельная реформа указ", k=10).passages
    one_line = [p for p in decree if p.doc == "html_presidential_decree_1991_land_reform"]
    assert one_line and len({p.paragraph_start for p in one_line}) == len(one_line)   # not all «строки 1–1»


def test_a_passage_across_a_page_break_cites_the_page_range(small_index):
    data = small_index.data
    spanning = [c for c in data.chunks if c.page_end]
    assert spanning and all(c.page_end > c.page for c in spanning)
    c = spanning[0]
    doc = data.documents[c.doc_id]
    assert doc.page_at(c.start) == c.page and doc.page_at(c.end - 1) == c.page_end
    from muniqa.qa.citations import where_label
    assert where_label(c.page, c.page_end, c.line_start, c.line_end).startswith(f"с. {c.page}–{c.page_end}")


def test_without_tesseract_one_line_says_what_to_install_and_the_rest_is_indexed(monkeypatch, muniqa_home):
    monkeypatch.setenv("MUNIQA_NO_OCR", "1")
    items = list(iter_documents([REAL / "scan_tz_deicing_fluids_1page.pdf", REAL / "txt_constitutional_court_ruling.txt"]))
    errors = [str(i) for i in items if isinstance(i, CorpusError)]
    assert len(errors) == 1 and "\n" not in errors[0]
    assert "scan_tz_deicing_fluids_1page.pdf" in errors[0] and "tesseract-ocr-rus" in errors[0]
    assert sum(isinstance(i, Document) for i in items) == 1
