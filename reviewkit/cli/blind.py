"""Provides the `blind` command group (start, end, status) and the gate other commands pass while blind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import click

from reviewkit.cli.app import cli, db_option, default_coder, json_option, project_store
from reviewkit.cli.output import echo_json

if TYPE_CHECKING:
    from collections.abc import Callable

    from reviewkit.project import Store

F = TypeVar("F", bound="Callable[..., Any]")


def lead_option(fn: F) -> F:
    """The ``--lead NAME`` option of the commands a blind coder may not run."""
    return click.option(
        "--lead", default=None, metavar="NAME",
        help="While the project is blind (reviewkit blind start): the lead reviewer who may see every coder's decisions.",
    )(fn)  # fmt: skip


def gate(store: Store, what: str, lead: str | None) -> None:
    """Refuse `what` for a blind coder (the CLI's coder name) unless a lead is named (see project.blinding)."""
    from reviewkit.project.blinding import require_unblinded

    require_unblinded(store, what, default_coder(), lead)


@cli.group()
def blind() -> None:
    """Blind double coding as a fact of the project: start, end (by a lead reviewer), status.

    While blind, commands that would show a blinded coder other coders' decisions refuse unless
    --lead NAME is given (disagreements, agreement, export, trends over others, progress of
    others, screen conflicts/status/resolve/export), and `reviewkit review` opens blind. The
    coder is $REVIEWKIT_CODER, else the login name. Start and end are audited; the methods
    report states the blinding.

    Example:

    \b
        reviewkit blind start --coders alice,bob
        reviewkit blind status
        reviewkit blind end --lead carol
    """


@blind.command(name="start")
@click.option("--coders", default="", help="The blinded coders, comma-separated (default: every coder).")
@db_option
def blind_start(coders: str, db_path: str) -> None:
    """Start blinding: the coders see only their own decisions until a lead reviewer ends it.

    Example:

    \b
        reviewkit blind start --coders alice,bob
    """
    from reviewkit.project.blinding import start

    names = [c.strip() for c in coders.split(",") if c.strip()]
    period = start(project_store(db_path), names, default_coder())
    who = ", ".join(period.coders) or "every coder"
    click.echo(f"Blind from {period.started_at[:16]} for {who} (started by {period.started_by}).")


@blind.command(name="end")
@click.option("--lead", required=True, metavar="NAME", help="The lead reviewer who ends blinding.")
@db_option
def blind_end(lead: str, db_path: str) -> None:
    """End blinding (a lead reviewer, not one of the blinded coders).

    Example:

    \b
        reviewkit blind end --lead carol
    """
    from reviewkit.project.blinding import end

    period = end(project_store(db_path), lead)
    click.echo(f"Blinding ended at {str(period.ended_at)[:16]} by {period.ended_by} (blind since {period.started_at[:16]}).")


@blind.command(name="status")
@json_option
@db_option
def blind_status(as_json: bool, db_path: str) -> None:
    """Whether the project is blind, for whom, and the blinding periods recorded.

    Example:

    \b
        reviewkit blind status --json
    """
    from dataclasses import asdict

    from reviewkit.project.blinding import current, periods

    store = project_store(db_path)
    found = periods(store)
    if as_json:
        echo_json({"blind": current(store) is not None, "periods": [asdict(p) for p in found]})
        return
    now = current(store)
    click.echo("Not blind." if now is None else f"Blind since {now.started_at[:16]} for {', '.join(now.coders) or 'every coder'}.")
    for p in found:
        end = f"ended {p.ended_at[:16]} by {p.ended_by}" if p.ended_at else "active"
        click.echo(f"  {p.started_at[:16]} started by {p.started_by} ({', '.join(p.coders) or 'every coder'}): {end}")


def gate_source(store: Store, source: str | None, lead: str | None, what: str) -> str | None:
    """The codes source a command may use: a blind coder gets their own (`coder:NAME`) or `suggested`.

    While blind and without --lead, no source means ``coder:NAME`` (said on stderr) and any other
    source than ``coder:NAME`` or ``suggested`` is refused; with --lead the source stays as given.
    """
    from reviewkit.cli.output import warn
    from reviewkit.project.blinding import is_blind

    me = default_coder()
    if lead is not None:
        gate(store, what, lead)  # checks the lead is not a blinded coder
        return source
    if not is_blind(store, me):
        return source
    if source is None:
        warn(f"The project is blind: {what} from your own decisions (source coder:{me}).")
        return f"coder:{me}"
    if source not in ("suggested", f"coder:{me}"):
        gate(store, f"{what} from source {source}", lead)
    return source
