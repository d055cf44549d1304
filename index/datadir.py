"""Where muniqa keeps what it builds: never inside the installed packages.

``MUNIQA_HOME`` overrides the per-user data directory (tests point it at a temp dir).
"""
from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def data_dir() -> Path:
    root = os.environ.get("MUNIQA_HOME") or user_data_dir("muniqa", appauthor=False)
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_index_dir() -> Path:
    """``MUNIQA_INDEX`` if set, else ``<data dir>/index``."""
    env = os.environ.get("MUNIQA_INDEX")
    return Path(env) if env else data_dir() / "index"
