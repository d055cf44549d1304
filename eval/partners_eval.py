"""Precision and recall of extracted partnerships against a labelled set.

Gold (JSON Lines), one line per report and partner::

    {"doc": "tomsk-2024-international-tourism.txt", "city": "Томск", "partner": "Гомель",
     "aliases": [], "country": "Беларусь", "relations": ["agreement"], "quote": "…verbatim…"}

Scored as sets over the whole corpus: (city, partner) pairs, and (city, partner, relation)
triples. A partner matches a gold one when their names agree after lowercasing and ё→е,
or the extracted name is one of the gold ``aliases`` (transliterations differ: Пусан/Бусан).
``muniqa eval eval/gold/partners.jsonl`` runs the index-time extraction on the corpus
(bundled reports by default) and reports these figures; ``errors`` lists gold quotes not
found in their document.

Labelling rules of ``eval/gold/partners.jsonl`` (written before labelling):
- a partner is a foreign place the report ties to its own city by something done or
  agreed: an agreement, a visit, a joint event, an exchange, stated cooperation. Places
  only listed (the members of an association), places in names (a university, a forum),
  rivers, and Russian places are not partners;
- a country is a partner only if the report names no place in it;
- each sentence gives one relation, the most specific it states: draft_agreement (a
  draft, preliminary arrangements, signing planned) > agreement (agreement, treaty,
  protocol, memorandum) > delegation (visits, delegations, trips, talks) > event
  (festivals, exhibitions, contests, tournaments, forums, conferences, seminars) >
  exchange (exchange of experience, school children and students meeting, master
  classes, training) > business > other (cooperation, friendly relations); and
  sister_city besides, when the sentence calls the partner a sister city («Помимо
  городов-побратимов…» does not).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .gold import GoldError

FIELDS = ("doc", "city", "partner", "relations", "quote")


@dataclass
class GoldPartner:
    doc: str
    city: str
    partner: str
    relations: list[str]
    quote: str
    aliases: list[str] = field(default_factory=list)
    country: str = ""


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").replace("-", " ").split())


def is_partners_gold(path: str) -> bool:
    """True for a JSON Lines file whose first record has a ``partner`` field."""
    p = Path(path)
    if p.suffix != ".jsonl" or not p.is_file():
        return False
    try:
        with open(p, encoding="utf-8-sig") as fh:
            for line in fh:
                if line.strip():
                    return "partner" in json.loads(line)
    except (OSError, ValueError):
        return False
    return False


def load_partners_gold(path: str | Path) -> list[GoldPartner]:
    path = Path(path)
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError as exc:
            raise GoldError(f"{path}:{n}: строка не в формате JSON ({exc.msg})") from None
        missing = [f for f in FIELDS if not d.get(f)]
        if missing:
            raise GoldError(f"{path}:{n}: поле {missing[0]!r} отсутствует или пустое")
        out.append(GoldPartner(d["doc"], d["city"], d["partner"], list(d["relations"]), d["quote"],
                               list(d.get("aliases") or []), d.get("country", "")))
    return out


def _prf(found: set, gold: set) -> tuple[float, float, float]:
    hit = len(found & gold)
    p = hit / len(found) if found else 0.0
    r = hit / len(gold) if gold else 0.0
    return round(p, 4), round(r, 4), round(2 * p * r / (p + r), 4) if p + r else 0.0


def score(gold: list[GoldPartner], mentions) -> dict:
    """Pair and relation precision/recall of ``mentions`` (index.partners_model.Mention)."""
    canon: dict[tuple[str, str], str] = {}
    for g in gold:
        for name in [g.partner, *g.aliases]:
            canon[(_fold(g.city), _fold(name))] = _fold(g.partner)
    gold_pairs = {(_fold(g.city), _fold(g.partner)) for g in gold}
    gold_rel = {(c, p, r) for g in gold for (c, p) in [(_fold(g.city), _fold(g.partner))] for r in g.relations}
    found_pairs, found_rel = set(), set()
    for m in mentions:
        city = _fold(m.city)
        partner = canon.get((city, _fold(m.partner)), _fold(m.partner))
        found_pairs.add((city, partner))
        found_rel.add((city, partner, m.relation))
    pp, pr, pf = _prf(found_pairs, gold_pairs)
    rp, rr, rf = _prf(found_rel, gold_rel)
    return {"pair_precision": pp, "pair_recall": pr, "pair_f1": pf,
            "relation_precision": rp, "relation_recall": rr, "relation_f1": rf,
            "n": len(gold_pairs), "found": len(found_pairs),
            "missed": sorted(" — ".join(x) for x in gold_pairs - found_pairs),
            "wrong": sorted(" — ".join(x) for x in found_pairs - gold_pairs)}


def check_quotes(gold: list[GoldPartner], documents) -> list[str]:
    """Gold quotes that are not in their document (white space aside)."""
    def norm(x: str) -> str:
        return re.sub(r"\s+", " ", x).strip()
    by_file = {Path(d.source).name: norm(d.text) for d in documents}
    errors = []
    for g in gold:
        text = by_file.get(g.doc)
        if text is None:
            errors.append(f"{g.doc}: no such document in the corpus")
        elif norm(g.quote) not in text:
            errors.append(f"{g.doc}: quote {g.quote[:60]!r} is not in the document")
    return errors


def evaluate_partners_file(gold_path: str, corpus: list[str], embedder: str | None = None,
                           progress: bool = True):
    """An ``EvalResult`` with one system, ``partners``, holding the figures above."""
    from muniqa.qa.partners import all_mentions

    from .evaluate import EvalResult, open_eval_index
    gold = load_partners_gold(gold_path)
    m = open_eval_index(corpus, embedder, None, progress)
    data = m.data
    result = EvalResult(gold_path)
    result.errors = list(dict.fromkeys(check_quotes(gold, data.documents.values())))
    figures = score(gold, all_mentions(data))
    result.systems["partners"] = {k: v for k, v in figures.items() if not isinstance(v, list)}
    result.warnings = [f"missed: {x}" for x in figures["missed"]] + [f"not in gold: {x}" for x in figures["wrong"]]
    return result
