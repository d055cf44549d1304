"""Partnerships extracted at index time: quality on the bundled reports against the labelled
set, verbatim quotes, what is not a place, and incremental updates."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from muniqa.corpus.loader import iter_documents
from muniqa.eval.shared_data import shared_path
from muniqa.eval.partners_eval import check_quotes, load_partners_gold, score
from muniqa.index import partners_store
from muniqa.index.partners import extract
from muniqa.qa import Muniqa
from muniqa.qa.partners import PartnerFilter, all_mentions, partnerships

GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold" / "partners.jsonl"

OMSK = """ОМСК
Международная деятельность

В 2023 году делегация города Омска приняла участие в форуме «Иртыш — река дружбы» в г. Павлодаре
(Казахстан), где подписано соглашение о сотрудничестве с Павлодаром.

Проведены переговоры с мэром Харбина (КНР) о сотрудничестве в сфере туризма.

Знакомство с проектом восстановления набережной реки Хан прошло в рамках визита.
"""


def _squash(text: str) -> str:
    """Text without white space and hyphens: a quote must match its file up to line breaks
    and line-end hyphenation (the clean text joins those)."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def test_bundled_reports_reach_90_percent_precision_and_recall(bundled):
    figures = score(load_partners_gold(GOLD), all_mentions(bundled.data))
    assert figures["pair_recall"] >= 0.9, figures["missed"]
    assert figures["pair_precision"] >= 0.9, figures["wrong"]
    assert figures["relation_recall"] >= 0.85 and figures["relation_precision"] >= 0.85, figures


def test_every_quote_is_verbatim_in_its_document_passage_and_file(bundled):
    data = bundled.data
    rows = partnerships(data)
    assert len(rows) >= 40
    for row in rows:
        assert row.citations and row.relation and row.partner and row.country
        for c in row.citations:
            doc = data.documents[c.doc_id]
            assert doc.text[c.start:c.end] == c.quote
            assert c.chunk >= 0 and c.quote in data.chunks[c.chunk].text
            raw = Path(doc.source).read_text(encoding="utf-8")
            assert _squash(c.quote) in _squash(raw)
            lines = raw.splitlines()[c.lines[0] - 1:c.lines[1]]
            assert _squash(c.quote)[:20] in _squash("\n".join(lines))


def test_gold_quotes_are_in_their_reports(bundled):
    assert check_quotes(load_partners_gold(GOLD), bundled.data.documents.values()) == []


def test_partner_names_are_nominative_places_never_rivers_forums_or_organisations(bundled):
    names = {r.partner for r in partnerships(bundled.data)}
    assert {"Харбин", "Могилев", "Минск", "Гродно", "Чанчжоу", "Пучон"} <= names
    assert not names & {"Харбина", "Харбином", "Хан", "Хоккайдо", "Азия", "Гордон", "Сеть"}
    khab = {r.partner for r in partnerships(bundled.data, PartnerFilter(city="Хабаровск"))}
    assert "Хабаровск" not in khab and "Харбин" in khab


def test_forum_named_after_a_river_gives_the_city_not_the_river(tmp_path):
    (tmp_path / "omsk-2023.txt").write_text(OMSK, encoding="utf-8")
    docs = [d for d in iter_documents([tmp_path], {"city": "Омск", "year": "2023"}, progress=False)]
    found = {(m.partner, m.country, m.relation) for m in extract(docs[0])}
    partners = {p for p, _, _ in found}
    assert "Павлодар" in partners and "Харбин" in partners
    assert not partners & {"Иртыш", "Хан", "Павлодаре", "Харбина"}
    assert ("Павлодар", "Казахстан", "agreement") in found      # the most specific relation stated
    assert ("Харбин", "Китай", "delegation") in found


def test_filters_accept_what_people_type(bundled):
    belarus = partnerships(bundled.data, PartnerFilter(country="белорусские"))
    assert belarus and {r.country for r in belarus} == {"Беларусь"}
    assert {r.city for r in belarus} == {"Томск", "Хабаровск"}
    assert {r.partner for r in partnerships(bundled.data, PartnerFilter(country="КНР", city="Хабаровск"))} >= \
        {"Харбин", "Цзямусы"}
    sisters = partnerships(bundled.data, PartnerFilter(relation="sister_city"))
    assert sisters and all(r.relation == "sister_city" for r in sisters)
    with pytest.raises(ValueError, match="неизвестный тип связи"):
        PartnerFilter(relation="friends")


def test_update_extracts_only_new_documents_and_keeps_the_rest(index_copy, tmp_path, monkeypatch):
    m = Muniqa(index_copy, progress=False)
    before = {(x.doc_id, x.partner, x.relation, x.start) for x in all_mentions(m.data)}
    calls = []
    real = partners_store.extract
    monkeypatch.setattr(partners_store, "extract", lambda doc: calls.append(doc.doc_id) or real(doc))
    (tmp_path / "omsk-2023.txt").write_text(OMSK, encoding="utf-8")
    m.index([tmp_path], overrides={"city": "Омск", "year": "2023"})
    assert len(calls) == 1                                   # the new report only
    stored = json.loads((m.data.path / partners_store.FILE).read_text(encoding="utf-8").splitlines()[0])
    assert stored["extractor"] >= 1
    after = {(x.doc_id, x.partner, x.relation, x.start) for x in all_mentions(m.data)}
    assert before < after and any(p == "Павлодар" for _, p, _, _ in after)
    m.remove([calls[0]])
    assert {(x.doc_id, x.partner, x.relation, x.start) for x in all_mentions(m.data)} == before
    assert len(calls) == 1                                   # removing extracts nothing


@pytest.mark.skipif(shared_path("realdocs-dev") is None, reason="shared/realdocs-dev is not on this machine")
def test_laws_and_specifications_name_no_partners():
    """Real documents full of capitalised names, abbreviations and organisations named
    after countries ("Госстрой РБ", "Народный банк Китая", "Росстата (СЭД, AD)")."""
    files = [shared_path("realdocs-dev") / n for n in (
        "html_ext_plaintext_pd_rules_bashkortostan.html", "docx_large_spec_gas_upravlenie.docx",
        "docx_spec_rosstat_attestation_merged_cells_footnote.docx", "txt_constitutional_court_ruling.txt")]
    docs = [d for d in iter_documents(files, {"city": "Уфа"}) if not isinstance(d, Exception)]
    assert len(docs) == 4
    assert [m.partner for d in docs for m in extract(d)] == []
