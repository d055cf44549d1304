"""Reading + cleaning throughput per format, on the bundled reports converted to each format.

Why: a city's folder can hold hundreds of reports; this says whether reading, not embedding,
is the bottleneck. Run from a checkout (it borrows the test fixture makers to build PDFs):

    python -m muniqa.eval.bench_read [--repeat 24] [--json]

Each bundled report is repeated ``--repeat`` times into one file per format; timings are the
best of ``--rounds`` runs of ``read_file`` (decode/parse) and ``clean_lines`` (cleaning).

``--real`` measures the real documents of ../shared/realdocs-dev instead, summed per kind
(text PDF, scanned or garbled PDF read by OCR, DOCX, HTML, text), one cold run each: OCR
runs with an empty cache (a temporary data dir), so its pages/s is what a first index costs;
a second, cached pass is reported beside it.
"""
from __future__ import annotations

import argparse
import html
import json
import sys
import tempfile
import time
from pathlib import Path

from muniqa.corpus.clean import clean_lines
from muniqa.corpus.loader import bundled_reports_dir
from muniqa.corpus.readers import read_file


def _paragraphs(repeat: int) -> list[str]:
    paras = []
    for path in sorted(bundled_reports_dir().glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paras += [p.replace("\n", " ").strip() for p in text.split("\n\n") if p.strip()]
    return [p for p in paras if "\t" not in p] * repeat


def _wrap(text: str, width: int = 95) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines


def build_files(folder: Path, repeat: int) -> dict[str, Path]:
    """One file per format holding the same text."""
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from tests.fixtures.makers import make_docx, make_pdf     # needs a source checkout
    paras = _paragraphs(repeat)
    text = "\n\n".join("\n".join(_wrap(p)) for p in paras) + "\n"
    files = {"txt-utf8": folder / "r-utf8.txt", "txt-cp1251": folder / "r-cp1251.txt",
             "txt-koi8r": folder / "r-koi8.txt", "md": folder / "r.md", "html-cp1251": folder / "r.html",
             "docx": folder / "r.docx", "pdf": folder / "r.pdf"}
    files["txt-utf8"].write_text(text, encoding="utf-8")
    files["txt-cp1251"].write_bytes(text.encode("cp1251", errors="replace"))
    files["txt-koi8r"].write_bytes(text.encode("koi8_r", errors="replace"))
    files["md"].write_text("\n\n".join(f"## {p[:40]}\n\n{p}" if i % 10 == 0 else p
                                       for i, p in enumerate(paras)), encoding="utf-8")
    body = "\n".join(f"<p class=MsoNormal>{html.escape(p)}</p>" for p in paras)
    page = (f"<html><head><meta charset=windows-1251><style>p{{margin:0}}</style></head>"
            f"<body>\n{body}\n</body></html>")
    files["html-cp1251"].write_bytes(page.encode("cp1251", errors="xmlcharrefreplace"))
    make_docx(files["docx"], "Отчёт", paras)
    lines = [line for p in paras for line in _wrap(p) + [""]]
    pages = [["Отчёт о международной деятельности"] + lines[i:i + 45] + [f"Страница {i // 45 + 1}"]
             for i in range(0, len(lines), 45)]
    make_pdf(files["pdf"], pages)
    return files


def measure(path: Path, rounds: int) -> dict:
    best_read = best_clean = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        raw = read_file(path, max_mb=1000)
        t1 = time.perf_counter()
        cleaned = clean_lines(raw.lines)
        t2 = time.perf_counter()
        best_read, best_clean = min(best_read, t1 - t0), min(best_clean, t2 - t1)
    mb = path.stat().st_size / 2**20
    pages = len({line.page for line in raw.lines if line.page is not None})
    total = best_read + best_clean
    return {"mb": round(mb, 2), "pages": pages or None, "chars": len(cleaned.text),
            "read_s": round(best_read, 3), "clean_s": round(best_clean, 3),
            "mb_per_s": round(mb / total, 2),
            "pages_per_s": round(pages / total, 1) if pages else None,
            "kchars_per_s": round(len(cleaned.text) / total / 1000, 1)}


def _kind(path: Path, ocr_pages: int) -> str:
    if path.suffix == ".pdf":
        return "pdf-ocr" if ocr_pages else "pdf-text"
    return {".docx": "docx", ".html": "html", ".txt": "txt"}.get(path.suffix, path.suffix)


def measure_real(folder: Path) -> dict:
    """Per kind of real document: files, pages, MB, seconds, pages/s, kchars/s (cold, then cached OCR)."""
    import os
    from muniqa.corpus.loader import load_document
    files = sorted(p for p in folder.iterdir() if p.name.split("_")[0] in ("pdf", "scan", "docx", "html", "txt"))
    for warm in [f for f in files if f.name.startswith(("docx_table", "html_tula", "pdf_table_gdp", "txt_const"))]:
        load_document(warm)              # imports, pymorphy3's dictionaries: paid once per process
    totals: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as home:
        old = os.environ.get("MUNIQA_HOME")
        os.environ["MUNIQA_HOME"] = home              # an empty OCR cache
        try:
            for path in files:
                t0 = time.perf_counter()
                doc = load_document(path)
                cold = time.perf_counter() - t0
                t0 = time.perf_counter()
                load_document(path)
                warm = time.perf_counter() - t0
                kind = _kind(path, len(doc.ocr_pages))
                row = totals.setdefault(kind, {"files": 0, "pages": 0, "mb": 0.0, "chars": 0,
                                               "seconds": 0.0, "cached_seconds": 0.0})
                row["files"] += 1
                row["pages"] += len(set(doc.pages.values()))
                row["mb"] += path.stat().st_size / 2**20
                row["chars"] += len(doc.text)
                row["seconds"] += cold
                row["cached_seconds"] += warm
        finally:
            if old is None:
                os.environ.pop("MUNIQA_HOME", None)
            else:
                os.environ["MUNIQA_HOME"] = old
    for row in totals.values():
        row["mb"] = round(row["mb"], 2)
        row["pages_per_s"] = round(row["pages"] / row["seconds"], 2) if row["pages"] else None
        row["kchars_per_s"] = round(row["chars"] / row["seconds"] / 1000, 1)
        row["seconds"], row["cached_seconds"] = round(row["seconds"], 2), round(row["cached_seconds"], 2)
    return totals


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=24, help="copies of the bundled reports per file")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--real", action="store_true", help="measure ../shared/realdocs-dev instead")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.real:
        from muniqa.eval.shared_data import shared_path
        folder = shared_path("realdocs-dev")
        if folder is None:
            raise SystemExit("realdocs-dev not found: set MUNIQA_SHARED to the shared folder")
        results = measure_real(folder)
        if args.json:
            print(json.dumps(results, ensure_ascii=False, indent=1))
            return
        print(f"{'kind':<9} {'files':>5} {'pages':>5} {'MB':>6} {'s':>7} {'cached s':>8} {'pages/s':>8} {'kchar/s':>8}")
        for kind, r in results.items():
            print(f"{kind:<9} {r['files']:>5} {r['pages'] or '-':>5} {r['mb']:>6} {r['seconds']:>7} "
                  f"{r['cached_seconds']:>8} {r['pages_per_s'] or '-':>8} {r['kchars_per_s']:>8}")
        return
    clean_lines(read_file(sorted(bundled_reports_dir().glob("*.txt"))[0]).lines)   # warm caches
    with tempfile.TemporaryDirectory() as tmp:
        files = build_files(Path(tmp), args.repeat)
        results = {name: measure(path, args.rounds) for name, path in files.items()}
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    print(f"{'format':<12} {'MB':>6} {'pages':>6} {'read s':>7} {'clean s':>8} {'MB/s':>6} "
          f"{'pages/s':>8} {'kchar/s':>8}")
    for name, r in results.items():
        print(f"{name:<12} {r['mb']:>6} {r['pages'] or '-':>6} {r['read_s']:>7} {r['clean_s']:>8} "
              f"{r['mb_per_s']:>6} {r['pages_per_s'] or '-':>8} {r['kchars_per_s']:>8}")


if __name__ == "__main__":
    main()
