"""Provides `reviewkit screen stop|resume`: a lead reviewer's explicit, audited stop of title/abstract screening."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from reviewkit.cli.app import db_option, json_option, project_store
from reviewkit.cli.blind import gate
from reviewkit.cli.output import echo_json
from reviewkit.cli.screen import screen

if TYPE_CHECKING:
    from reviewkit.project import Store

_STAGE = click.option("--stage", type=click.Choice(["title_abstract", "full_text"]), default="title_abstract",
                      show_default=True, help="Screening stage (only title_abstract can be stopped).")  # fmt: skip


def stop_status(store: Store, stage: str) -> tuple[list[str], dict[str, Any]]:
    """What `screen status` adds about a stop: its lines and its JSON keys (``not_screened``, ``stopped``)."""
    from dataclasses import asdict

    from reviewkit.project.screening_stop import current, stop_line, unscreened

    left = unscreened(store, stage)
    found = current(store, stage)
    lines = [f"not screened: {left}"] + ([stop_line(found, left)] if found else [])
    return lines, {"not_screened": left, "stopped": asdict(found) if found else None}


@screen.command(name="stop")
@click.option("--lead", required=True, metavar="NAME", help="The lead reviewer who stops screening.")
@click.option("--note", default="", help="Why screening stops (kept with the stop).")
@click.option("--coder", default=None,
              help="The reviewer whose stopping aid is recorded (default: the one with the most decisions).")  # fmt: skip
@_STAGE
@json_option
@db_option
def stop_cmd(lead: str, note: str, coder: str | None, stage: str, as_json: bool, db_path: str) -> None:
    """Record that screening stopped early: the records nobody screened count as ineligible by automation tools.

    The stop keeps its time, the lead, the note and the stopping aid's figures at that moment
    (screened, included, records since the last inclusion, estimate left, the heuristic); it is
    audited. `reviewkit prisma` then draws the flow with the unscreened records in "Records marked
    as ineligible by automation tools", and the methods report states the stop. Maybe and
    conflicts stay pending. `reviewkit screen resume --lead NAME` undoes it.

    Example:

    \b
        reviewkit screen stop --lead carol --note "heuristic reached"
        reviewkit screen resume --lead carol
    """
    from dataclasses import asdict

    from reviewkit.project.screening_stop import stop, unscreened

    store = project_store(db_path)
    gate(store, "stopping screening for every reviewer", lead)
    found = stop(store, lead, stage=stage, note=note, coder=coder)
    left = unscreened(store, stage)
    if as_json:
        echo_json({**asdict(found), "not_screened": left})
        return
    click.echo(
        f"Screening at {stage} stopped at {found.stopped_at[:16]} by {lead} after {found.screened} of "
        f"{found.total} records ({found.coder}: {found.since_last_inclusion} since the last inclusion; "
        f"heuristic {'reached' if found.heuristic_met else 'not reached'}: {found.rule}). "
        f"{left} record(s) not screened count as marked ineligible by automation tools."
    )


@screen.command(name="resume")
@click.option("--lead", required=True, metavar="NAME", help="The lead reviewer who resumes screening.")
@_STAGE
@db_option
def resume_cmd(lead: str, stage: str, db_path: str) -> None:
    """Lift a stop (`reviewkit screen stop`): the unscreened records are pending again (audited).

    Example:

    \b
        reviewkit screen resume --lead carol
    """
    from reviewkit.project.screening_stop import resume

    store = project_store(db_path)
    gate(store, "resuming screening for every reviewer", lead)
    found = resume(store, lead, stage=stage)
    click.echo(f"Screening at {stage} resumed at {str(found.resumed_at)[:16]} by {lead} "
               f"(stopped {found.stopped_at[:16]} by {found.lead}).")  # fmt: skip
