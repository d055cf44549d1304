"""Gazetteer build and load time: python scripts/bench_places.py (prints figures, asserts nothing).

Build = reading GeoNames + pymorphy3 checks (once per data directory); load = reading the JSON
cache a later process finds; lookup = one query-time call.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

CODE = ("import time; t=time.perf_counter(); from muniqa.corpus import places as P; P._table(); "
        "print(f'{time.perf_counter()-t:.2f}')")


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {"MUNIQA_HOME": home, "PATH": ""}
        build = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True)
        load = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True)
        print(f"build table (first use in a data dir): {build.stdout.strip()} s")
        print(f"load cached table (later processes):   {load.stdout.strip()} s")
        os.environ["MUNIQA_HOME"] = home
        from muniqa.corpus import places
        places._table()
        words = ["гомель", "белорусский", "кнр", "мир", "утверждать", "томский", "федеральный"] * 2000
        t = time.perf_counter()
        for w in words:
            places.lookup(w)
        per = (time.perf_counter() - t) / len(words) * 1e6
        print(f"lookup: {per:.1f} us per call ({len(places._table().places)} places, "
              f"{len(places._table().names)} name keys, {len(places._table().adjectives)} adjective keys)")


if __name__ == "__main__":
    main()
