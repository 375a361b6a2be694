"""Provides the click group, shared options and the translation of library errors into exit codes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from reviewkit._version import __version__
from reviewkit.config import settings
from reviewkit.errors import ReviewkitError

if TYPE_CHECKING:
    from reviewkit.project import Store

F = TypeVar("F", bound=Callable[..., Any])


class ReviewkitGroup(click.Group):
    """A click group that turns `ReviewkitError` into ``Error: ...`` with exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReviewkitError as exc:
            raise click.ClickException(str(exc)) from exc
        except sqlite3.DatabaseError as exc:  # a damaged or read-only file found mid-command
            raise click.ClickException(
                f"The project file cannot be used (SQLite said: {exc}); restore it from a backup."
            ) from exc


def db_option(fn: F) -> F:
    """The ``--db PATH`` option every project command takes (default ./reviewkit.db or $REVIEWKIT_DB)."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        default=lambda: settings().db,
        show_default="./reviewkit.db or $REVIEWKIT_DB",
        help="Project database file.",
    )(fn)


def project_store(db_path: str | Path, *, create: bool = False) -> Store:
    """Open the project for the running command; click closes it when the command ends.

    The single way a command opens its project: the store is closed by the click context
    (``ctx.call_on_close``), also when the command fails.

    Args:
        db_path: the ``--db`` value.
        create: create the project file when it does not exist.
    """
    from reviewkit.project import open_project

    store = open_project(db_path, create=create)
    click.get_current_context().call_on_close(store.close)
    return store


def json_option(fn: F) -> F:
    """The ``--json`` flag for machine-readable output."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(fn)


def default_coder() -> str:
    """The coder name: $REVIEWKIT_CODER, else the login name."""
    return settings().coder


@click.group(cls=ReviewkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="reviewkit")
def cli() -> None:
    """Code literature in the terminal: import abstracts, auto-code them against a codebook,
    review by keyboard, follow concept trends and export the coded dataset.

    Every project is one SQLite file: --db PATH (default ./reviewkit.db, or $REVIEWKIT_DB).

    Example:

    \b
        reviewkit demo                 # the bundled demo, end to end
        reviewkit import scopus.csv wos.txt
        reviewkit code && reviewkit review
    """
