"""Write a file so that a reader, a parallel writer or a crash sees the old file or the new,
never half of one.

The text goes to a temporary file in the target's folder (the same file system, so
``os.replace`` is atomic), which then replaces the target. On any failure the temporary file
is removed and the error raised: the caller decides whether a failed write matters (a cache
just goes without, an index version does not).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_text_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
