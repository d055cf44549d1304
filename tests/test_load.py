"""A short load test (issue 12, item 3): simulated users searching the served app get answers
and the data folder does not grow (searches write no files). The full figure is
``python -m muniqa.eval.bench_load --users 20 --seconds 60``."""
from __future__ import annotations

import pytest

pytest.importorskip("gradio_client")


def test_many_searches_answer_and_do_not_fill_the_data_folder(bundled):
    from muniqa.eval.bench_load import measure
    figures = measure(users=5, seconds=15, index=bundled.index_dir)
    assert figures["errors"] == 0, figures["first_errors"]
    assert figures["answers"] >= 5
    assert figures["data_folder_growth_bytes"] < 5 * 2**20, figures


def test_searching_works_on_a_full_disk(bundled, muniqa_home, tmp_path):
    """The app and the CLI answer while the data folder's disk is full (a real tmpfs, root only)."""
    import os
    import shutil
    import subprocess

    from muniqa.eval.bench_load import run_load, start_server

    from .test_index_faults import _fill
    if os.geteuid() != 0:
        pytest.skip("filling a real disk needs a tmpfs mount (root)")
    home = tmp_path / "home"
    home.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=110m", "tmpfs", str(home)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        shutil.copytree(bundled.index_dir, home / "index")
        shutil.copytree(muniqa_home / "models", home / "models",   # the embedder, built once; not
                        ignore=shutil.ignore_patterns("model.optimized.onnx"))  # its optional saved graph
        (home / "tmp").mkdir()
        _fill(home)
        env = {"MUNIQA_HOME": str(home)}
        from .conftest import run_cli
        res = run_cli("ask", "ледовые скульптуры", "--k", "2", env=env)
        assert res.returncode == 0 and "Томск" in res.stdout, res.stderr
        proc, url = start_server(home, home / "index", tmp_path / "serve.log")
        try:
            figures = run_load(url, users=2, seconds=8)
        finally:
            proc.terminate()
            proc.wait(15)
        assert figures["answers"] >= 2 and figures["errors"] == 0, figures["first_errors"]
    finally:
        subprocess.run(["umount", "-l", str(home)])
