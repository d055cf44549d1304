"""Systems are configurations, not code paths.

A system is a named retrieval configuration (``qa.retrieve.SYSTEMS``) with optional changes,
written inline (``hybrid:alpha=0.5,fusion=rrf``) or in a YAML/JSON file::

    systems:
      - {name: hybrid-200, base: hybrid, chunk_size: 200, chunk_overlap: 30}
      - {name: rrf-10, base: hybrid, fusion: rrf, rrf_k: 10}
      - {name: no-gazetteer, base: hybrid, gazetteer: false}

``embedder``, ``chunk_size`` and ``chunk_overlap`` change the index (each distinct setting
gets its own evaluation index); everything else changes only the search.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from muniqa.index.chunker import ChunkerSettings
from muniqa.qa.retrieve import RetrievalConfig, parse_system

INDEX_KEYS = ("embedder", "chunk_size", "chunk_overlap")


@dataclass(frozen=True)
class SystemSpec:
    label: str
    retrieval: RetrievalConfig
    embedder: str | None = None
    chunker: ChunkerSettings | None = None

    @property
    def index_key(self) -> tuple:
        return self.embedder, self.chunker

    def settings(self) -> dict:
        from dataclasses import asdict
        return {"retrieval": asdict(self.retrieval), "embedder": self.embedder or "index default",
                "chunker": asdict(self.chunker or ChunkerSettings())}


def _make(label: str, base: str, fields: dict[str, str]) -> SystemSpec:
    index_fields = {k: fields.pop(k) for k in INDEX_KEYS if k in fields}
    spec = base + (":" + ",".join(f"{k}={v}" for k, v in fields.items()) if fields else "")
    retrieval = parse_system(spec)
    chunker = None
    if "chunk_size" in index_fields or "chunk_overlap" in index_fields:
        default = ChunkerSettings()
        try:
            chunker = ChunkerSettings(int(index_fields.get("chunk_size", default.chunk_size)),
                                      int(index_fields.get("chunk_overlap", default.chunk_overlap)))
        except ValueError:
            raise ValueError(f"система {label!r}: chunk_size и chunk_overlap — целые числа") from None
        if chunker.chunk_overlap >= chunker.chunk_size:
            raise ValueError(f"система {label!r}: chunk_overlap должен быть меньше chunk_size")
    return SystemSpec(label, retrieval, index_fields.get("embedder"), chunker)


def parse_spec(spec: str) -> SystemSpec:
    """``hybrid`` or ``hybrid:alpha=0.5,chunk_size=200``."""
    base, _, settings = spec.partition(":")
    fields = {}
    for item in filter(None, (s.strip() for s in settings.split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"система {spec!r}: настройки пишутся как ключ=значение, а не {item!r}")
        fields[key.strip()] = value.strip()
    return _make(spec, base, fields)


def split_specs(text: str) -> list[str]:
    """Systems on the command line: comma-separated, or ';'-separated (which settings need:
    ``hybrid:alpha=0.5,fusion=rrf;dense``)."""
    return [s.strip() for s in text.split(";" if ";" in text or ":" in text else ",") if s.strip()]


def load_systems_file(path: str | Path) -> list[SystemSpec]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else __import__("yaml").safe_load(text)
    except Exception as exc:  # noqa: BLE001 - any parse error is the user's file
        raise ValueError(f"{path}: файл систем не читается: {exc}") from None
    rows = data.get("systems") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{path}: под 'systems' ожидается список")
    out = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or "name" not in row:
            raise ValueError(f"{path}: у системы {n} нет поля 'name'")
        fields = {k: str(v).lower() if isinstance(v, bool) else str(v)
                  for k, v in row.items() if k not in ("name", "base")}
        try:
            out.append(_make(str(row["name"]), str(row.get("base", row["name"])), fields))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    return out
