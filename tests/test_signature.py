"""An act's signature block and a table's caption in real documents of ../shared/realdocs-dev:
the signature is a passage of its own with its citation, not glued to the appendix after it,
indexed with what it signs; a table is indexed with the caption above it; and «Кто руководит
…?» finds the signature in a small real index. HTML and TXT files: read in seconds, no OCR.
"""
from __future__ import annotations

import pytest

from muniqa.corpus.loader import load_document
from muniqa.corpus.signature import signature_spans
from muniqa.eval.shared_data import shared_path
from muniqa.index.chunk import lexical_text, passage_text, sentence_head
from muniqa.index.chunker import Chunker
from muniqa.qa import Muniqa

REAL = shared_path("realdocs-dev")
pytestmark = pytest.mark.skipif(REAL is None, reason="../shared/realdocs-dev is not on this machine "
                                                     "(set MUNIQA_SHARED to the shared folder)")
MINSPORT = "txt_order_minsport_personal_data.txt"             # «Министр В.Л.Мутко … Приложение N 1»
BASHKIR = "html_ext_plaintext_pd_rules_bashkortostan.html"    # «Председатель» / «Х.М. Махмудов»
KRASNODAR = "html_order_krasnodar_anticorruption_table.html"  # «Министр С.А. Штриков»
FGOS = "html_order_minobrnauki_fgos_tables.html"              # «Министр» / «В.Н. Фальков»
TULA = "html_tula_decree_layout_tables.html"                  # a signature laid out as a table row


@pytest.fixture(scope="module")
def cut(muniqa_home):
    out = {}
    for name in (MINSPORT, BASHKIR, KRASNODAR, FGOS, TULA):
        doc = load_document(REAL / name)
        out[name] = (doc, Chunker().chunk(doc))
    return out


@pytest.mark.parametrize("name, signature", [
    (MINSPORT, "Министр В.Л.Мутко"), (BASHKIR, "Председатель\n\nХ.М. Махмудов"),
    (KRASNODAR, "Министр С.А. Штриков"), (FGOS, "Министр\n\nВ.Н. Фальков"),
    (TULA, "Глава администрации города Тулы | Д.В. Миляев")])
def test_the_signature_is_a_passage_of_its_own_shown_verbatim(cut, name, signature):
    doc, chunks = cut[name]
    mine = [c for c in chunks if signature in c.text]
    assert len(mine) == 1 and mine[0].text.endswith(signature)   # the end of its passage, in one passage
    c = mine[0]
    closing = c.text[:-len(signature)]
    assert len(closing.split()) <= 25 and "\n\n" not in closing.strip()   # at most the act's closing line above it
    assert c.text == doc.text[c.start:c.end] and c.line_start >= 1


def test_the_signature_line_is_not_glued_to_the_appendix_after_it(cut):
    """The text file pads «Министр … В.Л.Мутко» to the line width and «Приложение N 1» follows
    after a signing line «____»: they were one paragraph, «Министр В.Л.Мутко Приложение N 1»."""
    doc, chunks = cut[MINSPORT]
    assert "Мутко Приложение" not in doc.text
    assert "Министр В.Л.Мутко\n\nПриложение N 1" in doc.text
    c = next(c for c in chunks if c.text.endswith("Министр В.Л.Мутко"))
    assert c.text == "2. Контроль за исполнением настоящего приказа оставляю за собой.\n\nМинистр В.Л.Мутко"
    source = (REAL / MINSPORT).read_text(encoding="utf-8").splitlines()
    assert "Контроль" in source[c.line_start - 1] and "В.Л.Мутко" in source[c.line_end - 1]   # cites its lines


def test_the_signature_is_indexed_with_what_it_signs(cut):
    doc, chunks = cut[MINSPORT]
    c = next(c for c in chunks if c.text.endswith("Министр В.Л.Мутко"))
    embedded, lexical = passage_text(c, doc), lexical_text(c, doc)
    assert embedded.endswith(c.text) and lexical.endswith(c.text)
    for text in (embedded, lexical):
        assert "О персональных данных в Министерстве спорта Российской Федерации" in text
        assert "подписал" in text
    assert "ПРИКАЗ" in lexical                                   # the act's kind, for «кто подписал приказ»
    body = next(c for c in chunks if "согласно приложению N 5" in c.text)
    assert "Мутко" not in body.text and "подписал" not in lexical_text(body, doc)   # only the signature says so


def test_prose_about_a_minister_and_a_list_of_approvers_are_no_signature():
    text = ("Министр спорта Российской Федерации утверждает порядок, указанный в пункте 2.\n\n"
            "Начальник отдела | А.В. Хохлов\n\nЗаместитель начальника отдела | А.Н. Яковлев\n\n"
            "Директор Департамента обеспечить размещение приказа на сайте.")
    assert signature_spans(text) == []


def test_a_table_is_indexed_with_the_caption_above_it(muniqa_home):
    name = "docx_spec_rosstat_attestation_merged_cells_footnote.docx"
    doc = load_document(REAL / name)
    c = next(c for c in Chunker().chunk(doc) if "Dallas Lock 8.0-К +СОВ, +МЭ | 1160" in c.text)
    assert c.text == doc.text[c.start:c.end]
    head = passage_text(c, doc).split("\n")[0]
    assert "Имеющийся состав СЗИ в ИСПДн приведет в таблице № 1" in head
    assert "Имеющийся состав СЗИ" in lexical_text(c, doc).split("\n")[0]


def test_a_specification_is_titled_by_its_own_line_and_its_short_sections_carry_it(muniqa_home):
    """«1.8. Сроки исполнения работ» / «Окончание разработки – 15.11.08»: the sentences of a
    section of two label–value lines are embedded with what the specification is about."""
    doc = load_document(REAL / "docx_spec_gis_infra_autonumbering.docx")
    title = ("Техническое задание на разработку автоматизированной информационной "
             "системы узла Российской инфраструктуры пространственных данных")
    assert doc.meta.title == title
    chunks = Chunker().chunk(doc)
    dates = next(c for c in chunks if "Окончание разработки – 15.11.08" in c.text)
    assert dates.section == "1.8. Сроки исполнения работ" and dates.text == doc.text[dates.start:dates.end]
    assert title in sentence_head(dates, doc) and title in passage_text(dates, doc)
    assert title not in lexical_text(dates, doc)                  # BM25: the title in many short passages crowds
    long = next(c for c in chunks if len(c.text.split()) > 60 and c.section[:1].isdigit())
    assert title not in sentence_head(long, doc)


@pytest.fixture(scope="module")
def signed_index(muniqa_home, tmp_path_factory) -> Muniqa:
    m = Muniqa(tmp_path_factory.mktemp("signed") / "index", progress=False)
    m.index([REAL / BASHKIR, REAL / KRASNODAR])
    return m


@pytest.mark.parametrize("question, signature", [
    ("Кто руководит Госстроем Башкортостана?", "Х.М. Махмудов"),
    ("Кто подписал приказ министерства гражданской обороны Краснодарского края?", "Министр С.А. Штриков")])
def test_who_signed_or_heads_finds_the_signature_with_its_citation(signed_index, question, signature):
    passages = signed_index.ask(question).passages[:3]
    hit = next((p for p in passages if signature in p.text), None)
    assert hit is not None, [p.text[:60] for p in passages]
    assert hit.title in hit.citation and ("абзац" in hit.citation or "строк" in hit.citation)


def test_signatures_of_a_title_page_stay_with_the_title_they_sign(muniqa_home):
    """The bundled roadmap opens with both governors' signatures over «ПЛАН МЕРОПРИЯТИЙ …»:
    cut from it, «Кто подписал план сотрудничества…?» found the names without the plan."""
    from muniqa.corpus.loader import bundled_reports_dir
    doc = load_document(bundled_reports_dir() / "spb-tomsk-oblast-roadmap-2020-2022.txt")
    chunks = Chunker().chunk(doc)
    tomsk = next(c for c in chunks if "С.А. Жвачкин" in c.text)
    assert "ПЛАН МЕРОПРИЯТИЙ «ДОРОЖНАЯ КАРТА»" in tomsk.text
    assert not any("подписал" in lexical_text(c, doc) for c in chunks if "Беглов" in c.text or "Жвачкин" in c.text)
