"""Provides `reviewkit screen export|import`: screening decisions exchanged with ASReview and Rayyan."""

from __future__ import annotations

import click

from reviewkit.cli.app import db_option, default_coder, project_store
from reviewkit.cli.blind import gate, lead_option
from reviewkit.cli.output import warn
from reviewkit.cli.screen import screen, stage_option


@screen.command(name="export")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--coder", default=None, help="One reviewer's decisions (default: the final decisions).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@stage_option
@lead_option
@db_option
def export_cmd(out: str, coder: str | None, force: bool, stage: str, lead: str | None, db_path: str) -> None:
    """Export every record with its screening decision: OUT.csv (ASReview's label_included) or OUT.ris.

    The RIS notes carry ASReview_relevant/irrelevant and Rayyan's RAYYAN-INCLUSION with the
    exclusion reason, as ASReview and Rayyan users exchange them.

    Example:

    \b
        reviewkit screen export screened.csv
        reviewkit screen export screened.ris --coder alice
    """
    from reviewkit.project.screening_io import export_decisions

    store = project_store(db_path)
    if coder != default_coder():
        gate(store, "other reviewers' screening decisions", lead)
    n = export_decisions(store, out, coder=coder, stage=stage, force=force)
    click.echo(f"Wrote {n} records to {out}")


@screen.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--reviewer", required=True, help="Whose decisions the file holds.")
@click.option("--format", "fmt", default=None, help="Force the file format (csv, ris, ...); default: detect.")
@stage_option
@db_option
def import_cmd(file: str, reviewer: str, fmt: str | None, stage: str, db_path: str) -> None:
    """Import screening decisions from ASReview (label_included CSV/RIS) or Rayyan (RIS inclusion notes).

    Records are matched to documents by DOI, then by normalised title and year; unmatched and
    unlabelled records are listed, never guessed.

    Example:

    \b
        reviewkit screen import asreview-export.csv --reviewer alice
        reviewkit screen import rayyan.ris --reviewer bob
    """
    from reviewkit.project.screening_io import import_decisions

    r = import_decisions(project_store(db_path), file, reviewer, fmt=fmt, stage=stage)
    click.echo(f"{r.path} [{r.format}]: {r.records} records; {reviewer}: {r.included} included, {r.excluded} excluded, {r.maybe} maybe; "
               f"{len(r.unmatched)} unmatched, {len(r.unlabelled)} unlabelled")  # fmt: skip
    for where in r.unmatched:
        warn(f"unmatched: {where}")
    for where in r.unlabelled:
        warn(f"unlabelled: {where}")
