"""Provides `reviewkit demo`: the bundled demo corpus and codebook, coded end to end."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from reviewkit.cli.app import cli, default_coder, project_store
from reviewkit.cli.output import echo_table, progress_bar

if TYPE_CHECKING:
    from reviewkit.project import Store


@cli.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Project file (default: ./reviewkit-demo/reviewkit.db, reused when it exists).")  # fmt: skip
@click.option("--no-tui", is_flag=True, help="Print a summary and the trends table instead of opening the app.")
@click.option("--coder", default=default_coder, show_default="$REVIEWKIT_CODER or login name", help="Who reviews.")
@click.option("--method", type=click.Choice(["hybrid", "embeddings", "rules"]), default="hybrid", show_default=True,
              help="Tagger method.")  # fmt: skip
def demo(db_path: str | None, no_tui: bool, coder: str, method: str) -> None:
    """Build the demo project (corpus/ + codebooks/cluster-upgrading.yaml), code it, open the review app.

    Running it again reopens the same project with every decision kept.

    Example:

    \b
        reviewkit demo
        reviewkit demo --no-tui
        reviewkit demo --db /tmp/demo.db --method rules --no-tui
    """
    from reviewkit.project import demo as demo_service

    path = demo_service.demo_db_path(db_path)
    store = project_store(path, create=True)
    with progress_bar("demo") as update:
        result = demo_service.build_demo(store, method=method, progress=update)
    for r in result.imports:
        click.echo(f"imported {r.path}: {r.added} added, {r.merged} merged duplicates", err=True)
    assert result.codebook is not None and result.tagging is not None
    cb = result.codebook.codebook
    click.echo(f"codebook {cb.name} {cb.version}: {len(cb.leaves())} codes in {len(cb.groups())} groups", err=True)
    click.echo(result.tagging.message(), err=True)
    if no_tui:
        _summary(store, result.stats, str(path))
        return
    from reviewkit.tui.app import make_app

    make_app(store, coder).run()


def _summary(store: Store, stats: dict[str, Any], path: str) -> None:
    from reviewkit.project import demo as demo_service

    langs = ", ".join(f"{n} {k}" for k, n in stats["by_language"].items())
    click.echo(f"Demo project: {path}")
    click.echo(
        f"{stats['documents']} documents ({langs}), {stats['years'][0]}-{stats['years'][-1]}; "
        f"{stats['passages']} passages; {stats['suggestions']} suggestions; {stats['codings']} decisions."
    )
    rows = demo_service.period_table(store)
    groups = list(dict.fromkeys(r.code for r in rows))
    table = []
    for period in dict.fromkeys(r.period for r in rows):
        cells = {r.code: r for r in rows if r.period == period}
        table.append([period, cells[groups[0]].documents, *(f"{cells[g].share:.2f}" for g in groups)])
    echo_table(["period", "documents", *groups], table,
               title="Documents with a suggested code of each group (share)")  # fmt: skip
    (first, mid, last), shifts = demo_service.code_shifts(store)
    arrows = {"rising": "↑", "falling": "↓", "flat": "→"}
    echo_table(
        ["code", f"{first}-{mid}", f"{mid + 1}-{last}", "trend"],
        [[s.code, f"{s.early:.2f}", f"{s.late:.2f}", f"{arrows[s.direction]} {s.direction}"] for s in shifts],
        title="Share of documents per code, early vs late half (suggestions)",
    )
    click.echo(f"Review it: reviewkit review --db {path}")
