"""Partnerships as plain records: what the extractor finds in a document and the index stores.

A ``Mention`` is one sentence tying the reporting city to one foreign place with one kind of
relation; it keeps character offsets into the document's clean text, so its quote is
verbatim and the passage (chunk) that holds it can be found again after re-chunking.
``Partnership`` is the row ``muniqa partners`` prints: mentions of the same city, partner,
relation and year, grouped, each kept as a citation.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

RELATIONS = ("sister_city", "agreement", "draft_agreement", "event", "delegation", "exchange",
             "business", "other")
RELATION_LABELS = {
    "sister_city": "город-побратим", "agreement": "соглашение", "draft_agreement": "проект соглашения",
    "event": "мероприятие", "delegation": "делегация, визит", "exchange": "обмен опытом",
    "business": "бизнес", "other": "сотрудничество",
}


@dataclass
class Mention:
    """One sentence of one document naming a foreign partner of the document's city."""
    doc_id: str
    city: str                  # the reporting Russian city or region (document metadata)
    partner: str               # Russian nominative name of the partner place
    kind: str                  # city, district, region or country
    country: str               # in Russian
    country_code: str
    relation: str              # one of RELATIONS
    year: int | None
    lat: float | None
    lon: float | None
    start: int                 # the quote: document.text[start:end]
    end: int
    quote: str
    lines: tuple[int, int] = (0, 0)
    page: int | None = None
    place: str = ""            # the gazetteer's name: spellings of one place group together

    def to_json(self) -> dict:
        d = asdict(self)
        d["lines"] = list(self.lines)
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Mention":
        return cls(**{**d, "lines": tuple(d.get("lines") or (0, 0))})


@dataclass
class Citation:
    doc_id: str
    chunk: int                 # passage number in the live index (-1 if none holds the quote)
    quote: str
    lines: tuple[int, int]
    pages: list[int] | None
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "chunk": self.chunk, "quote": self.quote,
                "lines": list(self.lines), "pages": self.pages}


@dataclass
class Partnership:
    city: str
    partner: str
    country: str
    relation: str
    year: int | None
    lat: float | None
    lon: float | None
    kind: str = "city"
    country_code: str = ""
    citations: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"city": self.city, "partner": self.partner, "country": self.country,
                "relation": self.relation, "year": self.year, "lat": self.lat, "lon": self.lon,
                "citations": [c.to_dict() for c in self.citations]}
