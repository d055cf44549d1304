"""Abbreviations a real document defines (index/abbrev.py): found in the text, and a question
in one form finding the passage written in the other.

Real files of ../shared/realdocs-dev (HTML: read in a second, no OCR).
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from muniqa.corpus.loader import load_document
from muniqa.eval.shared_data import shared_path
from muniqa.index.abbrev import LEXICAL_TOKENS_VERSION, abbrev_tokens, find_definitions
from muniqa.index.chunk import lexical_text
from muniqa.index.chunker import Chunker
from muniqa.index.lemmas import lemmas
from muniqa.index.store import read_manifest
from muniqa.index.versions import read_current
from muniqa.qa import Muniqa
from muniqa.qa.abbrev_groups import with_abbreviations
from muniqa.qa.retrieve import query_groups

REAL = shared_path("realdocs-dev")
pytestmark = pytest.mark.skipif(REAL is None, reason="../shared/realdocs-dev is not on this machine "
                                                     "(set MUNIQA_SHARED to the shared folder)")
FGOS = "html_order_minobrnauki_fgos_tables.html"                 # «300 зачетных единиц (далее - з.е.)»
BASHKORTOSTAN = "html_ext_plaintext_pd_rules_bashkortostan.html"  # «(далее - Госстрой РБ)», glossary rows
SMALL = "html_cp1251_no_charset_sample.html"                    # defines nothing
PRACTICE_ROW = "Блок 2 | Практика | не менее 24"


@pytest.fixture(scope="module")
def fgos(muniqa_home, tmp_path_factory) -> Muniqa:
    m = Muniqa(tmp_path_factory.mktemp("abbrev") / "index", progress=False)
    m.index([REAL / FGOS])
    return m


def test_definitions_a_real_document_makes_are_found(muniqa_home):
    gos = find_definitions(load_document(REAL / BASHKORTOSTAN).text)
    assert gos["Госстрой РБ"] == ("Государственном комитете Республики Башкортостан по строительству "
                                  "и архитектуре")
    assert gos["ПДн"].lower() == "персональные данные"               # a row of its glossary
    assert "Правила" not in gos                                      # «(далее - Правила)»: a common noun
    assert not any(s.startswith("поручение") for s in gos)           # «(далее - поручение Госстроя РБ)»
    assert not any(any(c.isdigit() for c in s) for s in gos)         # «(далее - Федеральный закон № 152-ФЗ)»
    standard = find_definitions(load_document(REAL / FGOS).text)
    assert standard["з.е."] == "зачетных единиц"
    assert standard["ПООП"] == "примерных основных образовательных программ"


def test_question_in_the_long_form_finds_the_table_written_in_the_short_form(fgos):
    """The table's header says «з.е.», the question «зачетных единиц»: BM25 alone puts the row first."""
    hits = fgos.retriever().search("Сколько зачетных единиц отводится на практику?", k=3, config="bm25-lemma")
    top = fgos.data.chunks[hits[0].chunk].text
    assert PRACTICE_ROW in top and "зачетн" not in top.lower()


def test_index_of_the_old_tokens_is_tokenized_again_with_its_vectors_kept(fgos, tmp_path):
    import shutil
    index = tmp_path / "index"
    shutil.copytree(fgos.index_dir, index)
    live = read_current(index)
    manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["lexical_tokens"] == LEXICAL_TOKENS_VERSION
    assert manifest["abbreviations"][FGOS.removesuffix(".html")]["з.е."] == "зачетных единиц"
    del manifest["lexical_tokens"]                                   # as written before abbreviations
    (live / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    said: list[str] = []
    report = Muniqa(index, progress=False).index([REAL / FGOS], on_message=said.append)
    assert report.written and any("сокращения" in line for line in said)
    assert read_manifest(index)["lexical_tokens"] == LEXICAL_TOKENS_VERSION
    again = Muniqa(index, progress=False).data
    assert [c.text for c in again.chunks] == [c.text for c in fgos.data.chunks]
    np.testing.assert_array_equal(np.asarray(again.vectors), np.asarray(fgos.data.vectors))
    Muniqa(index, progress=False).index([REAL / SMALL])              # another file added: the map stays
    assert read_manifest(index)["abbreviations"][FGOS.removesuffix(".html")]["з.е."] == "зачетных единиц"


def test_passage_in_the_long_form_gets_the_short_form(muniqa_home):
    """Rules of «Госстрой РБ»: the passage naming the committee only in full (its chairman's
    signature) is found by «Госстрой РБ»; a passage's own tokens stay as they were."""
    doc = load_document(REAL / BASHKORTOSTAN)
    chunks = Chunker().chunk(doc)
    tokens = [lemmas(lexical_text(c, doc)) for c in chunks]
    expanded = abbrev_tokens(tokens, [c.doc_id for c in chunks], {doc.doc_id: find_definitions(doc.text)})
    full = next(i for i, c in enumerate(chunks) if "Махмудов" in c.text and "Председатель" in c.text)
    assert "госстрой" not in tokens[full] and {"госстрой", "рб"} <= set(expanded[full])
    assert all(e[:len(t)] == t for t, e in zip(tokens, expanded))    # only added, in place nothing changes


def test_question_groups_take_the_other_form_from_the_index(fgos):
    """What the second stage reads: «зачетных единиц» also stands for «з.е.», and back."""
    question = "Сколько зачетных единиц отводится на практику?"
    groups = with_abbreviations(question, query_groups(question), fgos.data.manifest)
    assert "з" in groups[1] and "з" in groups[2] and groups[0] == {"сколько"}
    short = "Сколько з.е. отводится на практику?"
    assert {"зачетный", "единица"} <= with_abbreviations(short, query_groups(short), fgos.data.manifest)[1]
