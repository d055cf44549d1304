"""The Python API: three lines from a notebook to cited passages.

    from muniqa.qa import Muniqa
    m = Muniqa()                                    # the default index (built on first use)
    m.ask("Какие города сотрудничают с белорусскими партнерами?").passages
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from muniqa.index.chunk import ChunkerSettings
from muniqa.index.datadir import default_index_dir
from muniqa.index.embedders import Embedder, make_embedder
from muniqa.index.store import (IndexData, IndexOpenError, check_compatible, live_version,
                                read_manifest)
from muniqa.index.versions import recorded_sources

from .corrections import load_overrides
from .filters import Filters
from .cards import shown_cards
from .passages import Passage, group_by_city
from .retrieve import Retriever, query_lemmas
from .sharded import open_index, retriever_for

if TYPE_CHECKING:                      # reading and indexing are imported when used: a new
    from muniqa.index.builder import UpdateReport   # process that only asks starts faster


class EmptyQuestionError(ValueError):
    """A question without a single letter or digit: there is nothing to search for."""


NO_ANSWER = "Уверенного ответа не найдено; ближайшие фрагменты:"


def check_question(question: str | None) -> str:
    """The question stripped; ``EmptyQuestionError`` (one Russian line) when it is blank."""
    text = (question or "").strip()
    if not any(ch.isalnum() for ch in text):
        raise EmptyQuestionError("Пустой вопрос: напишите, что нужно найти (например, «Какие города "
                                 "сотрудничают с белорусскими партнерами?»).")
    return text


@dataclass
class Answer:
    """Passages best first. ``answer_found`` is False when none of them scores like an
    answer: they are then the nearest fragments, not answers (see ``qa.confidence``)."""
    question: str
    passages: list[Passage] = field(default_factory=list)
    answer_found: bool = True

    @property
    def by_city(self) -> dict[str, list[int]]:
        return group_by_city(self.passages)

    def to_dict(self) -> dict:
        return {"question": self.question, "answer_found": self.answer_found,
                "passages": [p.to_dict() for p in self.passages], "by_city": self.by_city}


class Muniqa:
    """One index directory, its embedder, and the retriever over it.

    The loaded index is swapped, not mutated, when a newer version appears on disk, so
    concurrent searches see either the old or the new index, never a mix.
    """

    def __init__(self, index_dir: str | Path | None = None, embedder: str | Embedder | None = None,
                 progress: bool = True, chunker: ChunkerSettings | None = None):
        self.index_dir = Path(index_dir) if index_dir else default_index_dir()
        self._embedder_arg = embedder
        self._embedder: Embedder | None = None
        self.progress = progress
        self.chunker = chunker
        self._loaded: tuple[Path, IndexData, Retriever] | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        """The embedder given, else the backend that built the index, else the default."""
        if isinstance(self._embedder_arg, Embedder):
            return self._embedder_arg
        if self._embedder is None:
            name = self._embedder_arg
            if name is None:
                try:
                    manifest = read_manifest(self.index_dir)
                except IndexOpenError:
                    manifest = None            # damaged: --rebuild builds it with the default
                name = manifest["embedder"].get("backend") if manifest else None
            self._embedder = make_embedder(name)
        return self._embedder

    def exists(self) -> bool:
        """A live version is named by CURRENT (a garbled CURRENT counts: it exists, damaged)."""
        try:
            return live_version(self.index_dir) is not None
        except IndexOpenError:
            return True

    @property
    def is_default(self) -> bool:
        return self.index_dir.resolve() == default_index_dir().resolve()

    def default_sources(self) -> list[Path]:
        """What ``index()`` without paths reads: the files this index was built from (so
        ``muniqa index --rebuild --index DIR`` rebuilds the user's documents, even from a
        damaged index), else the bundled reports."""
        from muniqa.corpus.loader import bundled_reports_dir
        recorded = list(dict.fromkeys(recorded_sources(self.index_dir)))
        return [Path(s) for s in recorded] if recorded else [bundled_reports_dir()]

    def index(self, paths: list[str | Path] | None = None, rebuild: bool = False,
              remove: list[str] = (), on_message=None, overrides: dict[str, str] | None = None,
              max_mb: float | None = None, cluster=None) -> UpdateReport:
        """Add new and changed files (default: see ``default_sources``); unchanged ones are
        skipped. ``overrides`` (city, year, topic) apply to every file; ``max_mb`` caps file
        size. Files named one by one come back even if removed earlier. ``cluster`` (a
        ``muniqa.index.ray_cluster.Cluster``): read and embed on that Ray cluster."""
        from muniqa.corpus.loader import iter_documents
        from muniqa.index.builder import IndexBuilder
        roots = [Path(p) for p in paths] if paths else self.default_sources()
        readd = [str(p) for p in roots if paths and p.is_file()]
        encoder = None
        if cluster is not None:
            from muniqa.index.distributed import RayEncoder
            encoder = RayEncoder(cluster, self.embedder, self.chunker, self.progress)
        builder = IndexBuilder(self.index_dir, self.embedder, self.chunker, self.progress, on_message,
                               encoder=encoder)
        documents = (encoder.documents(roots, overrides, max_mb, load_overrides()) if encoder else
                     iter_documents(roots, overrides, max_mb, self.progress, load_overrides()))
        return builder.update(documents, rebuild=rebuild, remove=remove, readd=readd)

    def remove(self, doc_ids: list[str]) -> UpdateReport:
        from muniqa.index.builder import IndexBuilder
        builder = IndexBuilder(self.index_dir, self.embedder, self.chunker, self.progress)
        return builder.update(iter(()), remove=doc_ids)

    def ensure_index(self) -> None:
        """Build the default index from the bundled reports if there is none yet; any other
        folder without an index is an error saying how to build one."""
        if self.exists():
            return
        if not self.is_default:
            raise IndexOpenError(f"в {self.index_dir} нет индекса; постройте его: "
                                 f"muniqa index ПАПКА_С_ОТЧЁТАМИ --index {self.index_dir}")
        self.index()

    def _current(self) -> tuple[IndexData, Retriever]:
        version = live_version(self.index_dir)
        loaded = self._loaded
        if loaded is None or loaded[0] != version:
            with self._lock:
                if self._loaded is None or self._loaded[0] != version:
                    data = open_index(self.index_dir)          # sharded or not
                    check_compatible(data.manifest, self.index_dir, self.embedder.model_id, self.embedder.dim)
                    self._loaded = (data.path, data, retriever_for(data, self.embedder))
                loaded = self._loaded
        return loaded[1], loaded[2]

    @property
    def data(self) -> IndexData:
        return self._current()[0]

    def retriever(self) -> Retriever:
        return self._current()[1]

    def ask(self, question: str, k: int = 10, cities: list[str] | None = None,
            years: tuple[int | None, int | None] = (None, None), topic: str | None = None,
            system: str = "hybrid", filters: Filters | None = None) -> Answer:
        """Cited passages answering ``question``, best first; ``EmptyQuestionError`` (a
        ``ValueError``) when the question is blank."""
        question = check_question(question)
        self.ensure_index()
        data, retriever = self._current()
        filters = filters or Filters(cities=list(cities or []), year_from=years[0], year_to=years[1],
                                     topic=topic)
        vector = self.embedder.embed_query(question)
        passages = shown_cards(lambda n, select: retriever.search(question, k=n, filters=filters, config=system,
                                                                  query_vector=vector, select=select),
                               data, k, set(query_lemmas(question)), vector)
        return Answer(question, passages, answer_found=bool(passages) and passages[0].answers)

    def similar(self, chunk: int, k: int = 5, other_cities: bool = True) -> Answer:
        """Passages like passage number ``chunk``, from other cities' reports: precedents."""
        data, retriever = self._current()
        source = data.chunks[chunk]
        doc = data.documents[source.doc_id]
        filters = Filters(exclude_cities=doc.meta.cities if other_cities else [])
        vector = data.vectors[chunk]

        def search(n: int, select):
            def others(chunks: list[int], n: int) -> list[int]:      # never the passage itself
                rest = [j for j, c in enumerate(chunks) if c != chunk]
                return [rest[j] for j in select([chunks[j] for j in rest], n)]
            return retriever.search(source.text, k=n, filters=filters, query_vector=vector, select=others)
        return Answer(source.text, shown_cards(search, data, k, set(query_lemmas(source.text, False)), vector))
