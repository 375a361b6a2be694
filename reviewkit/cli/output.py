"""Provides output helpers shared by the command modules: tables, JSON, progress bars on stderr."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from reviewkit.records import MATCH_END, MATCH_START

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d+)*|\d*\.\d+)(%|[eE][-+]?\d+)?$|^(n/a|nan|-|—)$")


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def echo_json(value: Any) -> None:
    """Print `value` as pretty JSON (Chinese kept readable; dataclasses as objects)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=_jsonable))


class Snippet(str):
    """A search snippet whose matched words are marked with `MATCH_START`/`MATCH_END`."""

    def rich(self) -> Text:
        """The snippet with the matched words highlighted (for a terminal)."""
        from rich.text import Text

        text = Text()
        for i, part in enumerate(re.split(f"[{MATCH_START}{MATCH_END}]", self)):
            text.append(part, style="bold reverse" if i % 2 else "")
        return text

    def __str__(self) -> str:
        return plain_snippet(self)


def plain_snippet(snippet: str) -> str:
    """A search snippet without its match marks (piped output, JSON)."""
    return snippet.replace(MATCH_START, "").replace(MATCH_END, "")


def is_number(value: Any) -> bool:
    """Whether a cell holds a number (never wrapped or cut in a table)."""
    return isinstance(value, int | float) or bool(_NUMBER.match(str(value).strip()))


def echo_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    optional: Sequence[str] = (),
) -> None:
    """Print a table: rich in a terminal, plain tab-separated text when stdout is not a terminal.

    Numbers are never wrapped or cut; in a narrow terminal the text columns wrap, and the
    `optional` columns (less important ones) are dropped first when the table cannot fit.

    Args:
        headers: column names.
        rows: the cells (None prints as empty).
        title: a line above the table.
        optional: headers of columns that may be dropped in a narrow terminal.
    """
    from rich.table import Table

    console = _console()
    if not console.is_terminal:
        if title:
            click.echo(title)
        click.echo("\t".join(headers))
        for row in rows:
            click.echo("\t".join("" if v is None else str(v).replace("\t", " ").replace("\n", " ") for v in row))
        return
    numeric = [bool(rows) and all(v is None or is_number(v) for v in col) for col in zip(*rows, strict=False)]
    numeric += [False] * (len(headers) - len(numeric))
    keep = list(range(len(headers)))

    def widths(cols: list[int]) -> int:
        fixed = sum(max([len(headers[i])] + [len(str(r[i])) for r in rows]) + 3 for i in cols if numeric[i] or i == 0)
        return fixed + sum(8 + 3 for i in cols if not (numeric[i] or i == 0)) + 1

    for name in optional:
        if name in headers and widths(keep) > console.width:
            keep.remove(headers.index(name))
    table = Table(title=title, show_lines=False, header_style="bold")
    for i in keep:
        if numeric[i]:
            width = max([len(headers[i])] + [len(str(r[i])) for r in rows])
            table.add_column(headers[i], no_wrap=True, min_width=width, justify="right")
        else:
            table.add_column(headers[i], no_wrap=i == 0, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row[i]) for i in keep))
    console.print(table)


def _console() -> Console:
    """The console tables print to (stdout; tests replace it to render at a given width)."""
    from rich.console import Console

    return Console(soft_wrap=False)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Snippet):
        return value.rich()
    from rich.markup import escape

    return escape(str(value))


def warn(message: str) -> None:
    """A warning on stderr (keeps stdout clean for pipes)."""
    click.echo(message, err=True)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int, str], None]]:
    """A rich progress bar on stderr (only when stderr is a terminal); yields progress(done, total, stage)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int, stage: str = "") -> None:
            bar.update(task, completed=done, total=total, description=stage or description)

        yield update
