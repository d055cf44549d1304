"""Search over shards (issue 14, item 3): the same passages, order, scores and answer_found
as the unsharded index, filtered or not; a missing or damaged shard is one Russian line
naming it. Real embedder and FAISS; the bundled reports plus three real documents (one of
them from another city), split into three shards."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from muniqa.eval.shared_data import shared_path
from muniqa.index.dense import DenseIndex
from muniqa.index.shard_split import slice_dense
from muniqa.index.store import IndexOpenError
from muniqa.qa import Muniqa
from muniqa.qa.filters import Filters
from muniqa.qa.topn import best_first
from muniqa.qa.sharded import ShardedRetriever

from .conftest import run_cli

REAL = shared_path("realdocs-dev")
EXTRA = ["html_tula_decree_layout_tables.html", "pdf_draft_law_personal_data_1page.pdf",
         "docx_table_merged_cells_kpi_appendix.docx"]
GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold" / "dev.jsonl"
FILTERS = [None, Filters(cities=["Томск"]), Filters(year_from=2021, year_to=2024), Filters(cities=["Тула"])]


@pytest.fixture(scope="module")
def unsharded(bundled, tmp_path_factory) -> Muniqa:
    folder = tmp_path_factory.mktemp("shards") / "whole"
    shutil.copytree(bundled.index_dir, folder)
    m = Muniqa(folder, progress=False)
    if REAL is not None:
        m.index([REAL / name for name in EXTRA])
    return m


@pytest.fixture(scope="module")
def sharded_dir(unsharded) -> Path:
    folder = unsharded.index_dir.parent / "sharded"
    res = run_cli("shard", "--index", str(unsharded.index_dir), "--into", "3", "--out", str(folder))
    assert res.returncode == 0, res.stderr
    return folder


@pytest.fixture(scope="module")
def sharded(sharded_dir) -> Muniqa:
    return Muniqa(sharded_dir, progress=False)


def _questions(every: int = 3) -> list[str]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if "question" in r][::every]


def _key(answer) -> list[tuple]:
    return [(p.doc, p.start, p.end, p.highlight, p.answers) for p in answer.passages]


def test_split_keeps_documents_whole_and_balances_passages(unsharded, sharded):
    data = sharded.data
    assert isinstance(sharded.retriever(), ShardedRetriever) and len(data.shards) == 3
    assert len(data.chunks) == len(unsharded.data.chunks)
    homes = {}
    for s, shard in enumerate(data.shards):
        for doc_id in shard.documents:
            assert homes.setdefault(doc_id, s) == s          # a document lives in one shard only
    assert set(homes) == set(unsharded.data.documents)
    sizes = [len(shard.chunks) for shard in data.shards]
    biggest = np.bincount(unsharded.data.chunk_doc).max()
    assert max(sizes) - min(sizes) <= biggest                # balanced up to one document


def test_every_sampled_dev_question_gets_the_same_answer_filtered_or_not(unsharded, sharded):
    compared = 0
    for question in _questions(4):
        for filters in FILTERS:
            whole, split = unsharded.ask(question, filters=filters), sharded.ask(question, filters=filters)
            assert _key(split) == _key(whole), (question, filters)
            assert np.allclose([p.score for p in split.passages], [p.score for p in whole.passages], atol=1e-6)
            assert split.answer_found == whole.answer_found
            compared += 1
    assert compared >= 100


def test_hits_carry_the_unsharded_passage_numbers_and_log_odds(unsharded, sharded):
    for question in _questions(9):
        whole = unsharded.retriever().search(question, k=20)
        split = sharded.retriever().search(question, k=20)
        assert [h.chunk for h in split] == [h.chunk for h in whole]
        assert np.allclose([h.logit for h in split], [h.logit for h in whole], atol=1e-5)
        assert np.allclose([h.lexical or 0 for h in split], [h.lexical or 0 for h in whole], atol=1e-6)


@pytest.mark.parametrize("system", ["dense", "bm25-lemma", "hybrid-convex", "dense-sentence"])
def test_baseline_systems_are_identical_too(unsharded, sharded, system):
    for question in _questions(12):
        whole = unsharded.retriever().search(question, config=system, filters=Filters(year_from=2021))
        split = sharded.retriever().search(question, config=system, filters=Filters(year_from=2021))
        assert [(h.chunk, round(h.score, 5)) for h in split] == [(h.chunk, round(h.score, 5)) for h in whole]


def test_cli_ask_json_is_the_same_on_the_sharded_index(unsharded, sharded_dir):
    question = "Какие города сотрудничают с белорусскими партнерами?"
    split = run_cli("ask", question, "--k", "5", "--json", "--index", str(sharded_dir))
    assert split.returncode == 0, split.stderr
    whole = json.loads(json.dumps(unsharded.ask(question, k=5).to_dict(), ensure_ascii=False))
    assert json.loads(split.stdout) == whole and whole["passages"]


def _one_line_error(res: subprocess.CompletedProcess) -> str:
    assert res.returncode != 0 and "Traceback" not in res.stderr, res.stderr
    lines = [line for line in re.split(r"[\r\n]", res.stderr) if line.strip() and not re.search(r"\d+%\|", line)]
    assert len(lines) == 1, res.stderr
    return lines[0]


def _broken_copy(sharded_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    copy = tmp_path / "sharded"
    shutil.copytree(sharded_dir, copy)
    version = copy / (copy / "CURRENT").read_text().strip()
    return copy, version / "shard-01"


def test_a_missing_shard_is_one_russian_line_naming_it(sharded_dir, tmp_path):
    copy, shard = _broken_copy(sharded_dir, tmp_path)
    shutil.rmtree(shard)
    with pytest.raises(IndexOpenError, match="^шард shard-01 индекса в .* отсутствует") as err:
        Muniqa(copy, progress=False).ask("туризм")
    assert "\n" not in str(err.value)


def test_a_damaged_shard_is_one_russian_line_naming_it(sharded_dir, tmp_path):
    copy, shard = _broken_copy(sharded_dir, tmp_path)
    version = shard / (shard / "CURRENT").read_text().strip()
    (version / "vectors.npy").write_bytes(b"\x93NUMPY garbage")
    line = _one_line_error(run_cli("ask", "туризм", "--index", str(copy)))
    assert "шард shard-01" in line and "повреждён" in line


def test_adding_documents_to_a_sharded_index_says_what_to_do(sharded_dir, tmp_path):
    copy, _ = _broken_copy(sharded_dir, tmp_path)
    with pytest.raises(IndexOpenError, match="разбит на шарды.*muniqa shard") as err:
        Muniqa(copy, progress=False).index([Path(__file__)])
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("kind", ["ivf", "ivf-sq8", "sq8"])
def test_faiss_shards_probe_the_same_cells_and_merge_to_the_whole_index(kind):
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(6000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    whole = DenseIndex.build(vectors, 32, kind)
    owner = rng.integers(0, 3, len(vectors))
    rows = [np.flatnonzero(owner == s) for s in range(3)]
    parts = [slice_dense(whole, vectors, r) for r in rows]
    for q in rng.normal(size=(20, 32)).astype(np.float32):
        for allowed in (None, np.flatnonzero(rng.random(len(vectors)) < 0.3)):
            ids, sims = whole.search(q, 50, allowed)
            got_ids, got_sims = [], []
            for r, part in zip(rows, parts):
                local = None if allowed is None else np.flatnonzero(np.isin(r, allowed))
                i, d = part.search(q, 50, local)
                got_ids.append(r[i])
                got_sims.append(d)
            got_ids, got_sims = np.concatenate(got_ids), np.concatenate(got_sims)
            keep = best_first(got_ids, got_sims, 50)
            assert list(got_ids[keep]) == list(ids)
            assert np.allclose(got_sims[keep], sims, atol=1e-6)


def test_the_app_partners_and_compare_see_the_same_index(unsharded, sharded):
    from muniqa.qa.compare import compare
    from muniqa.qa.partners import partnerships
    from muniqa.ui.search import facets, precedents, run
    from muniqa.ui.state import SearchState
    st = SearchState(question="Какие города сотрудничают с белорусскими партнерами?")
    whole, split = run(unsharded, st), run(sharded, st)
    assert [(p.doc, p.start, p.score) for p in split.passages] == [(p.doc, p.start, p.score) for p in whole.passages]
    assert split.counts == whole.counts and facets(sharded.data) == facets(unsharded.data)
    near = [(p.doc, p.start) for p in precedents(unsharded, whole.passages[0])]
    assert near and [(p.doc, p.start) for p in precedents(sharded, split.passages[0])] == near
    assert partnerships(sharded.data) == partnerships(unsharded.data) != []
    question = "Как города продвигают въездной туризм?"
    assert compare(sharded, question).to_dict() == compare(unsharded, question).to_dict()
