"""Reading real document formats: PDF pages, DOCX structure, HTML blocks, legacy encodings."""
from __future__ import annotations

import pytest

from muniqa.corpus.document import SourceLine
from muniqa.corpus.loader import iter_documents, load_document
from muniqa.corpus.readers import read_file
from muniqa.corpus.readers.pagefurniture import furniture

from .fixtures.makers import cyrillic_font, html_page, make_docx, make_pdf

SHORT_RUSSIAN = ["Привет, Томск!", "Отчёт о туризме", "Администрация города Хабаровска",
                 "Побратимы: Мюнхен и Харбин.", "В 2024 году открыт визит-центр.",
                 "Экономика и культура", "ТОМСК\nОтчёт за 2024 год"]
needs_font = pytest.mark.skipif(cyrillic_font() is None, reason="no Cyrillic TrueType font installed")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8-r"])
@pytest.mark.parametrize("text", SHORT_RUSSIAN)
def test_short_russian_text_is_decoded_in_any_common_encoding(tmp_path, text, encoding):
    path = tmp_path / "note.txt"
    path.write_bytes(text.encode(encoding))
    assert [line.text for line in read_file(path).lines] == text.split("\n")


def test_encoding_is_detected_from_bytes_not_the_name(tmp_path):
    text = "Администрация города Томска подготовила отчёт о международной деятельности."
    for name, encoding in [("a.md", "koi8-r"), ("b.txt", "cp1251"), ("c.text", "cp866")]:
        (tmp_path / name).write_bytes(text.encode(encoding))
        assert read_file(tmp_path / name).lines[0].text == text


def test_western_latin1_text_is_not_read_as_cyrillic(tmp_path):
    path = tmp_path / "fr.txt"
    path.write_bytes("Café à Paris, naïve façade, Zürich.".encode("cp1252"))
    assert read_file(path).lines[0].text == "Café à Paris, naïve façade, Zürich."


def test_markdown_headings_become_sections_without_hashes(tmp_path):
    path = tmp_path / "r.md"
    path.write_text("# Отчёт о туризме\n\nТурпоток вырос на 10 процентов.\n\n## Побратимы\n\nМюнхен.\n",
                    encoding="utf-8")
    doc = load_document(path)
    assert "#" not in doc.text
    headings = [h for _, h in doc.headings]
    assert headings[0] == "Отчёт о туризме" and "Побратимы" in headings


# --- PDF --------------------------------------------------------------------------------

def _report_pages(n: int, header: str = "Annual report of the city of Tomsk") -> list[list[str]]:
    partners = ["Munich", "Harbin", "Kobe", "Gomel", "Istanbul", "Tainan", "Ulsan"]
    return [[header, "", f"Cooperation with {partners[i % 7]} went on in {2015 + i}, with "
             f"delegation visits number {i * 7}.", f"Section {i + 1} closes here.", "",
             f"Page {i + 1} of {n}", str(i + 1)] for i in range(n)]


def test_pdf_lines_keep_their_page(tmp_path):
    path = make_pdf(tmp_path / "r.pdf", _report_pages(4), font_file=None)
    lines = read_file(path).lines
    kobe = next(line for line in lines if "Kobe" in line.text)
    assert kobe.page == 3
    assert [line.page for line in lines] == sorted(line.page for line in lines)
    numbers = [line.number for line in lines]
    assert numbers == sorted(set(numbers))              # unique: pages are keyed by line


def test_pdf_running_headers_footers_and_page_numbers_are_dropped(tmp_path):
    path = make_pdf(tmp_path / "r.pdf", _report_pages(5), font_file=None)
    doc = load_document(path)
    assert doc.text.count("Annual report of the city of Tomsk") == 1   # kept once, for the title
    assert "Page " not in doc.text and "of 5" not in doc.text
    assert "Istanbul" in doc.text and "Section 5 closes here." in doc.text


def test_pdf_citation_page_comes_from_document_pages(tmp_path):
    doc = load_document(make_pdf(tmp_path / "r.pdf", _report_pages(4), font_file=None))
    assert doc.page_at(doc.text.index("Gomel")) == 4
    assert doc.page_at(doc.text.index("Munich")) == 1


@needs_font
def test_cyrillic_pdf_text_layer_is_read_with_pages(tmp_path):
    pages = [["Отчёт администрации города Томска", "Побратимские связи с Мюнхеном укреплены."],
             ["В 2024 году в Томске побывали 1200 туристов из Китая."]]
    doc = load_document(make_pdf(tmp_path / "ru.pdf", pages))
    assert "Побратимские связи с Мюнхеном укреплены." in doc.text
    assert doc.page_at(doc.text.index("туристов из Китая")) == 2
    assert doc.meta.year == 2024


@needs_font
def test_pdf_line_end_hyphens_are_undone_but_real_hyphens_kept(tmp_path):
    # PDFium joins hyphenated lines itself and drops the hyphen; the reader restores it.
    pages = [["Развитие социально-", "экономического сотрудничества подраз-", "деления и по-",
              "прежнему садово-", "паркового хозяйства."]]
    doc = load_document(make_pdf(tmp_path / "h.pdf", pages))
    assert doc.text == ("Развитие социально-экономического сотрудничества подразделения и "
                        "по-прежнему садово-паркового хозяйства.")


def test_furniture_needs_a_pattern_across_pages():
    words = ["alpha", "beta", "gamma", "delta"]
    pages = [["Title", f"body {words[i - 1]}", "unique line " + "x" * i, f"- {i} -"] for i in range(1, 5)]
    drop = furniture(pages)
    assert drop[0] == {3} and all(d == {0, 3} for d in drop[1:])   # title kept on page 1 only
    assert furniture(pages[:2]) == [set(), set()]                    # two pages prove nothing


# --- DOCX -------------------------------------------------------------------------------

def test_docx_headings_tables_and_lists(tmp_path):
    path = make_docx(tmp_path / "r.docx", "Отчёт о международной деятельности",
                     ["Администрация города Хабаровска в 2021 году подписала соглашение.",
                      "Сотрудничество с Китаем расширилось."],
                     table=[["Город", "Страна", "Год"], ["Харбин", "Китай", "1993"]],
                     bullets=["обмен делегациями", "культурные дни"], subheading="Города-побратимы")
    doc = load_document(path)
    assert [h for _, h in doc.headings][:1] == ["Отчёт о международной деятельности"]
    assert "Города-побратимы" in [h for _, h in doc.headings]
    assert "Харбин | Китай | 1993" in doc.text.split("\n\n")
    assert "• обмен делегациями" in doc.text.split("\n\n")      # list items stay apart
    assert doc.meta.cities == ["Хабаровск"] and doc.meta.year == 2021
    assert "**" not in doc.text and "#" not in doc.text
    row = doc.text.index("Харбин | Китай")
    assert doc.line_at(row) == 8     # heading, 2 paragraphs, 2 bullets, subheading, header row


def test_docx_merged_cells_are_not_repeated(tmp_path):
    from docx import Document
    d = Document()
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Сводная строка"
    for c, value in enumerate(["Томск", "Мюнхен", "1990"]):
        table.cell(1, c).text = value
    d.save(str(tmp_path / "m.docx"))
    assert [line.text.strip("\t") for line in read_file(tmp_path / "m.docx").lines] == [
        "Сводная строка", "Томск\tМюнхен\t1990"]


# --- HTML -------------------------------------------------------------------------------

WORD_HTML_BODY = """<h1>Отчёт о туризме</h1>
<p class=MsoNormal>Администрация города <b>Томска</b> &laquo;подготовила&raquo;
отчёт&nbsp;за 2024&nbsp;год.<o:p></o:p></p>
<!--[if gte mso 9]><xml>служебное</xml><![endif]-->
<h2>Партнёры</h2>
<ul><li>Мюнхен</li><li>Харбин &amp; Тайнань</li></ul>
<table><tr><th>Город</th><th>Туристов</th></tr>
<tr><td><p>Мюнхен</p></td><td>1&nbsp;200</td></tr></table>
<table><tr><td><p>Вёрстка таблицей.</p><p>Второй абзац.</p></td></tr></table>"""


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r", "utf-8"])
def test_html_blocks_and_declared_charset(tmp_path, charset):
    path = tmp_path / "r.html"
    path.write_bytes(html_page("Отчёт", WORD_HTML_BODY, charset).encode(charset))
    texts = [line.text for line in read_file(path).lines]
    assert texts[:2] == ["**Отчёт о туризме**", "Администрация города Томска «подготовила» отчёт за 2024 год."]
    assert "• Харбин & Тайнань" in texts and "Мюнхен\t1 200" in texts
    assert "Вёрстка таблицей." in texts and "Второй абзац." in texts
    assert not any("не текст" in t or "служебное" in t or "margin" in t for t in texts)
    doc = load_document(path)
    headings = [h for _, h in doc.headings]
    assert headings[0] == "Отчёт о туризме" and "Партнёры" in headings
    assert doc.unit == "paragraph"       # an HTML page is cited by its blocks, not its markup lines
    assert doc.line_at(doc.text.index("Город | Туристов")) == texts.index("Город\tТуристов") + 1


def test_html_without_charset_is_detected(tmp_path):
    path = tmp_path / "r.htm"
    path.write_bytes("<p>Отчёт мэрии города Томска о побратимах.</p>".encode("cp1251"))
    assert read_file(path).lines[0].text == "Отчёт мэрии города Томска о побратимах."


def test_html_utf8_wins_over_a_wrong_meta_charset(tmp_path):
    path = tmp_path / "r.html"
    path.write_bytes(html_page("x", "<p>Томск и Мюнхен</p>", "windows-1251").encode("utf-8"))
    assert read_file(path).lines[0].text == "Томск и Мюнхен"


# --- loading a folder -------------------------------------------------------------------

def test_overrides_win_over_sidecar_and_detection(tmp_path):
    (tmp_path / "a.txt").write_text("Отчёт администрации города Томска за 2024 год.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,city,topic\na.txt,Северск,туризм\n", encoding="utf-8")
    doc, = iter_documents([tmp_path])
    assert doc.meta.cities == ["Северск"] and doc.meta.topic == "туризм" and doc.meta.year == 2024
    doc, = iter_documents([tmp_path], overrides={"city": "Омск", "year": "2019"})
    assert doc.meta.cities == ["Омск"] and doc.meta.topic == "туризм" and doc.meta.year == 2019
    with pytest.raises(ValueError, match="unknown metadata field 'colour'"):
        list(iter_documents([tmp_path], overrides={"colour": "red"}))


def test_same_name_in_two_formats_keeps_both(tmp_path):
    (tmp_path / "report.txt").write_text("Текстовая версия отчёта.", encoding="utf-8")
    (tmp_path / "report.md").write_text("Версия отчёта в Markdown.", encoding="utf-8")
    ids = [d.doc_id for d in iter_documents([tmp_path])]
    assert sorted(ids) == ["report", "report.txt"]


def test_reading_many_files_shows_a_progress_bar(tmp_path, capsys):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Отчёт номер {i} о туризме.", encoding="utf-8")
    assert len(list(iter_documents([tmp_path], progress=True))) == 3
    err = capsys.readouterr().err
    assert "чтение файлов" in err and "0/3" in err


def test_sourcelines_of_text_files_have_no_page():
    assert SourceLine(1, "x").page is None


def test_docx_custom_and_russian_heading_styles(tmp_path):
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    d = Document()
    custom = d.styles.add_style("Мой раздел", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = d.styles["Heading 2"]
    russian = d.styles.add_style("Заголовок 3", WD_STYLE_TYPE.PARAGRAPH)
    d.add_paragraph("Побратимские связи", style=custom)
    d.add_paragraph("Связи укрепились в 2022 году.")
    d.add_paragraph("Туризм и гостеприимство", style=russian)
    d.add_paragraph("Поток туристов вырос.")
    d.save(str(tmp_path / "s.docx"))
    assert [line.text for line in read_file(tmp_path / "s.docx").lines] == [
        "**Побратимские связи**", "Связи укрепились в 2022 году.",
        "**Туризм и гостеприимство**", "Поток туристов вырос."]


def test_html_furniture_is_dropped_and_spanned_cells_are_filled(tmp_path):
    path = tmp_path / "p.html"
    path.write_text(
        "<html><body><nav>Главная | Новости</nav><div id='menu'>Меню сайта</div><h1>Отчёт</h1>"
        "<p>Текст отчёта о побратимах.</p><table><tr><th>Район</th><th>Год</th><th>Сумма</th></tr>"
        "<tr><td rowspan=2>Центральный</td><td>2020</td><td>10</td></tr><tr><td>2021</td><td>12</td></tr>"
        "<tr><td colspan=2>Итого</td><td>22</td></tr></table><div class='site-footer'>Контакты</div>"
        "<p>© Администрация города Томска, 2024</p></body></html>", encoding="utf-8")
    doc = load_document(path)
    assert "Центральный | 2021 | 12" in doc.text and "Итого | Итого | 22" in doc.text
    assert not any(w in doc.text for w in ("Главная", "Меню сайта", "Контакты", "©"))
    assert doc.unit == "paragraph" and doc.line_at(doc.text.index("Текст отчёта")) == 2


def test_docx_numbering_formats_read_as_word_shows_them():
    from muniqa.corpus.readers.docxnumbering import format_number
    assert [format_number(n, "russianLower") for n in (1, 2, 10, 29)] == ["а", "б", "к", "аа"]
    assert format_number(4, "upperRoman") == "IV" and format_number(3, "decimal") == "3"
    assert format_number(2, "lowerLetter") == "b" and format_number(1, "bullet") == ""


def test_article_headings_are_sections_apart_from_their_body(tmp_path):
    path = tmp_path / "law.txt"
    path.write_text("Статья 12. Порядок ведения реестра\nмуниципальных услуг\nРеестр ведёт администрация "
                    "города Томска.\nСтатья 13. Сроки\nСроки установлены законом, а ссылка на\nСтатья 33 "
                    "(п.1) закона не раздел.\n", encoding="utf-8")
    doc = load_document(path)
    headings = [h for _, h in doc.headings]
    assert "Статья 12. Порядок ведения реестра муниципальных услуг" in headings and "Статья 13. Сроки" in headings
    assert not any(h.startswith("Статья 33") for h in headings)
    assert "муниципальных услуг\n\nРеестр ведёт" in doc.text and "Сроки\n\nСроки установлены" in doc.text
