"""What `pip install .` puts into a user's environment (issue 12, item 9): one top-level
package, ``muniqa`` (with its metadata), never ``corpus``, ``index``, ``qa``, ``ui``, ``eval``."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    pytest.importorskip("setuptools")
    out = tmp_path_factory.mktemp("wheel")
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                          "-w", str(out), str(REPO)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    return next(out.glob("muniqa-*.whl")), res.stdout + res.stderr


def test_wheel_installs_only_the_muniqa_package(wheel):
    path, _ = wheel
    names = zipfile.ZipFile(path).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"muniqa", f"{path.name.split('-')[0]}-{path.name.split('-')[1]}.dist-info"}
    for stage in ("corpus", "index", "qa", "ui", "eval"):
        assert f"muniqa/{stage}/__init__.py" in names
    assert "muniqa/corpus/reports/metadata.csv" in names            # the bundled reports come along
    assert "muniqa/cli.py" in names and "muniqa/__main__.py" in names


def test_build_gives_no_license_deprecation_warning(wheel):
    _, log = wheel
    assert "project.license" not in log and "License classifiers are deprecated" not in log
