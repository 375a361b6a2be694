"""Provides the PRISMA 2020 counts filled from the project, and the flow diagram written to a file.

Which project count fills which box is the table of docs/report.md; in short:

- records identified: one entry per import run (the database its content names, and its file
  name: "Scopus (export.csv)"), n = records read from the file,
  skipped ones included (`reviewkit stats`: records imported + records skipped);
- duplicates removed automatically: sources merged at import; by a person: sources merged with
  ``reviewkit dedupe --merge`` (together `reviewkit stats`' duplicates merged);
- removed for other reasons: records skipped at import (`reviewkit stats`' records skipped);
- marked as ineligible by automation tools: once title/abstract screening was stopped early
  (`reviewkit screen stop`), the records no reviewer decided (`reviewkit screen status`' "not
  screened"); 0 otherwise;
- records screened / excluded: final title/abstract includes + excludes / excludes
  (`reviewkit screen status`);
- with a full-text stage: reports sought = title/abstract inclusions, not retrieved / assessed /
  excluded per reason / included from the final full-text decisions
  (`reviewkit screen status --stage full_text`); without one, sought = assessed = included = the
  title/abstract inclusions and nothing is excluded or missing.

Maybe decisions and unresolved conflicts are pending, not screened: the counts then fail
`PrismaCounts.check` and the figure is refused with its message until they are settled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit.errors import ExportError
from reviewkit.project.screening import FT, TA, counts, final_decisions
from reviewkit.project.screening_stop import ineligible_by_automation

if TYPE_CHECKING:
    from reviewkit.report.facts import PrismaCounts
    from reviewkit.store import Store

FORMATS = ("svg", "png", "pdf", "json")
DATABASES = {"wos": "Web of Science", "pubmed": "PubMed"}
"""Import formats that name their database (for import runs recorded before the database was detected)."""


def source_label(path: str, fmt: str, database: str = "") -> str:
    """The label of an imported file in the flow and the report.

    Args:
        path: the imported file.
        fmt: its format.
        database: the database its content named at import (`reviewkit.importers.databases`; "" unknown).

    Returns:
        "Scopus (export.csv)" when the database is known (from the content, else from a format only one
        database writes: Web of Science, PubMed), otherwise the file name.
    """
    name = Path(path).name
    database = database or DATABASES.get(fmt, "")
    return f"{database} ({name})" if database else name


def prisma_counts(store: Store) -> PrismaCounts:
    """The PRISMA 2020 counts of the project (see the module docstring)."""
    from reviewkit.report.facts import PrismaCounts

    runs = store.imports.list()
    automatic, manual = store.imports.duplicate_counts()
    ta = counts(store, stage=TA)
    automation = ineligible_by_automation(store)
    ft_final, _ = final_decisions(store, FT)
    if ft_final:
        ft = counts(store, stage=FT)
        sought, not_retrieved = ta.included, ft.not_retrieved
        assessed, reasons, included = ft.included + ft.excluded, ft.excluded_by_reason, ft.included
    else:
        sought, not_retrieved, assessed, reasons, included = ta.included, 0, ta.included, (), ta.included
    return PrismaCounts(
        databases=tuple((source_label(r.path, r.format, r.database), r.records) for r in runs),
        duplicates_automatic=automatic,
        duplicates_manual=manual,
        removed_other=sum(r.skipped for r in runs),
        ineligible_automation=automation,
        screened=ta.screened,
        excluded_screening=ta.excluded,
        sought=sought,
        not_retrieved=not_retrieved,
        assessed=assessed,
        excluded_reasons=tuple(reasons),
        included=included,
    )


def _refuse(counts: PrismaCounts) -> None:
    problems = counts.check()
    if problems:
        raise ExportError(
            "The PRISMA counts do not add up yet:\n  " + "\n  ".join(problems) + "\n"
            "Finish screening (`reviewkit screen status`: maybe and conflicts are pending; records nobody "
            "screened count only after `reviewkit screen stop --lead NAME`) and try again."
        )


def prisma_data(store: Store) -> dict[str, Any]:
    """The flow's numbers as JSON (refused, like the figure, when they do not add up).

    Raises:
        ExportError: inconsistent counts (every problem named).
    """
    from reviewkit.report.prisma import prisma_json

    counts = prisma_counts(store)
    _refuse(counts)
    return prisma_json(counts)


def write_prisma_file(
    store: Store, out: str | Path, *, fmt: str | None = None, force: bool = False
) -> PrismaCounts:
    """Draw the flow diagram into `out` (svg, png, pdf or json; from `fmt` or the suffix), atomically.

    Raises:
        ExportError: unknown format, inconsistent counts, or `out` exists without `force`.
    """
    import json

    from reviewkit.exporters.base import atomic_path
    from reviewkit.report.prisma import prisma_json, render_prisma

    path = Path(out)
    kind = (fmt or path.suffix.lstrip(".") or "svg").lower()
    if kind not in FORMATS:
        raise ExportError(f"Cannot write the PRISMA flow as {kind!r}. Available: {', '.join(FORMATS)}")
    counts = prisma_counts(store)
    _refuse(counts)
    data = (
        (json.dumps(prisma_json(counts), indent=2) + "\n").encode()
        if kind == "json"
        else render_prisma(counts, kind)
    )
    with atomic_path(path, force=force) as tmp:
        tmp.write_bytes(data)
    return counts
