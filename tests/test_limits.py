"""Runaway uploads (issue 12, item 2): per-document limits refuse a DOCX bomb or a huge text
in seconds with one Russian line; a large upload within the limits shows progress and can
be cancelled in the app, and a refused or cancelled upload leaves nothing in uploads/."""
from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pytest

from muniqa.corpus.errors import CorpusError
from muniqa.corpus.loader import iter_documents
from muniqa.qa import Muniqa

from .conftest import run_cli
from .fixtures.makers import make_docx

PARAGRAPH = ('<w:p><w:r><w:t xml:space="preserve">В отчётном году администрация города продолжила '
             'работу по развитию международного сотрудничества и туризма. </w:t></w:r></w:p>')


def make_docx_bomb(path: Path, xml_mb: float) -> Path:
    """A valid DOCX whose word/document.xml is ``xml_mb`` MB of real Word paragraphs: it
    zips to a few hundred KB (the issue's bomb: 428 KB that unpacks to 120 MB)."""
    template = make_docx(Path(tempfile.mkdtemp()) / "template.docx", "Отчёт", ["Текст."])
    para = PARAGRAPH.encode("utf-8")
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                out.writestr(item, src.read(item.filename))
        head, _, tail = src.read("word/document.xml").partition(b"<w:body>")
        body_end = tail[tail.index(b"<w:sectPr"):]
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head + b"<w:body>")
            block = para * 2000
            for _ in range(int(xml_mb * 2**20 / len(block)) + 1):
                fh.write(block)
            fh.write(body_end)
    return path


def test_docx_bomb_is_refused_by_its_declared_size(tmp_path):
    bomb = make_docx_bomb(tmp_path / "bomb.docx", 120)
    assert bomb.stat().st_size < 2 * 2**20                     # small on disk, 120 MB inside
    err, = iter_documents([bomb])
    assert isinstance(err, CorpusError) and "\n" not in str(err)
    assert str(err).startswith(f"{bomb}: DOCX распаковывается в 12") and "предела 64 МБ" in str(err)


def test_docx_within_the_xml_limit_but_over_the_text_limit_is_refused_while_streaming(tmp_path, monkeypatch):
    monkeypatch.setenv("MUNIQA_MAX_CHARS", "200000")
    bomb = make_docx_bomb(tmp_path / "long.docx", 8)               # 8 MB of XML, ~4 M characters
    err, = iter_documents([bomb])
    assert isinstance(err, CorpusError) and "больше 200 000 символов" in str(err)


def test_cli_refuses_the_bomb_with_one_line_and_indexes_the_rest(tmp_path, muniqa_home):
    folder = tmp_path / "in"
    folder.mkdir()
    make_docx_bomb(folder / "bomb.docx", 120)
    (folder / "ok.txt").write_text("ОМСК\nВ 2023 году Омск открыл визит-центр.\n", encoding="utf-8")
    res = run_cli("index", str(folder), "--index", str(tmp_path / "index"))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("ошибка: ")]
    assert errors == [e for e in errors if "bomb.docx: DOCX распаковывается" in e] and len(errors) == 1
    assert "добавлено 1" in res.stdout


def test_huge_text_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("MUNIQA_MAX_CHARS", "100000")
    big = tmp_path / "dump.txt"
    big.write_bytes("Отчёт о туризме. ".encode() * 30000)        # ~900 KB, 500 000 characters
    err, = iter_documents([big], max_mb=300)
    assert isinstance(err, CorpusError) and "документ слишком большой" in str(err)


def test_passage_limit_refuses_the_document_and_keeps_the_rest(index_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("MUNIQA_MAX_PASSAGES", "5")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "long.txt").write_text("ОМСК\n\n" + "\n\n".join(
        f"В {2000 + i} году Омск провёл фестиваль номер {i} с участием гостей из разных стран и "
        f"городов-побратимов, выставками, ярмарками, концертами и лекциями." * 3 for i in range(20)),
        encoding="utf-8")
    (folder / "short.txt").write_text("ТВЕРЬ\nВ 2022 году Тверь открыла визит-центр.\n", encoding="utf-8")
    m = Muniqa(index_copy, progress=False)
    before = set(m.data.documents)
    report = m.index([folder])
    assert report.added == ["short"]
    assert len(report.failed) == 1 and "фрагментов, предел 5" in str(report.failed[0])
    assert set(m.data.documents) == before | {"short"}


def test_a_large_upload_shows_progress_and_is_cancelled_in_the_app(index_copy, tmp_path, monkeypatch):
    pytest.importorskip("gradio")
    from muniqa.ui.handlers import Handlers
    from muniqa.ui.jobs import Writer
    monkeypatch.setenv("MUNIQA_HOME", str(tmp_path / "home"))
    report = tmp_path / "большой отчёт.txt"
    report.write_text("БЕРДСК\n\n" + "\n\n".join(
        f"В {1900 + i % 120} году в Бердске построен участок велодорожки номер {i} длиной {i % 7 + 1} км "
        f"вдоль набережной, с освещением и велопарковками у школ и поликлиник района." for i in range(1500)),
        encoding="utf-8")
    m = Muniqa(index_copy, progress=False)
    before, version = set(m.data.documents), m.data.path
    h = Handlers(m, Writer(m))
    statuses, cancelled = [], False
    for out in h.upload([str(report)], "", "", ""):
        statuses.append(out[0])
        job_id = out[-1]
        if not cancelled and isinstance(job_id, int) and "из" in out[0]:       # progress: "N из M"
            assert "Отменяю" in h.cancel_upload(job_id)
            cancelled = True
    assert cancelled, statuses
    assert "Отменено." in statuses[-1]
    assert set(m.data.documents) == before and m.data.path == version       # nothing written
    uploads = tmp_path / "home" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())               # the file is gone too


def test_a_refused_upload_leaves_nothing_in_uploads(index_copy, tmp_path, monkeypatch):
    pytest.importorskip("gradio")
    from muniqa.ui.handlers import Handlers
    from muniqa.ui.jobs import Writer
    monkeypatch.setenv("MUNIQA_HOME", str(tmp_path / "home"))
    bomb = make_docx_bomb(tmp_path / "bomb.docx", 120)
    m = Muniqa(index_copy, progress=False)
    last = list(Handlers(m, Writer(m)).upload([str(bomb)], "", "", ""))[-1]
    assert "DOCX распаковывается" in last[0]
    assert not any((tmp_path / "home" / "uploads").iterdir())
