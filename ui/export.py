"""The results as files an analyst can keep: CSV (opens in Excel) and Markdown, with full citations.

CSV: semicolon-separated and UTF-8 with a BOM, which is what Excel in a Russian locale
opens into columns. A cell that a spreadsheet would run as a formula (starting with
=, +, - or @) gets a leading apostrophe, the usual guard against CSV injection.
Markdown: characters that Markdown or HTML would interpret are backslash-escaped, so a
report quoting ``<script>`` stays text wherever the file is rendered.
"""
from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

from muniqa.qa.citations import place_and_years
from muniqa.qa.passages import Passage

from .answer import city_lines
from .render import public_citation, public_source

CSV_FIELDS = ["rank", "score", "city", "year", "year_end", "topic", "title", "section", "page",
              "line_start", "line_end", "source", "doc", "start", "end", "highlight", "text", "citation"]
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(passages: list[Passage]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for p in passages:
        row = {**p.to_dict(), "citation": public_citation(p), "source": public_source(p.source)}
        writer.writerow([_cell(row.get(f)) for f in CSV_FIELDS])
    return buf.getvalue()


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _quote(text: str) -> str:
    return "\n".join("> " + md_escape(line) if line.strip() else ">" for line in text.strip().split("\n"))


def to_markdown(question: str, passages: list[Passage], filters_text: str = "",
                similar: dict[int, list[Passage]] | None = None) -> str:
    out = [f"# {md_escape(question)}", ""]
    out.append(f"muniqa, {time.strftime('%Y-%m-%d %H:%M')}"
               + (f"; фильтры: {md_escape(filters_text)}" if filters_text else "") + ".")
    out.append("")
    if not passages:
        return "\n".join(out + ["Ничего не найдено.", ""])
    out += ["## Ответ по городам", ""]
    lines, asks_place = city_lines(question, passages)
    for line in lines:
        refs = "".join(f"[{r}]" for r in (line.ranks if asks_place and line.ranks else line.other))
        names = ", ".join(line.names)
        out.append(f"- **{md_escape(line.city)}**" + (f" — {md_escape(names)}" if names else "")
                   + f" {md_escape(refs)}")
    out += ["", "## Фрагменты", ""]
    for p in passages:
        out += _passage_md(p, f"[{p.rank}]")
        for i, s in enumerate((similar or {}).get(p.rank) or [], start=1):
            out += _passage_md(s, f"[{p.rank}.{i}] похожая практика", level="####")
    return "\n".join(out)


def _passage_md(p: Passage, label: str, level: str = "###") -> list[str]:
    where = place_and_years(p.city, p.year, p.year_end)
    head = f"{md_escape(label)} {md_escape(where)} — " if where else f"{md_escape(label)} "
    return [f"{level} {head}{md_escape(p.title)}", "",
            f"*Источник:* {md_escape(public_citation(p))}", "",
            f"*Главное:* {md_escape(' '.join(p.highlight.split()))}", "",
            _quote(p.text), ""]


def write_exports(folder: Path, question: str, passages: list[Passage], filters_text: str = "",
                  similar: dict[int, list[Passage]] | None = None, only: str | None = None) -> tuple[Path, Path]:
    """Write ``muniqa-results.csv`` and ``.md`` into ``folder`` (created); returns both paths.
    ``only`` ("csv" or "md") writes just that one (the app exports on request)."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = folder / "muniqa-results.csv", folder / "muniqa-results.md"
    if only in (None, "csv"):
        csv_path.write_text(to_csv(passages), encoding="utf-8-sig", newline="")
    if only in (None, "md"):
        md_path.write_text(to_markdown(question, passages, filters_text, similar), encoding="utf-8")
    return csv_path, md_path
