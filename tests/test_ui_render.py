"""The app's HTML, exports, URL state and upload checks, without a browser."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from muniqa.corpus.errors import CorpusError
from muniqa.qa.passages import Passage
from muniqa.ui import documents
from muniqa.ui.answer import answer_html, city_lines
from muniqa.ui.export import to_csv, to_markdown, write_exports
from muniqa.ui.render import card_html, marked, results_html
from muniqa.ui.state import SearchState, from_query, from_widgets, to_query

EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
BELARUS = "Какие города сотрудничают с белорусскими партнерами?"


def passage(text: str, rank: int = 1, city: str = "Томск", title: str = "Отчёт", **kw) -> Passage:
    hs = kw.pop("hs", 0)
    he = kw.pop("he", len(text))
    fields = dict(score=0.9, doc="tomsk-2024", title=title, city=city, year=2024, section="Раздел",
                  source="/reports/tomsk-2024.txt", page=None, line_start=3, line_end=9, start=100,
                  end=100 + len(text), highlight=text[hs:he], highlight_span=(hs, he), terms=[], chunk=rank)
    fields.update(kw)
    return Passage(rank=rank, text=text, **fields)


def test_marked_escapes_text_and_wraps_best_sentence_and_terms():
    text = "Первое <b>предложение</b>. Второе с Беларусью."
    best = (text.index("Второе"), len(text))
    term = (text.index("Беларусью"), text.index("Беларусью") + len("Беларусью"))
    out = marked(text, best, [term])
    assert "&lt;b&gt;предложение&lt;/b&gt;" in out
    assert '<mark class="best">Второе с <b class="term">Беларусью</b>.</mark>' in out


def test_card_escapes_every_field_of_a_hostile_passage():
    p = passage(f"Текст {EVIL} конец.", title=EVIL, section=EVIL, city=EVIL, topic=EVIL,
                source=f"/x/{EVIL}.txt", doc=EVIL)
    html = card_html(p, "[1]", "1", "card-1")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'onerror=alert(1)&gt;' in html           # shown, not run: the tag is escaped
    # attributes cannot be broken out of
    assert '"x"' not in html.replace('&quot;x&quot;', "")


def test_results_page_escapes_question_free_text_and_answer_panel():
    p = passage(f"Сотрудничество с г. Минск (Республика Беларусь). {EVIL}")
    html = results_html(BELARUS, [p], {}, {EVIL: 3}, 0.1, filters_text=EVIL)
    assert "<script" not in html and "<img" not in html


def test_answer_panel_lists_partner_cities_verbatim_by_city():
    tomsk = passage("Заключены соглашения: г. Монро (США), г. Минск (Белоруссия), "
                    "г. Гомель (Республика Беларусь).", rank=1, city="Томск")
    khab = passage("Отношения с городами: Пусан (Республика Корея), Могилев (Республика Беларусь) "
                   "и Гюмри (Республика Армения).", rank=2, city="Хабаровск")
    other = passage("Развитие туризма в городе.", rank=3, city="Хабаровск")
    for p in (tomsk, khab, other):      # terms as the retriever marks them
        p.terms = [(i, i + len(w)) for w in ("Белоруссия", "Беларусь") for i in _find_all(p.text, w)]
    lines, asks_place = city_lines(BELARUS, [tomsk, khab, other])
    assert asks_place
    assert [(line.city, line.names, line.ranks) for line in lines] == [
        ("Томск", ["Минск", "Гомель"], [1]), ("Хабаровск", ["Могилев"], [2])]
    assert lines[1].other == [3]
    html = answer_html(BELARUS, [tomsk, khab, other])
    assert ">Минск<" in html and ">Гомель<" in html and 'href="#card-2"' in html
    assert "(соглашение)" in html and "(сотрудничество)" in html      # relation types from the extraction
    for name in ("Минск", "Гомель", "Могилев"):
        assert name in tomsk.text + khab.text           # nothing is generated


def _find_all(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def test_csv_export_round_trips_with_citations_and_guards_formulas():
    p = passage('Текст; с "кавычками"\nи переносом', rank=1)
    q = passage("=HYPERLINK(\"http://evil\")", rank=2, city="Хабаровск")
    rows = list(csv.DictReader(io.StringIO(to_csv([p, q])), delimiter=";"))
    assert rows[0]["text"] == p.text
    assert rows[0]["citation"] == p.citation.replace("/reports/", "") and "строки 3–9" in rows[0]["citation"]
    assert rows[0]["source"] == "tomsk-2024.txt"          # no absolute server path leaves the server
    assert rows[1]["text"].startswith("'=")


def test_markdown_export_has_answer_citations_and_escaped_markup(tmp_path):
    p = passage(f"Сотрудничество с г. Минск (Республика Беларусь). {EVIL}")
    md = to_markdown(BELARUS, [p], "города: Томск")
    assert md.startswith("# Какие города")
    assert "## Ответ по городам" in md and "**Томск**" in md
    assert "*Источник:*" in md and "строки 3–9" in md
    assert "<script>" not in md and r"\<script\>" in md
    csv_path, md_path = write_exports(tmp_path / "x", BELARUS, [p])
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")        # Excel reads it as UTF-8
    assert md_path.read_text(encoding="utf-8").startswith("# ")


def test_url_state_round_trip_with_cyrillic_and_several_cities():
    st = SearchState(question=BELARUS, cities=["Томск", "Хабаровск"], year_from=2020, year_to=2024,
                     topic="туризм", k=20)
    qs = to_query(st)
    assert "q=" in qs and qs.count("city=") == 2
    assert from_query(qs) == st
    assert from_query("?" + qs) == st


def test_url_state_is_forgiving():
    st = from_query("q=туризм&city=Томск,Хабаровск&from=abc&to=1800&k=9999&year=")
    assert st.question == "туризм" and st.cities == ["Томск", "Хабаровск"]
    assert st.year_from is None and st.year_to is None and st.k == 50
    assert from_query({"q": ["a"], "year": "2020-2022"}).year_from == 2020
    assert from_query(None) == SearchState()


def test_url_state_reads_starlette_query_params():
    from starlette.datastructures import QueryParams
    st = from_query(QueryParams("q=x&city=Томск&city=Хабаровск"))
    assert st.cities == ["Томск", "Хабаровск"]


def test_widgets_give_filters():
    st = from_widgets("  вопрос ", ["Томск"], "2024", "2011", "", 10)
    f = st.filters()
    assert st.question == "вопрос" and f.cities == ["Томск"] and (f.year_from, f.year_to) == (2011, 2024)
    assert st.filters(with_cities=False).cities == []


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "..\\..\\evil.txt", "/abs/path.txt", "....txt",
                                  "отчёт 2023 (финал).TXT", "a\x00b.txt"])
def test_upload_names_are_sanitized(name):
    safe = documents.safe_name(name)
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe and not safe.startswith(".")
    assert safe.endswith(".txt")


def test_store_upload_keeps_files_inside_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MUNIQA_HOME", str(tmp_path / "home"))
    src = tmp_path / "in.txt"
    src.write_text("ТОМСК\n\nТекст отчёта о сотрудничестве.", encoding="utf-8")
    dest = documents.store_upload(src, "../../отчёт томск.txt")
    assert dest.parent == (tmp_path / "home" / "uploads").resolve()
    assert dest.name == "отчёт_томск.txt"
    assert documents.store_upload(src, "../../отчёт томск.txt") == dest       # same bytes: same file
    src.write_text("другой текст", encoding="utf-8")
    assert documents.store_upload(src, "отчёт томск.txt").name == "отчёт_томск-2.txt"


def test_store_upload_rejects_wrong_type_and_size(tmp_path, monkeypatch):
    monkeypatch.setenv("MUNIQA_HOME", str(tmp_path / "home"))
    exe = tmp_path / "x.exe"
    exe.write_bytes(b"MZ\x00")
    with pytest.raises(CorpusError, match="не поддерживается"):
        documents.store_upload(exe, "x.exe")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(CorpusError, match="больше предела"):
        documents.store_upload(big, "big.txt", max_mb=0.001)
    uploads = tmp_path / "home" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_corrections_validate_years_and_persist(tmp_path, monkeypatch):
    from muniqa.corpus.document import Metadata
    monkeypatch.setenv("MUNIQA_HOME", str(tmp_path / "home"))
    meta = Metadata(title="T", cities=["Томск"], year=2024, topic="туризм")
    fixed = documents.corrected(meta, {"city": "Томск; Северск", "year": "2020", "year_end": "2022"})
    assert fixed.cities == ["Томск", "Северск"] and (fixed.year, fixed.year_end) == (2020, 2022)
    assert meta.cities == ["Томск"]                                  # the original is untouched
    with pytest.raises(ValueError, match="четырёх цифр"):
        documents.corrected(meta, {"year": "20x4"})
    documents.save_override("/src/a.txt", {"city": "Северск"})
    assert documents.load_overrides() == {"/src/a.txt": {"city": "Северск"}}
    assert Path(tmp_path / "home" / "metadata-overrides.json").is_file()


def test_reader_problems_are_told_in_russian():
    assert documents.problem_ru("the file is empty") == "файл пустой"
    assert "OCR" in documents.problem_ru("no text layer: scanned PDF needs OCR")
    assert documents.problem_ru("something new") == "something new"


def test_searches_run_while_the_writer_indexes_and_see_whole_versions(index_copy, tmp_path):
    from muniqa.corpus.loader import load_document
    from muniqa.qa import Muniqa
    from muniqa.ui.jobs import Writer
    m = Muniqa(index_copy, progress=False)
    m.ask("велодорожки", k=1)                                   # warm: model and index loaded
    before = len(m.data.documents)
    report = tmp_path / "berdsk.txt"
    report.write_text("БЕРДСК\n\n" + "\n\n".join(
        f"В {2000 + i} году в Бердске построен участок велодорожки номер {i} длиной {i + 1} км "
        f"вдоль набережной, с освещением и велопарковками у школ и поликлиник." for i in range(24)),
        encoding="utf-8")
    job = Writer(m).submit("test upload", lambda: [load_document(report, root=tmp_path)])
    seen, answered_during_job = set(), 0
    while not job.finished:
        m.ask("велодорожки вдоль набережной", k=3)
        answered_during_job += not job.finished
        data = m.data
        assert len(data.chunks) == len(data.vectors) == len(data.dense)     # never half an update
        seen.add(len(data.documents))
    assert job.state == "done", job.error
    assert seen <= {before, before + 1}
    assert answered_during_job >= 2, "searches waited for the writer instead of answering meanwhile"
    assert m.ask("велодорожки вдоль набережной", k=1).passages[0].doc == "berdsk"


def test_match_counts_agree_with_the_cards_and_say_what_they_count():
    from muniqa.ui.render import counts_html
    cards = [passage("Текст про Минск.", rank=r) for r in (1, 2, 3)]            # all Tomsk
    html = counts_html({"Томск": 20, "Хабаровск": 11}, cards)
    assert "Томск <b>3</b> из 20" in html and "Хабаровск <b>0</b> из 11" in html
    assert "в карточках" in html and "половины слов вопроса" in html
