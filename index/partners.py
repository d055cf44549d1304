"""Who the reporting city works with, extracted from one document at index time.

For every sentence (razdel, never across a paragraph) that states a relation
(``partners_relations``), the foreign places it names (``partners_mentions``) become
mentions: the document's city, the partner in its nominative form, the relation, the
year the sentence states (else the document's), and the sentence itself as the quote,
verbatim from the document's clean text. A country is a partner only where the
document names no place in it ("школьники из КНР" adds nothing when Харбин is named).
"""
from __future__ import annotations

import re
from functools import lru_cache

from muniqa.corpus.document import Document

from .partners_mentions import find_places
from .partners_model import Mention
from .partners_relations import relations, stated_year
from .sentences import sentence_spans

EXTRACTOR_VERSION = 4     # stored beside the rows; a new version re-extracts every document


@lru_cache(maxsize=1)
def _ner():
    """natasha's NER (slovnet, shipped inside the package): used to skip people's names."""
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter
    return Segmenter(), NewsNERTagger(NewsEmbedding())


def people(sentence: str) -> list[tuple[int, int]]:
    """Spans of person names (PER) in ``sentence``."""
    from natasha import Doc
    segmenter, tagger = _ner()
    doc = Doc(sentence)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [(s.start, s.stop) for s in doc.spans if s.type == "PER"]


_MARKERS = "•·‣▪◦●■□–—-*\uf0b7\uf0a7\uf076"
_LEAD_IN = re.compile(r":\s*$")
_ABBREVIATION = re.compile(r"\b(?:г|гг|им|ул|обл|пр)\.\s*$")


def statements(text: str) -> list[tuple[int, int]]:
    """Sentences, with a list's lead-in joined to the list ("…городами: Мусасино (Япония), …")
    and a sentence razdel cut after "гг." joined to the rest."""
    out: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        while s < e and (text[s] in _MARKERS or text[s].isspace()):   # "• организация…" quotes from "организация"
            s += 1
        if s >= e:
            continue
        prev = text[out[-1][0]:out[-1][1]] if out else ""
        if out and (_LEAD_IN.search(prev) or (_ABBREVIATION.search(prev) and "\n\n" not in text[out[-1][1]:s])):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def extract_text(text: str, city: str, doc_id: str = "", year: int | None = None) -> list[Mention]:
    """The mentions of ``text`` (offsets into it, no line numbers): the document
    extractor's work, also used on a single passage by the answer panel."""
    out: list[Mention] = []
    if not city:
        return out
    for s, e in statements(text):
        sentence = text[s:e]
        rels = relations(sentence)
        if not rels:
            continue
        found = [f for f in find_places(sentence) if f.country_code != "RU"]
        if any(not f.marked for f in found):   # NER only where it can change the answer: it is slow
            persons = people(sentence)
            found = [f for f in found if f.marked or not any(a <= f.start < b for a, b in persons)]
        stated = stated_year(sentence) or year
        seen: set[str] = set()
        for f in found:
            if (f.canonical or f.name) in seen:
                continue
            seen.add(f.canonical or f.name)
            out += [Mention(doc_id, city, f.name, f.kind, f.country, f.country_code, rel, stated,
                            f.lat, f.lon, s, e, sentence, place=f.canonical or f.name) for rel in rels]
    named = {m.country_code for m in out if m.kind != "country"}
    return [m for m in out if m.kind != "country" or m.country_code not in named]


def extract(doc: Document) -> list[Mention]:
    """Every foreign partnership ``doc`` states, one mention per sentence, partner and relation."""
    out = extract_text(doc.text, doc.meta.city, doc.doc_id, doc.meta.year)
    for m in out:
        m.lines, m.page = (doc.line_at(m.start), doc.line_at(m.end - 1)), doc.page_at(m.start)
    return out
