"""``muniqa index --ray``: a real local Ray cluster of 3 workers, the real ONNX embedder, real
files (the bundled reports, a DOCX, a PDF and an HTML page of ../shared/realdocs-dev, and two
bad files) gives the index a single-process run gives; a worker killed mid-run loses nothing.

One cluster serves the whole module (starting one costs seconds).
"""
from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from muniqa.corpus.loader import bundled_reports_dir
from muniqa.eval.shared_data import shared_path
from muniqa.index.store import load_index
from muniqa.qa import Muniqa

from .conftest import run_cli

ray = pytest.importorskip("ray", reason="muniqa[ray] is not installed")
REAL = shared_path("realdocs-dev")
pytestmark = pytest.mark.skipif(REAL is None, reason="../shared/realdocs-dev is not on this machine")
REAL_FILES = ["docx_table_merged_cells_kpi_appendix.docx", "pdf_draft_law_personal_data_1page.pdf",
              "html_tula_decree_layout_tables.html"]
QUESTIONS = ["Какие города сотрудничают с белорусскими партнерами?", "показатели эффективности",
             "обработка персональных данных"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ray-corpus")
    shutil.copytree(bundled_reports_dir(), root / "reports")
    for name in REAL_FILES:
        shutil.copy(REAL / name, root / name)
    shutil.copy(root / "reports" / "tomsk-2011-international-tourism.txt", root / "copy-of-tomsk.txt")
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    (root / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 word 97")
    return root


@pytest.fixture(scope="module")
def single(muniqa_home, folder, tmp_path_factory) -> tuple[Muniqa, object]:
    m = Muniqa(tmp_path_factory.mktemp("single") / "index", progress=False)
    return m, m.index([folder])


@pytest.fixture(scope="module")
def cluster(single):
    """Started after the single-process run, so workers find its model and OCR caches."""
    from muniqa.index.ray_cluster import ray_cluster
    with ray_cluster(None, workers=3) as c:
        yield c


def _descendants(root: int) -> set[int]:
    """Processes under ``root`` (the local cluster's raylet and workers are children of this one)."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = set(), {root}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier} - found
        found |= frontier
    return found


def _running(task: str) -> list[int]:
    """Worker pids whose process title says they execute ``task`` (Ray sets ``ray::<task>``)."""
    pids = []
    for pid in _descendants(os.getpid()):
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
        except OSError:
            continue
        if title.startswith(f"ray::{task}"):
            pids.append(pid)
    return pids


@pytest.fixture(scope="module")
def on_ray(cluster, folder, tmp_path_factory) -> tuple[Muniqa, object, list[int]]:
    """The folder indexed on the cluster while a worker executing an embedding task is killed
    (SIGKILL, as the OOM killer or a lost machine would): Ray must retry its batch."""
    killed: list[int] = []
    done = threading.Event()

    def killer():
        while not done.is_set() and not killed:
            for pid in _running("embed_batch"):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                break
            time.sleep(0.01)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    m = Muniqa(tmp_path_factory.mktemp("ray") / "index", progress=False)
    try:
        report = m.index([folder], cluster=cluster)
    finally:
        done.set()
        thread.join()
    return m, report, killed


def assert_same_index(a: Path, b: Path) -> None:
    x, y = load_index(a), load_index(b)
    assert x.manifest["documents"] == y.manifest["documents"]          # order, hashes, metadata
    assert [d.text for d in x.documents.values()] == [d.text for d in y.documents.values()]
    assert [x.chunks[i].to_dict() for i in range(len(x.chunks))] == \
        [y.chunks[i].to_dict() for i in range(len(y.chunks))]                 # texts, citations
    assert [list(x.tokens[i]) for i in range(len(x.tokens))] == [list(y.tokens[i]) for i in range(len(y.tokens))]
    assert np.allclose(np.asarray(x.vectors, np.float32), np.asarray(y.vectors, np.float32), atol=1e-5)
    assert np.array_equal(np.asarray(x.sentences.offsets), np.asarray(y.sentences.offsets))
    assert np.allclose(np.asarray(x.sentences.vectors, np.float32), np.asarray(y.sentences.vectors, np.float32),
                       atol=1e-3)
    assert (x.path / "partners.jsonl").read_text(encoding="utf-8") == (y.path / "partners.jsonl").read_text(encoding="utf-8")


def test_cluster_has_three_workers(cluster):
    assert cluster.cpus == 3 and cluster.started


def test_ray_run_writes_the_single_process_index(single, on_ray):
    (m1, r1), (m2, r2, _) = single, on_ray
    assert r2.written and r2.added == r1.added and len(r1.added) == 5 + len(REAL_FILES)
    assert r2.duplicates == r1.duplicates and r2.duplicates       # the copied report, skipped alike
    assert sorted(str(e) for e in r2.failed) == sorted(str(e) for e in r1.failed)
    assert {Path(e.path).name for e in r2.failed} == {"broken.pdf", "old.doc"}
    assert_same_index(m1.index_dir, m2.index_dir)
    docs = load_index(m2.index_dir).documents
    assert any(d.unit == "paragraph" for d in docs.values()) and any(d.pages for d in docs.values())


def test_search_results_are_the_same(single, on_ray):
    for question in QUESTIONS:
        a, b = single[0].ask(question, k=5), on_ray[0].ask(question, k=5)
        assert [(p.doc, p.start, p.end) for p in a.passages] == [(p.doc, p.start, p.end) for p in b.passages]
        assert np.allclose([p.score for p in a.passages], [p.score for p in b.passages], atol=1e-4)


def test_ray_update_reuses_unchanged_and_keeps_removals(cluster, on_ray, folder, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(on_ray[0].index_dir, index)
    m = Muniqa(index, progress=False)
    again = m.index([folder], cluster=cluster)
    assert not again.written and len(again.unchanged) == 5 + len(REAL_FILES)
    m.remove(["reports/khabarovsk-2021-international-tourism"])
    third = m.index([folder], cluster=cluster)
    assert third.still_removed == ["reports/khabarovsk-2021-international-tourism"]
    assert "reports/khabarovsk-2021-international-tourism" not in load_index(index).documents


def test_a_worker_killed_mid_run_loses_nothing(single, on_ray):
    m, report, killed = on_ray
    assert killed, "no worker was seen embedding, so none was killed"
    assert report.written and {Path(e.path).name for e in report.failed} == {"broken.pdf", "old.doc"}
    assert_same_index(single[0].index_dir, m.index_dir)


def test_cli_joins_a_running_cluster_and_reports_bad_files_in_one_line_each(cluster, folder, on_ray, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(on_ray[0].index_dir, index)
    address = ray.get_runtime_context().gcs_address            # host:port of the module's cluster
    done = run_cli("index", folder.as_posix(), "--ray", address, "--index", str(index))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ошибка:")]
    assert len(errors) == 2 and any("broken.pdf" in e for e in errors) and any("old.doc" in e for e in errors)
    assert f"кластер Ray: {address}, CPU для задач: 3" in done.stderr
    assert "ничего не изменилось" in done.stdout


def test_ray_value_that_names_a_folder_is_a_path(folder):
    from muniqa.ray_command import split_address
    assert split_address(str(folder), []) == (None, [folder])          # muniqa index --ray FOLDER
    assert split_address("local", [folder]) == (None, [folder])
    assert split_address("ray://head:10001", [folder]) == ("ray://head:10001", [folder])
    assert split_address("auto", []) == ("auto", [])


def test_without_ray_installed_one_line_says_what_to_install(monkeypatch):
    from muniqa.index.ray_cluster import RayRunError, ray_cluster
    monkeypatch.setitem(sys.modules, "ray", None)     # import ray -> ImportError
    with pytest.raises(RayRunError, match=r"pip install 'muniqa\[ray\]'"):
        with ray_cluster():
            pass


def test_unreachable_cluster_is_one_line_and_the_index_stays(on_ray, folder, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(on_ray[0].index_dir, index)
    before = (index / "CURRENT").read_text()
    (folder / "new.txt").write_text("Томск. Новый отчёт о сотрудничестве с городом Гомель.\n", encoding="utf-8")
    try:
        done = run_cli("index", str(folder), "--ray", "127.0.0.1:1", "--index", str(index))
    finally:
        (folder / "new.txt").unlink()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("ошибка: нет связи с кластером Ray 127.0.0.1:1")
    assert (index / "CURRENT").read_text() == before
