"""Provides the `prisma` command: the PRISMA 2020 flow diagram of the project."""

from __future__ import annotations

import click

from reviewkit.cli.app import cli, db_option, project_store
from reviewkit.cli.output import echo_json


@cli.command()
@click.argument("out", required=False, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["svg", "png", "pdf", "json"]), default=None,
              help="Output format (default: from OUT's suffix, else svg; json without OUT prints).")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@db_option
def prisma(out: str | None, fmt: str | None, force: bool, db_path: str) -> None:
    """Draw the PRISMA 2020 flow diagram from the project's imports, deduplication and screening.

    Every number is the one `reviewkit stats` and `reviewkit screen status` print; counts that do
    not add up (records still maybe or in conflict) are refused with the problem named.

    Example:

    \b
        reviewkit prisma prisma.svg
        reviewkit prisma flow.pdf
        reviewkit prisma --format json
    """
    from reviewkit.project.prisma import prisma_data, write_prisma_file

    store = project_store(db_path)
    if out is None and fmt == "json":
        echo_json(prisma_data(store))
        return
    target = out or f"prisma.{fmt or 'svg'}"
    counts = write_prisma_file(store, target, fmt=fmt, force=force)
    click.echo(f"Wrote {target}: {counts.identified} records identified, {counts.screened} screened, "
               f"{counts.included} included.")  # fmt: skip
