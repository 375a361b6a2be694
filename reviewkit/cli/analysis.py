"""Provides the analysis commands: code co-occurrence and coder assignments."""

from __future__ import annotations

import csv
import sys
from dataclasses import asdict

import click

from reviewkit.cli.app import cli, db_option, json_option, project_store
from reviewkit.cli.blind import gate_source, lead_option
from reviewkit.cli.output import echo_json, echo_table


@cli.command(name="cooccurrence")
@click.option("--level", type=click.Choice(["document", "passage"]), default="document", show_default=True,
              help="Units where both codes apply: documents or passages.")  # fmt: skip
@click.option("--source", metavar="SOURCE",
              help="Whose codes count: coder:NAME, consensus, any or suggested (default as `reviewkit trends`).")  # fmt: skip
@click.option("--measure", type=click.Choice(["count", "jaccard", "conditional"]), default="count", show_default=True)
@click.option("--codes", help="Comma-separated code ids (default: every code that occurs).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@lead_option
@db_option
def cooccurrence_cmd(
    level: str, source: str | None, measure: str, codes: str | None, fmt: str, lead: str | None, db_path: str
) -> None:
    """Co-occurrence matrix of codes: reviewed units where both codes count as applied.

    The diagonal is the units carrying the code. jaccard = both / either; conditional = of the
    row code's units, the share also carrying the column code. csv and json give the long form
    (code_a, code_b, count, jaccard, conditional).

    Example:

    \b
        reviewkit cooccurrence
        reviewkit cooccurrence --level passage --source coder:alice --measure jaccard
        reviewkit cooccurrence --format csv > cooccurrence.csv
    """
    from reviewkit.project.cooccurrence import code_cooccurrence

    store = project_store(db_path)
    source = gate_source(store, source, lead, "co-occurrence")
    rep = code_cooccurrence(store, level=level, source=source, codes=codes)
    m = rep.matrix
    if fmt == "json":
        echo_json({"source": rep.source, "level": level, "reviewed_documents": rep.reviewed_documents,
                   "units": m.units, "codes": list(m.codes), "cells": [c.as_dict() for c in m.cells()]})  # fmt: skip
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["code_a", "code_b", "count", "jaccard", "conditional"])
        for c in m.cells():
            writer.writerow([c.code_a, c.code_b, c.count, f"{c.jaccard:.4g}", f"{c.conditional:.4g}"])
        return
    rows = [(r["code"], *(_cell(r[b], measure) for b in m.codes)) for r in m.matrix(measure)]
    echo_table(("code", *m.codes), rows,
               title=f"Co-occurrence ({measure}) over {m.units} {level}(s); source {rep.source}; "
                     f"{rep.reviewed_documents} document(s) reviewed")  # fmt: skip


def _cell(value: float, measure: str) -> str:
    return str(int(value)) if measure == "count" else f"{value:.2f}"


@cli.command(name="assign")
@click.option("--coders", help="The coders, comma-separated (alice,bob,carol).")
@click.option("--overlap", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              help="Share of the documents every coder codes (the sample agreement is computed on).")  # fmt: skip
@click.option("--seed", type=int, help="Random seed (default: the seed of the plan in force, else a new one).")
@click.option("--show", is_flag=True, help="Show the plan in force instead of assigning.")
@click.option("--all", "all_documents", is_flag=True, help="Once screening has begun: every document, not only the included.")
@json_option
@db_option
def assign_cmd(
    coders: str | None, overlap: float, seed: int | None, show: bool, all_documents: bool, as_json: bool, db_path: str
) -> None:
    """Split the documents among coders, with a random overlap sample that every coder codes.

    Re-running adds new documents by the same rule and keeps every existing assignment. The
    overlap sample is what `reviewkit agreement --sample overlap` uses.

    Example:

    \b
        reviewkit assign --coders alice,bob,carol --overlap 0.2 --seed 7
        reviewkit assign --show --json
    """
    from reviewkit.project.assignments import plan_assignments, show_assignments

    store = project_store(db_path)
    if show:
        summary = show_assignments(store)
    else:
        names = [c.strip() for c in (coders or "").split(",") if c.strip()]
        if not names:
            raise click.UsageError("Name the coders: --coders alice,bob (or --show for the plan in force).")
        summary = plan_assignments(store, names, overlap, seed=seed, all_documents=all_documents)
    if as_json:
        echo_json(asdict(summary))
        return
    if not summary.documents:
        click.echo("No assignments yet: `reviewkit assign --coders alice,bob --overlap 0.2`.")
        return
    echo_table(("coder", "documents"), list(summary.coders.items()),
               title=f"{summary.documents} documents assigned (seed {summary.seed})")  # fmt: skip
    click.echo(f"Overlap sample: {summary.overlap} documents, coded by every coder.")
    if not show:
        click.echo(f"{summary.added} document(s) newly assigned.")
