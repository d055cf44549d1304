"""Two writers on one index (issue 12, item 1): the second waits for the first, then builds
on what the first wrote; every document of both is in the index afterwards."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from muniqa.eval.shared_data import shared_path
from muniqa.index.lock import is_locked, writer_lock

from .conftest import run_cli

REALDOCS = shared_path("realdocs-dev")
needs_realdocs = pytest.mark.skipif(REALDOCS is None, reason="shared/realdocs-dev is missing")
# ~105 KB for the first writer: enough for it to hold the lock for many seconds after the second
# starts (the 500 KB it had cost ~6 of CI's minutes: both tests index these files).
FIRST = ["txt_fstec_order_21_personal_data_measures.txt", "html_presidential_decree_1991_land_reform.html",
         "html_tula_decree_layout_tables.html"]
SECOND = ["txt_constitutional_court_ruling.txt", "txt_order_minsport_personal_data.txt"]


def _folder(root: Path, names: list[str]) -> Path:
    root.mkdir(parents=True)
    for name in names:
        shutil.copy(REALDOCS / name, root / name)
    return root


def _start_index(folder: Path, index: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "muniqa", "index", str(folder), "--index", str(index)],
                            stdout=open(log.with_suffix(".out"), "w"), stderr=open(log, "w"),
                            env=dict(os.environ))


def _docs(index: Path) -> set[str]:
    res = run_cli("docs", "--json", "--index", str(index))
    assert res.returncode == 0, res.stderr
    return {d["doc"] for d in json.loads(res.stdout)}


def _wait_for(predicate, what: str, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


@needs_realdocs
def test_two_cli_writers_on_one_index_keep_every_document(tmp_path, muniqa_home):
    a, b = _folder(tmp_path / "a", FIRST), _folder(tmp_path / "b", SECOND)
    index = tmp_path / "index"
    first = _start_index(a, index, tmp_path / "a.log")
    _wait_for(lambda: is_locked(index) or first.poll() is not None, "the first writer to take the lock")
    second = _start_index(b, index, tmp_path / "b.log")
    assert first.wait(600) == 0, (tmp_path / "a.log").read_text()
    assert second.wait(600) == 0, (tmp_path / "b.log").read_text()
    assert _docs(index) == {Path(n).stem for n in FIRST + SECOND}
    assert not list(index.glob(".tmp-*")) and len(list(index.glob("v-*"))) <= 2


def test_second_writer_waits_with_a_message_then_merges(index_copy, tmp_path, muniqa_home):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "omsk.txt").write_text("ОМСК\nВ 2023 году Омск подписал соглашение с городом Павлодар.\n",
                                     encoding="utf-8")
    before = _docs(index_copy)
    log = tmp_path / "b.log"
    with writer_lock(index_copy):                 # another writer is busy
        proc = _start_index(folder, index_copy, log)
        _wait_for(lambda: "Индекс занят другой записью" in log.read_text(encoding="utf-8")
                  or proc.poll() is not None, "the waiting message")
        assert proc.poll() is None, log.read_text()     # it waits, it does not write past us
        assert f"PID {os.getpid()}" in log.read_text(encoding="utf-8")
    assert proc.wait(300) == 0, log.read_text()
    assert _docs(index_copy) == before | {"omsk"}


@needs_realdocs
def test_app_upload_and_cli_run_keep_every_document(index_copy, tmp_path, monkeypatch):
    """The app's writer (an upload) and a `muniqa index` run at the same time."""
    from muniqa.qa import Muniqa
    from muniqa.ui import documents
    from muniqa.ui.jobs import Writer
    monkeypatch.setenv("MUNIQA_HOME", str(tmp_path / "home"))
    m = Muniqa(index_copy, progress=False)
    before = set(m.data.documents)
    saved = [documents.store_upload(REALDOCS / n, n) for n in FIRST]
    job = Writer(m).submit("upload", lambda: (documents.load_upload(p, {}) for p in saved),
                           readd=[str(p) for p in saved])
    _wait_for(lambda: is_locked(index_copy) or job.finished, "the app's writer to take the lock")
    cli = _start_index(_folder(tmp_path / "b", SECOND), index_copy, tmp_path / "b.log")
    assert job.wait(600) and job.state == "done", job.error
    assert cli.wait(600) == 0, (tmp_path / "b.log").read_text()
    uploaded = {d.doc_id for d in m.data.documents.values() if "/uploads/" in d.source}
    assert len(uploaded) == len(FIRST)
    assert set(m.data.documents) == before | uploaded | {Path(n).stem for n in SECOND}
