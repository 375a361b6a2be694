"""Provides screening decisions exchanged with other tools: export to CSV/RIS, import from ASReview and Rayyan.

Export (final decisions, or one reviewer's with ``coder``):

- **CSV**: ``id, key, doi, year, title, abstract, decision, reason, note, label_included,
  reviewers`` — ``label_included`` (1 include, 0 exclude, empty otherwise) is ASReview's column,
  so the file is also a labelled set for `reviewkit screen simulate`.
- **RIS**: each record with two notes (N1) as ASReview and Rayyan users exchange them:
  ``ASReview_relevant``/``ASReview_irrelevant`` and ``RAYYAN-INCLUSION: {"reviewkit"=>"Included"}``
  (with ``| RAYYAN-EXCLUSION-REASONS: reason`` on exclusions).

Import (`import_decisions`): any file the importers read whose records carry a label (ASReview's
``label_included`` CSV/RIS notes, Rayyan's inclusion notes; read by
`reviewkit.project.screening_sim`). Records are matched to documents by DOI, then by normalised
title and year; unmatched and unlabelled records are reported, never guessed. The decisions are
written under the reviewer's name in one transaction (excluded records with the reason
``imported`` unless the file names a protocol reason).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reviewkit.errors import ExportError, ReviewkitError
from reviewkit.project.screening import CONSENSUS, TA, final_decisions
from reviewkit.records import Document, ScreeningDecision

if TYPE_CHECKING:
    from reviewkit.store import Store

CSV_COLUMNS = (
    "id",
    "key",
    "doi",
    "year",
    "title",
    "abstract",
    "decision",
    "reason",
    "note",
    "label_included",
    "reviewers",
)
_RAYYAN_MAYBE = re.compile(r'RAYYAN-INCLUSION:\s*\{[^}]*=>\s*\\?"?Maybe', re.IGNORECASE)
IMPORTED_REASON = "imported"
"""The exclusion reason of an imported exclusion whose file gives no protocol reason."""


def _decisions(store: Store, coder: str | None, stage: str) -> dict[int, ScreeningDecision]:
    if coder is None:
        return final_decisions(store, stage)[0]
    return {d.document_id: d for d in store.screening.list(coder=coder, stage=stage)}


def export_decisions(
    store: Store, out: str | Path, *, coder: str | None = None, stage: str = TA, force: bool = False
) -> int:
    """Write every document with its screening decision to a ``.csv`` or ``.ris`` file (atomically).

    Args:
        store: the project.
        out: the file; its suffix chooses the format.
        coder: one reviewer's decisions; None for the final decisions.
        stage: the screening stage.
        force: overwrite an existing file.

    Returns:
        The number of records written.

    Raises:
        ExportError: unknown suffix, existing file without `force`, unwritable folder.
    """
    from reviewkit.exporters.base import atomic_path

    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".ris"):
        raise ExportError(
            f"{path}: unknown screening export format {suffix or '(none)'!r}. Use .csv or .ris."
        )
    decided = _decisions(store, coder, stage)
    per_doc: dict[int, list[str]] = {}
    for d in store.screening.list(stage=stage):
        if d.coder != CONSENSUS:
            per_doc.setdefault(d.document_id, []).append(f"{d.coder}:{d.decision}")
    docs = list(store.documents.iter())
    with atomic_path(path, force=force) as tmp:
        if suffix == ".csv":
            _write_csv(tmp, docs, decided, per_doc)
        else:
            _write_ris(tmp, docs, decided)
    return len(docs)


def _label(d: ScreeningDecision | None) -> str:
    if d is None or d.decision not in ("include", "exclude"):
        return ""
    return "1" if d.decision == "include" else "0"


def _write_csv(
    tmp: Path, docs: list[Document], decided: dict[int, ScreeningDecision], per_doc: dict[int, list[str]]
) -> None:
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for doc in docs:
            d = decided.get(doc.id)
            w.writerow([
                doc.id, doc.key, doc.doi, doc.year or "", doc.title, doc.abstract,
                d.decision if d else "", d.reason if d else "", d.note if d else "", _label(d),
                ";".join(per_doc.get(doc.id, [])),
            ])  # fmt: skip


def _write_ris(tmp: Path, docs: list[Document], decided: dict[int, ScreeningDecision]) -> None:
    import rispy

    from reviewkit.exporters.ris import ris_reference

    refs = []
    for doc in docs:
        ref = ris_reference(doc, [], "")
        d = decided.get(doc.id)
        notes: list[str] = []
        if d is not None and d.decision in ("include", "exclude"):
            notes.append("ASReview_relevant" if d.decision == "include" else "ASReview_irrelevant")
            rayyan = f'RAYYAN-INCLUSION: {{"reviewkit"=>"{"Included" if d.decision == "include" else "Excluded"}"}}'
            if d.decision == "exclude" and d.reason:
                rayyan += f" | RAYYAN-EXCLUSION-REASONS: {d.reason}"
            notes.append(rayyan)
        elif d is not None and d.decision == "maybe":
            notes.append('RAYYAN-INCLUSION: {"reviewkit"=>"Maybe"}')
        if d is not None and d.note:
            notes.append(d.note)
        if notes:
            ref["notes"] = notes
        refs.append(ref)
    with tmp.open("w", encoding="utf-8") as fh:
        rispy.dump(refs, fh)


@dataclass
class ImportResult:
    """What `import_decisions` did."""

    path: str
    format: str
    reviewer: str
    records: int
    included: int = 0
    excluded: int = 0
    maybe: int = 0
    """Records Rayyan marks Maybe (imported as maybe)."""
    unlabelled: list[str] = field(default_factory=list)
    """Records without a readable label ("record N (line L): title")."""
    unmatched: list[str] = field(default_factory=list)
    """Labelled records no document matches ("record N (line L): title")."""


def _match(store: Store, doi: str, title: str, year: int | None) -> int | None:
    from reviewkit.dedupe import normalize_title

    found = store.documents.find_by_doi(doi.strip().lower()) if doi else None
    if found is None and doi:
        found = store.documents.find_by_doi(doi.strip())
    if found is not None:
        return found
    norm = normalize_title(title)
    for doc_id, other in store.documents.title_candidates(year, norm):
        if other == norm:
            return doc_id
    return None


def import_decisions(
    store: Store, path: str | Path, reviewer: str, *, fmt: str | None = None, stage: str = TA
) -> ImportResult:
    """Import a labelled file's decisions as one reviewer's (see the module docstring).

    Raises:
        ImportFormatError: unreadable file, or no label anywhere in it.
        ReviewkitError: no reviewer name, or the reserved name ``consensus``.
    """
    from reviewkit.importers import read_records
    from reviewkit.project.screening_protocol import protocol
    from reviewkit.project.screening_sim import record_label

    if not reviewer.strip() or reviewer == CONSENSUS:
        raise ReviewkitError("Name the reviewer whose decisions these are (--reviewer NAME, not consensus).")
    result = read_records(path, fmt)
    labels = [record_label(r) for r in result.records]
    if all(v is None for v in labels):
        from reviewkit.errors import ImportFormatError

        raise ImportFormatError(
            str(path), None, "no inclusion labels found (a label_included column, or ASReview/Rayyan notes)"
        )
    reasons = protocol(store).reasons
    out = ImportResult(str(path), result.format, reviewer, len(result.records))
    writes: list[tuple[int, str, str]] = []
    for i, (rec, label) in enumerate(zip(result.records, labels, strict=True), start=1):
        where = (
            f"record {i}" + (f" (line {rec.source_line})" if rec.source_line else "") + f": {rec.title[:60]}"
        )
        maybe = _RAYYAN_MAYBE.search(str(rec.raw)) is not None
        if (label is None or isinstance(label, str)) and not maybe:
            out.unlabelled.append(where)
            continue
        doc_id = _match(store, rec.doi, rec.title, rec.year)
        if doc_id is None:
            out.unmatched.append(where)
            continue
        if maybe:
            writes.append((doc_id, "maybe", ""))
            continue
        reason = ""
        if not label:
            m = re.search(r"RAYYAN-EXCLUSION-REASONS:\s*([^|\n]+)", str(rec.raw))
            given = m.group(1).strip().strip("'\"],") if m else ""
            reason = given if given in reasons else IMPORTED_REASON
        writes.append((doc_id, "include" if label else "exclude", reason))
    from reviewkit.store.audit import new_batch

    batch = new_batch()
    with store.transaction():
        for doc_id, decision, reason in writes:
            note = f"imported from {Path(path).name}"
            store.screening.set(doc_id, reviewer, decision, reason, stage=stage, note=note, batch=batch)
    out.included = sum(1 for _, d, _ in writes if d == "include")
    out.excluded = sum(1 for _, d, _ in writes if d == "exclude")
    out.maybe = sum(1 for _, d, _ in writes if d == "maybe")
    return out
