"""Where each metadata value came from, and citations that omit what is unknown."""
from __future__ import annotations

import json
import shutil
from dataclasses import asdict

from muniqa.corpus.document import Metadata
from muniqa.corpus.loader import bundled_reports_dir, iter_documents
from muniqa.eval.shared_data import shared_path
from muniqa.index.docstore import doc_from_json, doc_to_json
from muniqa.qa.citations import citation, place_and_years
from muniqa.qa.passages import Passage

from .conftest import run_cli

BUNDLED = {  # file -> (cities, year, year_end): what the reports are about
    "tomsk-2024-international-tourism.txt": (["Томск"], 2024, None),
    "tomsk-2011-international-tourism.txt": (["Томск"], 2011, None),
    "tomsk-2024-information-policy.txt": (["Томск"], 2024, None),
    "spb-tomsk-oblast-roadmap-2020-2022.txt": (["Санкт-Петербург", "Томская область"], 2020, 2022),
    "khabarovsk-2021-international-tourism.txt": (["Хабаровск"], 2021, None),
}


def test_bundled_reports_keep_their_city_and_year_from_the_sidecar(muniqa_home):
    docs = {d.source.rsplit("/", 1)[-1]: d for d in iter_documents([bundled_reports_dir()])}
    for name, (cities, year, year_end) in BUNDLED.items():
        meta = docs[name].meta
        assert (meta.cities, meta.year, meta.year_end) == (cities, year, year_end), name
        assert meta.provenance["city"] == meta.provenance["year"] == "sidecar"


def test_detected_city_agrees_with_the_sidecar_where_the_text_names_it(muniqa_home):
    """Without the sidecar, detection finds the reports' own cities or says nothing."""
    from muniqa.corpus.metadata import detect_city
    for path in sorted(bundled_reports_dir().glob("*.txt")):
        found = detect_city(path.read_text(encoding="utf-8"))
        assert found == [] or found[0] in BUNDLED[path.name][0], (path.name, found)


def test_provenance_says_detected_sidecar_corrected_or_flag(muniqa_home, tmp_path):
    src = shared_path("realdocs-dev", "txt_fstec_order_21_personal_data_measures.txt")
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(src, folder / "order.txt")
    (folder / "metadata.csv").write_text("file,topic\norder.txt,защита данных\n", encoding="utf-8")
    corrections = {str(folder / "order.txt"): {"title": "Приказ ФСТЭК № 21"}}
    [doc] = list(iter_documents([folder], overrides={"city": "Москва"}, corrections=corrections))
    assert doc.meta.provenance == {"year": "detected", "topic": "sidecar", "title": "corrected", "city": "flag"}
    assert doc.meta.year == 2013 and doc.meta.title == "Приказ ФСТЭК № 21"


def test_old_manifests_without_provenance_still_open(muniqa_home):
    [doc] = list(iter_documents([bundled_reports_dir() / "tomsk-2011-international-tourism.txt"]))
    old = doc_to_json(doc)
    old["meta"] = {k: v for k, v in asdict(doc.meta).items() if k != "provenance"}
    again = doc_from_json(json.loads(json.dumps(old)))
    assert again.meta.provenance == {} and again.meta.cities == doc.meta.cities


def test_citations_leave_out_an_unknown_city_or_year():
    assert place_and_years("", 2013, 2015) == "2013–2015"
    assert place_and_years("Томск", None) == "Томск"
    assert place_and_years("", None) == ""
    assert citation("Приказ", "", 2013, None, "", "с. 2", "a.txt") == "Приказ (2013), с. 2; файл a.txt"
    assert citation("Отчёт", "", None, None, "Итоги", "строки 1–4", "b.txt") == \
        "Отчёт, раздел «Итоги», строки 1–4; файл b.txt"
    p = Passage(rank=1, score=1.0, text="т", doc="d", title="Приказ", city="", year=2013, section="",
                source="x.txt", page=None, line_start=1, line_end=2, start=0, end=1, highlight="т",
                year_end=2015)
    assert "(, " not in p.citation and "(2013–2015)" in p.citation
    assert Metadata().provenance == {}


def test_docs_listing_shows_where_values_came_from(bundled):
    res = run_cli("docs", "--index", str(bundled.index_dir))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].endswith("откуда значения")
    assert all("город: файл метаданных" in line for line in lines[1:]), res.stdout
    rows = json.loads(run_cli("docs", "--json", "--index", str(bundled.index_dir)).stdout)
    assert all(r["provenance"]["city"] == "sidecar" and r["provenance"]["year"] == "sidecar" for r in rows)
