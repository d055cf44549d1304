"""The command line as a new user meets it (issue 12, items 6, 7, 8, 10, 11): Russian messages
and help, UTF-8 JSON, a header on `docs`, city prefixes and suggestions, no silent build into
someone's folder, removals that stick, one bad byte that does not reject a report."""
from __future__ import annotations

import json
import re
import subprocess
import sys

from muniqa.qa import Muniqa

from .conftest import run_cli


def test_top_level_help_is_russian_and_not_cut():
    res = run_cli("--help", env={"COLUMNS": "80"})
    assert res.returncode == 0
    for line in ["Добавить или обновить документы в индексе.", "Ответить на вопрос фрагментами отчётов.",
                 "Удалить документы из индекса.", "Список документов индекса."]:
        assert line in res.stdout, res.stdout
    assert not [line for line in res.stdout.splitlines()[1:] if line.rstrip().endswith("...")]   # nothing cut
    assert "Использование:" in res.stdout and "Show this message" not in res.stdout
    res = run_cli("ask")
    assert res.returncode == 2 and "Не хватает аргумента" in res.stderr and "Missing" not in res.stderr


def test_index_help_explains_removals_and_the_lock():
    out = run_cli("index", "--help").stdout
    assert "muniqa remove" in out and "не возвращается" in out and "ждёт" in out


def test_json_is_utf8_cyrillic_not_escapes(bundled):
    res = subprocess.run([sys.executable, "-m", "muniqa", "ask", "ледовые скульптуры", "--json", "--k", "1"],
                         capture_output=True, env={**__import__("os").environ, "LANG": "C", "LC_ALL": "C",
                                                   "PYTHONIOENCODING": "ascii"}, timeout=600)
    assert res.returncode == 0, res.stderr.decode("utf-8", "replace")
    text = res.stdout.decode("utf-8")
    assert "\\u04" not in text and "Томск" in text
    assert json.loads(text)["passages"]


def test_docs_has_a_header_row(bundled):
    lines = run_cli("docs").stdout.splitlines()
    assert lines[0].split("\t")[:5] == ["документ", "город", "годы", "тема", "название"]
    assert len(lines) == 1 + len(bundled.data.documents)


def test_city_by_its_beginning_and_a_suggestion_for_an_unknown_one(bundled):
    assert {p.city for p in bundled.ask("туризм", k=5, cities=["Хабар"]).passages} == {"Хабаровск"}
    assert {p.city for p in bundled.ask("туризм", k=10, cities=["Томск"]).passages} == {"Томск"}   # exact wins
    from muniqa.qa.filters import unknown_cities
    assert unknown_cities(bundled.data, ["Омская"]) and not unknown_cities(bundled.data, ["Томская"])
    res = run_cli("ask", "туризм", "--city", "Томская", "--k", "3")
    assert res.returncode == 0
    assert "возможно: Томск" in res.stderr or "Томск" in res.stdout, res.stderr


def test_ask_on_an_empty_folder_says_there_is_no_index_and_builds_nothing(tmp_path, bundled):
    empty = tmp_path / "mine"
    empty.mkdir()
    res = run_cli("ask", "туризм", "--index", str(empty))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert f"в {empty} нет индекса" in res.stderr and "muniqa index" in res.stderr
    assert not any(empty.iterdir())                              # the bundled reports were not put there


def test_english_errors_of_readers_reach_the_cli_in_russian(tmp_path, bundled):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    res = run_cli("index", str(tmp_path / "in"), "--index", str(tmp_path / "index"))
    assert res.returncode == 1
    assert f"ошибка: {tmp_path / 'in' / 'empty.txt'}: файл пустой" in res.stderr
    assert not re.search(r"\b(error|failed|added)\b", res.stdout + res.stderr)


def test_one_bad_byte_does_not_reject_a_text_report(tmp_path, bundled):
    folder = tmp_path / "in"
    folder.mkdir()
    text = "ОМСК\nВ 2023 году Омск открыл визит-центр на набережной Иртыша для туристов.\n"
    (folder / "stray.txt").write_bytes(text.encode() + b"\xff" + "Конец отчёта.\n".encode())
    (folder / "cut.txt").write_bytes(("ТВЕРЬ\nВ 2022 году Тверь провела фестиваль на Волге.\n").encode()
                                     + "ё".encode()[:1])
    index = tmp_path / "index"
    res = run_cli("index", str(folder), "--index", str(index))
    assert res.returncode == 0, res.stderr
    warnings = re.findall(r"предупреждение: [^\n]*", res.stderr)
    assert len(warnings) == 2 and all("заменены" in w for w in warnings), res.stderr
    m = Muniqa(index, progress=False)
    assert "визит-центр на набережной Иртыша" in m.data.documents["stray"].text   # read as UTF-8, no mojibake
    assert "Тверь провела фестиваль" in m.data.documents["cut"].text


def test_removed_document_stays_removed_until_named_again(index_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("MUNIQA_HOME", str(tmp_path / "home"))
    folder = tmp_path / "in"
    folder.mkdir()
    omsk = folder / "omsk.txt"
    omsk.write_text("ОМСК\nВ 2023 году Омск подписал соглашение с городом Павлодар.\n", encoding="utf-8")
    (folder / "tver.txt").write_text("ТВЕРЬ\nВ 2022 году Тверь открыла визит-центр.\n", encoding="utf-8")
    idx = str(index_copy)
    assert run_cli("index", str(folder), "--index", idx).returncode == 0
    res = run_cli("remove", "omsk", "--index", idx)
    assert res.returncode == 0 and "удалено 1" in res.stdout, res.stderr
    res = run_cli("index", str(folder), "--index", idx)                  # the same folder again
    assert res.returncode == 0 and "добавлено 0" in res.stdout and "удалён ранее" in res.stderr
    assert "omsk" not in Muniqa(index_copy, progress=False).data.documents
    res = run_cli("index", str(omsk), "--index", idx)                     # named explicitly: back
    assert "добавлено 1" in res.stdout, res.stdout + res.stderr
    assert "omsk" in Muniqa(index_copy, progress=False).data.documents
    run_cli("remove", "omsk", "--index", idx)
    omsk.write_text("ОМСК\nВ 2024 году Омск подписал соглашение с городом Костанай.\n", encoding="utf-8")
    res = run_cli("index", str(folder), "--index", idx)                  # changed: back as well
    assert "добавлено 1" in res.stdout, res.stdout + res.stderr


def test_removing_an_uploaded_document_deletes_its_file(index_copy, tmp_path, monkeypatch):
    from muniqa.ui import documents
    home = tmp_path / "home"
    monkeypatch.setenv("MUNIQA_HOME", str(home))
    src = tmp_path / "omsk.txt"
    src.write_text("ОМСК\nВ 2023 году Омск открыл визит-центр.\n", encoding="utf-8")
    stored = documents.store_upload(src, "omsk.txt")
    m = Muniqa(index_copy, progress=False)
    doc_id, = m.index([stored]).added
    res = run_cli("remove", doc_id, "--index", str(index_copy), env={"MUNIQA_HOME": str(home)})
    assert res.returncode == 0, res.stderr
    assert not stored.exists() and "удалён загруженный файл" in res.stderr
