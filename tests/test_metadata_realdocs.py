"""Metadata on the real documents in shared/realdocs-dev: right or absent.

The labels (``eval/gold/realdocs_meta.jsonl``) were made by reading each document (page
images for scans). Scans whose text layer is empty are only checkable once OCR reads them;
until then the reader refuses them and they are counted as not checked.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from muniqa.corpus.errors import CorpusError
from muniqa.corpus.loader import load_document
from muniqa.corpus.places_names import norm
from muniqa.eval.shared_data import shared_path

GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold" / "realdocs_meta.jsonl"
REALDOCS = shared_path("realdocs-dev")
pytestmark = pytest.mark.skipif(REALDOCS is None, reason="shared/realdocs-dev not found (set MUNIQA_SHARED)")


def _gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def detected(muniqa_home) -> dict[str, object]:
    """File name -> its Document (metadata detected, no sidecar), or the CorpusError."""
    out: dict[str, object] = {}
    for g in _gold():
        try:
            out[g["file"]] = load_document(REALDOCS / g["file"])
        except CorpusError as err:
            out[g["file"]] = err
    return out


def test_gold_labels_every_document_in_the_folder():
    labelled = {g["file"] for g in _gold()}
    present = {p.name for p in REALDOCS.iterdir() if p.name not in ("README.md", "SOURCES.tsv")}
    assert labelled == present


def test_detected_city_precision_and_year_accuracy(detected):
    gold = {g["file"]: g for g in _gold()}
    checked = {f: d for f, d in detected.items() if not isinstance(d, CorpusError)}
    said, right, wrong_cities, gold_cities, found = 0, 0, [], 0, 0
    year_right, year_wrong = 0, []
    for f, doc in checked.items():
        g = gold[f]
        ok_cities = {norm(c) for c in [g["city"], *g.get("city_ok", [])] if c}
        if g["city"]:
            gold_cities += 1
        if doc.meta.cities:
            said += 1
            if norm(doc.meta.cities[0]) in ok_cities:
                right += 1
                found += g["city"] is not None and norm(doc.meta.cities[0]) == norm(g["city"])
            else:
                wrong_cities.append((f, doc.meta.cities))
        if doc.meta.year == g["year"]:
            year_right += 1
        else:
            year_wrong.append((f, doc.meta.year, g["year"]))
    precision = right / said if said else 0.0
    recall = found / gold_cities if gold_cities else 0.0
    year_acc = year_right / len(checked)
    print(f"\nrealdocs metadata: {len(checked)} of {len(gold)} documents readable "
          f"({len(gold) - len(checked)} need OCR)")
    print(f"city: precision {precision:.3f} ({right}/{said} detected), recall {recall:.3f} "
          f"({found}/{gold_cities} labelled cities); wrong: {wrong_cities}")
    print(f"year: accuracy {year_acc:.3f} ({year_right}/{len(checked)}); wrong: {year_wrong}")
    assert precision >= 0.95, wrong_cities
    assert recall >= 0.6                                  # absent beats wrong, but not always absent
    assert year_acc >= 0.85, year_wrong


def test_an_order_gets_its_own_year_not_a_cited_laws(detected):
    fstec = detected["txt_fstec_order_21_personal_data_measures.txt"]   # 2013 order citing a 2006 law
    assert (fstec.meta.year, fstec.meta.cities) == (2013, ["Москва"])
    krasnodar = detected["html_order_krasnodar_anticorruption_table.html"]  # 2020 order amending a 2016 one
    assert krasnodar.meta.year == 2020 and krasnodar.meta.cities == ["Краснодар"]


def test_titles_are_titles_and_topics_need_evidence(detected):
    for f, doc in detected.items():
        if isinstance(doc, CorpusError):
            continue
        low = doc.meta.title.lower()
        assert not low.startswith(("документ подписан", "утверждаю", "согласовано", "опубликовано")), f
        assert not any(w in doc.meta.cities for w in ("Утверждаю", "Согласовано", "Приказ")), f
        assert not doc.meta.topic, (f, doc.meta.topic)     # none of these is about tourism or twin towns
    fstec = detected["txt_fstec_order_21_personal_data_measures.txt"]
    assert fstec.meta.title.startswith("Об утверждении состава и содержания организационных")


def test_garbled_text_layer_gives_no_title_from_the_garbage(detected):
    doc = detected["pdf_garbled_textlayer_water_pipe_tz.pdf"]
    if isinstance(doc, CorpusError):
        pytest.skip("the reader refuses this file")
    assert doc.meta.cities == [] and doc.meta.provenance.get("title") in ("filename", "detected")
    if doc.meta.provenance.get("title") == "detected":      # OCR read it: the title must be Russian
        assert any("а" <= ch <= "я" for ch in doc.meta.title.lower())
