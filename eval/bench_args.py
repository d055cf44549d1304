"""The command line of the side-by-side indexing benchmarks (``bench_sentvec``,
``bench_passage_text``): the files to index, the bundled reports by default, and how many
rounds to alternate the ways in."""
from __future__ import annotations

import argparse
from pathlib import Path

from muniqa.corpus.loader import bundled_reports_dir, iter_documents


def documents_and_rounds(description: str) -> tuple[list, int]:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("paths", nargs="*", help="files or folders to index (default: the bundled reports)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    paths = [Path(p) for p in args.paths] or [bundled_reports_dir()]
    return [d for d in iter_documents(paths) if not isinstance(d, Exception)], args.rounds
