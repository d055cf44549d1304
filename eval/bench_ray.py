"""Indexing throughput on a local Ray cluster of 1, 2, 3... workers, side by side in one run.

Why: says what a second (third, hundredth) worker buys, and gives the per-core figures the
sizing note in the README (Speed) is computed from. Each worker count gets a fresh local
cluster and a fresh index of the same folder; the in-process path (no Ray) is measured too.

    python -m muniqa.eval.bench_ray [--folder DIR ...] [--workers 1 2 3] [--json]

Per run: cluster start and worker warm-up (each worker loads the embedder and morphology)
are timed apart from the index build; documents/s and tokens/s (passage tokens, as
``muniqa bench`` counts them, over the whole build: reading, chunking, lemmas, passage AND
sentence vectors, write) are for the build. OCR is off unless ``--ocr`` (its cache would make
every run after the first a cache read); scans then count as failed files. ``uptime`` is
printed before and after: on a shared machine the load says how far to trust the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from muniqa.corpus.loader import bundled_reports_dir
from muniqa.eval.shared_data import shared_path


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _warm_up(cpus: int, embedder: str) -> None:
    """One task per worker that loads what the build needs, held long enough to land apart."""
    import ray

    def warm(name: str) -> int:
        from muniqa.index.lemmas import lemmas
        from muniqa.index.ray_tasks import worker_embedder
        worker_embedder(name).embed_passages(["прогрев"])
        lemmas("прогрев модели")
        time.sleep(1.0)
        return os.getpid()

    task = ray.remote(num_cpus=1)(warm)
    ray.get([task.remote(embedder) for _ in range(cpus)])


def _build(folders: list[Path], workers: int | None, embedder: str) -> dict:
    from muniqa.index.ray_cluster import ray_cluster
    from muniqa.qa import Muniqa

    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        m = Muniqa(Path(tmp) / "index", embedder=embedder, progress=False)
        row: dict = {"workers": workers or 0}
        if workers is None:
            started = time.perf_counter()
            report = m.index(folders)
        else:
            t0 = time.perf_counter()
            with ray_cluster(None, workers) as cluster:
                row["cluster_start_s"] = round(time.perf_counter() - t0, 2)
                t1 = time.perf_counter()
                _warm_up(cluster.cpus, m.embedder.backend)
                row["warm_up_s"] = round(time.perf_counter() - t1, 2)
                started = time.perf_counter()
                report = m.index(folders, cluster=cluster)
        seconds = time.perf_counter() - started
    docs = len(report.added) + len(report.updated)
    row.update(documents=docs, passages=report.chunks, failed=len(report.failed),
               tokens=report.embedded_tokens, build_s=round(seconds, 2),
               docs_per_s=round(docs / seconds, 3), tokens_per_s=round(report.embedded_tokens / seconds, 1),
               timings={k: round(v, 2) for k, v in report.timings.items()})
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", action="append", type=Path,
                        help="folder(s) to index (default: the bundled reports and ../shared/realdocs-dev)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--no-single", action="store_true", help="skip the in-process run")
    parser.add_argument("--ocr", action="store_true", help="keep OCR on (scans are read, cached after the first run)")
    parser.add_argument("--embedder", default="onnx")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    folders = args.folder or [bundled_reports_dir(), *filter(None, [shared_path("realdocs-dev")])]
    if not args.ocr:
        os.environ["MUNIQA_NO_OCR"] = "1"
    result = {"folders": [str(f) for f in folders], "cores": os.cpu_count(), "uptime_before": _uptime(),
              "runs": []}
    print(f"# {result['uptime_before']}", file=sys.stderr)
    for workers in ([] if args.no_single else [None]) + args.workers:
        row = _build(folders, workers, args.embedder)
        result["runs"].append(row)
        label = "в одном процессе" if workers is None else f"Ray, воркеров: {workers}"
        start = "" if workers is None else f", старт кластера {row['cluster_start_s']} с, прогрев {row['warm_up_s']} с"
        print(f"{label}: {row['documents']} док., {row['passages']} фрагм., {row['build_s']} с — "
              f"{row['docs_per_s']} док./с, {row['tokens_per_s']} токенов/с{start}", file=sys.stderr)
    result["uptime_after"] = _uptime()
    print(f"# {result['uptime_after']}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
