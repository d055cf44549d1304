"""``muniqa serve`` started for real on a copy of an index, and the Chromium flags the browser
tests use: shared by every browser test module, so they start the app the same way."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out on this closed network.
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "ui"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served_app(index_dir: Path, home: Path) -> Iterator[str]:
    """The app on its own data dir ``home`` with a copy of ``index_dir``; yields its URL."""
    shutil.copytree(index_dir, home / "index")
    port = _free_port()
    env = {**os.environ, "MUNIQA_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False"}
    env.pop("MUNIQA_INDEX", None)
    log = open(home / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "muniqa", "serve", "--port", str(port),
                             "--index", str(home / "index")], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail("the app did not start:\n" + (home / "serve.log").read_text())
            time.sleep(0.5)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def browser_page(timeout_ms: int = 30_000):
    """A page of Debian's headless Chromium (Playwright), the size and language the tests expect."""
    from playwright import sync_api
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1320, "height": 1000}, accept_downloads=True,
                                    locale="ru-RU")
            page.set_default_timeout(timeout_ms)
            yield page
        finally:
            browser.close()
