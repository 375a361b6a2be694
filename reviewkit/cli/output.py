"""Provides output helpers shared by the command modules: tables, JSON, progress bars on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click


def echo_json(value: Any) -> None:
    """Print `value` as pretty JSON (Chinese kept readable)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None) -> None:
    """Print a table with rich (wraps long cells to the terminal width)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for i, header in enumerate(headers):
        table.add_column(header, no_wrap=i == 0)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console(soft_wrap=False).print(table)


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
