"""What is embedded and BM25-indexed with a passage of a real document (index/chunk.py), and
that the passage shown stays verbatim; an index written under the old passage text.

Real files of ../shared/realdocs-dev (HTML and TXT: read in seconds, no OCR).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from muniqa.corpus.loader import bundled_reports_dir, iter_documents, load_document
from muniqa.eval.shared_data import shared_path
from muniqa.index.chunk import PASSAGE_TEXT_VERSION, ChunkerSettings, lexical_text, passage_text
from muniqa.index.chunker import Chunker
from muniqa.index.store import read_manifest
from muniqa.index.versions import read_current
from muniqa.qa import Muniqa

REAL = shared_path("realdocs-dev")
pytestmark = pytest.mark.skipif(REAL is None, reason="../shared/realdocs-dev is not on this machine "
                                                     "(set MUNIQA_SHARED to the shared folder)")
FGOS = "html_order_minobrnauki_fgos_tables.html"          # an education standard with tables
MINSPORT = "txt_order_minsport_personal_data.txt"         # one of five personal-data orders


@pytest.fixture(scope="module")
def cut(muniqa_home):
    out = {}
    for name in (FGOS, MINSPORT):
        doc = load_document(REAL / name)
        out[name] = (doc, Chunker().chunk(doc))
    return out


def _holding(chunks, words: str):
    return next(c for c in chunks if words in c.text)


def test_table_row_is_embedded_with_its_header_title_and_section_and_shown_verbatim(cut):
    doc, chunks = cut[FGOS]
    c = _holding(chunks, "Блок 2 | Практика | не менее 24")
    assert c.text == doc.text[c.start:c.end]                      # what a user sees: the source
    embedded, lexical = passage_text(c, doc), lexical_text(c, doc)
    assert embedded.endswith(c.text) and embedded.endswith(lexical)
    assert "Структура и объем программы специалитета" in lexical.split("\n")[0]
    assert "экономическая безопасность" in embedded.split("\n")[0]  # the vector knows the standard
    assert "экономическая безопасность" not in lexical.split("\n")[0]
    assert "Объем программы специалитета и ее блоков в з.е." in embedded   # the row's column names


def test_later_passage_of_a_table_is_indexed_with_the_header_row(cut):
    doc, chunks = cut[FGOS]
    later = [c for c in chunks if c.table_header]
    assert later, "the competences table runs over several passages"
    for c in later:
        assert c.table_header not in c.text
        assert c.table_header in passage_text(c, doc).split("\n")[0]
        assert c.text == doc.text[c.start:c.end]


def test_a_first_row_of_figures_is_not_taken_for_a_header(muniqa_home):
    """The roadmap's tables start with a numbered data row («1.1. | Взаимодействие …»): put in
    front of other rows it would only repeat one row's words."""
    doc = load_document(bundled_reports_dir() / "spb-tomsk-oblast-roadmap-2020-2022.txt")
    short = Chunker(ChunkerSettings(chunk_size=120, chunk_overlap=20))   # so a table runs over passages
    later = [c for c in short.chunk(doc) if c.table_header]
    assert later
    for c in later:
        assert c.table_header not in passage_text(c, doc)


def test_a_city_report_titled_by_its_city_gets_no_title_in_front(muniqa_home):
    """The bundled reports, read with their metadata.csv: «Томск: международная деятельность…»."""
    doc = next(d for d in iter_documents([bundled_reports_dir()]) if d.doc_id == "tomsk-2024-international-tourism")
    assert doc.meta.title.startswith("Томск:")
    c = Chunker().chunk(doc)[1]
    assert passage_text(c, doc) == lexical_text(c, doc) == f"Томск. {c.section}.\n{c.text}"


def test_roman_numeral_chapter_starts_a_section_and_passages_name_their_order(cut):
    doc, chunks = cut[MINSPORT]
    c = _holding(chunks, "В Минспорте России персональные данные могут обрабатываться в целях")
    assert c.section.startswith("III. Цели обработки персональных данных, содержание обрабатываемых")
    assert "I. Общие положения" not in c.text                      # no passage runs across chapters
    assert "III. Цели обработки" in passage_text(c, doc).split("\n")[0]
    assert all("Министерстве спорта" in passage_text(x, doc).split("\n")[0] for x in chunks)


def test_index_of_the_old_passage_text_opens_and_is_embedded_again_on_update(muniqa_home, tmp_path):
    names = ["html_tula_decree_layout_tables.html", "docx_table_merged_cells_kpi_appendix.docx"]
    index = tmp_path / "index"
    Muniqa(index, progress=False).index([REAL / n for n in names])
    live = read_current(index)
    manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["passage_text"] == PASSAGE_TEXT_VERSION
    del manifest["passage_text"]                                   # as written before version 2
    (live / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    old = Muniqa(index, progress=False)
    assert old.ask("Какое соотношение командных и индивидуальных показателей?").passages  # still answers
    said: list[str] = []
    report = Muniqa(index, progress=False).index([REAL / names[0]], on_message=said.append)  # one file named
    assert report.written
    assert any("индексируются заново" in line for line in said)
    assert read_manifest(index)["passage_text"] == PASSAGE_TEXT_VERSION
    data = Muniqa(index, progress=False).data
    assert {d.doc_id for d in data.documents.values()} == {Path(n).stem for n in names}
    fresh = Muniqa(tmp_path / "fresh", progress=False)
    fresh.index([REAL / n for n in names])
    by_text = {c.text: np.asarray(fresh.data.vectors[i]) for i, c in enumerate(fresh.data.chunks)}
    for i, c in enumerate(data.chunks):                            # every passage embedded as version 2 embeds it
        np.testing.assert_allclose(np.asarray(data.vectors[i]), by_text[c.text], atol=1e-6)
