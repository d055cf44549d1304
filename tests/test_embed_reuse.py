"""Each distinct text embedded once (index/embed_reuse.py) and onnx windows run side by side
leave the index exactly what it was: the same passage and sentence vectors bit for bit, on
real documents, for a full build and for an incremental update of a changed file."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from muniqa.corpus.loader import iter_documents
from muniqa.eval.shared_data import shared_path
from muniqa.index.builder import IndexBuilder
from muniqa.index.embed_reuse import VectorReuse
from muniqa.index.embedders import make_embedder
from muniqa.index.store import load_index

RULING = "txt_constitutional_court_ruling.txt"
DECREE = "html_tula_decree_layout_tables.html"


def _realdoc(name: str) -> Path:
    folder = shared_path("realdocs-dev")
    path = folder / name if folder else Path(name)
    if not path.exists():
        pytest.skip(f"нет {path}")
    return path


@pytest.fixture(scope="module")
def embedder(muniqa_home):
    emb = make_embedder("onnx")
    if emb.backend != "onnx":
        pytest.skip("onnx недоступен")
    return emb


def _build(folder: Path, files: list[Path], embedder, reuse: bool, workers: int) -> IndexBuilder:
    """Index ``files`` into ``folder`` (an update if it holds an index) the given way."""
    embedder.workers, default = workers, embedder.workers
    try:
        builder = IndexBuilder(folder, embedder, progress=False)
        builder.reuse_vectors = reuse
        docs = list(iter_documents(files))
        assert not [d for d in docs if not hasattr(d, "doc_id")], docs
        assert builder.update(docs).written
        return builder
    finally:
        embedder.workers = default


def _vectors(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = load_index(folder)
    return (np.asarray(data.vectors[:]), np.asarray(data.sentences.vectors),
            np.asarray(data.sentences.offsets))


def _assert_same(a: Path, b: Path) -> None:
    for got, want in zip(_vectors(a), _vectors(b)):
        assert got.shape == want.shape and np.array_equal(got, want)


def test_reuse_and_side_by_side_runs_give_the_vectors_of_a_plain_build(embedder, tmp_path):
    files = [_realdoc(RULING), _realdoc(DECREE)]
    fast = _build(tmp_path / "fast", files, embedder, reuse=True, workers=2)
    _build(tmp_path / "plain", files, embedder, reuse=False, workers=1)
    assert fast.reuse.hits > 0, "real documents repeat sentences (overlaps, one-sentence passages)"
    _assert_same(tmp_path / "fast", tmp_path / "plain")


def test_update_of_a_changed_file_reuses_its_unchanged_sentences_exactly(embedder, tmp_path):
    source = tmp_path / "docs" / RULING
    source.parent.mkdir()
    shutil.copy(_realdoc(RULING), source)
    _build(tmp_path / "index", [source], embedder, reuse=True, workers=2)
    first = load_index(tmp_path / "index")
    distinct = len(first.chunks) + len(first.sentences.vectors)

    text = source.read_text(encoding="utf-8")
    middle = text.index(". ", len(text) // 2) + 2
    source.write_text(text[:middle] + "Эта фраза добавлена при правке документа. " + text[middle:],
                      encoding="utf-8")
    update = _build(tmp_path / "index", [source], embedder, reuse=True, workers=2)
    assert 0 < update.reuse.misses < distinct / 3, "only the changed passages' texts are embedded"
    _build(tmp_path / "fresh", [source], embedder, reuse=False, workers=1)
    _assert_same(tmp_path / "index", tmp_path / "fresh")


def test_a_stored_sentence_vector_never_stands_for_a_passage(embedder):
    """Sentence vectors are stored as float16; a passage vector is float32 and must not be
    rounded because the same text was once a sentence."""
    text = "Хабаровск. Туризм.\nВ 2021 году город посетили 300 тысяч туристов."
    fresh = embedder.embed_passages([text])
    reuse = VectorReuse(embedder.dim)
    reuse.remember([text], fresh.astype(np.float16))
    as_sentence = reuse.embed([text], embedder.embed_passages, exact=False)
    assert reuse.misses == 0 and np.array_equal(as_sentence.astype(np.float16), fresh.astype(np.float16))
    as_passage = reuse.embed([text], embedder.embed_passages, exact=True)
    assert reuse.misses == 1 and np.array_equal(as_passage, fresh)
