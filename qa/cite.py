"""One formatter for the place-and-year part of every citation (CLI, app cards, exports).

Metadata may be absent (a document that does not say its city or year keeps it empty), and
a citation must then read «Приказ (2013)» or «Отчёт (Томск)», never «(, 2013–2015)» or
«(Томск, None)». Every place that shows a passage's city and year calls these.
"""
from __future__ import annotations


def years_text(year: int | None, year_end: int | None = None) -> str:
    """"2013–2015", "2013" or "" (no year known)."""
    if year and year_end and year_end != year:
        return f"{year}–{year_end}"
    return str(year) if year else ""


def place_and_years(city: str, year: int | None, year_end: int | None = None, sep: str = ", ") -> str:
    """"Томск, 2013–2015", "Томск", "2013" or "": only the parts that are known."""
    return sep.join(part for part in ((city or "").strip(), years_text(year, year_end)) if part)


def citation(title: str, city: str, year: int | None, year_end: int | None, section: str,
             where: str, source: str) -> str:
    """Full reference: «Title (Томск, 2024), раздел «…», с. 3; файл …», without empty parts."""
    meta = place_and_years(city, year, year_end)
    head = f"{title} ({meta})" if meta else title
    section_part = f", раздел «{section}»" if section else ""
    return f"{head}{section_part}, {where}; файл {source}"
