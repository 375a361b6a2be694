"""Provides the codebook commands: validate, load, show, export, import."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import click

from reviewkit.cli.app import cli, db_option, json_option, project_store
from reviewkit.cli.output import echo_json, warn

if TYPE_CHECKING:
    from reviewkit.codebook import Codebook
    from reviewkit.project.codebooks import CodeRow


def _summary(codebook: Codebook) -> str:
    leaves, groups = len(codebook.leaves()), len(codebook.groups())
    return f"{leaves} code{'s' * (leaves != 1)} in {groups} group{'s' * (groups != 1)}"


@cli.group()
def codebook() -> None:
    """Check, load, show and exchange codebooks (YAML; REFI-QDA .qdc; Taguette CSV).

    The YAML format is described in docs/codebook-format.md.

    Example:

    \b
        reviewkit codebook validate codebooks/cluster-upgrading.yaml
        reviewkit codebook load codebooks/cluster-upgrading.yaml
        reviewkit codebook show
    """


@codebook.command()
@click.argument("file", type=click.Path(dir_okay=False))
def validate(file: str) -> None:
    """Check a YAML codebook; list every problem and its place.

    Exit code 0 and a one-line summary when valid; 1 with the list of problems otherwise.

    Example:

    \b
        reviewkit codebook validate codebooks/cluster-upgrading.yaml
    """
    from reviewkit.codebook import load_codebook

    cb = load_codebook(file)
    click.echo(f"{file}: valid — {_summary(cb)} ({cb.name} {cb.version})")


@codebook.command()
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
def load(file: str, db_path: str) -> None:
    """Store a YAML codebook in the project as a version.

    An edited file becomes a new version; codings made under an older version keep pointing at it.

    Example:

    \b
        reviewkit codebook load codebooks/cluster-upgrading.yaml --db review.db
    """
    from reviewkit.project.codebooks import load_codebook_file

    store = project_store(db_path, create=True)
    result = load_codebook_file(store, file)
    cb = result.codebook
    if result.unchanged:
        click.echo(f"unchanged: {cb.name} {cb.version} is already version {result.number}")
    elif not result.is_new_version:
        click.echo(f"restored {cb.name} {cb.version} (version {result.number}) as the current version")
    else:
        click.echo(f"loaded {cb.name} {cb.version} as version {result.number} ({_summary(cb)})")


def _label(row: CodeRow) -> str:
    labels = [row.code.label[lang] for lang in ("en", "zh") if row.code.label.get(lang)]
    labels += [text for lang, text in row.code.label.items() if lang not in ("en", "zh") and text]
    return " / ".join(labels)


def _echo_tree(rows: list[CodeRow], *, definitions: bool) -> None:
    width = max((len("  " * r.depth + r.code.id) for r in rows), default=0) + 2
    for row in rows:
        head = ("  " * row.depth + row.code.id).ljust(width) + _label(row)
        if row.counts:
            c = row.counts
            head += f"  [suggested {c.get('suggested', 0)}, accepted {c.get('accepted', 0)}, rejected {c.get('rejected', 0)}]"
        click.echo(head)
        if definitions and row.code.definition:
            indent = "  " * (row.depth + 2)
            click.echo(
                textwrap.fill(row.code.definition, width=100, initial_indent=indent, subsequent_indent=indent)
            )


@codebook.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--version-id", type=int, help="Show this stored version (row id) instead of the current one.")
@click.option("--short", is_flag=True, help="Leave out the definitions.")
@db_option
@json_option
def show(file: str | None, version_id: int | None, short: bool, db_path: str, as_json: bool) -> None:
    """Print the code tree with definitions and counts.

    Labels are shown in English and Chinese; counts (suggested, accepted, rejected) come from the
    project. With FILE, show a YAML codebook without opening a project.

    Example:

    \b
        reviewkit codebook show
        reviewkit codebook show --json --db review.db
        reviewkit codebook show codebooks/cluster-upgrading.yaml --short
    """
    from reviewkit.project.codebooks import resolve_codebook, tree_json, tree_rows

    codebook_id: int | None = None
    if file:
        from reviewkit.codebook import load_codebook

        cb = load_codebook(file)
        rows = tree_rows(cb)
        title = f"{cb.name} {cb.version} ({file}): {_summary(cb)}"
    else:
        store = project_store(db_path)
        codebook_id, cb = resolve_codebook(store, version_id)
        rows = tree_rows(cb, store.codebooks.counts(codebook_id))
        number = next(
            (v.number for v in store.codebooks.versions(cb.name) if v.id == codebook_id), codebook_id
        )
        title = f"{cb.name} {cb.version} (stored version {number}): {_summary(cb)}"
    if as_json:
        echo_json(tree_json(cb, rows, codebook_id))
        return
    click.echo(title)
    _echo_tree(rows, definitions=not short)


@codebook.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["qdc", "yaml"]), help="Output format (default: from OUT's suffix)."
)
@click.option(
    "--codebook",
    "codebook_file",
    type=click.Path(dir_okay=False),
    help="Export this YAML file instead of the project's codebook.",
)
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@click.option(
    "--validate", "check", is_flag=True, help="Check the .qdc against the REFI Codebook-mrt2019.xsd first."
)
@db_option
def export(
    out: str, fmt: str | None, codebook_file: str | None, force: bool, check: bool, db_path: str
) -> None:
    """Write a codebook as REFI-QDA .qdc or as YAML.

    Exports the project's current codebook, or the YAML file given with --codebook. Code GUIDs in the .qdc stay the same between exports of the same codebook.

    Example:

    \b
        reviewkit codebook export --format qdc codebook.qdc
        reviewkit codebook export --codebook codebooks/cluster-upgrading.yaml --validate cb.qdc
    """
    from reviewkit.errors import ExportError
    from reviewkit.project.codebooks import export_codebook, resolve_codebook

    if fmt is None:
        suffix = out.rsplit(".", 1)[-1].lower() if "." in out else ""
        if suffix not in ("qdc", "yaml", "yml"):
            raise ExportError(f"Cannot tell the format from {out!r}; pass --format qdc or --format yaml.")
        fmt = "yaml" if suffix == "yml" else suffix
    if codebook_file:
        from reviewkit.codebook import load_codebook

        cb = load_codebook(codebook_file)
    else:
        store = project_store(db_path)
        cb = resolve_codebook(store)[1]
    path = export_codebook(cb, out, fmt, force=force, validate=check)
    click.echo(
        f"wrote {path} ({fmt}: {cb.name} {cb.version}, {len(cb.codes)} codes{', valid' if check else ''})"
    )


@codebook.command(name="import")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="The YAML file to write."
)
@click.option("--force", is_flag=True, help="Overwrite the output if it exists.")
def import_(source: str, out: str, force: bool) -> None:
    """Convert a .qdc, .qdpx, .qde or Taguette .csv codebook to YAML.

    Names become labels and dotted ids; descriptions become definitions. Add keywords and
    examples, then check with `reviewkit codebook validate`.

    Example:

    \b
        reviewkit codebook import nvivo-codes.qdc -o codebooks/mine.yaml
        reviewkit codebook import project.qdpx -o codebooks/from-atlas.yaml
    """
    from reviewkit.project.codebooks import import_to_yaml

    cb, problems = import_to_yaml(source, out, force=force)
    click.echo(f"wrote {out}: {cb.name}, {len(cb.codes)} codes ({_summary(cb)}) from {source}")
    if problems:
        warn(
            f"{len(problems)} thing(s) to complete before `reviewkit codebook load` "
            f"(definitions, examples...): see `reviewkit codebook validate {out}`"
        )
