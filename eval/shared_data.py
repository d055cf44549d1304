"""Where the team's shared material lives (seed reports, real documents, XQuAD-ru).

It is never bundled (XQuAD is CC BY-SA; the real documents are test material). It is found at
``$MUNIQA_SHARED`` if set, else in a ``shared/`` folder beside the repository (how CI lays it
out), else at /work/shared (how the developers' machines lay it out).
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """The shared folder, or None when this machine has none."""
    env = os.environ.get("MUNIQA_SHARED")
    candidates = [Path(env)] if env else [REPO_ROOT.parent / "shared", Path("/work/shared")]
    return next((p for p in candidates if p.is_dir()), None)


def shared_path(*parts: str) -> Path | None:
    """``shared_dir()/parts...`` if it exists, else None (callers skip or explain)."""
    base = shared_dir()
    path = base.joinpath(*parts) if base else None
    return path if path is not None and path.exists() else None
