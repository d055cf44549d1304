"""click's own words («Usage:», «Show this message and exit.», «Missing argument») in Russian.

click marks its messages for gettext but ships no Russian catalogue, so a Russian command
line printed English around Russian text. Each click module binds ``_`` to
``gettext.gettext``; ``install()`` rebinds it to a lookup in the small table below (anything
not in it passes through unchanged). Only the muniqa command calls ``install()``.
"""
from __future__ import annotations

import gettext

RU = {
    "Usage:": "Использование:",
    "Options": "Параметры",
    "Commands": "Команды",
    "Positional arguments": "Аргументы",
    "Show this message and exit.": "Показать эту справку и выйти.",
    "Show the version and exit.": "Показать версию и выйти.",
    "Aborted!": "Прервано.",
    "Error: {message}": "ошибка: {message}",
    "Try '{command} {option}' for help.": "Справка: '{command} {option}'.",
    "Invalid value: {message}": "Неверное значение: {message}",
    "Invalid value for {param_hint}: {message}": "Неверное значение {param_hint}: {message}",
    "Missing argument": "Не хватает аргумента",
    "Missing option": "Не хватает параметра",
    "Missing parameter": "Не хватает параметра",
    "Missing {param_type}": "Не хватает: {param_type}",
    "Missing parameter: {param_name}": "Не хватает параметра: {param_name}",
    "No such option {name!r}.": "Нет такого параметра {name!r}.",
    "No such command {name!r}.": "Нет такой команды {name!r}.",
    "Missing command.": "Не указана команда.",
    "Choose from:\n\t{choices}": "Выберите из:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} — не число ({number_type}).",
    "{value} is not in the range {range}.": "{value} вне допустимого диапазона {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} не существует.",
    "{name} {filename!r} is a file.": "{name} {filename!r} — файл, а нужна папка.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} — папка, а нужен файл.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} не читается.",
    "file": "файл", "directory": "папка", "path": "путь",
    "Option {name!r} does not take a value.": "Параметр {name!r} не принимает значения.",
    "Argument {name!r} takes {nargs} values.": "Аргумент {name!r} принимает {nargs} значения.",
    "default: {default}": "по умолчанию: {default}",
    "env var: {var}": "переменная окружения: {var}",
}


def _ru(message: str) -> str:
    return RU.get(message, gettext.gettext(message))


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _ru(singular if n == 1 else plural)


def install() -> None:
    """Make click speak Russian in this process."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _ru
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
