"""City detection on shared/realdocs-dev: gazetteer rules vs natasha NER (prints figures).

    python scripts/bench_metadata.py      # needs `pip install natasha` for the NER rows

Compares, against eval/gold/realdocs_meta.jsonl (documents the readers can read):
  rules+gazetteer   muniqa.corpus.detect_place.detect_city (what muniqa uses)
  natasha+gazetteer natasha's LOC spans in the same head, kept if the gazetteer knows them
  natasha alone     the most frequent LOC span, unchecked
Precision = right / detected (an accepted alternative counts as right); recall = labelled
cities found. Absent beats wrong.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from muniqa.corpus.detect_place import HEAD_CHARS, _russian_places, detect_city
from muniqa.corpus.errors import CorpusError
from muniqa.corpus.loader import load_document
from muniqa.corpus.places_names import norm
from muniqa.eval.shared_data import shared_path

GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold" / "realdocs_meta.jsonl"


def _natasha():
    try:
        from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
    except ImportError:
        return None
    seg, ner = Segmenter(), NewsNERTagger(NewsEmbedding())

    def locations(text: str) -> list[str]:
        doc = Doc(text[:HEAD_CHARS])
        doc.segment(seg)
        doc.tag_ner(ner)
        return [s.text for s in doc.spans if s.type == "LOC"]
    return locations


def _with_gazetteer(spans: list[str]) -> list[str]:
    found = Counter(p[0].name for s in spans if (p := _russian_places(s)))
    return [found.most_common(1)[0][0]] if found else []


def _alone(spans: list[str]) -> list[str]:
    return [Counter(spans).most_common(1)[0][0]] if spans else []


def main() -> None:
    folder = shared_path("realdocs-dev")
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = {}
    for g in gold:
        try:
            texts[g["file"]] = load_document(folder / g["file"]).text
        except CorpusError:
            pass
    ner = _natasha()
    methods = {"rules+gazetteer": detect_city}
    if ner:
        methods["natasha+gazetteer"] = lambda t: _with_gazetteer(ner(t))
        methods["natasha alone"] = lambda t: _alone(ner(t))
    print(f"{len(texts)} of {len(gold)} documents readable")
    for name, detect in methods.items():
        said = right = found = labelled = 0
        wrong = []
        t0 = time.perf_counter()
        for g in gold:
            if g["file"] not in texts:
                continue
            cities = detect(texts[g["file"]])
            ok = {norm(c) for c in [g["city"], *g.get("city_ok", [])] if c}
            labelled += bool(g["city"])
            if cities:
                said += 1
                if norm(cities[0]) in ok:
                    right += 1
                    found += bool(g["city"]) and norm(cities[0]) == norm(g["city"])
                else:
                    wrong.append(f"{g['file']}: {cities[0]}")
        ms = (time.perf_counter() - t0) / len(texts) * 1000
        print(f"{name:18s} precision {right / max(said, 1):.3f} ({right}/{said})  recall "
              f"{found / max(labelled, 1):.3f} ({found}/{labelled})  {ms:.0f} ms/doc  wrong: {wrong}")
    if not ner:
        print("natasha is not installed: pip install natasha for the NER rows")


if __name__ == "__main__":
    main()
