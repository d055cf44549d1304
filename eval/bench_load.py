"""Load on the app: N simulated users searching for S seconds over loopback; prints figures.

    python -m muniqa.eval.bench_load --users 20 --seconds 60

Starts ``muniqa serve`` on a free port with its own data folder (a copy of the default
index, so nothing of the user's changes), then each user, with its own Gradio client
session, asks questions one after the other through the page's search event. Reported:
answers, errors, latency percentiles, and how much the data folder grew — a search must
not write files (issue 12: exports on every search grew it by 120 MB in a minute).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

QUESTIONS = ["Какие города сотрудничают с белорусскими партнерами?", "Как развивается въездной туризм?",
             "фестиваль ледовых скульптур", "Какие соглашения заключены с китайскими городами?",
             "Как администрация работает со СМИ и социальными сетями?", "побратимские связи с Японией"]


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, index: Path, log_path: Path | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "MUNIQA_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False"}
    env.pop("MUNIQA_INDEX", None)
    log_path = log_path or home / "serve.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "muniqa", "serve", "--port", str(port), "--index", str(index)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("the app did not start:\n" + log_path.read_text())
            time.sleep(0.5)


def run_load(url: str, users: int, seconds: float) -> dict:
    """``users`` threads, each its own session, searching until ``seconds`` have passed."""
    from gradio_client import Client
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def user(n: int) -> None:
        client = Client(url, verbose=False)
        i = n
        while time.time() < stop_at:
            q = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            started = time.perf_counter()
            try:
                out = client.predict(q, [], "", "", "", 10, api_name="/search")
                ok = "mq-card" in str(out[0])
            except Exception as exc:  # noqa: BLE001 - an error is a figure here
                ok, out = False, f"{type(exc).__name__}: {exc}"
            took = time.perf_counter() - started
            with lock:
                (latencies.append(took) if ok else errors.append(str(out)[:200]))

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    ms = np.array(latencies or [0.0]) * 1000
    return {"users": users, "seconds": seconds, "answers": len(latencies), "errors": len(errors),
            "first_errors": errors[:3], "answers_per_s": round(len(latencies) / seconds, 2),
            "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1)}


def measure(users: int, seconds: float, index: Path) -> dict:
    """Serve a copy of ``index`` in a fresh data folder, load it, report figures and growth."""
    home = Path(tempfile.mkdtemp(prefix="muniqa-load-"))
    try:
        shutil.copytree(index, home / "index")
        proc, url = start_server(home, home / "index")
        try:
            run_load(url, 1, 3)                               # warm: model loaded, first answers
            before = folder_size(home)
            figures = run_load(url, users, seconds)
            figures["data_folder_growth_bytes"] = folder_size(home) - before
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        return figures
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    from muniqa.index.datadir import default_index_dir
    from muniqa.qa import Muniqa
    ap = argparse.ArgumentParser(description="Нагрузка на приложение: N пользователей ищут S секунд.")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--index", type=Path, default=None, help="индекс (по умолчанию — индекс по умолчанию)")
    args = ap.parse_args()
    index = args.index or default_index_dir()
    Muniqa(index).ensure_index()
    print(json.dumps(measure(args.users, args.seconds, index), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
