"""``muniqa partners`` and ``muniqa compare`` as a user runs them (real CLI, real index)."""
from __future__ import annotations

import csv
import io
import json

from .conftest import run_cli


def test_partners_json_has_the_documented_shape(bundled):
    out = run_cli("partners", "--json", "--index", str(bundled.index_dir))
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["partners"]
    assert len(rows) >= 40
    for row in rows:
        assert set(row) == {"city", "partner", "country", "relation", "year", "lat", "lon", "citations"}
        assert row["citations"] and all(set(c) == {"doc_id", "chunk", "quote", "lines", "pages"}
                                        for c in row["citations"])
    gomel = [r for r in rows if r["partner"] == "Гомель" and r["relation"] == "agreement"]
    assert gomel and gomel[0]["city"] == "Томск" and gomel[0]["country"] == "Беларусь"
    assert abs(gomel[0]["lat"] - 52.4) < 0.5 and abs(gomel[0]["lon"] - 31.0) < 0.5


def test_partners_filters_and_csv(bundled):
    out = run_cli("partners", "--country", "Беларусь", "--city", "Хабаровск", "--csv",
                  "--index", str(bundled.index_dir))
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout), delimiter=";"))
    assert rows and {r["partner"] for r in rows} == {"Могилев"} and {r["city"] for r in rows} == {"Хабаровск"}
    assert all(r["quote"] and r["lines"] for r in rows)
    text = run_cli("partners", "--relation", "sister_city", "--index", str(bundled.index_dir))
    assert text.returncode == 0 and "Харбин" in text.stdout and "город-побратим" in text.stdout


def test_partners_bad_input_is_one_russian_line(bundled, tmp_path):
    out = run_cli("partners", "--relation", "friends", "--index", str(bundled.index_dir))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and "неизвестный тип связи" in out.stderr
    both = run_cli("partners", "--json", "--csv", "--index", str(bundled.index_dir))
    assert both.returncode == 1 and "--json или --csv" in both.stderr
    missing = run_cli("partners", "--index", str(tmp_path / "broken"), env={"MUNIQA_HOME": str(tmp_path)})
    assert "Traceback" not in missing.stderr


def test_eval_reports_partner_precision_and_recall(bundled):
    out = run_cli("eval", "eval/gold/partners.jsonl", "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)["results"][0]
    figures = res["systems"]["partners"]
    assert figures["pair_recall"] >= 0.9 and figures["pair_precision"] >= 0.9
    assert {"relation_precision", "relation_recall", "n"} <= set(figures)
    assert res["errors"] == []
