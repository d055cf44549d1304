"""One question across cities and years: a table whose cells are cited sentences or «нет данных».

Each document is searched on its own (the same hybrid retrieval as ``ask``, filtered to
that document), and its best answering sentence is the one among its top passages
that shares the most informative question words (idf-weighted lemmas; a word no report
uses weighs most). A sentence that shares less than ``MIN_SHARE`` of the question's
weight gets no cell: retrieval always returns *something*, and a table of nearest-but-
irrelevant sentences ("строительство" of parks for a question about a metro) would look
like an answer when it is not. Rows
are cities, columns years (a roadmap for 2020–2022 is its own column) or documents.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np

from muniqa.index.lemmas import lemmas

from .filters import Filters
from .passages import Passage, make_passages
from .retrieve import query_lemmas

NO_DATA = "нет данных"
MIN_SHARE = 0.4
NO_CITY = "город не указан"
# question words that say what is asked, not what about: they alone do not make an answer
GENERIC = frozenset({"город", "какой", "как", "год", "который", "муниципальный", "администрация", "кто",
                     "что", "где", "когда", "сколько", "делать", "проводить", "мочь", "ли", "весь", "свой",
                     "отчет", "работа", "деятельность", "вопрос", "область", "сфера"})


@dataclass
class Cell:
    passage: Passage
    sentence: str                 # verbatim: passage.highlight
    score: float

    def to_dict(self) -> dict:
        p = self.passage
        return {"text": self.sentence, "doc": p.doc, "title": p.title, "year": p.year, "year_end": p.year_end,
                "section": p.section, "page": p.page, "line_start": p.line_start, "line_end": p.line_end,
                "source": p.source, "citation": p.citation}


@dataclass
class Comparison:
    question: str
    by: str                                   # "year" or "doc"
    cities: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)     # column -> what to show

    def cell(self, city: str, column: str) -> Cell | None:
        return self.cells.get((city, column))

    def to_dict(self) -> dict:
        return {"question": self.question, "by": self.by, "columns": self.columns,
                "rows": [{"city": c, "cells": {col: (self.cells[(c, col)].to_dict() if (c, col) in self.cells
                                                     else None) for col in self.columns}}
                         for c in self.cities]}


def year_label(year: int | None, year_end: int | None) -> str:
    if year is None:
        return "год не указан"
    return f"{year}–{year_end}" if year_end and year_end != year else str(year)


def _column_key(label: str) -> tuple:
    digits = label[:4]
    return (0, digits, label) if digits.isdigit() else (1, "", label)


def compare(m, question: str, by: str = "year", cities: list[str] | None = None, system: str = "hybrid",
            per_doc: int = 3) -> Comparison:
    """The table for ``question`` over the index of ``m`` (a ``Muniqa``)."""
    if by not in ("year", "doc"):
        raise ValueError(f"--by: «year» или «doc», а не {by!r}")
    if not question.strip():
        raise ValueError("пустой вопрос: напишите, что сравнить")
    m.ensure_index()
    data, retriever = m._current()
    asked = set(query_lemmas(question))
    content = {t for t in lemmas(question) if t not in GENERIC} or set(lemmas(question))
    top = float(np.log(1 + (len(data.chunks) + 0.5) / 0.5))
    weight = {t: data.lexical.idf(t) or top for t in content}
    need = MIN_SHARE * sum(weight.values())
    wanted = {c.casefold() for c in cities or []}
    result = Comparison(question, by)
    labels: dict[str, str] = {}
    for doc in data.documents.values():
        city = doc.meta.city or NO_CITY
        if wanted and not ({c.casefold() for c in doc.meta.cities} & wanted or city.casefold() in wanted):
            continue
        column = year_label(doc.meta.year, doc.meta.year_end) if by == "year" else doc.doc_id
        labels[column] = column if by == "year" else f"{doc.meta.title or doc.doc_id} ({year_label(doc.meta.year, doc.meta.year_end)})"
        if city not in result.cities:
            result.cities.append(city)
        hits = retriever.search(question, k=per_doc, filters=Filters(doc_ids=[doc.doc_id]), config=system)
        best: Cell | None = None
        for p in make_passages(data, hits, asked):
            score = sum(weight[t] for t in set(lemmas(p.highlight)) & content)
            if score >= need and score > 0 and (best is None or score > best.score):
                best = Cell(p, p.highlight, round(float(score), 3))
        old = result.cells.get((city, column))
        if best is not None and (old is None or best.score > old.score):
            result.cells[(city, column)] = best
    result.columns = sorted(labels, key=_column_key)
    result.cities.sort()
    result.titles = labels
    return result


def column_title(c: Comparison, column: str) -> str:
    return c.titles.get(column, column)


def to_csv(c: Comparison) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["city", "column", "answer", "citation", "doc"])
    for city in c.cities:
        for col in c.columns:
            cell = c.cell(city, col)
            w.writerow([city, column_title(c, col), " ".join(cell.sentence.split()) if cell else NO_DATA,
                        cell.passage.citation if cell else "", cell.passage.doc if cell else ""])
    return buf.getvalue()


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(c: Comparison) -> str:
    head = ["Город"] + [column_title(c, col) for col in c.columns]
    lines = [f"# {_md(c.question)}", "", "| " + " | ".join(_md(h) for h in head) + " |",
             "|" + "---|" * len(head)]
    for city in c.cities:
        cells = []
        for col in c.columns:
            cell = c.cell(city, col)
            cells.append(f"«{_md(cell.sentence)}» — *{_md(cell.passage.citation)}*" if cell else NO_DATA)
        lines.append("| " + " | ".join([_md(city)] + cells) + " |")
    return "\n".join(lines) + "\n"
