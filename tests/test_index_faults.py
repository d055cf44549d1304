"""Faults of the index folder (issue 12, items 4-5): each gives one line naming the file, the
previous version stays live, and the advised repair works.

Disk full, read-only and out-of-inodes are real when the tests run as root (a tiny tmpfs is
mounted for them); otherwise the write that would fail is made to fail with the same errno.
"""
from __future__ import annotations

import errno
import json
import re
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from muniqa.index.errors import IndexWriteError
from muniqa.index.store import IndexOpenError, live_version, load_index
from muniqa.qa import Muniqa

from .conftest import run_cli

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _one_line_error(res: subprocess.CompletedProcess, *needles: str) -> str:
    assert res.returncode != 0 and "Traceback" not in res.stderr, res.stderr
    lines = [line for line in re.split(r"[\r\n]", res.stderr)
             if line.strip() and not re.search(r"\d+%\|", line)]          # progress bars are not messages
    assert len(lines) == 1, res.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def _repair_works(index: Path) -> None:
    res = run_cli("index", "--rebuild", "--index", str(index))
    assert res.returncode == 0, res.stderr
    res = run_cli("ask", "ледовые скульптуры", "--json", "--k", "1", "--index", str(index))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["passages"]


MANIFEST_DAMAGE = {
    "truncated": lambda text: text[: len(text) // 2],
    "a-list": lambda text: "[1, 2, 3]",
    "no-embedder": lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "embedder"}),
}


@pytest.mark.parametrize("damage", sorted(MANIFEST_DAMAGE))
def test_damaged_manifest_names_the_file_and_the_repair_works(index_copy, damage):
    path = live_version(index_copy) / "manifest.json"
    path.write_text(MANIFEST_DAMAGE[damage](path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(IndexOpenError, match="manifest.json"):
        load_index(index_copy)
    _one_line_error(run_cli("ask", "туризм", "--index", str(index_copy)), str(path), "--rebuild")
    _repair_works(index_copy)


def test_garbled_current_names_the_file_and_the_repair_works(index_copy):
    (index_copy / "CURRENT").write_bytes(b"\xff\xfe\x00garbage")
    _one_line_error(run_cli("ask", "туризм", "--index", str(index_copy)), str(index_copy / "CURRENT"), "--rebuild")
    _repair_works(index_copy)


def test_orphaned_version_is_not_kept_instead_of_the_real_previous_one(index_copy, tmp_path):
    """A complete version whose swap never happened (a writer killed just before it) must not
    survive in place of the version that was live before the next write."""
    live = live_version(index_copy)
    orphan = index_copy / "v-29990101T000000-1-orphan"
    shutil.copytree(live, orphan)                      # newer than the live one, never live
    m = Muniqa(index_copy, progress=False)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "omsk.txt").write_text("ОМСК\nВ 2023 году Омск открыл визит-центр.\n", encoding="utf-8")
    m.index([folder])
    kept = {p.name for p in index_copy.glob("v-*")}
    assert kept == {live.name, live_version(index_copy).name}
    assert not orphan.exists()


def test_leftovers_of_killed_runs_are_cleaned_only_without_a_writer(index_copy, tmp_path):
    from muniqa.index.lock import writer_lock
    stale = index_copy / ".tmp-killed"
    stale.mkdir()
    (stale / "vectors.npy").write_bytes(os.urandom(100_000))
    m = Muniqa(index_copy, progress=False)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("ОМСК\nОмск открыл визит-центр в 2023 году.\n", encoding="utf-8")
    m.index([tmp_path / "d"])                            # a writer holds the lock: no one else writes
    assert not stale.exists()
    from muniqa.index.versions import clean_leftovers
    with writer_lock(index_copy):
        other = index_copy / ".tmp-running"
        other.mkdir()                                     # this one belongs to the lock holder
    assert other.exists()                                 # nothing deleted it behind the holder's back
    assert clean_leftovers(index_copy) == [".tmp-running"]


# --- disk full, read-only folder, no inodes --------------------------------------------

@pytest.fixture()
def tiny_fs(tmp_path):
    """A 12 MB tmpfs (root only), unmounted afterwards; None when mounting is not possible."""
    mount = tmp_path / f"fs-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    if not IS_ROOT:
        yield None
        return
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m,nr_inodes=400", "tmpfs", str(mount)],
                         capture_output=True)
    if res.returncode != 0:
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(folder: Path) -> None:
    """Use up the space of the filesystem holding ``folder``."""
    with open(folder / "filler", "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * (1 << 20))
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def _new_doc(tmp_path: Path) -> Path:
    folder = tmp_path / "new"
    folder.mkdir(exist_ok=True)
    (folder / "omsk.txt").write_text("ОМСК\nВ 2023 году Омск подписал соглашение с городом Павлодар.\n",
                                     encoding="utf-8")
    return folder


def _index_on(fs: Path, index_copy: Path) -> Path:
    index = fs / "index"
    shutil.copytree(index_copy, index)
    return index


def test_disk_full_is_one_line_and_the_index_stays(index_copy, tmp_path, tiny_fs, monkeypatch):
    index = _index_on(tiny_fs, index_copy) if tiny_fs else index_copy
    before = live_version(index)
    if tiny_fs:
        _fill(tiny_fs)
        res = run_cli("index", str(_new_doc(tmp_path)), "--index", str(index))
        line = _one_line_error(res, str(index), "нет места")
        assert "прежняя версия" in line
    else:
        import numpy as np
        monkeypatch.setattr(np, "save", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left")))
        with pytest.raises(IndexWriteError, match="нет места"):
            Muniqa(index, progress=False).index([_new_doc(tmp_path)])
    assert live_version(index) == before and not list(index.glob(".tmp-*"))
    assert Muniqa(index, progress=False).ask("ледовые скульптуры", k=1).passages      # still searchable
    if tiny_fs:
        (tiny_fs / "filler").unlink()
        assert run_cli("index", str(_new_doc(tmp_path)), "--index", str(index)).returncode == 0


def test_read_only_folder_is_one_line_and_the_index_stays(index_copy, tmp_path, tiny_fs, monkeypatch):
    if tiny_fs is None:
        pytest.skip("a read-only folder needs a mount (root): chmod does not stop root")
    index = _index_on(tiny_fs, index_copy)
    before = live_version(index)
    assert subprocess.run(["mount", "-o", "remount,ro", str(tiny_fs)]).returncode == 0
    res = run_cli("index", str(_new_doc(tmp_path)), "--index", str(index))
    _one_line_error(res, str(index), "только для чтения")
    assert live_version(index) == before
    res = run_cli("ask", "ледовые скульптуры", "--k", "1", "--index", str(index))
    assert res.returncode == 0 and "Томск" in res.stdout, res.stderr            # reading still works


def test_no_inodes_at_the_swap_leaves_no_orphan_and_the_next_write_keeps_the_previous(
        index_copy, tmp_path, monkeypatch):
    """Out of inodes exactly when the new CURRENT pointer is created (real inode exhaustion
    cannot be aimed at one file, so that one write fails with the errno the kernel gives)."""
    import muniqa.index.store as store
    m = Muniqa(index_copy, progress=False)
    before = live_version(index_copy)
    versions_before = {p.name for p in index_copy.glob("v-*")}
    real = Path.write_text

    def no_inode(self, *a, **k):
        if self.name.startswith(".CURRENT."):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, *a, **k)
    monkeypatch.setattr(store.Path, "write_text", no_inode)
    with pytest.raises(IndexWriteError, match=r"\.CURRENT\..*нет места"):
        m.index([_new_doc(tmp_path)])
    monkeypatch.undo()
    assert live_version(index_copy) == before
    assert {p.name for p in index_copy.glob("v-*")} == versions_before      # no orphaned version
    assert not list(index_copy.glob(".CURRENT.*")) and not list(index_copy.glob(".tmp-*"))
    m.index([_new_doc(tmp_path)])                        # the next write
    assert before.exists(), "the real previous version was deleted"
    assert "omsk" in m.data.documents
