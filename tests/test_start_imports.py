"""A new `muniqa ask` process loads only what asking needs, and reuses what the first start saved.

Imports are checked, not timed (timings: ``python -m muniqa.eval.bench_start``): langchain
(cutting passages), bm25s with scipy and numba (building BM25) cost about two seconds of
every start when they were imported by ``ask`` and ``--help``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np

from muniqa.index.embedders.onnx_backend import OnnxEmbedder

HEAVY = ["langchain_text_splitters", "bm25s", "scipy", "numba", "muniqa.index.chunker",
         "muniqa.corpus.loader", "numpy", "faiss", "onnxruntime"]
_RUN = """
import json, sys
sys.argv = ["muniqa", *sys.argv[1:]]
from muniqa.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _loaded(*args: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _RUN.format(heavy=HEAVY), *args], capture_output=True,
                         text=True, cwd="/", timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_ask_imports_no_chunker_no_bm25s_and_help_imports_no_search_stack(bundled):
    loaded = _loaded("ask", "Сотрудничает ли Томск с Монголией?", "--index", str(bundled.index_dir), "--k", "3")
    assert {"numpy", "faiss", "onnxruntime"} <= set(loaded)          # what a search does need
    assert not {"langchain_text_splitters", "bm25s", "scipy", "numba", "muniqa.index.chunker",
                "muniqa.corpus.loader"} & set(loaded)
    assert _loaded("--help") == []


def test_second_start_loads_the_saved_optimised_graph_with_the_same_vectors(bundled):
    first = OnnxEmbedder()                    # the bundled index's embedder: its folder is built
    record = json.loads((first.folder / "optimized.json").read_text(encoding="utf-8"))
    assert (first.folder / "model.optimized.onnx").exists() and record["sha256"]
    again = OnnxEmbedder()
    query = "Какие города сотрудничают с белорусскими партнерами?"
    assert np.array_equal(first.embed_query(query), again.embed_query(query))
    import onnxruntime as ort                 # loaded from the saved graph: nothing left to optimise
    level = again._sess.get_session_options().graph_optimization_level
    assert level == ort.GraphOptimizationLevel.ORT_DISABLE_ALL


def test_an_optimised_graph_that_cannot_be_written_leaves_a_working_embedder(bundled, tmp_path):
    source = OnnxEmbedder().folder
    folder = tmp_path / "e5-small-onnx"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("model.optimized.onnx", "optimized.json"))
    (folder / f"model.optimized.onnx.{os.getpid()}.tmp").mkdir()     # where ORT would write it
    blocked = OnnxEmbedder(cache_dir=folder)
    assert not (folder / "model.optimized.onnx").exists()
    query = "Сотрудничает ли Томск с Монголией?"
    assert np.array_equal(blocked.embed_query(query), OnnxEmbedder().embed_query(query))
