"""The ONNX Runtime session, from a graph optimised once and saved beside the model.

Creating the session re-optimises the graph on every start (fusing attention, folding
constants): about a fifth of the session's cost. The first start saves the optimised graph
(``ORT_ENABLE_EXTENDED``: the levels ONNX Runtime documents as portable; ``ALL`` adds
layout changes tied to the machine) as ``model.optimized.onnx``; later starts load it
with optimisation off. ``optimized.json`` records what it was made from (the model's
SHA-256 and the ONNX Runtime version) and its own hash (checked through ``hash_memo``);
on any mismatch, or if it fails to load, the session is made from ``model.onnx`` as before
and the file is written again (not on a disk without room for it, nor where it cannot be
written: the session is then made without saving). The outputs are the same to the last bit (README, Speed).
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from muniqa.corpus.atomic import write_text_atomically

from .hash_memo import known_sha256

OPTIMIZED = "model.optimized.onnx"
RECORD = "optimized.json"


def _options(ort, threads: int, level):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    opts.graph_optimization_level = level
    return opts


def _expected(folder: Path, ort) -> dict | None:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return {"model_sha256": manifest["files"]["model.onnx"], "onnxruntime": ort.__version__}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _saved(folder: Path, ort, threads: int, expected: dict | None):
    """The session over the saved optimised graph, or None when it cannot be trusted."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        if expected is None or {k: record.get(k) for k in expected} != expected:
            return None
        if known_sha256(folder / OPTIMIZED, folder.parent) != record.get("sha256"):
            return None
        opts = _options(ort, threads, ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
        return ort.InferenceSession(str(folder / OPTIMIZED), opts, providers=["CPUExecutionProvider"])
    except Exception:  # noqa: BLE001 - missing, stale or unloadable: make it again
        return None


def open_session(folder: Path, threads: int):
    """An ORT session for ``folder / "model.onnx"`` (already verified by the caller)."""
    import onnxruntime as ort

    expected = _expected(folder, ort)
    session = _saved(folder, ort, threads, expected)
    if session is not None:
        return session
    model = folder / "model.onnx"
    if expected is not None and _room_for(folder, model):
        tmp = folder / f"{OPTIMIZED}.{os.getpid()}.tmp"
        opts = _options(ort, threads, ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
        opts.optimized_model_filepath = str(tmp)
        try:
            session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        except Exception:  # noqa: BLE001 - ORT fails the session when it cannot write the file
            _remove(tmp)
        else:
            _keep(folder, tmp, expected)
            return session
    opts = _options(ort, threads, ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    return ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])


def _room_for(folder: Path, model: Path) -> bool:
    """Room for the optimised graph (about the model's size) and some to spare: on a full
    disk the session is made without saving, not refused."""
    try:
        return os.access(folder, os.W_OK) and shutil.disk_usage(folder).free > 2 * model.stat().st_size
    except OSError:
        return False


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _keep(folder: Path, tmp: Path, expected: dict) -> None:
    """Put the optimised graph in place with its record; a read-only folder keeps none."""
    try:
        os.replace(tmp, folder / OPTIMIZED)
        record = dict(expected, sha256=known_sha256(folder / OPTIMIZED, folder.parent))
        write_text_atomically(folder / RECORD, json.dumps(record, indent=2))
    except OSError:
        _remove(tmp)
