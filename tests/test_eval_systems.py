"""Systems as configurations, significance tests, and the benchmark's output contract."""
from __future__ import annotations

import json

import numpy as np
import pytest

from muniqa.eval.significance import paired_test
from muniqa.eval.systems import load_systems_file, parse_spec, split_specs
from muniqa.index.chunker import ChunkerSettings

from .conftest import run_cli


def test_inline_system_specs_change_search_and_index_settings():
    spec = parse_spec("hybrid:alpha=0.3,fusion=rrf,chunk_size=200,chunk_overlap=30,gazetteer=false")
    assert spec.retrieval.alpha == 0.3 and spec.retrieval.fusion == "rrf" and not spec.retrieval.gazetteer
    assert spec.chunker == ChunkerSettings(200, 30)
    assert parse_spec("dense").index_key == (None, None)
    assert split_specs("hybrid:alpha=0.5;dense") == ["hybrid:alpha=0.5", "dense"]
    assert split_specs("bm25-lemma,dense") == ["bm25-lemma", "dense"]
    assert split_specs("bm25-lemma;dense") == ["bm25-lemma", "dense"]    # ';' also without settings


@pytest.mark.parametrize("bad, message", [
    ("nope", "неизвестная система"), ("hybrid:alpha=high", "типа float"),
    ("hybrid:colour=red", "неизвестная настройка"), ("hybrid:chunk_size=50,chunk_overlap=60", "меньше"),
])
def test_bad_system_specs_say_what_is_wrong(bad, message):
    with pytest.raises(ValueError, match=message):
        parse_spec(bad)


def test_systems_file(tmp_path):
    path = tmp_path / "systems.yaml"
    path.write_text("systems:\n  - {name: small, base: hybrid, chunk_size: 60, chunk_overlap: 10}\n"
                    "  - {name: bm25-lemma}\n", encoding="utf-8")
    small, bm25 = load_systems_file(path)
    assert small.label == "small" and small.chunker == ChunkerSettings(60, 10)
    assert bm25.retrieval.dense is False
    path.write_text("systems:\n  - {base: hybrid}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="нет поля 'name'"):
        load_systems_file(path)


def test_paired_test_separates_real_gains_from_noise():
    rng = np.random.default_rng(0)
    a = rng.random(100)
    assert paired_test(a, np.clip(a + 0.2, 0, 1)) < 0.01
    assert paired_test(a, a + rng.normal(0, 0.01, 100)) > 0.05
    assert paired_test(a, a) == 1.0


def test_bench_prints_the_figures_the_issue_names(muniqa_home, tmp_path):
    out = tmp_path / "bench.json"
    res = run_cli("bench", "--seconds", "1", f"--json={out}")
    assert res.returncode == 0, res.stderr
    figures = json.loads(out.read_text())
    for key in ("query_p50_ms", "query_p95_ms", "query_p99_ms", "index_tokens_per_s",
                "embed_tokens_per_s", "peak_rss_mb", "chunks", "index_kind"):
        assert key in figures, key
    assert figures["query_p50_ms"] <= figures["query_p95_ms"] <= figures["query_p99_ms"]
    assert set(figures["build"]["stages_s"]) == {"read", "chunk", "lemmatize", "embed", "write", "partners"}
