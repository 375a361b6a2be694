"""Provides the analysis commands: code co-occurrence and coder assignments."""

from __future__ import annotations

import csv
import sys

import click

from reviewkit.cli.app import cli, db_option, project_store
from reviewkit.cli.output import echo_json, echo_table


@cli.command(name="cooccurrence")
@click.option("--level", type=click.Choice(["document", "passage"]), default="document", show_default=True,
              help="Units where both codes apply: documents or passages.")  # fmt: skip
@click.option("--source", metavar="SOURCE",
              help="Whose codes count: coder:NAME, consensus, any or suggested (default as `reviewkit trends`).")  # fmt: skip
@click.option("--measure", type=click.Choice(["count", "jaccard", "conditional"]), default="count", show_default=True)
@click.option("--codes", help="Comma-separated code ids (default: every code that occurs).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@db_option
def cooccurrence_cmd(level: str, source: str | None, measure: str, codes: str | None, fmt: str, db_path: str) -> None:
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

    rep = code_cooccurrence(project_store(db_path), level=level, source=source, codes=codes)
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
