"""Bad files: one clear line naming the file and the problem; the rest of the folder is
indexed, nothing already indexed is lost, and the exit status says something failed."""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from muniqa.corpus.errors import CorpusError
from muniqa.corpus.loader import iter_documents
from muniqa.corpus.readers import read_file

from .conftest import run_cli
from .fixtures.makers import (encrypted_pdf_bytes, html_page, make_docx, make_pdf,
                              make_scanned_pdf)

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
PAGE_OF = {"Munich": 1, "Harbin": 2, "Kobe": 3}
PAGES = [["Report of the city of Tomsk", f"Cooperation with {city} went on in {year}.", f"- {n} -"]
         for n, (city, year) in enumerate([("Munich", 2019), ("Harbin", 2020), ("Kobe", 2021)], 1)]


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def _docx_bytes(tmp: Path) -> bytes:
    return make_docx(tmp / "_real.docx", "Отчёт", ["Текст отчёта о туризме."]).read_bytes()


BAD_FILES = {
    "empty.txt": (lambda d: b"", "the file is empty"),
    "blank.md": (lambda d: b"  \n\n \t\n", "the file is empty"),
    "empty.pdf": (lambda d: b"", "the file is empty"),
    "blank.html": (lambda d: b"\n \n", "the file is empty"),
    "junk.txt": (lambda d: bytes(range(256)) * 8, "not text: the file holds binary data"),
    "junk.html": (lambda d: os.urandom(4000) + b"\x00", "not HTML: the file holds binary data"),
    "truncated.pdf": (lambda d: make_pdf(d / "_t.pdf", PAGES, font_file=None).read_bytes()[:600],
                      "corrupt or truncated PDF"),
    "garbage.pdf": (lambda d: b"%PDF-1.7\n" + bytes(range(256)) * 20, "corrupt or truncated PDF"),
    "letter.pdf": (lambda d: "Это не PDF, а письмо.".encode(), "not a PDF"),
    "locked.pdf": (lambda d: encrypted_pdf_bytes(), "encrypted PDF: needs a password"),
    "scan.pdf": (lambda d: make_scanned_pdf(d / "_s.pdf").read_bytes(), "no text layer"),
    "photos.docx": (lambda d: _zip(d / "_z.zip", {"a.txt": "x", "b.jpg": "y"}).read_bytes(),
                    "not a DOCX: the ZIP archive holds no Word document"),
    "old.docx": (lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "not a DOCX: an old Word .doc"),
    "cut.docx": (lambda d: _docx_bytes(d)[:3000], "not a DOCX: not a ZIP archive"),
    "text.docx": (lambda d: "Просто текст".encode(), "not a DOCX: not a ZIP archive"),
    "image.png": (lambda d: b"\x89PNG\r\n\x1a\n" + bytes(50), "unsupported file type .png"),
    "legacy.doc": (lambda d: b"\xd0\xcf\x11\xe0" + bytes(60), "unsupported file type .doc: save it as DOCX"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_one_line_naming_it(tmp_path, name):
    make, problem = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    result = list(iter_documents([path]))
    assert len(result) == 1 and isinstance(result[0], CorpusError)
    message = str(result[0])
    assert message.startswith(f"{path}: ") and problem in message and "\n" not in message


def test_missing_path_is_reported(tmp_path):
    err, = iter_documents([tmp_path / "nowhere" / "report.pdf"])
    assert isinstance(err, CorpusError) and "nowhere/report.pdf: no such file" in str(err)


def test_size_limit_from_argument_and_environment(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes("Большой отчёт о туризме. ".encode() * 60000)      # ~2.7 MB
    with pytest.raises(CorpusError, match=r"big.txt: the file is 2\.\d MB, over the 1 MB limit"):
        read_file(path, max_mb=1)
    monkeypatch.setenv("MUNIQA_MAX_MB", "0.5")
    err, = iter_documents([path])
    assert "over the 0.5 MB limit" in str(err)
    monkeypatch.setenv("MUNIQA_MAX_MB", "lots")
    with pytest.raises(ValueError, match="MUNIQA_MAX_MB must be a number"):
        list(iter_documents([path]))
    monkeypatch.delenv("MUNIQA_MAX_MB")
    assert read_file(path).lines


def _unreadable_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("Секретный отчёт.", encoding="utf-8")
    if IS_ROOT:     # root reads anything: simulate what chmod 000 does for everyone else
        real = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(
            PermissionError(13, "Permission denied")) if self.name == "secret.txt" else real(self))
    else:
        path.chmod(0)
    return path


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    path = _unreadable_file(tmp_path, monkeypatch)
    (tmp_path / "open.txt").write_text("Открытый отчёт о туризме.", encoding="utf-8")
    result = list(iter_documents([tmp_path]))
    errors = [str(r) for r in result if isinstance(r, CorpusError)]
    assert errors == [f"{path}: permission denied"]
    assert [r.doc_id for r in result if not isinstance(r, CorpusError)] == ["open"]


@pytest.mark.skipif(IS_ROOT, reason="runs as root: chmod 000 does not block root's reads")
def test_unreadable_folder_is_reported_with_chmod(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("Отчёт.", encoding="utf-8")
    locked.chmod(0)
    try:
        errors = [str(r) for r in iter_documents([tmp_path]) if isinstance(r, CorpusError)]
    finally:
        locked.chmod(0o755)
    assert errors == [f"{locked}: permission denied: cannot list the folder"]


def test_unreadable_folder_is_reported(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("Скрытый отчёт.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Видимый отчёт о туризме.", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", scandir)
    result = list(iter_documents([tmp_path]))
    assert [str(r) for r in result if isinstance(r, CorpusError)] == [
        f"{locked}: permission denied: cannot list the folder"]
    assert [r.doc_id for r in result if not isinstance(r, CorpusError)] == ["b"]


def test_a_reader_crash_becomes_an_error_line_and_the_folder_goes_on(tmp_path, monkeypatch):
    import muniqa.corpus.loader as loader
    (tmp_path / "a.txt").write_text("Первый отчёт.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Второй отчёт о туризме.", encoding="utf-8")
    real = loader.read_file
    monkeypatch.setattr(loader, "read_file", lambda p, m=None: (_ for _ in ()).throw(
        RuntimeError("boom")) if p.name == "a.txt" else real(p, m))
    result = list(iter_documents([tmp_path]))
    assert str(result[0]) == f"{tmp_path / 'a.txt'}: cannot read: RuntimeError: boom"
    assert result[1].doc_id == "b"


# --- the real command on a mixed folder ---------------------------------------------------

def _mixed_folder(root: Path) -> dict[str, str]:
    """Good files of every format plus bad ones; returns bad file name -> expected problem."""
    good = root / "reports"
    (good / "html").mkdir(parents=True)
    make_pdf(good / "tomsk.pdf", PAGES, font_file=None)
    make_docx(good / "khabarovsk.docx", "Международная деятельность Хабаровска",
              ["Администрация города Хабаровска в 2021 году подписала соглашение с городом Ниигата."],
              table=[["Город", "Страна"], ["Харбин", "Китай"]])
    body = ("<h1>Туризм</h1><p>В 2024 году Томск посетили туристы из Вьетнама и Лаоса.</p>"
            "<table><tr><td>Вьетнам</td><td>340</td></tr></table>")
    (good / "html" / "tourism.html").write_bytes(html_page("Туризм", body, "windows-1251").encode("cp1251"))
    (good / "notes.txt").write_bytes("Томск. В 2023 году открыт визит-центр на набережной.".encode("koi8-r"))
    (good / "plan.md").write_text("# План\n\nПровести фестиваль сибирской кухни в Улсане.\n", encoding="utf-8")
    bad = {"empty.txt": "the file is empty", "junk.txt": "not text", "locked.pdf": "encrypted PDF",
           "scan.pdf": "no text layer", "photos.docx": "not a DOCX", "image.png": "unsupported file type",
           "big.txt": "over the 1 MB limit"}
    for name in bad:
        if name in BAD_FILES:
            (good / name).write_bytes(BAD_FILES[name][0](root))
    (good / "big.txt").write_bytes("Отчёт. ".encode() * 200000)
    return bad


# what the command line says about each (in Russian, like the rest of its messages)
PROBLEM_RU = {"empty.txt": "файл пустой", "junk.txt": "это не текстовый файл", "locked.pdf": "PDF зашифрован",
              "scan.pdf": "нет текстового слоя", "photos.docx": "это не DOCX",
              "image.png": "тип файла не поддерживается: .png", "big.txt": "больше предела 1 МБ"}


def _page_of_passage(text: str) -> int:
    """A passage cites the page it starts on: the page of the first city it mentions."""
    first = min((text.index(city), city) for city in PAGE_OF if city in text)[1]
    return PAGE_OF[first]


def _ask(question: str, index: Path) -> list[dict]:
    res = run_cli("ask", question, "--json", "--k", "3", "--index", str(index))
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)["passages"]


def test_index_a_mixed_folder_end_to_end(tmp_path, muniqa_home):
    bad = _mixed_folder(tmp_path)
    folder, index = tmp_path / "reports", tmp_path / "index"
    res = run_cli("index", str(folder), str(tmp_path / "missing"), "--index", str(index), "--max-mb", "1")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("ошибка: ")]
    assert len(errors) == len(bad) + 1
    for name, problem in bad.items():
        assert [e for e in errors if f"{folder / name}: " in e and PROBLEM_RU[name] in e], name
    assert any(f"{tmp_path / 'missing'}: нет такого файла" in e for e in errors)
    assert "добавлено 5" in res.stdout and f"с ошибками {len(bad) + 1}" in res.stdout

    top = _ask("Cooperation with Kobe", index)[0]
    assert top["doc"] == "tomsk" and "Kobe" in top["text"]
    assert top["page"] == _page_of_passage(top["text"])
    top = _ask("Харбин Китай", index)[0]
    assert top["doc"] == "khabarovsk" and top["city"] == "Хабаровск" and top["page"] is None
    assert "Харбин | Китай" in top["text"] and top["line_start"] >= 1
    top = _ask("туристы из Вьетнама", index)[0]
    assert top["doc"] == "html/tourism" and "Вьетнам" in top["text"]
    assert _ask("визит-центр на набережной", index)[0]["doc"] == "notes"
    assert _ask("фестиваль сибирской кухни", index)[0]["doc"] == "plan"

    # A file that breaks later keeps its indexed version; nothing indexed is lost.
    (folder / "tomsk.pdf").write_bytes((folder / "tomsk.pdf").read_bytes()[:500])
    res = run_cli("index", str(folder / "tomsk.pdf"), "--index", str(index))
    assert res.returncode == 1 and f"ошибка: {folder / 'tomsk.pdf'}: PDF повреждён или обрезан" in res.stderr
    assert "в индексе документов: 5" in res.stdout
    top = _ask("Cooperation with Kobe", index)[0]
    assert top["doc"] == "tomsk" and top["page"] == _page_of_passage(top["text"])


def test_cli_metadata_flags_apply_to_every_file(tmp_path, muniqa_home):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Отчёт администрации города Томска за 2024 год.", encoding="utf-8")
    (folder / "b.txt").write_text("Сведения о побратимах города Хабаровска.", encoding="utf-8")
    index = tmp_path / "index"
    res = run_cli("index", str(folder), "--index", str(index), "--city", "Северск",
                  "--year", "2020-2022", "--topic", "туризм")
    assert res.returncode == 0, res.stderr
    docs = json.loads(run_cli("docs", "--json", "--index", str(index)).stdout)
    assert {(d["city"], d["year"], d["year_end"], d["topic"]) for d in docs} == {("Северск", 2020, 2022, "туризм")}
    res = run_cli("index", str(folder), "--index", str(index), "--year", "twenty")
    assert res.returncode == 1 and "--year: ожидается год" in res.stderr and "Traceback" not in res.stderr
