"""The app's shareable state: the question and filters, to and from the page URL.

``?q=...&city=Томск&city=Хабаровск&from=2020&to=2024&topic=туризм&k=10``. Reading is
forgiving (a bad year or k is dropped, a comma-separated ``city`` works too): a link
someone pasted must open, not fail.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from muniqa.qa.filters import Filters

DEFAULT_K = 10
MAX_K = 50
MAX_QUESTION = 500


@dataclass
class SearchState:
    question: str = ""
    cities: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    topic: str = ""
    k: int = DEFAULT_K

    def filters(self, with_cities: bool = True) -> Filters:
        lo, hi = self.year_from, self.year_to
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        return Filters(cities=list(self.cities) if with_cities else [], year_from=lo, year_to=hi,
                       topic=self.topic or None)

    def describe(self) -> str:
        """The filters in words, for exports and headers ("" when none)."""
        parts = []
        if self.cities:
            parts.append("города: " + ", ".join(self.cities))
        if self.year_from or self.year_to:
            lo, hi = self.year_from, self.year_to
            parts.append(f"годы: {lo or '…'}–{hi or '…'}" if lo != hi else f"год: {lo}")
        if self.topic:
            parts.append(f"тема: {self.topic}")
        return "; ".join(parts)


def _year(value: object) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2100 else None


def _pairs(params: object) -> list[tuple[str, str]]:
    if params is None:
        return []
    if isinstance(params, str):
        return parse_qsl(params.lstrip("?"), keep_blank_values=False)
    if hasattr(params, "multi_items"):                      # starlette QueryParams
        return [(str(k), str(v)) for k, v in params.multi_items()]
    if isinstance(params, Mapping):
        out = []
        for key, value in params.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            out += [(str(key), str(v)) for v in values if v is not None]
        return out
    if isinstance(params, Iterable):
        return [(str(k), str(v)) for k, v in params]
    return []


def from_query(params: object) -> SearchState:
    """Read a ``SearchState`` from query params (a string, a mapping or starlette's QueryParams)."""
    st = SearchState()
    for key, value in _pairs(params):
        value = value.strip()
        if key == "q":
            st.question = value[:MAX_QUESTION]
        elif key == "city":
            for city in value.split(","):
                if city.strip() and city.strip() not in st.cities:
                    st.cities.append(city.strip())
        elif key in ("from", "year_from"):
            st.year_from = _year(value)
        elif key in ("to", "year_to"):
            st.year_to = _year(value)
        elif key == "year":
            lo, _, hi = value.replace("–", "-").partition("-")
            st.year_from, st.year_to = _year(lo), _year(hi or lo)
        elif key == "topic":
            st.topic = value[:200]
        elif key == "k":
            try:
                st.k = max(1, min(MAX_K, int(value)))
            except ValueError:
                pass
    return st


def to_query(st: SearchState) -> str:
    """The query string (without "?") that ``from_query`` reads back to ``st``."""
    pairs: list[tuple[str, str]] = []
    if st.question:
        pairs.append(("q", st.question))
    pairs += [("city", c) for c in st.cities]
    if st.year_from is not None:
        pairs.append(("from", str(st.year_from)))
    if st.year_to is not None:
        pairs.append(("to", str(st.year_to)))
    if st.topic:
        pairs.append(("topic", st.topic))
    if st.k != DEFAULT_K:
        pairs.append(("k", str(st.k)))
    return urlencode(pairs)


def from_widgets(question: str | None, cities: list[str] | None, year_from: str | int | None,
                 year_to: str | int | None, topic: str | None, k: float | None) -> SearchState:
    """A ``SearchState`` from the values of the page's inputs."""
    return SearchState(question=(question or "").strip()[:MAX_QUESTION],
                       cities=[c for c in (cities or []) if c], year_from=_year(year_from),
                       year_to=_year(year_to), topic=(topic or "").strip(),
                       k=max(1, min(MAX_K, int(k or DEFAULT_K))))
