"""Index errors a user sees: one Russian line naming the file and saying what to do."""
from __future__ import annotations

import errno
from pathlib import Path


class IndexOpenError(Exception):
    """An index that cannot be used as it is; the message says what to do."""


class IndexWriteError(Exception):
    """A write that could not finish; the previous version of the index is still live."""


class Cancelled(Exception):
    """The user cancelled an index update; nothing was written."""


def repair_hint(index_dir: Path) -> str:
    return f"исправьте командой: muniqa index --rebuild --index {index_dir}"


_REASONS = {
    errno.ENOSPC: "на диске нет места (или закончились inode)",
    errno.EDQUOT: "превышена дисковая квота",
    errno.EROFS: "файловая система только для чтения",
    errno.EACCES: "нет прав на запись",
    errno.EPERM: "нет прав на запись",
    errno.ENOENT: "файл или папка не найдены",
    errno.EIO: "ошибка ввода-вывода диска",
}


def os_reason(exc: BaseException) -> str:
    """Why an OSError (or a library error wrapping one) happened, in Russian."""
    code = getattr(exc, "errno", None)
    if code in _REASONS:
        return _REASONS[code]
    text = str(exc)
    if "No space left" in text or "requested and" in text or "written" in text:
        return _REASONS[errno.ENOSPC]            # numpy/faiss report a short write this way
    if "Read-only" in text:
        return _REASONS[errno.EROFS]
    if "Permission denied" in text:
        return _REASONS[errno.EACCES]
    return (getattr(exc, "strerror", None) or text or type(exc).__name__).splitlines()[0]


def describe_os_error(exc: BaseException, path: Path | str | None, index_dir: Path) -> str:
    """"Не удалось записать индекс (<file>): <reason>; прежняя версия осталась рабочей"."""
    where = getattr(exc, "filename", None) or path or index_dir
    return (f"Не удалось записать индекс в {index_dir} ({where}): {os_reason(exc)}; "
            f"прежняя версия индекса осталась рабочей")
