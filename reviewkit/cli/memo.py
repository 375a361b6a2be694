"""Provides the memo commands: notes on a passage, a document, a code or the project."""

from __future__ import annotations

from dataclasses import asdict

import click

from reviewkit.cli.app import cli, db_option, default_coder, json_option, project_store
from reviewkit.cli.blind import gate, lead_option
from reviewkit.cli.output import echo_json, echo_table, warn

_ON = "passage:ID, document:ID (or key), code:ID or project"


@cli.group()
def memo() -> None:
    """Memos: timestamped, attributed notes on passages, documents, codes and the project.

    Example:

    \b
        reviewkit memo add --on passage:12 "Upgrading here means process, not product."
        reviewkit memo list --on code:up.a
        reviewkit export memos memos.csv
    """


@memo.command(name="add")
@click.option("--on", "on", required=True, help=f"What the memo is about: {_ON}.")
@click.option("--coder", default=default_coder, show_default="$REVIEWKIT_CODER or login name", help="Who writes it.")
@click.argument("text")
@db_option
def add_cmd(on: str, coder: str, text: str, db_path: str) -> None:
    """Write a memo (timestamped, attributed and kept in the audit trail).

    Example:

    \b
        reviewkit memo add --on document:wen2005 "Check the full text for the survey design."
        reviewkit memo add --on project "Round 2 uses codebook v3."
    """
    from reviewkit.project.memos import add_memo

    m = add_memo(project_store(db_path), on, text, coder)
    click.echo(f"Memo {m.id} on {on} by {m.coder} at {m.created_at}.")


@memo.command(name="list")
@click.option("--on", "on", help=f"Only the memos on: {_ON}.")
@click.option("--coder", help="Only this coder's memos.")
@lead_option
@json_option
@db_option
def list_cmd(on: str | None, coder: str | None, lead: str | None, as_json: bool, db_path: str) -> None:
    """List memos, oldest first.

    Example:

    \b
        reviewkit memo list
        reviewkit memo list --on passage:12 --json
    """
    from reviewkit.project.blinding import is_blind
    from reviewkit.project.memos import list_memos

    store = project_store(db_path)
    me = default_coder()
    if coder is None and lead is None and is_blind(store, me):
        warn(f"The project is blind: your own memos only ({me}).")
        coder = me
    elif coder != me:
        gate(store, "other coders' memos", lead)
    memos = list_memos(store, on, coder=coder)
    if as_json:
        echo_json([asdict(m) for m in memos])
        return
    rows = [(m.id, m.target_kind if m.target_kind == "project" else f"{m.target_kind}:{m.target}",
             m.coder, m.created_at[:19], m.text) for m in memos]  # fmt: skip
    echo_table(("id", "on", "coder", "written", "text"), rows, title=f"{len(rows)} memo(s)")


@memo.command(name="delete")
@click.argument("memo_id", type=int)
@click.option("--coder", default=default_coder, show_default="$REVIEWKIT_CODER or login name", help="Who deletes it.")
@db_option
def delete_cmd(memo_id: int, coder: str, db_path: str) -> None:
    """Delete a memo (the row and the audit trail keep it, marked deleted).

    Example:

    \b
        reviewkit memo delete 3
    """
    from reviewkit.project.memos import delete_memo

    m = delete_memo(project_store(db_path), memo_id, coder)
    click.echo(f"Deleted memo {m.id} ({m.target_kind} {m.target}).")
