"""How long a new process takes: ``muniqa ask`` and ``muniqa --help`` started afresh.

Why: a command-line user pays the start (imports, the ONNX Runtime session, the lemmatizer's
dictionaries) on every question; the warm figures of ``muniqa bench`` do not show it.

    python -m muniqa.eval.bench_start [--runs 5] [--before DIR] [--json]

Each round runs every variant once, in turn, so a load change on a shared machine hits all
of them alike; the table gives each one's median and all its runs, and ``uptime`` before and
after. ``--before DIR`` adds the same commands run from another checkout of muniqa (e.g.
``git archive <commit> | tar -x -C DIR``), imported in place of this one; ``--before-pure-dawg``
runs it with pymorphy3's pure-Python dictionary reader, as before DAWG2 was a dependency.
The default index (``MUNIQA_HOME``) must exist: build it with ``muniqa ask`` once.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

QUESTION = "Сотрудничает ли Томск с Монголией?"
_RUN = ("import sys\n{prelude}"
        "from muniqa.cli import main\n"
        "sys.argv = ['muniqa', *sys.argv[1:]]\n"
        "main()\n")


def _prelude(root: str | None, pure_dawg: bool) -> str:
    """Code that points the editable install's finder at ``root`` before muniqa is imported."""
    lines = []
    if pure_dawg:
        lines.append("sys.modules['dawg'] = None\n")
    if root:
        lines.append("import __editable___muniqa_0_1_0_finder as _f\n"
                     "_here = _f.MAPPING['muniqa'].rsplit('/', 1)[0]\n"
                     f"_f.MAPPING.update({{k: v.replace(_here, {root!r}, 1) for k, v in _f.MAPPING.items()}})\n")
    return "".join(lines)


def _seconds(code: str, args: list[str]) -> float:
    started = time.perf_counter()
    # cwd "/": from a checkout's root, ``-c`` would import its muniqa/ folder, not the one asked for
    subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, cwd="/")
    return time.perf_counter() - started


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run(runs: int, before: str | None, pure_dawg: bool) -> dict:
    variants = {"after": _RUN.format(prelude="")}
    if before:
        variants = {"before": _RUN.format(prelude=_prelude(before, pure_dawg)), **variants}
    commands = {"ask": ["ask", QUESTION], "--help": ["--help"]}
    for code in variants.values():               # once each: caches built, files in the page cache
        _seconds(code, commands["ask"])
    times = {(v, c): [] for v in variants for c in commands}
    up = [_uptime()]
    for _ in range(runs):
        for c, args in commands.items():
            for v, code in variants.items():
                times[(v, c)].append(_seconds(code, args))
    up.append(_uptime())
    return {"uptime": up, "runs": {f"{v} {c}": {"p50": round(statistics.median(t), 2),
                                               "all": [round(x, 2) for x in t]}
                                  for (v, c), t in times.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--before", default=None)
    ap.add_argument("--before-pure-dawg", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    result = run(a.runs, a.before, a.before_pure_dawg)
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    print(f"uptime before: {result['uptime'][0]}\nuptime after:  {result['uptime'][1]}")
    print("| command | p50, s | runs, s |\n|---|---|---|")
    for name, r in result["runs"].items():
        print(f"| {name} | {r['p50']:.2f} | {', '.join(f'{x:.2f}' for x in r['all'])} |")


if __name__ == "__main__":
    main()
