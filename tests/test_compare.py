"""One question across cities × years: cited sentences or «нет данных», exports."""
from __future__ import annotations

import json

from .conftest import run_cli

from muniqa.qa.compare import NO_DATA, compare, to_csv, to_markdown

QUESTION = "Как города продвигают въездной туризм?"


def test_cells_are_verbatim_cited_sentences_or_no_data(bundled):
    c = compare(bundled, QUESTION)
    assert {"Томск", "Хабаровск"} <= set(c.cities)
    assert c.columns == sorted(c.columns) and "2021" in c.columns and "2024" in c.columns
    data = bundled.data
    filled = [(city, col) for city in c.cities for col in c.columns if c.cell(city, col)]
    empty = [(city, col) for city in c.cities for col in c.columns if not c.cell(city, col)]
    assert filled and empty                                 # Хабаровск has no 2024 report
    assert ("Хабаровск", "2024") in empty
    for city, col in filled:
        cell = c.cell(city, col)
        doc = data.documents[cell.passage.doc]
        assert cell.sentence in doc.text and city in doc.meta.city
        assert "туризм" in cell.sentence.lower()
    khab = c.cell("Хабаровск", "2021")
    assert khab is not None and "въездного" in khab.sentence


def test_unanswered_question_is_no_data_everywhere(bundled):
    c = compare(bundled, "Сколько стоит строительство метрополитена?")
    assert c.cities and not c.cells


def test_exports_have_every_cell(bundled):
    c = compare(bundled, QUESTION, by="doc")
    assert len(c.columns) == len(bundled.data.documents)
    md = to_markdown(c)
    assert md.startswith("# Как города") and md.count("\n|") == len(c.cities) + 2 and NO_DATA in md
    csv_text = to_csv(c)
    assert csv_text.count("\n") == 1 + len(c.cities) * len(c.columns)


def test_compare_cli_json_and_errors(bundled):
    out = run_cli("compare", QUESTION, "--json", "--index", str(bundled.index_dir))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["question"] == QUESTION and doc["by"] == "year"
    rows = {r["city"]: r["cells"] for r in doc["rows"]}
    assert rows["Хабаровск"]["2024"] is None
    assert rows["Хабаровск"]["2021"]["line_start"] > 0 and rows["Хабаровск"]["2021"]["citation"]
    md = run_cli("compare", QUESTION, "--markdown", "--city", "Томск", "--index", str(bundled.index_dir))
    assert md.returncode == 0 and "| Томск |" in md.stdout and "Хабаровск" not in md.stdout
    bad = run_cli("compare", " ", "--index", str(bundled.index_dir))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "пустой вопрос" in bad.stderr
